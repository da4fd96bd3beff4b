package lazy_test

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	lazy "github.com/concurrency-kit/kit/exercises/07_lazy"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// Why these tests do not use testing/synctest: sync.Once, and any Value
// that holds a sync.Mutex while init runs, make late callers wait on a
// mutex, and a goroutine waiting on a mutex is not "durably blocked" for
// synctest, so synctest.Wait would never return. Instead, the tests read the
// goroutines' states from runtime.Stack and count the callers that are
// asleep inside Get: waiting on a lock, a channel, a condition. A caller
// asleep inside Get cannot return until something wakes it, so once every
// caller is asleep the test knows they all arrived while init was still
// running, and that none of them returned early.

// patience bounds every wait for something a correct solution does at once.
// A solution that gets there only after patience is wrong (it spins, or it
// left a caller blocked forever).
const patience = 3 * time.Second

// config is the value the tests build lazily.
type config struct {
	Name  string
	Port  int
	Tags  []string
	Ready bool
}

// build returns a new config, filled in one field at a time. It yields to
// the scheduler between fields, so other goroutines run while the config is
// half-built.
func build() *config {
	c := &config{}
	c.Name = "primary"
	runtime.Gosched()
	c.Port = 5432
	runtime.Gosched()
	c.Tags = []string{"eu-west", "ssd"}
	runtime.Gosched()
	c.Ready = true
	return c
}

// incomplete describes what is wrong with c, or returns "" when c is the
// fully built config.
func incomplete(c *config) string {
	if c == nil {
		return "a nil *config (the zero value)"
	}
	if c.Name != "primary" || c.Port != 5432 || len(c.Tags) != 2 || c.Tags[0] != "eu-west" || c.Tags[1] != "ssd" || !c.Ready {
		return fmt.Sprintf("a half-built config %+v", *c)
	}
	return ""
}

// result is what one call of Get did.
type result struct {
	val      *config
	err      error
	problem  string // incomplete(val), checked by the caller itself
	panicked bool
	panicVal any
}

func (r result) String() string {
	if r.panicked {
		return fmt.Sprintf("a panic(%v)", r.panicVal)
	}
	if r.val == nil {
		return fmt.Sprintf("(nil, %v)", r.err)
	}
	return fmt.Sprintf("(%+v, %v)", *r.val, r.err)
}

// callGet calls v.Get and records what happened, a panic included.
func callGet(v *lazy.Value[*config]) (r result) {
	defer func() {
		if p := recover(); p != nil {
			r = result{panicked: true, panicVal: p}
		}
	}()
	r.val, r.err = v.Get()
	if r.err == nil {
		r.problem = incomplete(r.val) // read the fields here, in the caller
	}
	return r
}

// goid returns the calling goroutine's id, from the first line of its stack
// ("goroutine 7 [running]:").
func goid() int {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	fields := strings.Fields(string(buf[:n]))
	id, _ := strconv.Atoi(fields[1])
	return id
}

// asleep counts the goroutines of ids that are asleep: waiting on a channel,
// a select, a sync.Mutex, sync.Cond or sync.WaitGroup, a semaphore, or in
// time.Sleep. A goroutine that runs, or waits to run, is not asleep.
func asleep(ids map[int]bool) int {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		// goroutine 7 [sync.Mutex.Lock, 2 minutes]:
		header, _, _ := strings.Cut(g, "\n")
		idText, state, ok := strings.Cut(strings.TrimPrefix(header, "goroutine "), " [")
		id, err := strconv.Atoi(idText)
		if !ok || err != nil || !ids[id] {
			continue
		}
		state, _, _ = strings.Cut(state, "]")
		state, _, _ = strings.Cut(state, ",")
		for _, s := range []string{"chan receive", "chan send", "select", "sync.", "semacquire", "sleep"} {
			if strings.HasPrefix(state, s) {
				count++
				break
			}
		}
	}
	return count
}

