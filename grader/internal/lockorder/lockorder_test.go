package lockorder

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const student = `// Package bank moves money.
package bank

import (
	"fmt"
	"sync"
)

// Account is guarded by its own mutex.
type Account struct {
	mu      sync.Mutex
	balance int
}

// Ledger embeds its lock.
type Ledger struct {
	sync.RWMutex
	entries []string
	wg      sync.WaitGroup
	once    sync.Once
	cond    *sync.Cond
}

var global sync.Mutex

var (
	table = &sync.RWMutex{}
	slots = []sync.Mutex{{}, {}}
)

type lockFor = sync.Mutex

func NewLedger() *Ledger {
	l := &Ledger{}
	l.cond = sync.NewCond(&l.RWMutex)
	return l
}

func Transfer(from, to *Account, amount int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	var pair [2]*sync.Mutex
	pair[0], pair[1] = &from.mu, &to.mu
	m := new(sync.Mutex)
	m.Lock()
	m.Unlock()
	waiting := sync.Cond{L: &global}
	waiting.Signal()
	fmt.Println(sync.Mutex{}, amount)
	func(mu *sync.RWMutex) {}(table)
}
`

func rewrite(t *testing.T, src string) string {
	t.Helper()
	out, err := Rewrite("bank.go", []byte(src))
	require.NoError(t, err)
	return string(out)
}

func TestRewriteReplacesMutexesAndConds(t *testing.T) {
	out := rewrite(t, student)
	for _, want := range []string{
		"mu      kitlockcheck.Mutex",
		"\tkitlockcheck.RWMutex\n",
		"var global kitlockcheck.Mutex",
		"table = &kitlockcheck.RWMutex{}",
		"slots = []kitlockcheck.Mutex{{}, {}}",
		"type lockFor = kitlockcheck.Mutex",
		"var pair [2]*kitlockcheck.Mutex",
		"m := new(kitlockcheck.Mutex)",
		"fmt.Println(kitlockcheck.Mutex{}, amount)",
		"func(mu *kitlockcheck.RWMutex) {}(table)",
		"cond    *kitlockcheck.Cond",
		"l.cond = kitlockcheck.NewCond(&l.RWMutex)",
		"waiting := kitlockcheck.Cond{L: &global}",
		// Other sync types stay.
		"wg      sync.WaitGroup",
		"once    sync.Once",
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "sync.Mutex")
	assert.NotContains(t, out, "sync.RWMutex")
	assert.NotContains(t, out, "sync.Cond")
	assert.NotContains(t, out, "sync.NewCond")
	assertCompilable(t, out, "sync")
}

func TestRewriteKeepsLineNumbers(t *testing.T) {
	out := rewrite(t, student)
	assertSameLines(t, student, out, "sync")
	assert.Equal(t, "var _ sync.Locker", strings.TrimSpace(out[strings.LastIndex(out, "\n}\n")+3:]))

	// The statements the compiler would report keep their line numbers.
	lineOf := func(src, needle string) int {
		i := strings.Index(src, needle)
		require.GreaterOrEqual(t, i, 0, needle)
		return strings.Count(src[:i], "\n") + 1
	}
	for _, stmt := range []string{"from.mu.Lock()", "m.Unlock()", "l.cond = ", "balance int", "func Transfer("} {
		assert.Equal(t, lineOf(student, stmt), lineOf(out, stmt), stmt)
	}
}

// assertSameLines checks that every line of src is on the same line of out,
// with the mutex types qualified by the sync names replaced, and that out
// adds lines only after src's last line.
func assertSameLines(t *testing.T, src, out string, syncNames ...string) {
	t.Helper()
	in, got := strings.Split(src, "\n"), strings.Split(out, "\n")
	require.GreaterOrEqual(t, len(got), len(in))
	for i, line := range in {
		want := line
		for _, name := range syncNames {
			want = strings.ReplaceAll(want, name+".Mutex", "kitlockcheck.Mutex")
			want = strings.ReplaceAll(want, name+".RWMutex", "kitlockcheck.RWMutex")
			want = strings.ReplaceAll(want, name+".NewCond", "kitlockcheck.NewCond")
			want = strings.ReplaceAll(want, name+".Cond", "kitlockcheck.Cond")
		}
		if strings.HasPrefix(line, "package ") {
			clause, comment, _ := strings.Cut(want, " //")
			assert.Equal(t, clause+"; import kitlockcheck "+strconv.Quote(CheckerPath), strings.TrimSuffix(got[i], " //"+comment), "line %d", i+1)
			continue
		}
		if i == len(in)-1 {
			// The last line may run on into the added declarations.
			assert.True(t, strings.HasPrefix(got[i], want), "line %d: %q", i+1, got[i])
			continue
		}
		assert.Equal(t, want, got[i], "line %d", i+1)
	}
}

