package mutate

import (
	"strings"
	"testing"
)

// want is one expected mutant: its ID, line and whole mutated source.
type want struct {
	id   string
	line int
	src  string
}

// opCase is a table entry: the mutants of one operator on one source.
type opCase struct {
	name string
	op   string
	src  string
	want []want
}

// runOpCases checks each case: the operator's mutants, in order, with
// their IDs, lines and sources; and that every mutant parses.
func runOpCases(t *testing.T, cases []opCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			all, err := Generate("dir/x.go", []byte(c.src))
			if err != nil {
				t.Fatal(err)
			}
			checkMutants(t, []byte(c.src), all)
			var got []Mutant
			for _, m := range all {
				if m.Operator == c.op {
					got = append(got, m)
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %d %s mutants, want %d:\n%s", len(got), c.op, len(c.want), listMutants(got, c.src))
			}
			for i, w := range c.want {
				m := got[i]
				if m.ID != w.id || m.Line != w.line || m.File != "x.go" {
					t.Errorf("mutant %d: got %s %s line %d, want %s line %d", i, m.File, m.ID, m.Line, w.id, w.line)
				}
				if w.src != "" && string(m.Source) != w.src {
					t.Errorf("%s: got source\n%s\nwant\n%s\ndiff:\n%s", m.ID, m.Source, w.src, Diff(m, []byte(c.src)))
				}
				if m.Description == "" || strings.Contains(m.Description, "\n") {
					t.Errorf("%s: bad description %q", m.ID, m.Description)
				}
			}
		})
	}
}

// listMutants shows mutants and their diffs, for failure messages.
func listMutants(ms []Mutant, src string) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.String() + "\n" + Diff(m, []byte(src)))
	}
	return b.String()
}

func TestDropLock(t *testing.T) {
	runOpCases(t, []opCase{{
		name: "deferred unlock",
		op:   OpDropLock,
		src: `package p

import "sync"

type C struct {
	mu sync.Mutex
	n  int
}

func (c *C) Inc() {
	c.mu.Lock()
	defer c.mu.Unlock() // released on return
	c.n++
}
`,
		want: []want{{"drop-lock C.Inc#1", 11, `package p

import "sync"

type C struct {
	mu sync.Mutex
	n  int
}

func (c *C) Inc() {
	c.n++
}
`}},
	}, {
		name: "unlocks in a nested block and later, then a second section",
		op:   OpDropLock,
		src: `package p

import "sync"

var mu sync.Mutex

func f(stop bool) int {
	mu.Lock()
	if stop {
		mu.Unlock()
		return 0
	}
	mu.Unlock()
	mu.Lock()
	mu.Unlock()
	return 1
}
`,
		want: []want{{"drop-lock f#1", 8, `package p

import "sync"

var mu sync.Mutex

func f(stop bool) int {
	if stop {
		return 0
	}
	mu.Lock()
	mu.Unlock()
	return 1
}
`}, {"drop-lock f#2", 14, `package p

import "sync"

var mu sync.Mutex

func f(stop bool) int {
	mu.Lock()
	if stop {
		mu.Unlock()
		return 0
	}
	mu.Unlock()
	return 1
}
`}},
	}, {
		name: "unlock in a returned closure keeps the loop variable used",
		op:   OpDropLock,
		src: `package p

import "sync"

type M struct{ shards []struct{ mu sync.Mutex } }

func (m *M) lockAll() func() {
	for i := range m.shards {
		m.shards[i].mu.Lock()
	}
	return func() {
		for i := range m.shards {
			m.shards[i].mu.Unlock()
		}
	}
}
`,
		want: []want{{"drop-lock M.lockAll#1", 9, `package p

import "sync"

type M struct{ shards []struct{ mu sync.Mutex } }

func (m *M) lockAll() func() {
	for i := range m.shards {
		_ = i
	}
	return func() {
		for i := range m.shards {
			_ = i
		}
	}
}
`}},
	}, {
		name: "a local variable used only by the lock pair",
		op:   OpDropLock,
		src: `package p

import "sync"

type A struct{ mu sync.Mutex }

func both(a, b *A) {
	first, second := a, b
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()
}
`,
		want: []want{{"drop-lock both#1", 9, `package p

import "sync"

type A struct{ mu sync.Mutex }

func both(a, b *A) {
	first, second := a, b
	_ = first
	second.mu.Lock()
	defer second.mu.Unlock()
}
`}, {"drop-lock both#2", 11, ""}},
	}, {
		name: "a lock without an unlock is left alone",
		op:   OpDropLock,
		src: `package p

import "sync"

func leak(mu *sync.Mutex) {
	mu.Lock()
}
`,
	}})
}