// callers are goroutines that each call Get once.
type callers struct {
	n       int
	ids     chan int    // each caller's goroutine id, sent before it calls Get
	results chan result // buffered: a caller never blocks after Get
}

// startCallers starts n goroutines that each call v.Get once.
func startCallers(v *lazy.Value[*config], n int) *callers {
	c := &callers{n: n, ids: make(chan int, n), results: make(chan result, n)}
	for range n {
		go func() {
			c.ids <- goid()
			c.results <- callGet(v)
		}()
	}
	return c
}

// collect waits for every caller's result, at most patience.
func (c *callers) collect(t *testing.T, what string) []result {
	t.Helper()
	timeout := time.After(patience)
	out := make([]result, 0, c.n)
	for len(out) < c.n {
		select {
		case r := <-c.results:
			out = append(out, r)
		case <-timeout:
			require.Failf(t, "callers stayed blocked",
				"%s, %d of %d callers of Get were still blocked %v later: every caller waiting for an attempt "+
					"must be woken when it ends, whether init returned a value, returned an error or panicked",
				what, c.n-len(out), c.n, patience)
		}
	}
	return out
}

// awaitAsleep waits until every caller is asleep inside Get. It fails the
// test at once if a caller returned instead: init is held, so no caller may
// return yet.
func (c *callers) awaitAsleep(t *testing.T) {
	t.Helper()
	ids := map[int]bool{}
	for range c.n {
		ids[<-c.ids] = true // sent first thing: never waits long
	}
	deadline := time.Now().Add(patience)
	for {
		select {
		case r := <-c.results:
			require.Failf(t, "Get did not wait for init",
				"Get returned %v while init was still running: a Get that arrives during an attempt must wait "+
					"for that attempt to end and return its outcome, not return early", r)
		default:
		}
		sleeping := asleep(ids)
		if sleeping == c.n {
			return
		}
		if time.Now().After(deadline) {
			require.Failf(t, "callers did not go to sleep",
				"init is held, but after %v only %d of %d callers of Get were asleep: a caller that must wait "+
					"should sleep (on a mutex, a channel, sync.Once...), not spin", patience, sleeping, c.n)
		}
		runtime.Gosched()
	}
}

// gate holds init until the test opens it.
type gate struct {
	ch   chan struct{}
	once sync.Once
}

// newGate returns a shut gate. The end of the test opens it in any case, so
// that no goroutine stays blocked in init after a failed test.
func newGate(t *testing.T) *gate {
	g := &gate{ch: make(chan struct{})}
	t.Cleanup(g.open)
	return g
}

func (g *gate) wait() { <-g.ch }
func (g *gate) open() { g.once.Do(func() { close(g.ch) }) }

// doneNow calls v.Done in a goroutine and fails the test if Done goes to
// sleep instead of answering: it must not wait for an attempt that is
// running.
func doneNow(t *testing.T, v *lazy.Value[*config]) bool {
	t.Helper()
	id, out := make(chan int, 1), make(chan bool, 1)
	go func() {
		id <- goid()
		out <- v.Done()
	}()
	ids := map[int]bool{<-id: true}
	deadline := time.Now().Add(patience)
	for {
		select {
		case d := <-out:
			return d
		default:
		}
		if asleep(ids) > 0 || time.Now().After(deadline) {
			require.Fail(t, "Done waited for init",
				"Done went to sleep while init was running: Done must answer at once, without waiting for "+
					"the running attempt (read something that init does not keep locked)")
		}
		runtime.Gosched()
	}
}

