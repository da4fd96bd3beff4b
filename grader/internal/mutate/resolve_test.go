package mutate

import (
	"go/ast"
	"strings"
	"testing"
)

// kindOf names what the gen finds an expression to be.
func kindOf(g *gen, x ast.Expr) string {
	var kinds []string
	if g.isRWMutex(x) {
		kinds = append(kinds, "rwmutex")
	}
	if g.isWaitGroup(x) {
		kinds = append(kinds, "waitgroup")
	}
	if g.isCond(x) {
		kinds = append(kinds, "cond")
	}
	if g.isContext(x) {
		kinds = append(kinds, "context")
	}
	if k, elem, ok := g.typedAtomic(x); ok {
		kinds = append(kinds, "atomic."+k+"("+elem+")")
	}
	if len(kinds) == 0 {
		return "-"
	}
	return strings.Join(kinds, ",")
}

// TestResolver checks what the syntactic resolver finds for the argument of
// every probe(...) call of the source, in order.
func TestResolver(t *testing.T) {
	src := `package p

import (
	"context"
	"sync"
	"sync/atomic"
	other "example.com/other"
)

type shard struct {
	mu sync.RWMutex
	n  atomic.Int64
}

type Map struct {
	shards []shard
	byName map[string]*shard
	wg     sync.WaitGroup
	ready  *sync.Cond
	cur    atomic.Pointer[shard]
}

type plain struct{ mu sync.Mutex }

type embeds struct {
	sync.RWMutex
}

var global sync.WaitGroup

func newMap() *Map { return &Map{} }

func (m *Map) pick(i int) *shard { return &m.shards[i] }

func probe(any) {}

func (m *Map) f(ctx context.Context, i int, o *other.T, e embeds) {
	probe(m.shards[i].mu)
	probe(m.byName["a"].mu)
	probe(m.shards[i].n)
	probe(m.wg)
	probe(m.ready)
	probe(m.cur)
	probe(ctx)
	probe(global)
	s := &m.shards[i]
	probe(s.mu)
	first, second := m.pick(0), newMap()
	probe(first.mu)
	probe(second.wg)
	c, cancel := context.WithCancel(ctx)
	defer cancel()
	probe(c)
	for _, sh := range m.shards {
		probe(sh.mu)
	}
	probe(e)
	var p plain
	probe(p.mu)
	cond := sync.NewCond(&p.mu)
	probe(cond)
	probe(o.mu)
	o.wg.Add(1)
	o.wg.Done()
	probe(o.wg)
	probe(o.ctx)
	go func(ctx int) {
		probe(ctx)
		probe(m.wg)
	}(1)
}
`
	want := []string{
		"rwmutex", "rwmutex", "atomic.Int64(int64)", "waitgroup", "cond", "atomic.Pointer(*shard)",
		"context", "waitgroup", "rwmutex", "rwmutex", "waitgroup", "context", "rwmutex", "rwmutex",
		"-", "cond", "-", "waitgroup", "context", "-", "waitgroup",
	}
	g, err := newGen("p.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	ast.Inspect(g.file, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "probe" {
				got = append(got, kindOf(g, call.Args[0]))
			}
		}
		return true
	})
	if len(got) != len(want) {
		t.Fatalf("got %d probes %q, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("probe %d: got %s, want %s", i+1, got[i], want[i])
		}
	}
}

// TestUngofmtedFileKeepsItsLayout: a file that is not gofmt-clean is not
// reformatted, so the mutant's diff shows only the mutation.
func TestUngofmtedFileKeepsItsLayout(t *testing.T) {
	src := "package p\n\nfunc f(c chan int)   {\n   close(c)\n  x :=  1\n _ = x\n}\n"
	ms, err := Generate("p.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].ID != "drop-close f#1" {
		t.Fatalf("got %v", ms)
	}
	want := "package p\n\nfunc f(c chan int)   {\n  x :=  1\n _ = x\n}\n"
	if string(ms[0].Source) != want {
		t.Errorf("got %q, want %q", ms[0].Source, want)
	}
}
