// Package source checks the student's files before they are built: it reads
// them as plain regular files, and refuses files that could reach past the
// exercise (forbidden imports, cgo, and compiler directives such as
// //go:linkname, //go:norace or //line). It also finds the tests of the kit's
// test files.
package source

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxFileSize bounds a student file. Real solutions are a few kilobytes; the
// bound keeps a huge or endless file from taking the grader's memory.
const MaxFileSize = 1 << 20

// Refusal is a student file the grader will not build, with the reason.
type Refusal struct {
	File   string // base name
	Line   int    // 0 when the whole file is refused
	Reason string
}

func (r *Refusal) Error() string {
	if r.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", r.File, r.Line, r.Reason)
	}
	return fmt.Sprintf("%s: %s", r.File, r.Reason)
}

// ReadStudentFile reads the student file at path, reported as name. Only a
// regular file of at most MaxFileSize bytes is read: a missing file, a
// symbolic link, a device, a folder or an oversized file is a *Refusal.
// Any other error means the file could not be read.
func ReadStudentFile(path, name string) ([]byte, error) {
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &Refusal{File: name, Reason: "the file is missing; restore the stub from the kit (git checkout -- the file)"}
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", name, err)
	case info.Mode()&fs.ModeSymlink != 0:
		return nil, &Refusal{File: name, Reason: "the file is a symbolic link; the grader reads only regular files"}
	case !info.Mode().IsRegular():
		return nil, &Refusal{File: name, Reason: "the file is not a regular file (" + info.Mode().Type().String() + ")"}
	case info.Size() > MaxFileSize:
		return nil, &Refusal{File: name, Reason: fmt.Sprintf("the file is larger than %d KiB", MaxFileSize>>10)}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	defer f.Close()
	// The size may have changed since Lstat: never read past the bound.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > MaxFileSize {
		return nil, &Refusal{File: name, Reason: fmt.Sprintf("the file is larger than %d KiB", MaxFileSize>>10)}
	}
	return data, nil
}

// Check applies the rules to one student file, src, reported as name: its
// imports must be in allowed, it may not use cgo, and it may hold no compiler
// directive other than a build constraint.
func Check(name string, src []byte, allowed []string) error {
	if err := checkDirectives(name, src); err != nil {
		return err
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, parser.ImportsOnly)
	if err != nil {
		// A syntax error is the compiler's to report, with its own message.
		return nil
	}
	for _, imp := range file.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		line := fset.Position(imp.Pos()).Line
		if path == "C" {
			return &Refusal{File: name, Line: line, Reason: "cgo is not allowed in exercises"}
		}
		if !slices.Contains(allowed, path) {
			return &Refusal{File: name, Line: line, Reason: fmt.Sprintf(
				"import %q is not allowed in this exercise (allowed: %s)", path, strings.Join(allowed, ", "))}
		}
	}
	return nil
}

// checkDirectives refuses every comment the compiler could take as a
// directive: //go:xxx (linkname, norace, nosplit, embed, ...), //line and
// /*line*/, and cgo's //export. Only //go:build constraints are allowed. Every
// comment of the file is looked at, wherever it stands, through the Go
// scanner, so a directive cannot hide in a spot a line-based search misses.
func checkDirectives(name string, src []byte) error {
	fset := token.NewFileSet()
	file := fset.AddFile(name, -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, func(token.Position, string) {}, scanner.ScanComments)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return nil
		}
		if tok != token.COMMENT {
			continue
		}
		text := lit[2:] // without the // or /*
		var directive string
		switch {
		case strings.HasPrefix(text, "go:build ") || text == "go:build":
			continue
		case strings.HasPrefix(text, "go:"):
			directive, _, _ = strings.Cut("//"+text, " ")
		case strings.HasPrefix(text, "line ") || strings.HasPrefix(text, "line\t"):
			directive = lit[:2] + "line"
		case strings.HasPrefix(text, "export "):
			directive = "//export"
		default:
			continue
		}
		directive = strings.TrimSuffix(directive, "*/")
		return &Refusal{File: name, Line: fset.Position(pos).Line, Reason: directive +
			" is not allowed in exercises (no compiler directives other than //go:build)"}
	}
}

// TestFunctions lists the top-level TestXxx(t *testing.T) functions of a
// test file, src, in source order.
func TestFunctions(filename string, src []byte) ([]string, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parse kit test file: %w", err)
	}
	var tests []string
	for _, decl := range file.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || !isTestName(fn.Name.Name) {
			continue
		}
		if params := fn.Type.Params.List; len(params) == 1 && isTestingT(params[0].Type) {
			tests = append(tests, fn.Name.Name)
		}
	}
	if len(tests) == 0 {
		return nil, fmt.Errorf("kit test file %s has no tests", filename)
	}
	return tests, nil
}

// isTestName follows the go command's rule: Test, then nothing or a
// character that is not a lower-case letter.
func isTestName(name string) bool {
	rest, ok := strings.CutPrefix(name, "Test")
	if !ok {
		return false
	}
	first, _ := utf8.DecodeRuneInString(rest)
	return rest == "" || !unicode.IsLower(first)
}

func isTestingT(expr ast.Expr) bool {
	star, ok := expr.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "T"
}
