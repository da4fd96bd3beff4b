// Package mutate makes concurrency-specific mutants of a Go source file: a
// reference solution with one plausible concurrency mistake put in (a lock
// pair deleted, a Broadcast turned into a Signal, a wait turned into a
// sleep, ...). Grading every mutant measures the tests: a mutant that still
// gets full marks is a mistake the tests do not catch.
//
// Generate works on the syntax tree alone (go/parser, go/ast): it finds the
// sites, edits the original text at the nodes' offsets and gofmts the
// result, so a mutant differs from the original only where it was mutated
// and Diff shows a small, readable change. The operators, one mutant per
// site:
//
//	drop-lock           delete X.Lock() and its X.Unlock() calls (deferred or
//	                    not, later in the same function; failing that, in a
//	                    closure of the same function, as in lockAll)
//	drop-rlock          the same for X.RLock() and X.RUnlock()
//	lock-to-rlock       X.Lock()/X.Unlock() -> X.RLock()/X.RUnlock(), when X
//	                    is declared as a sync.RWMutex (or RLock is called on it)
//	swap-locks          swap A.Lock() and a later B.Lock() of the same block,
//	                    taken while A is held
//	drop-wait           delete wg.Wait() on a sync.WaitGroup
//	add-in-goroutine    move wg.Add(n) into the go statement that follows it;
//	                    also wg.Go(f) -> go func() { wg.Add(1); defer wg.Done(); f() }()
//	wait-to-sleep       <-ch -> select { case <-ch: default: time.Sleep(1ms) };
//	                    wg.Wait() -> time.Sleep(1ms); cond.Wait() ->
//	                    cond.L.Unlock(); time.Sleep(1ms); cond.L.Lock()
//	broadcast-to-signal X.Broadcast() -> X.Signal()
//	wait-for-to-if      for cond { ... Wait ... } -> if cond { ... }, when the
//	                    loop waits on a sync.Cond (directly, or through a
//	                    function of the file that does)
//	drop-close          delete close(ch), deferred or not
//	drop-ctx-done       delete `case <-ctx.Done():` from a select with other cases
//	buffer-channel      make(chan T) or make(chan T, 0) -> make(chan T, 1)
//	unbuffer-channel    make(chan T, n) -> make(chan T)
//	atomic-to-plain     atomic.AddInt64(&x, d) -> x += d (and the other
//	                    function forms); on typed atomics v.Add(d) ->
//	                    v.Store(v.Load() + d), CompareAndSwap and Swap -> a
//	                    Load and a Store
//
// Without type-checking, the kind of a value (a sync.RWMutex, a
// sync.WaitGroup, a sync.Cond, a context.Context, a typed atomic) is found
// from the file's own declarations (see resolver), and, when those do not
// tell, from the methods the file calls on the same expression. Mutants are
// made to compile: a deleted statement that held the last use of a local
// variable becomes `_ = v`, an import whose last use went is removed, and
// package time is imported when a mutant sleeps. Every mutant of the kit's
// reference solutions type-checks (a test checks it); in other code a
// mutant may still fail to build, which the caller reports as killed by the
// build.
package mutate

import (
	"bytes"
	"cmp"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
)

// The operator names. They are stable: IDs, reports and the equivalent
// mutant files use them.
const (
	OpDropLock          = "drop-lock"
	OpDropRLock         = "drop-rlock"
	OpLockToRLock       = "lock-to-rlock"
	OpDropWait          = "drop-wait"
	OpAddInGoroutine    = "add-in-goroutine"
	OpBroadcastToSignal = "broadcast-to-signal"
	OpWaitForToIf       = "wait-for-to-if"
	OpSwapLocks         = "swap-locks"
	OpDropClose         = "drop-close"
	OpDropCtxDone       = "drop-ctx-done"
	OpBufferChannel     = "buffer-channel"
	OpUnbufferChannel   = "unbuffer-channel"
	OpWaitToSleep       = "wait-to-sleep"
	OpAtomicToPlain     = "atomic-to-plain"
)

