package mutate

import (
	"strings"
	"testing"
)

func TestWaitToSleep(t *testing.T) {
	runOpCases(t, []opCase{{
		name: "receive, WaitGroup and Cond waits; time imported into a single import",
		op:   OpWaitToSleep,
		src: `package p

import "sync"

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

func run(done chan struct{}, in chan int) {
	var wg sync.WaitGroup
	wg.Go(func() {})
	wg.Wait()
	<-done
	select {
	case <-in:
	}
	v := <-in
	_ = v
}
`,
		want: []want{{"wait-to-sleep Q.take#1", 13, `package p

import (
	"sync"
	"time"
)

type Q struct {
	mu   sync.Mutex
	cond *sync.Cond
	n    int
}

func (q *Q) take() {
	for q.n == 0 {
		q.cond.L.Unlock()
		time.Sleep(time.Millisecond)
		q.cond.L.Lock()
	}
}

func run(done chan struct{}, in chan int) {
	var wg sync.WaitGroup
	wg.Go(func() {})
	wg.Wait()
	<-done
	select {
	case <-in:
	}
	v := <-in
	_ = v
}
`}, {"wait-to-sleep run#1", 20, ""}, {"wait-to-sleep run#2", 21, `package p

import (
	"sync"
	"time"
)

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

func run(done chan struct{}, in chan int) {
	var wg sync.WaitGroup
	wg.Go(func() {})
	wg.Wait()
	select {
	case <-done:
	default:
		time.Sleep(time.Millisecond)
	}
	select {
	case <-in:
	}
	v := <-in
	_ = v
}
`}},
	}, {
		name: "time added to an import block",
		op:   OpWaitToSleep,
		src: `package p

import (
	"fmt"
	"sync"
)

func f(wg *sync.WaitGroup) {
	wg.Add(1)
	wg.Wait()
	fmt.Println()
}
`,
		want: []want{{"wait-to-sleep f#1", 10, `package p

import (
	"fmt"
	"sync"
	"time"
)

func f(wg *sync.WaitGroup) {
	wg.Add(1)
	time.Sleep(time.Millisecond)
	fmt.Println()
}
`}},
	}, {
		name: "no imports at all",
		op:   OpWaitToSleep,
		src: `package p

func f(ch chan int) {
	<-ch
}
`,
		want: []want{{"wait-to-sleep f#1", 4, `package p

import "time"

func f(ch chan int) {
	select {
	case <-ch:
	default:
		time.Sleep(time.Millisecond)
	}
}
`}},
	}, {
		name: "time already imported under another name",
		op:   OpWaitToSleep,
		src: `package p

import tm "time"

func f(ch chan int) tm.Duration {
	<-ch
	return 0
}
`,
		want: []want{{"wait-to-sleep f#1", 6, `package p

import tm "time"

func f(ch chan int) tm.Duration {
	select {
	case <-ch:
	default:
		tm.Sleep(tm.Millisecond)
	}
	return 0
}
`}},
	}})
}

