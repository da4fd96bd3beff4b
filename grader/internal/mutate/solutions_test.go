package mutate

import (
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// solutionFiles returns the kit's reference solutions.
func solutionFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../../solutions/*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, "_test.go") })
	if len(files) == 0 {
		t.Fatal("no solution files found under ../../../solutions")
	}
	return files
}

// TestSolutions runs Generate on every reference solution: every mutant
// must parse, differ from the original, be gofmt-clean, have a unique ID
// and a line inside the file, and the list must be the same on a second
// run.
func TestSolutions(t *testing.T) {
	for _, f := range solutionFiles(t) {
		t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := Generate(f, src)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) == 0 {
				t.Errorf("no mutants")
			}
			checkMutants(t, src, ms)
			again, err := Generate(f, src)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(ms, again, equalMutant) {
				t.Errorf("a second Generate gave a different list")
			}
		})
	}
}

// equalMutant compares two mutants field by field.
func equalMutant(a, b Mutant) bool {
	return a.Operator == b.Operator && a.ID == b.ID && a.File == b.File && a.Line == b.Line &&
		a.Description == b.Description && string(a.Source) == string(b.Source)
}

// checkMutants checks what every mutant list must satisfy.
func checkMutants(t *testing.T, src []byte, ms []Mutant) {
	t.Helper()
	seen := map[string]bool{}
	lines := countLines(src)
	for _, m := range ms {
		if seen[m.ID] {
			t.Errorf("duplicate ID %q", m.ID)
		}
		seen[m.ID] = true
		if !idPattern.MatchString(m.ID) || !slices.Contains(Operators, m.Operator) {
			t.Errorf("%s: bad ID or operator %q", m.ID, m.Operator)
		}
		if m.Line < 1 || m.Line > lines {
			t.Errorf("%s: line %d outside the file", m.ID, m.Line)
		}
		if string(m.Source) == string(src) {
			t.Errorf("%s: source unchanged", m.ID)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), m.File, m.Source, 0); err != nil {
			t.Errorf("%s: mutant does not parse: %v\n%s", m.ID, err, m.Source)
		} else if formatted, _ := format.Source(m.Source); string(formatted) != string(m.Source) {
			t.Errorf("%s: mutant is not gofmt-clean", m.ID)
		}
		if Diff(m, src) == "" {
			t.Errorf("%s: empty diff", m.ID)
		}
	}
}

// countLines returns the number of lines of src.
func countLines(src []byte) int {
	return len(splitLines(string(src)))
}

// TestSolutionMutantsTypeCheck type-checks every mutant of every reference
// solution (against the standard library's export data): the mutants must
// compile, so that the mutation check spends its time on tests, not on
// build failures.
func TestSolutionMutantsTypeCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks every mutant")
	}
	for _, f := range solutionFiles(t) {
		t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			t.Parallel()
			fset := token.NewFileSet()
			imp := importer.ForCompiler(fset, "gc", nil)
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := typeCheck(fset, imp, f, src); err != nil {
				t.Fatalf("the original does not type-check: %v", err)
			}
			ms, err := Generate(f, src)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				if err := typeCheck(fset, imp, f, m.Source); err != nil {
					t.Errorf("%s does not type-check: %v\n%s", m.ID, err, Diff(m, src))
				}
			}
		})
	}
}

// typeCheck type-checks one file as a package of its own.
func typeCheck(fset *token.FileSet, imp types.Importer, name string, src []byte) error {
	file, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		return err
	}
	conf := types.Config{Importer: imp}
	_, err = conf.Check(file.Name.Name, fset, []*ast.File{file}, nil)
	return err
}

// generateFile reads a file and returns its mutants.
func generateFile(t *testing.T, path string) []Mutant {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := Generate(path, src)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}