// Operators lists every operator name, in the order Generate reports
// mutants that share a line.
var Operators = []string{
	OpDropLock, OpDropRLock, OpLockToRLock, OpSwapLocks,
	OpDropWait, OpAddInGoroutine, OpWaitToSleep,
	OpBroadcastToSignal, OpWaitForToIf,
	OpDropClose, OpDropCtxDone, OpBufferChannel, OpUnbufferChannel,
	OpAtomicToPlain,
}

// FileScope is the function part of the ID of a mutant outside any function
// (in a package-level variable's initializer, for example).
const FileScope = "<file-scope>"

// Mutant is one mutated version of a file.
type Mutant struct {
	// Operator is the operator's name, one of Operators.
	Operator string
	// ID names the mutant: "<operator> <function>#<n>", for example
	// "drop-lock Queue.Put#1". The function is Recv.Method, Func or
	// FileScope; n counts this operator's sites within that function, in
	// source order, from 1. It does not change when code outside the
	// function changes. IDs are unique within a file.
	ID string
	// File is the base name of the file.
	File string
	// Line is the line of the mutated node in the original file.
	Line int
	// Description says in one line what was changed.
	Description string
	// Source is the whole mutated file.
	Source []byte
}

// String returns "file:line: ID: description".
func (m Mutant) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", m.File, m.Line, m.ID, m.Description)
}

// edit replaces src[from:to] with text.
type edit struct {
	from, to int
	text     string
}

// site is one mutation found in the file, before it is applied.
type site struct {
	op    string
	node  ast.Node // the mutated node: gives the line, the order and the function
	desc  string
	edits []edit
	time  bool   // the edits use package time: import it if needed
	id    string // set by mutants
}

// Generate parses src (the contents of filename) and returns its mutants:
// one per operator and site, ordered by line, then by operator (the order
// of Operators), then by position. The same input always gives the same
// list. A file that does not parse is an error.
func Generate(filename string, src []byte) ([]Mutant, error) {
	g, err := newGen(filename, src)
	if err != nil {
		return nil, err
	}
	for _, find := range finders {
		find(g)
	}
	return g.mutants(), nil
}

// finders find the sites of every operator.
var finders = []func(*gen){
	findLockPairs, findSwapLocks,
	findDropWait, findAddInGoroutine, findWaitToSleep,
	findBroadcast, findWaitForToIf,
	findDropClose, findDropCtxDone, findChannelBuffers,
	findAtomics,
}

// gen holds one file and the sites found in it so far.
type gen struct {
	name  string // base name
	fset  *token.FileSet
	tf    *token.File
	file  *ast.File
	src   []byte
	res   *resolver
	sites []site
	// gofmted: src is gofmt-clean, so mutants are gofmted too. A file that
	// is not keeps its own layout, so that a mutant's diff stays small.
	gofmted bool
}

// newGen parses the file and indexes it.
func newGen(filename string, src []byte) (*gen, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, filename, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	g := &gen{name: filepath.Base(filename), fset: fset, tf: fset.File(file.Pos()), file: file, src: src}
	formatted, err := format.Source(src)
	g.gofmted = err == nil && bytes.Equal(formatted, src)
	g.res = newResolver(file)
	return g, nil
}

// add records a site.
func (g *gen) add(op string, node ast.Node, desc string, edits ...edit) {
	g.sites = append(g.sites, site{op: op, node: node, desc: desc, edits: edits})
}

// addTimed records a site whose edits use package time.
func (g *gen) addTimed(op string, node ast.Node, desc string, edits ...edit) {
	g.sites = append(g.sites, site{op: op, node: node, desc: desc, edits: edits, time: true})
}