// TestOnceCallsFOnce: the function Once returns calls f only when it is
// first called, and only once however many goroutines call it at the same
// moment; every caller gets the one fully built result.
func TestOnceCallsFOnce(t *testing.T) {
	harness.Setup(t)
	const n = 100
	var calls atomic.Int32
	get := lazy.Once(func() *config {
		calls.Add(1)
		return build()
	})
	require.Zero(t, calls.Load(), "Once must not call f itself: f runs on the first call of the function Once returns")

	got := make([]*config, n)
	problems := make([]string, n)
	harness.Together(n, func(i int) {
		got[i] = get()
		problems[i] = incomplete(got[i])
	})
	require.EqualValuesf(t, 1, calls.Load(), "%d goroutines called get at the same moment: f must run exactly once", n)
	for i := range n {
		require.Emptyf(t, problems[i], "caller %d got %s: a caller that arrives while f is running must wait for it "+
			"and then get its finished result", i, problems[i])
		require.Samef(t, got[0], got[i], "callers 0 and %d got different values: every caller must get the result of the one call of f", i)
	}
	require.Same(t, got[0], get(), "a later call must return the same value")
	require.EqualValues(t, 1, calls.Load(), "a later call must not call f again")
}

// TestOncePanics: if f panics, the call that ran it panics with the same
// value, and so does every later call; f is not called again. (sync.Once
// alone gets this wrong: Do counts a call that panicked as done, so later
// calls would return a zero value as if nothing happened.)
func TestOncePanics(t *testing.T) {
	harness.Setup(t)
	const boom = "config file is corrupt"
	var calls atomic.Int32
	get := lazy.Once(func() *config {
		calls.Add(1)
		panic(boom)
	})
	for i := 1; i <= 3; i++ {
		require.PanicsWithValuef(t, boom, func() { get() },
			"call %d: f panicked with %q, so every call of get must panic with that value, never return a zero value", i, boom)
	}
	require.EqualValues(t, 1, calls.Load(), "f must be called once: later calls panic again without calling f")
}

// TestGetInitRunsOnce: New does not call init; 100 goroutines calling Get
// at the same moment make init run exactly once, and afterwards Done is true
// and Get never calls init again.
func TestGetInitRunsOnce(t *testing.T) {
	harness.Setup(t)
	const n = 100
	var calls atomic.Int32
	v := lazy.New(func() (*config, error) {
		calls.Add(1)
		return build(), nil
	})
	require.Zero(t, calls.Load(), "New must not call init: the first Get does")
	require.False(t, v.Done(), "Done before any Get")

	results := make([]result, n)
	doneAfter := make([]bool, n)
	harness.Together(n, func(i int) {
		results[i] = callGet(v)
		doneAfter[i] = v.Done()
	})
	require.EqualValuesf(t, 1, calls.Load(), "%d goroutines called Get at the same moment: init must run exactly once", n)
	for i, r := range results {
		require.Falsef(t, r.panicked, "caller %d: Get panicked: %v", i, r.panicVal)
		require.NoErrorf(t, r.err, "caller %d: init succeeded, so Get must return a nil error", i)
		require.Truef(t, doneAfter[i], "caller %d: Done was false right after its Get returned the value", i)
	}
	require.True(t, v.Done(), "Done after the value was built")
	_, err := v.Get()
	require.NoError(t, err, "a later Get")
	require.EqualValues(t, 1, calls.Load(), "a later Get must return the kept value, not call init again")
}

// TestGetNeverHalfBuilt: while init builds the value one field at a time,
// 100 callers of Get each read every field of what they got: nobody may see
// a nil or half-built value.
func TestGetNeverHalfBuilt(t *testing.T) {
	harness.Setup(t)
	const n = 100
	v := lazy.New(func() (*config, error) { return build(), nil })
	results := make([]result, n)
	harness.Together(n, func(i int) { results[i] = callGet(v) })
	for i, r := range results {
		require.Falsef(t, r.panicked, "caller %d: Get panicked: %v", i, r.panicVal)
		require.NoErrorf(t, r.err, "caller %d: init succeeded, so Get must return a nil error", i)
		require.Emptyf(t, r.problem, "caller %d got %s from Get: a caller that arrives while init is building the "+
			"value must wait for it, and then see every field it set", i, r.problem)
	}
}

