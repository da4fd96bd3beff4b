package runner

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// VetAnalyzers are the go vet checks run on the student's files: the ones
// that find concurrency mistakes the tests may not (a lock copied by value,
// a context's cancel function lost) and wrong printf calls.
var VetAnalyzers = []string{"copylocks", "lostcancel", "printf"}

// Finding is one report of go vet.
type Finding struct {
	File     string // absolute
	Line     int
	Analyzer string
	Message  string
}

// Vet runs the VetAnalyzers over the packages (import paths) of the module
// at root and returns the findings by import path. Packages that do not
// build have no findings (the build reports them).
func Vet(ctx context.Context, root string, packages []string) (map[string][]Finding, error) {
	if len(packages) == 0 {
		return nil, nil
	}
	args := []string{"vet", "-json"}
	for _, a := range VetAnalyzers {
		args = append(args, "-"+a)
	}
	cmd := exec.CommandContext(ctx, "go", append(args, packages...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	var out bytes.Buffer
	// go vet -json writes the findings to stderr, one JSON object per
	// package, between the go command's own messages.
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return nil, fmt.Errorf("go vet: %w", err)
	}
	return parseVet(out.Bytes()), nil
}

// vetReport is go vet -json's object for one package: analyzer name to
// diagnostics.
type vetReport map[string]map[string][]struct {
	Posn    string `json:"posn"`
	Message string `json:"message"`
}

// parseVet reads go vet -json's output: JSON objects, and lines that are
// not JSON (the go command's own messages), which are skipped.
func parseVet(out []byte) map[string][]Finding {
	findings := map[string][]Finding{}
	for len(out) > 0 {
		i := bytes.IndexByte(out, '{')
		if i < 0 {
			break
		}
		dec := json.NewDecoder(bytes.NewReader(out[i:]))
		var rep vetReport
		if err := dec.Decode(&rep); err != nil {
			// Not an object of ours: look past this brace.
			out = out[i+1:]
			continue
		}
		out = out[i+int(dec.InputOffset()):]
		for pkg, analyzers := range rep {
			// "pkg [pkg.test]" is the package compiled with its tests.
			pkg, _, _ = strings.Cut(pkg, " ")
			for analyzer, diags := range analyzers {
				for _, d := range diags {
					file, line := splitPosn(d.Posn)
					f := Finding{File: file, Line: line, Analyzer: analyzer, Message: d.Message}
					if !containsFinding(findings[pkg], f) {
						findings[pkg] = append(findings[pkg], f)
					}
				}
			}
		}
	}
	for _, list := range findings {
		slices.SortFunc(list, func(a, b Finding) int {
			return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), strings.Compare(a.Analyzer, b.Analyzer))
		})
	}
	return findings
}

// splitPosn splits "file:line:col".
func splitPosn(posn string) (string, int) {
	parts := strings.Split(posn, ":")
	if len(parts) < 3 {
		return posn, 0
	}
	line, _ := strconv.Atoi(parts[len(parts)-2])
	return strings.Join(parts[:len(parts)-2], ":"), line
}

func containsFinding(list []Finding, f Finding) bool {
	for _, g := range list {
		if g == f {
			return true
		}
	}
	return false
}