func TestDropRLockAndLockToRLock(t *testing.T) {
	src := `package p

import "sync"

type Counter struct {
	mu sync.Mutex
	n  int
}

type Tally struct {
	mu sync.RWMutex
	m  map[string]int
}

func (c *Counter) Inc() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

func (t *Tally) Add(w string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.m[w]++
}

func (t *Tally) Count(w string) int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.m[w]
}
`
	runOpCases(t, []opCase{{
		name: "lock-to-rlock only on the RWMutex",
		op:   OpLockToRLock,
		src:  src,
		want: []want{{"lock-to-rlock Tally.Add#1", 22, strings.Replace(strings.Replace(src,
			"t.mu.Lock()", "t.mu.RLock()", 1), "defer t.mu.Unlock()", "defer t.mu.RUnlock()", 1)}},
	}, {
		name: "drop-rlock",
		op:   OpDropRLock,
		src:  src,
		want: []want{{"drop-rlock Tally.Count#1", 28, strings.Replace(src,
			"\tt.mu.RLock()\n\tdefer t.mu.RUnlock()\n", "", 1)}},
	}, {
		name: "drop-lock on both kinds",
		op:   OpDropLock,
		src:  src,
		want: []want{{"drop-lock Counter.Inc#1", 16, ""}, {"drop-lock Tally.Add#1", 22, ""}},
	}, {
		name: "lock-to-rlock through a local variable and an embedded RWMutex",
		op:   OpLockToRLock,
		src: `package p

import "sync"

type S struct {
	sync.RWMutex
	n int
}

func f(s *S) {
	var mu sync.RWMutex
	mu.Lock()
	mu.Unlock()
	s.Lock()
	s.n++
	s.Unlock()
}
`,
		want: []want{{"lock-to-rlock f#1", 12, ""}, {"lock-to-rlock f#2", 14, `package p

import "sync"

type S struct {
	sync.RWMutex
	n int
}

func f(s *S) {
	var mu sync.RWMutex
	mu.Lock()
	mu.Unlock()
	s.RLock()
	s.n++
	s.RUnlock()
}
`}},
	}})
}

func TestSwapLocks(t *testing.T) {
	runOpCases(t, []opCase{{
		name: "nested locks swap; released ones and the same lock do not",
		op:   OpSwapLocks,
		src: `package p

import "sync"

type A struct{ mu sync.Mutex }

func transfer(from, to *A) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
}

func oneAtATime(a, b *A) {
	a.mu.Lock()
	a.mu.Unlock()
	b.mu.Lock()
	b.mu.Unlock()
}
`,
		want: []want{{"swap-locks transfer#1", 8, `package p

import "sync"

type A struct{ mu sync.Mutex }

func transfer(from, to *A) {
	to.mu.Lock()
	defer from.mu.Unlock()
	from.mu.Lock()
	defer to.mu.Unlock()
}

func oneAtATime(a, b *A) {
	a.mu.Lock()
	a.mu.Unlock()
	b.mu.Lock()
	b.mu.Unlock()
}
`}},
	}})
}