// TestGetWaitsForInit: while init is running (held by the test), callers of
// Get neither return nor start init again: they sleep until init ends, then
// all get the value it built. Done stays false until then and answers
// without waiting.
func TestGetWaitsForInit(t *testing.T) {
	harness.Setup(t)
	const n = 10
	var calls atomic.Int32
	g := newGate(t)
	v := lazy.New(func() (*config, error) {
		calls.Add(1)
		g.wait()
		return build(), nil
	})
	c := startCallers(v, n)
	c.awaitAsleep(t)
	require.EqualValuesf(t, 1, calls.Load(),
		"%d callers arrived while init was running: the first one calls init, the others must wait for it, not call init too", n)
	require.False(t, doneNow(t, v), "Done while the first init is still running")

	g.open()
	results := c.collect(t, "after init returned")
	for i, r := range results {
		require.Falsef(t, r.panicked, "caller %d: Get panicked: %v", i, r.panicVal)
		require.NoErrorf(t, r.err, "caller %d: init succeeded, so Get must return a nil error", i)
		require.Emptyf(t, r.problem, "caller %d got %s", i, r.problem)
		require.Samef(t, results[0].val, r.val, "callers %d and 0 got different values: all must get the one init built", i)
	}
	require.EqualValues(t, 1, calls.Load(), "init ran once; nobody may call it again after it returned")
	require.True(t, v.Done(), "Done after init returned the value")
}

// TestGetRetriesAfterError: an attempt that fails is not kept. Get returns
// init's error and the zero value, Done stays false, and the next Get calls
// init again; once an attempt succeeds its value is kept for good.
func TestGetRetriesAfterError(t *testing.T) {
	harness.Setup(t)
	failures := []error{errors.New("database not reachable"), errors.New("database still not reachable")}
	var calls atomic.Int32
	v := lazy.New(func() (*config, error) {
		k := int(calls.Add(1))
		if k <= len(failures) {
			return nil, failures[k-1]
		}
		return build(), nil
	})
	for i, want := range failures {
		got, err := v.Get()
		require.ErrorIsf(t, err, want, "Get #%d: init returned the error %q, so Get must return it "+
			"(errors are not kept: each Get after a failed attempt calls init again)", i+1, want)
		require.Nilf(t, got, "Get #%d must return the zero value with the error", i+1)
		require.EqualValuesf(t, i+1, calls.Load(), "Get #%d must call init: the attempts before it failed", i+1)
		require.Falsef(t, v.Done(), "Done after %d failed attempt(s)", i+1)
	}
	got, err := v.Get()
	require.NoError(t, err, "the third attempt succeeds")
	require.Empty(t, incomplete(got), "the value of the attempt that succeeded")
	require.True(t, v.Done(), "Done after an attempt succeeded")
	for i := range 3 {
		again, err := v.Get()
		require.NoError(t, err)
		require.Samef(t, got, again, "Get #%d after the success must return the kept value", i+4)
	}
	require.EqualValues(t, 3, calls.Load(), "after an attempt succeeded, Get must never call init again")
}

// TestGetSharesFailedAttempt: callers that waited for an attempt that fails
// all get that attempt's error; they do not each start an attempt of their
// own. The next Get after it starts a new attempt.
func TestGetSharesFailedAttempt(t *testing.T) {
	harness.Setup(t)
	const n = 10
	errDown := errors.New("database not reachable")
	var calls atomic.Int32
	g := newGate(t)
	v := lazy.New(func() (*config, error) {
		if calls.Add(1) == 1 {
			g.wait()
			return nil, errDown
		}
		return build(), nil
	})
	c := startCallers(v, n)
	c.awaitAsleep(t)
	require.EqualValues(t, 1, calls.Load(), "only the first caller may call init; the others wait for its attempt")

	g.open()
	results := c.collect(t, "after init returned an error")
	for i, r := range results {
		require.Falsef(t, r.panicked, "caller %d: Get panicked: %v", i, r.panicVal)
		require.ErrorIsf(t, r.err, errDown, "caller %d got %v: every caller that waited for the failed attempt must "+
			"get its error, not start an attempt of its own", i, r)
		require.Nilf(t, r.val, "caller %d must get the zero value with the error", i)
	}
	require.EqualValues(t, 1, calls.Load(), "the callers that waited for the failed attempt must not call init themselves")
	require.False(t, v.Done(), "Done after a failed attempt")

	retry := startCallers(v, 1).collect(t, "retrying after the failed attempt")[0]
	require.NoError(t, retry.err, "a Get after the failed attempt must start a new one (and this one succeeds)")
	require.Empty(t, retry.problem, "the value of the new attempt")
	require.EqualValues(t, 2, calls.Load(), "a Get after the failed attempt must call init again")
	require.True(t, v.Done(), "Done after the new attempt succeeded")
}

