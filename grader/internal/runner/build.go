// Package runner builds exercise test binaries and runs their tests in
// processes it controls: every test has a time limit, a process that crashes
// or hangs costs only the test it was running, and results come from the
// harness's private result channel, never from the test's output.
package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// Package is one exercise package to build.
type Package struct {
	ImportPath string
	Dir        string // absolute folder
}

// Binary is the outcome of building one package's tests.
type Binary struct {
	Path     string // the test binary; "" when the build failed
	BuildLog string // the compiler's messages when it failed
}

// Build compiles the race-enabled test binaries of pkgs into outDir with one
// go command, so that packages build in parallel and share the build cache.
// overlay maps files to the files that stand in for them (see go help build,
// -overlay).
//
// outDir may hold the binaries of an earlier Build: the go command then
// links again only the binaries whose inputs changed, so outDir should stay
// the same from one grade to the next. A package that fails to compile gets
// its messages alone, from the go command's JSON events, and its old binary
// is removed; the other packages are not affected.
func Build(ctx context.Context, root string, pkgs []Package, overlay map[string]string, outDir string) (map[string]Binary, error) {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("make build folder: %w", err)
	}
	overlayFile := filepath.Join(outDir, "overlay.json")
	data, err := json.Marshal(map[string]map[string]string{"Replace": overlay})
	if err != nil {
		return nil, fmt.Errorf("write overlay: %w", err)
	}
	if err := os.WriteFile(overlayFile, data, 0o644); err != nil {
		return nil, fmt.Errorf("write overlay: %w", err)
	}
	// -s -w leaves out the symbol table and the debug information, as go test
	// does for the binaries it runs: linking takes a third less, and stack
	// traces and race reports come from the runtime's own tables.
	args := []string{"test", "-c", "-json", "-race", "-ldflags=-s -w", "-o", outDir + string(filepath.Separator), "-overlay", overlayFile}
	paths := make([]string, len(pkgs))
	for i, p := range pkgs {
		paths[i] = p.ImportPath
	}
	out, buildErr := goCommand(ctx, root, append(args, paths...)...)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	failed, explained := buildFailures(out, paths)
	binaries := map[string]Binary{}
	for _, p := range pkgs {
		bin := filepath.Join(outDir, filepath.Base(p.Dir)+".test")
		log, fails := failed[p.ImportPath]
		switch {
		case buildErr == nil || explained && !fails:
			binaries[p.ImportPath] = Binary{Path: bin}
			continue
		case fails:
			os.Remove(bin)
			binaries[p.ImportPath] = Binary{BuildLog: cleanBuildLog(log, root, overlay)}
			continue
		}
		// The go command failed for a reason its events do not tie to
		// packages of pkgs (a dependency, the module): build this package
		// alone, from scratch, for a clean message.
		os.Remove(bin)
		out, err := goCommand(ctx, root, append(args, p.ImportPath)...)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err == nil && fileExists(bin) {
			binaries[p.ImportPath] = Binary{Path: bin}
			continue
		}
		failed, _ := buildFailures(out, []string{p.ImportPath})
		log, ok := failed[p.ImportPath]
		if !ok {
			log = plainOutput(out)
		}
		binaries[p.ImportPath] = Binary{BuildLog: cleanBuildLog(log, root, overlay)}
	}
	return binaries, nil
}

// buildEvent is one line of go test -c -json's build output.
type buildEvent struct {
	ImportPath string
	Action     string
	Output     string
}

// buildFailures reads go test -json's build events and returns the build
// output of each package of paths that failed to build. explained reports
// whether every failure the events name is one of those packages, so that
// the other packages' binaries can be trusted.
func buildFailures(out string, paths []string) (failed map[string]string, explained bool) {
	output := map[string]*strings.Builder{}
	failed = map[string]string{}
	explained = true
	for line := range strings.Lines(out) {
		var ev buildEvent
		if json.Unmarshal([]byte(line), &ev) != nil || ev.ImportPath == "" {
			continue
		}
		pkg := testedPackage(ev.ImportPath)
		switch ev.Action {
		case "build-output":
			if output[pkg] == nil {
				output[pkg] = &strings.Builder{}
			}
			output[pkg].WriteString(ev.Output)
		case "build-fail":
			if !slices.Contains(paths, pkg) {
				explained = false
				continue
			}
			failed[pkg] = ""
		}
	}
	for pkg := range failed {
		if b := output[pkg]; b != nil {
			failed[pkg] = b.String()
		}
	}
	return failed, explained
}

// testedPackage names the package a build event is about: "p_test [p.test]"
// and "p [p.test]" are both the tests of p.
func testedPackage(importPath string) string {
	path, variant, ok := strings.Cut(importPath, " [")
	if !ok {
		return path
	}
	return strings.TrimSuffix(strings.TrimSuffix(variant, "]"), ".test")
}

// plainOutput keeps the lines of the go command's output that are not JSON
// events: its own messages.
func plainOutput(out string) string {
	var b strings.Builder
	for line := range strings.Lines(out) {
		if !strings.HasPrefix(line, "{") {
			b.WriteString(line)
		}
	}
	return b.String()
}

func goCommand(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	// The clean room is the whole module: no workspace file and no vendor
	// folder takes part, whatever the environment says.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.String(), err
}

func fileExists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir()
}

// cleanBuildLog keeps the compiler's messages, with paths relative to root
// and the overlay's stand-in files named as the files they stand in for.
func cleanBuildLog(log, root string, overlay map[string]string) string {
	for path, backing := range overlay {
		if backing == "" {
			continue
		}
		log = strings.ReplaceAll(log, backing, path)
		// The go command names a file near root by its relative path.
		if rel, err := filepath.Rel(root, backing); err == nil {
			log = strings.ReplaceAll(log, rel, path)
		}
	}
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		if strings.HasPrefix(line, "FAIL") || strings.HasPrefix(line, "go: ") && strings.Contains(line, "overlay") {
			continue
		}
		lines = append(lines, strings.ReplaceAll(line, root+string(filepath.Separator), ""))
	}
	return strings.Join(lines, "\n")
}