func TestDropWait(t *testing.T) {
	runOpCases(t, []opCase{{
		name: "WaitGroup waits, not Cond or other waits",
		op:   OpDropWait,
		src: `package p

import "sync"

type job interface{ Wait() error }

type Q struct {
	mu   sync.Mutex
	cond *sync.Cond
	n    int
}

func (q *Q) take() {
	for q.n == 0 {
		q.cond.Wait()
	}
}

func run(j job, s interface{ Unknown() }) {
	var wg sync.WaitGroup
	wg.Go(func() {})
	wg.Wait()
	j.Wait()
}
`,
		want: []want{{"drop-wait run#1", 22, `package p

import "sync"

type job interface{ Wait() error }

type Q struct {
	mu   sync.Mutex
	cond *sync.Cond
	n    int
}

func (q *Q) take() {
	for q.n == 0 {
		q.cond.Wait()
	}
}

func run(j job, s interface{ Unknown() }) {
	var wg sync.WaitGroup
	wg.Go(func() {})
	j.Wait()
}
`}},
	}, {
		name: "unknown type: Add and Done on the same expression",
		op:   OpDropWait,
		src: `package p

import "other"

func run(s *other.S) {
	s.wg.Add(1)
	go func() { defer s.wg.Done() }()
	s.wg.Wait()
}
`,
		want: []want{{"drop-wait run#1", 8, ""}},
	}})
}

func TestAddInGoroutine(t *testing.T) {
	runOpCases(t, []opCase{{
		name: "Add before go, wg.Go with a literal and with a function value",
		op:   OpAddInGoroutine,
		src: `package p

import "sync"

func all(tasks []func()) {
	var wg sync.WaitGroup
	for _, task := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			task()
		}()
	}
	wg.Wait()
}

func two(f func()) {
	var wg sync.WaitGroup
	wg.Go(func() { f() })
	wg.Go(f)
	wg.Wait()
}
`,
		want: []want{{"add-in-goroutine all#1", 8, `package p

import "sync"

func all(tasks []func()) {
	var wg sync.WaitGroup
	for _, task := range tasks {
		go func() {
			wg.Add(1)
			defer wg.Done()
			task()
		}()
	}
	wg.Wait()
}

func two(f func()) {
	var wg sync.WaitGroup
	wg.Go(func() { f() })
	wg.Go(f)
	wg.Wait()
}
`}, {"add-in-goroutine two#1", 19, `package p

import "sync"

func all(tasks []func()) {
	var wg sync.WaitGroup
	for _, task := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			task()
		}()
	}
	wg.Wait()
}

func two(f func()) {
	var wg sync.WaitGroup
	go func() {
		wg.Add(1)
		defer wg.Done()
		f()
	}()
	wg.Go(f)
	wg.Wait()
}
`}, {"add-in-goroutine two#2", 20, `package p

import "sync"

func all(tasks []func()) {
	var wg sync.WaitGroup
	for _, task := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			task()
		}()
	}
	wg.Wait()
}

func two(f func()) {
	var wg sync.WaitGroup
	wg.Go(func() { f() })
	go func() {
		wg.Add(1)
		defer wg.Done()
		f()
	}()
	wg.Wait()
}
`}},
	}, {
		name: "Add on something that is not a WaitGroup",
		op:   OpAddInGoroutine,
		src: `package p

type counter struct{ n int }

func (c *counter) Add(d int) { c.n += d }

func f(c *counter) {
	c.Add(1)
	go func() {}()
}
`,
	}})
}

func TestBroadcastToSignal(t *testing.T) {
	runOpCases(t, []opCase{{
		name: "Cond broadcasts, not other Broadcast methods",
		op:   OpBroadcastToSignal,
		src: `package p

import "sync"

type hub struct{}

func (hub) Broadcast() {}

func f(c *sync.Cond, h hub) {
	c.Broadcast()
	h.Broadcast()
}
`,
		want: []want{{"broadcast-to-signal f#1", 10, `package p

import "sync"

type hub struct{}

func (hub) Broadcast() {}

func f(c *sync.Cond, h hub) {
	c.Signal()
	h.Broadcast()
}
`}},
	}})
}

