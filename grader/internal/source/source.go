// Package source inspects an exercise folder before it is built: it finds the
// kit's tests and refuses student files that could reach past the exercise
// (forbidden imports, //go:linkname, cgo, assembly, extra test files).
package source

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Folder is what an exercise folder holds.
type Folder struct {
	// StudentFiles are the absolute paths of the non-test Go files.
	StudentFiles []string
	// Tests are the top-level test functions of the kit's test file, in
	// source order.
	Tests []string
}

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

// Rules say what a folder may hold.
type Rules struct {
	// TestFile is the base name of the kit's test file.
	TestFile string
	// AllowedImports are the packages student files may import.
	AllowedImports []string
	// Replace maps a student file's absolute path to the file that stands in
	// for it (a reference solution or a wrong fixture), "" deleting it.
	Replace map[string]string
}

// Inspect reads the folder dir. A *Refusal error means the student's files
// break the rules; any other error means the folder could not be read.
func Inspect(dir string, rules Rules) (*Folder, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read exercise folder: %w", err)
	}
	folder := &Folder{}
	sawTestFile := false
	for _, entry := range entries {
		name := entry.Name()
		if entry.IsDir() {
			continue // the go command builds nothing from subfolders of a package
		}
		switch ext := filepath.Ext(name); {
		case name == rules.TestFile:
			sawTestFile = true
			tests, err := TestFunctions(filepath.Join(dir, name))
			if err != nil {
				return nil, err
			}
			folder.Tests = tests
		case strings.HasSuffix(name, "_test.go"):
			return nil, &Refusal{File: name, Reason: "extra test file: the tests come from the kit; move your code into a file not ending in _test.go"}
		case ext == ".go":
			path := filepath.Join(dir, name)
			backing, replaced := rules.Replace[path]
			if replaced && backing == "" {
				continue
			}
			if !replaced {
				backing = path
			}
			if err := checkStudentFile(backing, name, rules.AllowedImports); err != nil {
				return nil, err
			}
			folder.StudentFiles = append(folder.StudentFiles, path)
		case buildsWithGo(ext):
			return nil, &Refusal{File: name, Reason: "only Go files are allowed in an exercise folder (the go command would build this one)"}
		}
	}
	// Files an overlay adds that are not on disk.
	for path, backing := range rules.Replace {
		if backing != "" && filepath.Dir(path) == dir && !slices.Contains(folder.StudentFiles, path) {
			if err := checkStudentFile(backing, filepath.Base(path), rules.AllowedImports); err != nil {
				return nil, err
			}
			folder.StudentFiles = append(folder.StudentFiles, path)
		}
	}
	if !sawTestFile {
		return nil, fmt.Errorf("test file %s is missing from %s", rules.TestFile, dir)
	}
	if len(folder.Tests) == 0 {
		return nil, fmt.Errorf("test file %s has no tests", rules.TestFile)
	}
	slices.Sort(folder.StudentFiles)
	return folder, nil
}

// buildsWithGo reports whether the go command compiles or links files with
// this extension into a package (assembly, cgo sources, object files).
func buildsWithGo(ext string) bool {
	switch ext {
	case ".s", ".S", ".sx", ".c", ".cc", ".cpp", ".cxx", ".h", ".hh", ".hpp", ".hxx",
		".m", ".f", ".F", ".for", ".f90", ".swig", ".swigcxx", ".syso":
		return true
	}
	return false
}

// checkStudentFile parses one student file (read from backing, reported as
// name) and applies the import allow-list and the directive rules.
func checkStudentFile(backing, name string, allowed []string) error {
	src, err := os.ReadFile(backing)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, parser.ImportsOnly|parser.ParseComments)
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
	// Directives can appear anywhere, so scan the whole text, not only the
	// comments the import-only parse saw.
	for i, line := range strings.Split(string(src), "\n") {
		trimmed := strings.TrimSpace(line)
		for _, directive := range []string{"//go:linkname", "//go:cgo_", "//go:embed", "//export"} {
			if strings.HasPrefix(trimmed, directive) {
				return &Refusal{File: name, Line: i + 1, Reason: directive + " is not allowed in exercises"}
			}
		}
	}
	return nil
}

// TestFunctions lists the top-level TestXxx(t *testing.T) functions of a
// test file in source order.
func TestFunctions(path string) ([]string, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
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
