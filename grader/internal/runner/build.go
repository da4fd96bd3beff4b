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
// A package that fails to compile is built once more on its own to get its
// messages alone; the others are not affected.
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
	args := []string{"test", "-c", "-race", "-o", outDir + string(filepath.Separator), "-overlay", overlayFile}
	paths := make([]string, len(pkgs))
	for i, p := range pkgs {
		paths[i] = p.ImportPath
	}
	_, buildErr := goCommand(ctx, root, append(args, paths...)...)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	binaries := map[string]Binary{}
	for _, p := range pkgs {
		bin := filepath.Join(outDir, filepath.Base(p.Dir)+".test")
		if buildErr == nil || fileExists(bin) {
			binaries[p.ImportPath] = Binary{Path: bin}
			continue
		}
		// Build the failing package alone for a clean message.
		log, err := goCommand(ctx, root, append(args, p.ImportPath)...)
		if err == nil && fileExists(bin) {
			binaries[p.ImportPath] = Binary{Path: bin}
			continue
		}
		binaries[p.ImportPath] = Binary{BuildLog: cleanBuildLog(log, root, overlay)}
	}
	return binaries, nil
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
		if backing != "" {
			log = strings.ReplaceAll(log, backing, path)
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