// mutants names the sites, orders them and applies them.
func (g *gen) mutants() []Mutant {
	// Ordinals count in source order within (operator, function).
	slices.SortStableFunc(g.sites, func(a, b site) int { return cmp.Compare(a.node.Pos(), b.node.Pos()) })
	count := map[string]int{}
	for i := range g.sites {
		key := g.sites[i].op + " " + g.res.funcName(g.sites[i].node)
		count[key]++
		g.sites[i].id = fmt.Sprintf("%s#%d", key, count[key])
	}
	rank := map[string]int{}
	for i, op := range Operators {
		rank[op] = i
	}
	slices.SortStableFunc(g.sites, func(a, b site) int {
		return cmp.Or(cmp.Compare(g.line(a.node.Pos()), g.line(b.node.Pos())), cmp.Compare(rank[a.op], rank[b.op]))
	})
	out := make([]Mutant, 0, len(g.sites))
	for _, s := range g.sites {
		out = append(out, Mutant{
			Operator:    s.op,
			ID:          s.id,
			File:        g.name,
			Line:        g.line(s.node.Pos()),
			Description: s.desc,
			Source:      g.apply(s),
		})
	}
	return out
}

// apply returns the source with s's edits made, imports fixed and gofmt
// applied (when the result parses).
func (g *gen) apply(s site) []byte {
	edits := slices.Clone(s.edits)
	if s.time {
		if e, ok := g.timeImportEdit(); ok {
			edits = append(edits, e)
		}
	}
	out := applyEdits(g.src, edits)
	out = dropUnusedImports(g.src, out)
	if !g.gofmted {
		return out // formatting would change unrelated lines too
	}
	if formatted, err := format.Source(out); err == nil {
		return formatted
	}
	return out
}

// applyEdits makes non-overlapping edits on a copy of src.
func applyEdits(src []byte, edits []edit) []byte {
	slices.SortStableFunc(edits, func(a, b edit) int { return cmp.Compare(a.from, b.from) })
	var b strings.Builder
	last := 0
	for _, e := range edits {
		if e.from < last { // overlapping: keep the first, skip this one
			continue
		}
		b.Write(src[last:e.from])
		b.WriteString(e.text)
		last = e.to
	}
	b.Write(src[last:])
	return []byte(b.String())
}

// off returns the byte offset of pos.
func (g *gen) off(pos token.Pos) int { return g.tf.Offset(pos) }

// line returns the line of pos.
func (g *gen) line(pos token.Pos) int { return g.tf.Line(pos) }

// text returns the source text of n.
func (g *gen) text(n ast.Node) string { return string(g.src[g.off(n.Pos()):g.off(n.End())]) }

// replace returns the edit that replaces n with text.
func (g *gen) replace(n ast.Node, text string) edit {
	return edit{g.off(n.Pos()), g.off(n.End()), text}
}

// insert returns the edit that inserts text at pos.
func (g *gen) insert(pos token.Pos, text string) edit {
	return edit{g.off(pos), g.off(pos), text}
}

// remove returns the edit that deletes n. When n is alone on its lines
// (apart from a trailing // comment), the whole lines go.
func (g *gen) remove(n ast.Node) edit {
	return removeSpan(g.src, g.off(n.Pos()), g.off(n.End()))
}

// removeSpan returns the edit that deletes src[from:to], with its lines
// when nothing else but blanks and a trailing // comment is on them.
func removeSpan(src []byte, from, to int) edit {
	start := from
	for start > 0 && (src[start-1] == ' ' || src[start-1] == '\t') {
		start--
	}
	if start > 0 && src[start-1] != '\n' {
		return edit{from, to, ""}
	}
	end := to
	for end < len(src) && src[end] != '\n' {
		end++
	}
	rest := strings.TrimSpace(string(src[to:end]))
	if rest != "" && !strings.HasPrefix(rest, "//") {
		return edit{from, to, ""}
	}
	if end < len(src) {
		end++
	}
	return edit{start, end, ""}
}

// short returns n's text on one line, cut to a readable length, for
// descriptions.
func (g *gen) short(n ast.Node) string {
	s := strings.Join(strings.Fields(g.text(n)), " ")
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}
