// Package lockorder rewrites a student's Go file for the grader's lock-order
// run: every sync.Mutex and sync.RWMutex becomes the matching type of the
// kit's lockcheck package, which go-deadlock watches, and every sync.Cond
// becomes lockcheck's Cond. Whatever the student
// does with the mutex (a field, an embedded field, a variable, a pointer), the
// check sees it. The result is handed to the compiler as an overlay; the
// student's file on disk is never changed.
package lockorder

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"slices"
	"strconv"
)

// CheckerPath is the import path of the replacement mutex types.
const CheckerPath = "github.com/concurrency-kit/kit/exercises/internal/lockcheck"

// checkerName is the name the rewritten file imports CheckerPath under; it
// is not a name a student would pick.
const checkerName = "kitlockcheck"

// replaced are the sync names the rewrite replaces: the mutexes, and the
// condition variable, whose waits a test can ask to be delayed
// (harness.DelayCondWaits).
var replaced = map[string]bool{"Mutex": true, "RWMutex": true, "Cond": true, "NewCond": true}

// Rewrite returns src with sync.Mutex, sync.RWMutex, sync.Cond and
// sync.NewCond replaced. A file that
// does not import sync, or does not parse, comes back unchanged (the compiler
// reports syntax errors better than the rewrite could).
//
// The rewrite edits the text in place and adds nothing on a line of its own
// before the student's code, so every line keeps its number and messages
// still point at the student's own lines.
func Rewrite(filename string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	if err != nil {
		return src, nil
	}
	// sync may be imported more than once, under different names; a mutex
	// declared through any of them must be replaced.
	syncNames := map[string]bool{}
	for _, name := range importNames(file, "sync") {
		if name == "." {
			return nil, fmt.Errorf("%s: dot-import of sync is not supported; import \"sync\" by name", filename)
		}
		if name != "_" {
			syncNames[name] = true
		}
	}
	if len(syncNames) == 0 {
		return src, nil
	}
	type edit struct{ from, to int }
	var edits []edit // the spans of the "sync" qualifiers to replace
	ast.Inspect(file, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok || !replaced[sel.Sel.Name] {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); ok && syncNames[x.Name] {
			edits = append(edits, edit{fset.Position(x.Pos()).Offset, fset.Position(x.End()).Offset})
		}
		return true
	})
	if len(edits) == 0 {
		return src, nil
	}
	slices.SortFunc(edits, func(a, b edit) int { return a.from - b.from })
	var out bytes.Buffer
	// The import goes on the package clause's line: "package x; import ...".
	afterPackage := fset.Position(file.Name.End()).Offset
	out.Write(src[:afterPackage])
	fmt.Fprintf(&out, "; import %s %q", checkerName, CheckerPath)
	last := afterPackage
	for _, e := range edits {
		out.Write(src[last:e.from])
		out.WriteString(checkerName)
		last = e.to
	}
	out.Write(src[last:])
	// sync may now be unused; keep the imports used, after the student's code.
	out.WriteString("\n")
	for _, name := range slices.Sorted(maps.Keys(syncNames)) {
		fmt.Fprintf(&out, "var _ %s.Locker\n", name)
	}
	return out.Bytes(), nil
}

// importNames lists the names under which file imports path.
func importNames(file *ast.File, path string) []string {
	var names []string
	for _, imp := range file.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == path {
			if imp.Name != nil {
				names = append(names, imp.Name.Name)
			} else {
				names = append(names, path)
			}
		}
	}
	return names
}