func TestAtomicToPlain(t *testing.T) {
	runOpCases(t, []opCase{{
		name: "function forms; the import goes when its last use does",
		op:   OpAtomicToPlain,
		src: `package p

import "sync/atomic"

var hits int64

func hit() {
	atomic.AddInt64(&hits, 1)
}
`,
		want: []want{{"atomic-to-plain hit#1", 8, `package p

var hits int64

func hit() {
	hits += 1
}
`}},
	}, {
		name: "every function form",
		op:   OpAtomicToPlain,
		src: `package p

import "sync/atomic"

type S struct{ n int32 }

func f(s *S, p *int64) (int32, int64, bool) {
	v := atomic.AddInt32(&s.n, 2)
	atomic.StoreInt64(p, 7)
	old := atomic.SwapInt64(p, 8)
	ok := atomic.CompareAndSwapInt32(&s.n, v, v+1)
	return atomic.LoadInt32(&s.n), old, ok
}
`,
		want: []want{
			{"atomic-to-plain f#1", 8, `package p

import "sync/atomic"

type S struct{ n int32 }

func f(s *S, p *int64) (int32, int64, bool) {
	v := func() int32 { s.n += 2; return s.n }()
	atomic.StoreInt64(p, 7)
	old := atomic.SwapInt64(p, 8)
	ok := atomic.CompareAndSwapInt32(&s.n, v, v+1)
	return atomic.LoadInt32(&s.n), old, ok
}
`},
			{"atomic-to-plain f#2", 9, `package p

import "sync/atomic"

type S struct{ n int32 }

func f(s *S, p *int64) (int32, int64, bool) {
	v := atomic.AddInt32(&s.n, 2)
	*p = 7
	old := atomic.SwapInt64(p, 8)
	ok := atomic.CompareAndSwapInt32(&s.n, v, v+1)
	return atomic.LoadInt32(&s.n), old, ok
}
`},
			{"atomic-to-plain f#3", 10, `package p

import "sync/atomic"

type S struct{ n int32 }

func f(s *S, p *int64) (int32, int64, bool) {
	v := atomic.AddInt32(&s.n, 2)
	atomic.StoreInt64(p, 7)
	old := func() int64 { old := *p; *p = 8; return old }()
	ok := atomic.CompareAndSwapInt32(&s.n, v, v+1)
	return atomic.LoadInt32(&s.n), old, ok
}
`},
			{"atomic-to-plain f#4", 11, `package p

import "sync/atomic"

type S struct{ n int32 }

func f(s *S, p *int64) (int32, int64, bool) {
	v := atomic.AddInt32(&s.n, 2)
	atomic.StoreInt64(p, 7)
	old := atomic.SwapInt64(p, 8)
	ok := func() bool {
		if s.n == v {
			s.n = (v + 1)
			return true
		}
		return false
	}()
	return atomic.LoadInt32(&s.n), old, ok
}
`},
			{"atomic-to-plain f#5", 12, `package p

import "sync/atomic"

type S struct{ n int32 }

func f(s *S, p *int64) (int32, int64, bool) {
	v := atomic.AddInt32(&s.n, 2)
	atomic.StoreInt64(p, 7)
	old := atomic.SwapInt64(p, 8)
	ok := atomic.CompareAndSwapInt32(&s.n, v, v+1)
	return s.n, old, ok
}
`},
		},
	}, {
		name: "typed atomics",
		op:   OpAtomicToPlain,
		src: `package p

import "sync/atomic"

type C struct {
	n       atomic.Int64
	started atomic.Bool
	cur     atomic.Pointer[string]
}

func (c *C) f(s *string) (int64, bool, *string) {
	c.n.Add(1)
	v := c.n.Add(2)
	ok := c.started.CompareAndSwap(false, true)
	old := c.cur.Swap(s)
	c.n.Store(c.n.Load())
	return v, ok, old
}
`,
		want: []want{
			{"atomic-to-plain C.f#1", 12, `package p

import "sync/atomic"

type C struct {
	n       atomic.Int64
	started atomic.Bool
	cur     atomic.Pointer[string]
}

func (c *C) f(s *string) (int64, bool, *string) {
	c.n.Store(c.n.Load() + 1)
	v := c.n.Add(2)
	ok := c.started.CompareAndSwap(false, true)
	old := c.cur.Swap(s)
	c.n.Store(c.n.Load())
	return v, ok, old
}
`},
			{"atomic-to-plain C.f#2", 13, `package p

import "sync/atomic"

type C struct {
	n       atomic.Int64
	started atomic.Bool
	cur     atomic.Pointer[string]
}

func (c *C) f(s *string) (int64, bool, *string) {
	c.n.Add(1)
	v := func() int64 { n := c.n.Load() + 2; c.n.Store(n); return n }()
	ok := c.started.CompareAndSwap(false, true)
	old := c.cur.Swap(s)
	c.n.Store(c.n.Load())
	return v, ok, old
}
`},
			{"atomic-to-plain C.f#3", 14, `package p

import "sync/atomic"

type C struct {
	n       atomic.Int64
	started atomic.Bool
	cur     atomic.Pointer[string]
}

func (c *C) f(s *string) (int64, bool, *string) {
	c.n.Add(1)
	v := c.n.Add(2)
	ok := func() bool {
		if c.started.Load() == false {
			c.started.Store(true)
			return true
		}
		return false
	}()
	old := c.cur.Swap(s)
	c.n.Store(c.n.Load())
	return v, ok, old
}
`},
			{"atomic-to-plain C.f#4", 15, `package p

import "sync/atomic"

type C struct {
	n       atomic.Int64
	started atomic.Bool
	cur     atomic.Pointer[string]
}

func (c *C) f(s *string) (int64, bool, *string) {
	c.n.Add(1)
	v := c.n.Add(2)
	ok := c.started.CompareAndSwap(false, true)
	old := func() *string { old := c.cur.Load(); c.cur.Store(s); return old }()
	c.n.Store(c.n.Load())
	return v, ok, old
}
`},
		},
	}, {
		name: "Add on other types is not an atomic",
		op:   OpAtomicToPlain,
		src: `package p

import (
	"sync"
	"time"
)

func f(wg *sync.WaitGroup, t time.Time) time.Time {
	wg.Add(1)
	return t.Add(time.Second)
}
`,
	}})
}