// TestGetInitPanics: when init panics, the Get that called it panics with
// the same value (the panic is not swallowed), the callers that were waiting
// wake up with ErrInitPanicked (none stays blocked), and the next Get tries
// again.
func TestGetInitPanics(t *testing.T) {
	harness.Setup(t)
	const boom = "disk on fire"
	// retryWorks checks that, after the panicked attempt, a new Get calls
	// init again (the second call of init succeeds).
	retryWorks := func(t *testing.T, v *lazy.Value[*config], calls *atomic.Int32) {
		t.Helper()
		require.False(t, v.Done(), "Done after init panicked")
		retry := startCallers(v, 1).collect(t, "retrying after init panicked")[0]
		require.Falsef(t, retry.panicked, "the Get after the panic panicked too (%v): a panicked attempt counts as "+
			"failed, so the next Get must call init again", retry.panicVal)
		require.NoError(t, retry.err, "a Get after the panicked attempt must start a new one (and this one succeeds)")
		require.Empty(t, retry.problem, "the value of the new attempt")
		require.EqualValues(t, 2, calls.Load(), "a Get after the panicked attempt must call init again")
		require.True(t, v.Done(), "Done after the new attempt succeeded")
	}

	lone := t.Run("a lone Get", func(t *testing.T) {
		var calls atomic.Int32
		v := lazy.New(func() (*config, error) {
			if calls.Add(1) == 1 {
				panic(boom)
			}
			return build(), nil
		})
		first := startCallers(v, 1).collect(t, "after init panicked")[0]
		require.Truef(t, first.panicked, "init panicked, but Get returned %v: the panic must reach the Get that "+
			"called init, not be swallowed", first)
		require.Equal(t, boom, first.panicVal, "Get must panic with init's own panic value")
		retryWorks(t, v, &calls)
	})
	if !lone {
		return // fix the simple case first (and do not wait out a second time limit)
	}

	t.Run("with callers waiting", func(t *testing.T) {
		const n = 10
		var calls atomic.Int32
		g := newGate(t)
		v := lazy.New(func() (*config, error) {
			if calls.Add(1) == 1 {
				g.wait()
				panic(boom)
			}
			return build(), nil
		})
		c := startCallers(v, n)
		c.awaitAsleep(t)
		require.EqualValues(t, 1, calls.Load(), "only the first caller may call init; the others wait for its attempt")

		g.open()
		results := c.collect(t, "after init panicked")
		panics := 0
		for i, r := range results {
			if r.panicked {
				panics++
				require.Equalf(t, boom, r.panicVal, "caller %d: the Get that ran init must panic with init's own panic value", i)
				continue
			}
			require.ErrorIsf(t, r.err, lazy.ErrInitPanicked,
				"caller %d got %v: a caller that waited for an attempt whose init panicked must get ErrInitPanicked", i, r)
			require.Nilf(t, r.val, "caller %d must get the zero value with ErrInitPanicked", i)
		}
		require.Equalf(t, 1, panics, "%d callers of Get panicked: exactly one must, the one that ran init (a panic is "+
			"not swallowed, and the waiters get ErrInitPanicked instead)", panics)
		require.EqualValues(t, 1, calls.Load(), "the callers that waited for the attempt must not call init themselves")
		retryWorks(t, v, &calls)
	})
}