func TestRewriteAliasedImport(t *testing.T) {
	src := `package counter

import s "sync"

type Counter struct {
	mu s.Mutex
	rw *s.RWMutex
	wg s.WaitGroup
	n  int
}

func (c *Counter) Inc() { c.mu.Lock(); c.n++; c.mu.Unlock() }
`
	out := rewrite(t, src)
	assert.Contains(t, out, "mu kitlockcheck.Mutex")
	assert.Contains(t, out, "rw *kitlockcheck.RWMutex")
	assert.Contains(t, out, "wg s.WaitGroup")
	assert.Contains(t, out, "\nvar _ s.Locker\n")
	assertSameLines(t, src, out, "s")
	assertCompilable(t, out, "s")
}

func TestRewriteUnchanged(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{"no sync import", "package p\n\nimport \"fmt\"\n\ntype Mutex struct{}\n\nvar sync struct{ Mutex Mutex }\n\nvar _ = sync.Mutex\nvar _ = fmt.Sprint\n"},
		{"no imports", "package p\n\nfunc F() {}\n"},
		{"blank import of sync", "package p\n\nimport _ \"sync\"\n"},
		{"sync without mutexes", "package p\n\nimport \"sync\"\n\nvar wg sync.WaitGroup\nvar once sync.Once\nvar m sync.Map\n"},
		{"syntax error", "package p\n\nimport \"sync\"\n\nvar mu sync.Mutex\nfunc {\n"},
		{"a local package named sync", "package p\n\nimport \"example.com/sync\"\n\nvar mu sync.Mutex\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Rewrite("p.go", []byte(tt.src))
			require.NoError(t, err)
			assert.Equal(t, tt.src, string(out))
		})
	}
}

func TestRewriteRefusesDotImport(t *testing.T) {
	src := "package p\n\nimport . \"sync\"\n\nvar mu Mutex\n"
	out, err := Rewrite("p.go", []byte(src))
	require.Error(t, err)
	assert.Nil(t, out)
	assert.Contains(t, err.Error(), "p.go")
	assert.Contains(t, err.Error(), "dot-import")
}

// sync imported twice under two names: a mutex declared through either name
// must be watched.
func TestRewriteSyncImportedTwice(t *testing.T) {
	src := `package p

import (
	"sync"
	locks "sync"
)

var wg sync.WaitGroup

type Pair struct {
	a sync.Mutex
	b locks.Mutex
	c locks.RWMutex
}
`
	out := rewrite(t, src)
	assert.NotContains(t, out, "sync.Mutex")
	assert.NotContains(t, out, "locks.Mutex")
	assert.NotContains(t, out, "locks.RWMutex")
	assert.Contains(t, out, "b kitlockcheck.Mutex")
	assert.Contains(t, out, "c kitlockcheck.RWMutex")
	// Both names stay used, whichever the student used only for mutexes.
	assert.Contains(t, out, "var _ sync.Locker")
	assert.Contains(t, out, "var _ locks.Locker")
	assertSameLines(t, src, out, "sync", "locks")
	assertCompilable(t, out, "sync")
	assertCompilable(t, out, "locks")

	_, err := Rewrite("p.go", []byte("package p\n\nimport (\n\t\"sync\"\n\t. \"sync\"\n)\n\nvar a sync.Mutex\nvar b Mutex\n"))
	assert.ErrorContains(t, err, "dot-import")
}

func TestRewriteFileEndingInComment(t *testing.T) {
	src := "package p // the package\n\nimport \"sync\"\n\nvar mu sync.Mutex // the lock"
	out := rewrite(t, src)
	assert.True(t, strings.HasPrefix(out, "package p; import kitlockcheck \""+CheckerPath+"\" // the package\n"), out)
	assert.Contains(t, out, "var mu kitlockcheck.Mutex // the lock\n")
	assertSameLines(t, src, out, "sync")
	assertCompilable(t, out, "sync")
}

// assertCompilable checks what the compiler will need of a rewritten file:
// it parses, it imports the checker under the name the rewrite uses, every
// mutex type comes from the checker, and sync stays used.
func assertCompilable(t *testing.T, src, syncName string) {
	t.Helper()
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "rewritten.go", src, parser.ParseComments)
	require.NoError(t, err, src)

	found := false
	for _, imp := range file.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		require.NoError(t, err)
		if path == CheckerPath {
			found = true
			require.NotNil(t, imp.Name)
			assert.Equal(t, checkerName, imp.Name.Name)
			assert.Equal(t, fset.Position(file.Package).Line, fset.Position(imp.Pos()).Line, "the checker's import is on the package clause's line")
		}
	}
	assert.True(t, found, "the rewritten file imports %s", CheckerPath)

	syncUsed := false
	ast.Inspect(file, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		x, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		if x.Name == syncName {
			syncUsed = true
			assert.False(t, replaced[sel.Sel.Name], "%s.%s left at %v", x.Name, sel.Sel.Name, fset.Position(sel.Pos()))
		}
		return true
	})
	assert.True(t, syncUsed, "%s is still used", syncName)
}