func TestIDsAreStable(t *testing.T) {
	base := `package p

import "sync"

var mu sync.Mutex

func a() {
	mu.Lock()
	mu.Unlock()
	mu.Lock()
	mu.Unlock()
}

func b() {
	mu.Lock()
	mu.Unlock()
}
`
	// A new function before the others, and new code inside b after its
	// site, must not change any existing ID.
	changed := strings.Replace(base, "var mu sync.Mutex\n", `var mu sync.Mutex

func before() {
	mu.Lock()
	mu.Unlock()
}
`, 1)
	changed = strings.Replace(changed, "func b() {\n\tmu.Lock()\n\tmu.Unlock()\n", "func b() {\n\tmu.Lock()\n\tmu.Unlock()\n\tmu.Lock()\n\tmu.Unlock()\n", 1)
	ids := func(src string) map[string]string {
		ms, err := Generate("p.go", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, m := range ms {
			out[m.ID] = m.Description
		}
		return out
	}
	before, after := ids(base), ids(changed)
	for _, id := range []string{"drop-lock a#1", "drop-lock a#2", "drop-lock b#1"} {
		if _, ok := before[id]; !ok {
			t.Fatalf("%s missing from %v", id, before)
		}
		if _, ok := after[id]; !ok {
			t.Errorf("%s changed or vanished after unrelated edits: %v", id, after)
		}
	}
	if _, ok := after["drop-lock before#1"]; !ok {
		t.Errorf("drop-lock before#1 missing: %v", after)
	}
	if _, ok := after["drop-lock b#2"]; !ok {
		t.Errorf("drop-lock b#2 missing: %v", after)
	}
}

func TestFileScopeAndOrder(t *testing.T) {
	src := `package p

var ch = make(chan int)

func f(c chan int) {
	close(c)
	<-c
}
`
	ms, err := Generate("/some/where/p.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.ID)
		if m.File != "p.go" {
			t.Errorf("%s: File %q, want the base name", m.ID, m.File)
		}
	}
	want := []string{"buffer-channel <file-scope>#1", "drop-close f#1", "wait-to-sleep f#1"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestGenerateRejectsBadSource(t *testing.T) {
	if _, err := Generate("bad.go", []byte("package p\nfunc {")); err == nil {
		t.Error("no error for a file that does not parse")
	}
}

func TestGenerateNothingToMutate(t *testing.T) {
	ms, err := Generate("p.go", []byte("package p\n\nfunc f() int { return 1 }\n"))
	if err != nil || len(ms) != 0 {
		t.Errorf("got %v, %v; want no mutants and no error", ms, err)
	}
}