func TestWaitForToIf(t *testing.T) {
	runOpCases(t, []opCase{{
		name: "direct Wait, Wait through a helper; not with break, init or no cond",
		op:   OpWaitForToIf,
		src: `package p

import "sync"

type Q struct {
	mu    sync.Mutex
	ready *sync.Cond
	n     int
}

func (q *Q) wait() { q.ready.Wait() }

func (q *Q) Get() {
	for q.n == 0 {
		q.ready.Wait()
	}
	for q.n > 5 {
		q.wait()
	}
	for q.n > 9 {
		if q.n == 10 {
			break
		}
		q.wait()
	}
	for i := 0; i < q.n; i++ {
		q.wait()
	}
	for q.n < 0 {
		q.n++
	}
}
`,
		want: []want{{"wait-for-to-if Q.Get#1", 14, `package p

import "sync"

type Q struct {
	mu    sync.Mutex
	ready *sync.Cond
	n     int
}

func (q *Q) wait() { q.ready.Wait() }

func (q *Q) Get() {
	if q.n == 0 {
		q.ready.Wait()
	}
	for q.n > 5 {
		q.wait()
	}
	for q.n > 9 {
		if q.n == 10 {
			break
		}
		q.wait()
	}
	for i := 0; i < q.n; i++ {
		q.wait()
	}
	for q.n < 0 {
		q.n++
	}
}
`}, {"wait-for-to-if Q.Get#2", 17, ""}},
	}})
}

func TestDropClose(t *testing.T) {
	runOpCases(t, []opCase{{
		name: "close and defer close",
		op:   OpDropClose,
		src: `package p

func gen(n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := range n {
			out <- i
		}
	}()
	return out
}

func stop(done chan struct{}) {
	close(done)
}

func local() {
	ch := make(chan int)
	close(ch)
}
`,
		want: []want{{"drop-close gen#1", 6, `package p

func gen(n int) <-chan int {
	out := make(chan int)
	go func() {
		for i := range n {
			out <- i
		}
	}()
	return out
}

func stop(done chan struct{}) {
	close(done)
}

func local() {
	ch := make(chan int)
	close(ch)
}
`}, {"drop-close stop#1", 15, ""}, {"drop-close local#1", 20, `package p

func gen(n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := range n {
			out <- i
		}
	}()
	return out
}

func stop(done chan struct{}) {
	close(done)
}

func local() {
	ch := make(chan int)
	_ = ch
}
`}},
	}})
}

func TestDropCtxDone(t *testing.T) {
	runOpCases(t, []opCase{{
		name: "contexts by type and by name; not other Done methods or lone cases",
		op:   OpDropCtxDone,
		src: `package p

import "context"

type worker struct{ done chan struct{} }

func (w *worker) Done() <-chan struct{} { return w.done }

func send(ctx context.Context, out chan<- int, v int) bool {
	select {
	case out <- v:
		return true
	case <-ctx.Done(): // given up
		return false
	}
}

func wait(parent context.Context, w *worker, in <-chan int) {
	c, cancel := context.WithCancel(parent)
	defer cancel()
	select {
	case <-w.Done():
	case <-c.Done():
	case <-in:
	}
	select {
	case <-c.Done():
	}
}
`,
		want: []want{{"drop-ctx-done send#1", 13, `package p

import "context"

type worker struct{ done chan struct{} }

func (w *worker) Done() <-chan struct{} { return w.done }

func send(ctx context.Context, out chan<- int, v int) bool {
	select {
	case out <- v:
		return true
	}
}

func wait(parent context.Context, w *worker, in <-chan int) {
	c, cancel := context.WithCancel(parent)
	defer cancel()
	select {
	case <-w.Done():
	case <-c.Done():
	case <-in:
	}
	select {
	case <-c.Done():
	}
}
`}, {"drop-ctx-done wait#1", 23, ""}},
	}})
}

func TestChannelBuffers(t *testing.T) {
	src := `package p

func f(n int) (chan int, chan int, chan int) {
	return make(chan int), make(chan int, n+1), make(chan int, 0)
}
`
	runOpCases(t, []opCase{{
		name: "buffer",
		op:   OpBufferChannel,
		src:  src,
		want: []want{
			{"buffer-channel f#1", 4, strings.Replace(src, "make(chan int),", "make(chan int, 1),", 1)},
			{"buffer-channel f#2", 4, strings.Replace(src, "make(chan int, 0)", "make(chan int, 1)", 1)},
		},
	}, {
		name: "unbuffer",
		op:   OpUnbufferChannel,
		src:  src,
		want: []want{{"unbuffer-channel f#1", 4, strings.Replace(src, "make(chan int, n+1)", "make(chan int)", 1)}},
	}})
}
