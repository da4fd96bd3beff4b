package queue_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	queue "github.com/concurrency-kit/kit/exercises/14_queue"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// Most tests run in a synctest bubble (harness.Bubble): time there is fake.
// It stands still while any goroutine of the bubble can run, and jumps
// forward only when every goroutine is blocked. So a 5s timeout takes no real
// time and is exact, and synctest.Wait() returns once every other goroutine
// of the bubble is blocked, which is how a test knows that a Get "is
// waiting" or "has been woken and finished".

// step and patience drive harness.Eventually: it lets fake time pass in
// steps so that a slow (polling) queue still gets its chance, and gives up
// after patience. Only the test about busy-waiting insists on an instant
// wake-up.
const (
	step     = 10 * time.Millisecond
	patience = 10 * time.Second
)

// result is what a queue method returned.
type result[R any] struct {
	val R
	err error
}

// String shows the two return values, as in the messages of
// harness.RequireWaiting.
func (r result[R]) String() string { return fmt.Sprintf("(%v, %v)", r.val, r.err) }

// call is a queue method running in a goroutine of its own.
type call[R any] = harness.Call[result[R]]

// start runs f in a new goroutine (harness.Go).
func start[R any](f func() (R, error)) *call[R] {
	return harness.Go(func() result[R] {
		v, err := f()
		return result[R]{val: v, err: err}
	})
}

// startErr is start for methods that return only an error.
func startErr(f func() error) *call[struct{}] {
	return start(func() (struct{}, error) { return struct{}{}, f() })
}

// startJoin is start for Join.
func startJoin(q *queue.Queue[int]) *call[struct{}] {
	return startErr(func() error { q.Join(); return nil })
}

// release makes sure that, when the bubble's test ends (even by a failed
// require), q is closed and every call still waiting in it has returned: a
// bubble cannot end while one of its goroutines is blocked. Fake time goes on
// passing meanwhile, so a queue that polls gets the chance to notice.
func release(t *testing.T, q interface{ Close() }) {
	t.Cleanup(func() {
		q.Close()
		harness.Eventually(func() bool { return harness.Running() == 0 }, step, patience)
	})
}

// mustBlock ends the message of harness.RequireWaiting: why a call should
// have waited.
const mustBlock = "; it must block"

// TestFIFOOrder: items come out in the order they went in, for bounded and
// unbounded queues and any element type, including after the front of the
// queue has moved (a ring buffer that wraps around).
func TestFIFOOrder(t *testing.T) {
	harness.Setup(t)
	// "+x" puts x, "-x" gets and expects x. At most 3 items are ever queued.
	script := []string{"+a", "+b", "+c", "-a", "+d", "-b", "+e", "-c", "-d", "+f", "-e", "+g", "+h", "-f", "-g", "-h"}
	for _, maxsize := range []int{3, 4, 0} {
		t.Run(fmt.Sprintf("maxsize %d", maxsize), func(t *testing.T) {
			q := queue.New[string](maxsize)
			for i, op := range script {
				if op[0] == '+' {
					require.NoErrorf(t, q.Put(op[1:]), "step %d: Put(%q) on a queue with room", i, op[1:])
					continue
				}
				got, err := q.Get()
				require.NoErrorf(t, err, "step %d: Get on a non-empty queue", i)
				require.Equalf(t, op[1:], got, "step %d: Get must return the oldest item (FIFO); script %v", i, script[:i+1])
			}
			require.Equal(t, 0, q.Len(), "every item was taken: Len must be 0")
		})
	}
	t.Run("unbounded, 1000 items", func(t *testing.T) {
		q := queue.New[int](0)
		for i := range 1000 {
			require.NoErrorf(t, q.Put(i), "Put #%d on an unbounded queue", i)
		}
		for i := range 1000 {
			got, err := q.Get()
			require.NoErrorf(t, err, "Get #%d", i)
			require.Equalf(t, i, got, "Get #%d must return the %d-th item put", i, i)
		}
	})
	t.Run("struct items", func(t *testing.T) {
		type job struct {
			id   int
			name string
		}
		q := queue.New[job](2)
		require.NoError(t, q.Put(job{1, "one"}))
		require.NoError(t, q.Put(job{2, "two"}))
		for _, want := range []job{{1, "one"}, {2, "two"}} {
			got, err := q.Get()
			require.NoError(t, err)
			require.Equal(t, want, got, "items must come out unchanged and in order")
		}
	})
}

// TestSizeReporting: Len, Empty, Full and MaxSize follow every Put and Get.
func TestSizeReporting(t *testing.T) {
	harness.Setup(t)
	cases := []struct {
		name    string
		maxsize int
		wantMax int // what MaxSize must report
		fill    int // how many items to put
	}{
		{"bounded 3", 3, 3, 3},
		{"bounded 1", 1, 1, 1},
		{"unbounded (0)", 0, 0, 100},
		{"negative means unbounded", -4, 0, 100},
		{"bound math.MaxInt", math.MaxInt, math.MaxInt, 100},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := newQueue(t, tc.maxsize)
			check := func(n int, when string) {
				t.Helper()
				require.Equalf(t, n, q.Len(), "Len %s", when)
				require.Equalf(t, n == 0, q.Empty(), "Empty %s (Len is %d)", when, n)
				require.Equalf(t, tc.wantMax > 0 && n == tc.wantMax, q.Full(),
					"Full %s (Len %d, maxsize %d; an unbounded queue is never full)", when, n, tc.maxsize)
				require.Equalf(t, tc.wantMax, q.MaxSize(), "MaxSize of New(%d)", tc.maxsize)
			}
			check(0, "of a new queue")
			for i := 1; i <= tc.fill; i++ {
				require.NoErrorf(t, q.Put(i), "Put #%d", i)
				check(i, fmt.Sprintf("after %d Puts", i))
			}
			for i := tc.fill - 1; i >= 0; i-- {
				_, err := q.Get()
				require.NoError(t, err, "Get on a non-empty queue")
				check(i, fmt.Sprintf("after %d Gets", tc.fill-i))
			}
		})
	}
}

// newQueue is queue.New[int](maxsize) that fails the test with a clear
// message, instead of a stack trace, if New panics.
func newQueue(t *testing.T, maxsize int) (q *queue.Queue[int]) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			require.FailNowf(t, "New panicked",
				"New(%d) panicked: %v. maxsize is a limit, not a size to set aside: do not allocate room "+
					"for maxsize items up front (make with capacity maxsize), let the queue grow as items come", maxsize, r)
		}
	}()
	return queue.New[int](maxsize)
}

// TestNoWait: TryGet and TryPut never wait; they report an empty or full
// queue with ErrEmpty and ErrFull, and then change nothing.
func TestNoWait(t *testing.T) {
	harness.Setup(t)
	t.Run("TryGet on an empty queue", func(t *testing.T) {
		for _, maxsize := range []int{2, 0} {
			q := queue.New[string](maxsize)
			got, err := q.TryGet()
			require.ErrorIsf(t, err, queue.ErrEmpty,
				"TryGet on an empty queue (maxsize %d) must return ErrEmpty, not a made-up value", maxsize)
			require.Emptyf(t, got, "TryGet must return the zero value with ErrEmpty, got %q", got)
		}
	})
	t.Run("TryGet takes the front item", func(t *testing.T) {
		q := queue.New[string](2)
		require.NoError(t, q.Put("x"))
		require.NoError(t, q.Put("y"))
		got, err := q.TryGet()
		require.NoError(t, err, "TryGet on a non-empty queue")
		require.Equal(t, "x", got, "TryGet must return the oldest item")
		require.Equal(t, 1, q.Len(), "TryGet removes the item it returns")
	})
	t.Run("TryPut on a full queue", func(t *testing.T) {
		q := queue.New[int](2)
		require.NoError(t, q.TryPut(1), "TryPut on an empty queue")
		require.NoError(t, q.TryPut(2), "TryPut on a queue with room")
		require.ErrorIs(t, q.TryPut(3), queue.ErrFull, "TryPut on a full queue must return ErrFull")
		require.Equal(t, 2, q.Len(), "a failed TryPut must not add its item")
		for _, want := range []int{1, 2} {
			got, err := q.TryGet()
			require.NoError(t, err)
			require.Equal(t, want, got, "the queue must hold exactly the items put before the failed TryPut")
		}
		_, err := q.TryGet()
		require.ErrorIs(t, err, queue.ErrEmpty, "the item of a failed TryPut must not be in the queue")
	})
	t.Run("TryPut on an unbounded queue", func(t *testing.T) {
		q := queue.New[int](0)
		for i := range 500 {
			require.NoErrorf(t, q.TryPut(i), "TryPut #%d: an unbounded queue is never full", i)
		}
		require.Equal(t, 500, q.Len())
	})
}

// TestBlockingWakesImmediately: Get on an empty queue waits (it neither
// returns a zero value nor gives up), and the Put that brings an item wakes
// it at once, with no time passing. The same for Put on a full queue and the
// Get that makes room. A queue that polls (check, time.Sleep, check again)
// needs time to pass before it notices, and fails here.
func TestBlockingWakesImmediately(t *testing.T) {
	harness.Setup(t)
	const idle = 10 * time.Second
	t.Run("Get waits for Put", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			q := queue.New[int](2)
			release(t, q)
			get := start(q.Get)
			harness.RequireWaiting(t, []*call[int]{get}, "Get on an empty queue", mustBlock)
			time.Sleep(idle)
			harness.RequireWaiting(t, []*call[int]{get}, fmt.Sprintf("Get on an empty queue, after %v,", idle), mustBlock)

			require.NoError(t, q.Put(42))
			synctest.Wait() // no time passes: only the Put can have woken the Get
			require.True(t, get.Returned(),
				"Get was still asleep right after Put, with no time passing: the Put must wake the waiting Get "+
					"itself (sync.Cond Signal, or a channel); do not poll with time.Sleep")
			require.NoError(t, get.Value.err, "Get woken by a Put")
			require.Equal(t, 42, get.Value.val, "Get must return the item that was put")
			require.Equal(t, idle, get.Elapsed, "Get must return at the moment of the Put")
		})
	})
	t.Run("Put waits for Get", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			q := queue.New[int](1)
			release(t, q)
			require.NoError(t, q.Put(1))
			put := startErr(func() error { return q.Put(2) })
			harness.RequireWaiting(t, []*call[struct{}]{put}, "Put on a full queue", mustBlock)
			time.Sleep(idle)
			harness.RequireWaiting(t, []*call[struct{}]{put}, fmt.Sprintf("Put on a full queue, after %v,", idle), mustBlock)
			require.Equal(t, 1, q.Len(), "a waiting Put must not add its item yet")

			got, err := q.Get()
			require.NoError(t, err)
			require.Equal(t, 1, got)
			synctest.Wait()
			require.True(t, put.Returned(),
				"Put was still asleep right after Get made room, with no time passing: the Get must wake the "+
					"waiting Put itself; do not poll with time.Sleep")
			require.NoError(t, put.Value.err, "Put woken by a Get")
			require.Equal(t, idle, put.Elapsed, "Put must return at the moment of the Get")
			got, err = q.TryGet()
			require.NoError(t, err, "the woken Put must have added its item")
			require.Equal(t, 2, got)
		})
	})
}

// TestTimeouts: GetTimeout and PutTimeout give up after exactly their
// timeout (fake time), return early when they can, and change nothing when
// they give up; GetContext and PutContext stop when their context ends.
func TestTimeouts(t *testing.T) {
	harness.Setup(t)
	const d = 5 * time.Second
	const soon = 2 * time.Second // when the helping Put/Get/cancel happens

	cases := []struct {
		name string
		run  func(t *testing.T, q *queue.Queue[int]) // q has maxsize 1 and is empty
	}{
		{"GetTimeout on an empty queue gives up after exactly d", func(t *testing.T, q *queue.Queue[int]) {
			get := start(func() (int, error) { return q.GetTimeout(d) })
			require.True(t, harness.Eventually(get.Returned, step, patience), "GetTimeout(5s) on an empty queue was still waiting after 10s: the timeout is ignored")
			require.ErrorIs(t, get.Value.err, queue.ErrEmpty, "GetTimeout that runs out of time must return ErrEmpty")
			require.Zero(t, get.Value.val, "GetTimeout must return the zero value with ErrEmpty")
			require.Equal(t, d, get.Elapsed, "GetTimeout(5s) must give up exactly 5s after the call, not earlier and not later")
		}},
		{"GetTimeout returns as soon as an item arrives", func(t *testing.T, q *queue.Queue[int]) {
			get := start(func() (int, error) { return q.GetTimeout(d) })
			time.Sleep(soon)
			harness.RequireWaiting(t, []*call[int]{get}, "GetTimeout(5s) on an empty queue, 2s in,", mustBlock)
			require.NoError(t, q.Put(7))
			synctest.Wait() // no time passes: only the Put can wake the GetTimeout
			require.True(t, get.Returned(), "GetTimeout was still asleep right after a Put, with no time passing: "+
				"the Put must wake it (do not poll with time.Sleep until the deadline)")
			require.NoError(t, get.Value.err, "an item arrived before the timeout")
			require.Equal(t, 7, get.Value.val)
			require.Equal(t, soon, get.Elapsed,
				"GetTimeout must return at the moment the item arrives (after 2s), not later")
		}},
		{"GetTimeout on a non-empty queue does not wait", func(t *testing.T, q *queue.Queue[int]) {
			require.NoError(t, q.Put(3))
			get := start(func() (int, error) { return q.GetTimeout(d) })
			require.True(t, harness.Eventually(get.Returned, step, patience), "GetTimeout on a non-empty queue did not return")
			require.NoError(t, get.Value.err)
			require.Equal(t, 3, get.Value.val)
			require.Zero(t, get.Elapsed, "GetTimeout on a non-empty queue must return at once")
		}},
		{"GetTimeout with d <= 0 does not wait", func(t *testing.T, q *queue.Queue[int]) {
			for _, dd := range []time.Duration{0, -time.Second} {
				get := start(func() (int, error) { return q.GetTimeout(dd) })
				require.Truef(t, harness.Eventually(get.Returned, step, patience), "GetTimeout(%v) did not return", dd)
				require.ErrorIsf(t, get.Value.err, queue.ErrEmpty, "GetTimeout(%v) on an empty queue", dd)
				require.Zerof(t, get.Elapsed, "GetTimeout(%v) must not wait at all", dd)
			}
		}},
		{"PutTimeout on a full queue gives up after exactly d and adds nothing", func(t *testing.T, q *queue.Queue[int]) {
			require.NoError(t, q.Put(1))
			put := startErr(func() error { return q.PutTimeout(2, d) })
			require.True(t, harness.Eventually(put.Returned, step, patience), "PutTimeout(5s) on a full queue was still waiting after 10s: the timeout is ignored")
			require.ErrorIs(t, put.Value.err, queue.ErrFull, "PutTimeout that runs out of time must return ErrFull")
			require.Equal(t, d, put.Elapsed, "PutTimeout(5s) must give up exactly 5s after the call, not earlier and not later")
			require.Equal(t, 1, q.Len(), "a PutTimeout that gave up must not add its item")
			got, err := q.TryGet()
			require.NoError(t, err)
			require.Equal(t, 1, got)
			_, err = q.TryGet()
			require.ErrorIs(t, err, queue.ErrEmpty, "the item of a PutTimeout that gave up must not be in the queue")
		}},
		{"PutTimeout returns as soon as there is room", func(t *testing.T, q *queue.Queue[int]) {
			require.NoError(t, q.Put(1))
			put := startErr(func() error { return q.PutTimeout(2, d) })
			time.Sleep(soon)
			harness.RequireWaiting(t, []*call[struct{}]{put}, "PutTimeout(5s) on a full queue, 2s in,", mustBlock)
			got, err := q.Get()
			require.NoError(t, err)
			require.Equal(t, 1, got)
			synctest.Wait() // no time passes: only the Get can wake the PutTimeout
			require.True(t, put.Returned(), "PutTimeout was still asleep right after a Get made room, with no time passing: "+
				"the Get must wake it (do not poll with time.Sleep until the deadline)")
			require.NoError(t, put.Value.err, "room was made before the timeout")
			require.Equal(t, soon, put.Elapsed,
				"PutTimeout must return at the moment there is room (after 2s), not later")
			got, err = q.TryGet()
			require.NoError(t, err)
			require.Equal(t, 2, got, "PutTimeout's item must be in the queue")
		}},
		{"each waiter keeps its own deadline", func(t *testing.T, q *queue.Queue[int]) {
			short := start(func() (int, error) { return q.GetTimeout(3 * time.Second) })
			long := start(func() (int, error) { return q.GetTimeout(7 * time.Second) })
			require.True(t, harness.Eventually(func() bool { return short.Returned() && long.Returned() }, step, patience),
				"GetTimeout(3s) and GetTimeout(7s) were still waiting after 10s")
			require.ErrorIs(t, short.Value.err, queue.ErrEmpty)
			require.ErrorIs(t, long.Value.err, queue.ErrEmpty)
			require.Equal(t, 3*time.Second, short.Elapsed, "GetTimeout(3s) next to a GetTimeout(7s)")
			require.Equal(t, 7*time.Second, long.Elapsed, "GetTimeout(7s) next to a GetTimeout(3s)")
		}},
		{"each waiter keeps its own deadline, the longer one waiting first", func(t *testing.T, q *queue.Queue[int]) {
			long := start(func() (int, error) { return q.GetTimeout(7 * time.Second) })
			synctest.Wait() // long is the first to wait
			short := start(func() (int, error) { return q.GetTimeout(3 * time.Second) })
			require.True(t, harness.Eventually(func() bool { return short.Returned() && long.Returned() }, step, patience),
				"GetTimeout(7s) and then GetTimeout(3s) were still waiting after 10s: when a timeout ends, the waiter it "+
					"belongs to must wake (Broadcast, or a wake-up of its own), not whichever waiter Signal picks")
			require.ErrorIs(t, short.Value.err, queue.ErrEmpty)
			require.ErrorIs(t, long.Value.err, queue.ErrEmpty)
			require.Equal(t, 3*time.Second, short.Elapsed, "GetTimeout(3s) that started waiting after a GetTimeout(7s)")
			require.Equal(t, 7*time.Second, long.Elapsed,
				"GetTimeout(7s) next to a GetTimeout(3s): it was woken when the 3s ran out and must keep its own deadline, "+
					"not start a new 7s wait after every wake-up")
		}},
		{"a timed Get next to a Get that waits for ever", func(t *testing.T, q *queue.Queue[int]) {
			forever := start(q.Get)
			synctest.Wait() // the plain Get is the first to wait
			timed := start(func() (int, error) { return q.GetTimeout(3 * time.Second) })
			synctest.Wait()
			time.Sleep(3 * time.Second)
			synctest.Wait()
			require.True(t, timed.Returned(), "GetTimeout(3s) was still waiting 3s after the call, next to a plain Get: "+
				"when its timeout ends it must wake itself (Broadcast, or a wake-up of its own), not whichever waiter Signal picks")
			require.ErrorIs(t, timed.Value.err, queue.ErrEmpty)
			require.Equal(t, 3*time.Second, timed.Elapsed, "GetTimeout(3s) next to a plain Get")
			require.False(t, forever.Returned(), "a plain Get on an empty queue returned when another Get's timeout ended")
			require.NoError(t, q.Put(5))
			require.True(t, harness.Eventually(forever.Returned, step, patience), "the plain Get did not return after a Put")
			require.Equal(t, 5, forever.Value.val)
		}},
		{"GetContext stops at the context's deadline", func(t *testing.T, q *queue.Queue[int]) {
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
			defer cancel()
			get := start(func() (int, error) { return q.GetContext(ctx) })
			require.True(t, harness.Eventually(get.Returned, step, patience), "GetContext was still waiting 10s after its context's 4s deadline")
			require.ErrorIs(t, get.Value.err, context.DeadlineExceeded, "GetContext must return ctx.Err()")
			require.Equal(t, 4*time.Second, get.Elapsed, "GetContext must stop exactly at the context's deadline")
		}},
		{"GetContext stops when the context is cancelled", func(t *testing.T, q *queue.Queue[int]) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			get := start(func() (int, error) { return q.GetContext(ctx) })
			time.Sleep(soon)
			harness.RequireWaiting(t, []*call[int]{get}, "GetContext on an empty queue", mustBlock)
			cancel()
			synctest.Wait() // no time passes: only the cancel can wake the GetContext
			require.True(t, get.Returned(), "GetContext was still asleep right after its context was cancelled, with no time passing: "+
				"the cancel must wake it (context.AfterFunc, or select on ctx.Done()), do not poll")
			require.ErrorIs(t, get.Value.err, context.Canceled, "GetContext must return ctx.Err()")
			require.Equal(t, soon, get.Elapsed, "GetContext must stop at the moment its context is cancelled")
			require.NoError(t, q.Put(8))
			synctest.Wait()
			got, err := q.TryGet()
			require.NoErrorf(t, err, "an item put after a GetContext gave up must still be in the queue: "+
				"nothing the cancelled GetContext started (a helper goroutine still waiting in Get) may take it")
			require.Equal(t, 8, got)
		}},
		{"GetContext returns an item that arrives in time", func(t *testing.T, q *queue.Queue[int]) {
			ctx, cancel := context.WithTimeout(context.Background(), d)
			defer cancel()
			get := start(func() (int, error) { return q.GetContext(ctx) })
			time.Sleep(soon)
			require.NoError(t, q.Put(9))
			require.True(t, harness.Eventually(get.Returned, step, patience), "GetContext did not return after an item arrived")
			require.NoError(t, get.Value.err)
			require.Equal(t, 9, get.Value.val)
		}},
		{"PutContext stops when the context is cancelled and adds nothing", func(t *testing.T, q *queue.Queue[int]) {
			require.NoError(t, q.Put(1))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			put := startErr(func() error { return q.PutContext(ctx, 2) })
			time.Sleep(soon)
			harness.RequireWaiting(t, []*call[struct{}]{put}, "PutContext on a full queue", mustBlock)
			cancel()
			synctest.Wait() // no time passes: only the cancel can wake the PutContext
			require.True(t, put.Returned(), "PutContext was still asleep right after its context was cancelled, with no time passing: "+
				"the cancel must wake it (context.AfterFunc, or select on ctx.Done()), do not poll")
			require.ErrorIs(t, put.Value.err, context.Canceled, "PutContext must return ctx.Err()")
			require.Equal(t, soon, put.Elapsed, "PutContext must stop at the moment its context is cancelled")
			require.Equal(t, 1, q.Len(), "a PutContext that gave up must not add its item")
			got, err := q.Get()
			require.NoError(t, err)
			require.Equal(t, 1, got)
			synctest.Wait()
			require.Zerof(t, q.Len(), "a PutContext that gave up added its item later, once a Get made room: "+
				"nothing the cancelled PutContext started (a helper goroutine still waiting in Put) may go on")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				q := queue.New[int](1)
				release(t, q)
				tc.run(t, q)
			})
		})
	}
}

// TestNoLostWakeups: with several goroutines waiting, N operations that each
// make one of them able to go on must wake N of them, not fewer. A classic
// mistake is to signal only when the queue goes from empty to non-empty (or
// from full to not full): the second Put then wakes nobody.
func TestNoLostWakeups(t *testing.T) {
	harness.Setup(t)
	const rounds = 30
	t.Run("N Puts wake N waiting Gets", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			for round := range rounds {
				n := 2 + round%5
				q := queue.New[int](0)
				release(t, q)
				gets := make([]*call[int], n)
				for i := range gets {
					gets[i] = start(q.Get)
				}
				harness.RequireWaiting(t, gets, "Get on an empty queue", mustBlock)
				want := make([]int, n)
				for i := range n { // back to back, before the woken Gets run
					want[i] = 100*round + i
					require.NoError(t, q.Put(want[i]))
				}
				if !harness.Eventually(func() bool { return harness.CountReturned(gets) == n }, step, patience) {
					require.Failf(t, "lost wake-up",
						"round %d: %d Gets were waiting and %d items were put, but only %d Gets returned while %d item(s) sat in the queue; "+
							"every Put must wake a waiting Get", round, n, n, harness.CountReturned(gets), q.Len())
				}
				var got []int
				for _, g := range gets {
					require.NoError(t, g.Value.err, "a Get woken by a Put")
					got = append(got, g.Value.val)
				}
				slices.Sort(got)
				require.Equalf(t, want, got, "round %d: the waiting Gets must receive exactly the items put", round)
			}
		})
	})
	t.Run("N Gets wake N waiting Puts", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			for round := range rounds {
				n := 2 + round%5
				q := queue.New[int](n)
				release(t, q)
				for i := range n {
					require.NoError(t, q.Put(-1-i))
				}
				puts := make([]*call[struct{}], n)
				for i := range puts {
					puts[i] = startErr(func() error { return q.Put(100*round + i) })
				}
				harness.RequireWaiting(t, puts, "Put on a full queue", mustBlock)
				for range n { // back to back, before the woken Puts run
					_, err := q.Get()
					require.NoError(t, err)
				}
				if !harness.Eventually(func() bool { return harness.CountReturned(puts) == n }, step, patience) {
					require.Failf(t, "lost wake-up",
						"round %d: %d Puts were waiting on a full queue and %d Gets made room, but only %d Puts returned "+
							"(Len %d of %d); every Get must wake a waiting Put", round, n, n, harness.CountReturned(puts), q.Len(), n)
				}
				for _, p := range puts {
					require.NoError(t, p.Value.err, "a Put woken by a Get")
				}
			}
		})
	})
	t.Run("Gets and Puts waiting on a queue of one", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			for round := range rounds {
				n := 2 + round%5
				q := queue.New[int](1)
				release(t, q)
				gets := make([]*call[int], n)
				for i := range gets {
					gets[i] = start(q.Get)
				}
				harness.RequireWaiting(t, gets, "Get on an empty queue", mustBlock)
				puts := make([]*call[struct{}], n)
				for i := range puts {
					puts[i] = startErr(func() error { return q.Put(i) })
				}
				if !harness.Eventually(func() bool { return harness.CountReturned(gets) == n && harness.CountReturned(puts) == n }, step, patience) {
					require.Failf(t, "lost wake-up",
						"round %d: %d Gets and %d Puts on a queue of one: only %d Gets and %d Puts returned (Len %d); "+
							"a wake-up meant for a Put must not go to a Get, or the other way round",
						round, n, n, harness.CountReturned(gets), harness.CountReturned(puts), q.Len())
				}
				var got []int
				for _, g := range gets {
					require.NoError(t, g.Value.err)
					got = append(got, g.Value.val)
				}
				slices.Sort(got)
				for i, v := range got {
					require.Equalf(t, i, v, "round %d: the Gets must receive each put item exactly once, got %v", round, got)
				}
			}
		})
	})
}

// TestNeverOverMaxSize: Put on a full queue waits, a woken Put checks again
// for room, and under heavy contention Len never goes above maxsize.
func TestNeverOverMaxSize(t *testing.T) {
	harness.Setup(t)
	t.Run("a woken Put checks again for room", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			const maxsize, waiting = 2, 3
			q := queue.New[int](maxsize)
			release(t, q)
			require.NoError(t, q.Put(1))
			require.NoError(t, q.Put(2))
			puts := make([]*call[struct{}], waiting)
			for i := range puts {
				puts[i] = startErr(func() error { return q.Put(10 + i) })
			}
			synctest.Wait()
			if n := harness.CountReturned(puts); n > 0 {
				require.Failf(t, "Put on a full queue did not wait",
					"%d of %d Puts on a full queue returned at once; Len() is %d with maxsize %d", n, waiting, q.Len(), maxsize)
			}
			_, err := q.Get()
			require.NoError(t, err)
			require.True(t, harness.Eventually(func() bool { return harness.CountReturned(puts) > 0 }, step, patience),
				"no waiting Put went ahead after a Get made room")
			n := harness.CountReturned(puts)
			require.LessOrEqualf(t, q.Len(), maxsize,
				"one Get freed one slot, but %d waiting Puts went ahead and Len() is %d with maxsize %d: "+
					"a woken Put must check again for room before adding (wait in a loop, not an if)", n, q.Len(), maxsize)
			require.Equalf(t, 1, n, "one Get freed one slot, so exactly one of the %d waiting Puts may go ahead", waiting)

			for want := 2; want <= waiting; want++ { // make room for the others, one at a time
				_, err := q.Get()
				require.NoError(t, err)
				require.Truef(t, harness.Eventually(func() bool { return harness.CountReturned(puts) == want }, step, patience),
					"a Get made room, but the next waiting Put did not go ahead (%d of %d have)", harness.CountReturned(puts), waiting)
				require.LessOrEqual(t, q.Len(), maxsize, "Len() went above maxsize")
			}
		})
	})
	t.Run("many producers and consumers", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			const rounds, maxsize, producers, perProducer, consumers = 5, 3, 8, 200, 8
			const stop = -1 // one per consumer, after the items; items start at 1
			for round := range rounds {
				q := queue.New[int](maxsize)
				release(t, q)
				var maxSeen, minSeen, progress, puts atomic.Int64
				observe := func() { // called after every operation: Len must stay in 0..maxsize
					n := int64(q.Len())
					for m := maxSeen.Load(); n > m && !maxSeen.CompareAndSwap(m, n); m = maxSeen.Load() {
					}
					for m := minSeen.Load(); n < m && !minSeen.CompareAndSwap(m, n); m = minSeen.Load() {
					}
					progress.Add(1)
				}

				var cons sync.WaitGroup
				for range consumers {
					cons.Go(func() {
						defer progress.Add(1)
						get := q.Get
						for {
							v, err := get()
							if err != nil || v == stop {
								return
							}
							if v == 0 {
								// Not an item: this Get returned without waiting.
								// That is TestBlockingWakesImmediately's business;
								// use GetContext so as not to spin here.
								get = func() (int, error) { return q.GetContext(context.Background()) }
								continue
							}
							observe()
						}
					})
				}
				consDone := make(chan struct{})
				go func() { cons.Wait(); close(consDone) }()
				prodDone := make(chan struct{})
				go func() {
					defer close(prodDone)
					harness.Together(producers, func(i int) {
						for j := range perProducer {
							if q.Put(1+i*1000+j) != nil {
								return
							}
							puts.Add(1)
							observe()
						}
					})
				}()

				// A queue that loses wake-ups can leave everyone asleep; that
				// is TestNoLostWakeups' business. Here it only ends the round.
				stopsDone := make(chan struct{})
				stuck := stalled(prodDone, &progress)
				if stuck {
					close(stopsDone)
				} else {
					go func() {
						defer close(stopsDone)
						for range consumers {
							if q.Put(stop) != nil {
								return
							}
						}
					}()
					stuck = stalled(consDone, &progress)
				}
				if stuck {
					q.Close() // wakes whoever is stuck
				}
				<-prodDone
				<-consDone
				<-stopsDone

				require.LessOrEqualf(t, maxSeen.Load(), int64(maxsize),
					"round %d: Len() reached %d with maxsize %d while %d producers raced to Put: "+
						"checking for room and adding the item must happen under one lock, with no gap between",
					round, maxSeen.Load(), maxsize, producers)
				require.GreaterOrEqualf(t, minSeen.Load(), int64(0), "round %d: Len() must never be negative", round)
				if !stuck {
					require.Equalf(t, int64(producers*perProducer), puts.Load(), "round %d: every Put should have succeeded", round)
				}
				q.Close()
			}
		})
	})
}

// stalled waits for done. It reports true instead if fake time goes on
// passing with no progress: fake time moves only when every goroutine of the
// bubble is blocked, so a queue has left them all asleep.
func stalled(done <-chan struct{}, progress *atomic.Int64) bool {
	for last := int64(-1); ; {
		select {
		case <-done:
			return false
		case <-time.After(time.Second):
			p := progress.Load()
			if p == last {
				return true
			}
			last = p
		}
	}
}

// TestClose: Close wakes every waiting Put and Get with ErrClosed, later
// Puts fail, Gets drain what is left and then fail, and closing twice is
// fine.
func TestClose(t *testing.T) {
	harness.Setup(t)
	const waiters = 4
	t.Run("Close wakes every waiting Get", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			q := queue.New[int](1)
			release(t, q)
			gets := make([]*call[int], waiters)
			for i := range gets {
				gets[i] = start(q.Get)
			}
			harness.RequireWaiting(t, gets, "Get on an empty open queue", mustBlock)
			q.Close()
			if !harness.Eventually(func() bool { return harness.CountReturned(gets) == waiters }, step, patience) {
				require.Failf(t, "Close did not wake every waiting Get",
					"only %d of %d waiting Gets returned after Close; Close must wake them all (Broadcast, not Signal)",
					harness.CountReturned(gets), waiters)
			}
			for _, g := range gets {
				require.ErrorIs(t, g.Value.err, queue.ErrClosed, "a Get woken by Close on an empty queue")
				require.Zero(t, g.Value.val)
			}
		})
	})
	t.Run("Close wakes every waiting Put", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			q := queue.New[int](1)
			release(t, q)
			require.NoError(t, q.Put(7))
			puts := make([]*call[struct{}], waiters)
			for i := range puts {
				puts[i] = startErr(func() error { return q.Put(i) })
			}
			harness.RequireWaiting(t, puts, "Put on a full queue", mustBlock)
			q.Close()
			if !harness.Eventually(func() bool { return harness.CountReturned(puts) == waiters }, step, patience) {
				require.Failf(t, "Close did not wake every waiting Put",
					"only %d of %d waiting Puts returned after Close; Close must wake them all (Broadcast, not Signal)",
					harness.CountReturned(puts), waiters)
			}
			for _, p := range puts {
				require.ErrorIs(t, p.Value.err, queue.ErrClosed, "a Put woken by Close")
			}
			require.Equal(t, 1, q.Len(), "Puts woken by Close must not add their items")
			got, err := q.TryGet()
			require.NoError(t, err, "the item put before Close is still there")
			require.Equal(t, 7, got)
		})
	})
	t.Run("every Put fails after Close", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			q := queue.New[int](2)
			require.NoError(t, q.Put(1))
			q.Close()
			require.ErrorIs(t, q.Put(2), queue.ErrClosed, "Put after Close")
			require.ErrorIs(t, q.TryPut(2), queue.ErrClosed, "TryPut after Close")
			require.ErrorIs(t, q.PutContext(context.Background(), 2), queue.ErrClosed, "PutContext after Close")
			put := startErr(func() error { return q.PutTimeout(2, 5*time.Second) })
			require.True(t, harness.Eventually(put.Returned, step, patience), "PutTimeout after Close kept waiting")
			require.ErrorIs(t, put.Value.err, queue.ErrClosed, "PutTimeout after Close")
			require.Zero(t, put.Elapsed, "PutTimeout after Close must fail at once")
			require.Equal(t, 1, q.Len(), "nothing may be added after Close")

			full := queue.New[int](1)
			require.NoError(t, full.Put(1))
			full.Close()
			require.ErrorIs(t, full.TryPut(2), queue.ErrClosed, "TryPut on a closed queue that is also full: ErrClosed wins")
		})
	})
	t.Run("Gets drain the items left, then fail", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			q := queue.New[int](0)
			release(t, q)
			for i := 1; i <= 3; i++ {
				require.NoError(t, q.Put(i))
			}
			q.Close()
			got, err := q.Get()
			require.NoError(t, err, "Get on a closed queue that still holds items")
			require.Equal(t, 1, got)
			got, err = q.TryGet()
			require.NoError(t, err, "TryGet on a closed queue that still holds items")
			require.Equal(t, 2, got)
			got, err = q.GetContext(context.Background())
			require.NoError(t, err, "GetContext on a closed queue that still holds items")
			require.Equal(t, 3, got)

			calls := []*call[int]{
				start(q.Get),
				start(q.TryGet),
				start(func() (int, error) { return q.GetTimeout(5 * time.Second) }),
				start(func() (int, error) { return q.GetContext(context.Background()) }),
			}
			names := []string{"Get", "TryGet", "GetTimeout", "GetContext"}
			synctest.Wait()
			for i, c := range calls {
				require.Truef(t, c.Returned(), "%s on a closed, drained queue must return at once", names[i])
				require.ErrorIsf(t, c.Value.err, queue.ErrClosed, "%s on a closed, drained queue", names[i])
				require.Zerof(t, c.Value.val, "%s on a closed, drained queue returns the zero value", names[i])
			}
		})
	})
	t.Run("closing twice is harmless", func(t *testing.T) {
		q := queue.New[int](1)
		q.Close()
		require.NotPanics(t, q.Close, "a second Close must do nothing")
		require.ErrorIs(t, q.TryPut(1), queue.ErrClosed, "the queue stays closed")
	})
	t.Run("two goroutines close at once", func(t *testing.T) {
		// harness.Alternate hides from the race detector that the second
		// Close runs after the first: the closed flag must be read under the
		// lock that guards its write, or the race detector reports it. A
		// "fast path" that looks at the flag before locking races with the
		// other goroutine's Close.
		for range 3 {
			q := queue.New[int](1)
			harness.Alternate(1, func(int) { q.Close() }, func(int) { q.Close() })
			require.ErrorIs(t, q.TryPut(1), queue.ErrClosed, "a queue closed by two goroutines at once is closed")
		}
	})
}

// TestTaskDoneJoin: every successful Put adds an unfinished task, TaskDone
// finishes one, Join waits until none is left, and TaskDone with nothing
// unfinished is an error that changes nothing.
func TestTaskDoneJoin(t *testing.T) {
	harness.Setup(t)
	t.Run("Join returns at once when nothing was put", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			q := queue.New[int](0)
			join := startJoin(q)
			synctest.Wait()
			require.True(t, join.Returned(), "Join on a new queue must return at once")
		})
	})
	t.Run("Join waits for TaskDone, not for Get", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			q := queue.New[int](0)
			for i := range 3 {
				require.NoError(t, q.Put(i))
			}
			join := startJoin(q)
			harness.RequireWaiting(t, []*call[struct{}]{join}, "Join with 3 unfinished items", mustBlock)
			for range 3 {
				_, err := q.Get()
				require.NoError(t, err)
			}
			synctest.Wait()
			require.False(t, join.Returned(),
				"Join returned when the queue became empty, before any TaskDone: it must wait until every item is marked done")
			for i := range 2 {
				require.NoErrorf(t, q.TaskDone(), "TaskDone #%d of 3", i+1)
			}
			synctest.Wait()
			require.False(t, join.Returned(), "Join returned after 2 of 3 TaskDone calls")
			require.NoError(t, q.TaskDone(), "TaskDone #3 of 3")
			require.True(t, harness.Eventually(join.Returned, step, patience), "Join kept waiting after the last TaskDone")
		})
	})
	t.Run("the last TaskDone wakes every Join", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			q := queue.New[int](0)
			require.NoError(t, q.Put(1))
			joins := []*call[struct{}]{startJoin(q), startJoin(q), startJoin(q)}
			harness.RequireWaiting(t, joins, "Join with 1 unfinished item", mustBlock)
			_, err := q.Get()
			require.NoError(t, err)
			require.NoError(t, q.TaskDone())
			if !harness.Eventually(func() bool { return harness.CountReturned(joins) == len(joins) }, step, patience) {
				require.Failf(t, "not every Join woke up",
					"only %d of %d waiting Joins returned after the last TaskDone; wake them all", harness.CountReturned(joins), len(joins))
			}
		})
	})
	t.Run("too many TaskDone calls are an error and change nothing", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			q := queue.New[int](0)
			require.ErrorIs(t, q.TaskDone(), queue.ErrTooManyTaskDone, "TaskDone on a new queue")
			require.NoError(t, q.Put(1))
			_, err := q.Get()
			require.NoError(t, err)
			require.NoError(t, q.TaskDone(), "TaskDone for the one item put")
			require.ErrorIs(t, q.TaskDone(), queue.ErrTooManyTaskDone, "a second TaskDone for one item put")

			require.NoError(t, q.Put(2))
			join := startJoin(q)
			synctest.Wait()
			require.False(t, join.Returned(),
				"Join returned with one unfinished item: the failed TaskDone calls must not have counted")
			_, err = q.Get()
			require.NoError(t, err)
			require.NoError(t, q.TaskDone(), "TaskDone for the new item")
			require.True(t, harness.Eventually(join.Returned, step, patience), "Join kept waiting after the last TaskDone")
		})
	})
	t.Run("failed puts add no task", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			q := queue.New[int](1)
			release(t, q)
			require.NoError(t, q.TryPut(1))
			require.ErrorIs(t, q.TryPut(2), queue.ErrFull, "TryPut on a full queue")
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			require.ErrorIs(t, q.PutContext(ctx, 3), context.Canceled, "PutContext on a full queue with a cancelled context")
			_, err := q.Get()
			require.NoError(t, err)
			require.NoError(t, q.TaskDone(), "TaskDone for the one item that went in")

			join := startJoin(q)
			synctest.Wait()
			require.True(t, join.Returned(),
				"Join kept waiting although the only item put was marked done: failed TryPut/PutContext calls must not add a task")
			require.ErrorIs(t, q.TaskDone(), queue.ErrTooManyTaskDone, "only one item ever went in")
		})
	})
}

// TestJoinWakesImmediately: Join waits for the last TaskDone, however much
// time passes, and the last TaskDone wakes it at once. A Join that polls
// (check, time.Sleep, check again) needs time to pass before it notices; a
// Join that sleeps "long enough" returns while tasks are unfinished.
func TestJoinWakesImmediately(t *testing.T) {
	harness.Setup(t)
	harness.Bubble(t, func(t *testing.T) {
		const idle = 10 * time.Second
		q := queue.New[int](0)
		release(t, q)
		for i := range 2 {
			require.NoError(t, q.Put(i))
		}
		joins := []*call[struct{}]{startJoin(q), startJoin(q)}
		harness.RequireWaiting(t, joins, "Join with 2 unfinished items", mustBlock)
		for range 2 {
			_, err := q.Get()
			require.NoError(t, err)
		}
		require.NoError(t, q.TaskDone(), "TaskDone #1 of 2")
		time.Sleep(idle) // fake time: no amount of it finishes the second task
		harness.RequireWaiting(t, joins, fmt.Sprintf("Join with 1 unfinished item, after %v,", idle), mustBlock)

		require.NoError(t, q.TaskDone(), "TaskDone #2 of 2")
		synctest.Wait() // no time passes: only the TaskDone can have woken the Joins
		for i, j := range joins {
			require.Truef(t, j.Returned(),
				"Join #%d was still asleep right after the last TaskDone, with no time passing: the last TaskDone must wake "+
					"every Join itself (sync.Cond Broadcast, or closing a channel); do not poll with time.Sleep", i+1)
			require.Equalf(t, idle, j.Elapsed, "Join #%d must return at the moment of the last TaskDone", i+1)
		}
	})
}

// TestUnboundedHoldsManyItems: maxsize 0 (or less) means no bound at all,
// far past any size a "big enough" buffer would have. 100 000 items go in
// without waiting, with Put and TryPut, and come out in order.
func TestUnboundedHoldsManyItems(t *testing.T) {
	harness.Setup(t)
	const many = 100_000
	for _, maxsize := range []int{0, -1} {
		t.Run(fmt.Sprintf("maxsize %d", maxsize), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				q := queue.New[int](maxsize)
				release(t, q)
				for i := range many / 2 {
					if err := q.TryPut(i); err != nil {
						require.FailNowf(t, "an unbounded queue refused an item",
							"TryPut #%d on New(%d) returned %v: an unbounded queue is never full, however many items it holds "+
								"(a buffered channel of some fixed size is not unbounded)", i, maxsize, err)
					}
				}
				put := startErr(func() error {
					for i := many / 2; i < many; i++ {
						if err := q.Put(i); err != nil {
							return err
						}
					}
					return nil
				})
				synctest.Wait()
				require.Truef(t, put.Returned(), "Put on New(%d) holding %d or more items waited: an unbounded queue never makes Put wait "+
					"(a buffered channel of some fixed size is not unbounded)", maxsize, many/2)
				require.NoError(t, put.Value.err)
				require.Equal(t, many, q.Len(), "Len after %d Puts", many)
				require.False(t, q.Full(), "an unbounded queue is never Full")
				for i := range many {
					v, err := q.TryGet()
					if err != nil || v != i {
						require.FailNowf(t, "wrong item", "TryGet #%d returned (%d, %v), want (%d, nil)", i, v, err, i)
					}
				}
				require.True(t, q.Empty(), "Empty after taking every item")
			})
		})
	}
}

// TestAccessorsDuringTraffic runs producers and consumers on the real
// scheduler (GOMAXPROCS 1, 2 and 4, whatever the machine) while other
// goroutines keep calling Len, Empty, Full and MaxSize, and a Join waits for
// the work to be done. The race detector sees every accessor that reads the
// queue's state without its lock (in a synctest bubble, synctest.Wait would
// hide that). The values must make sense at every moment: 0 <= Len <=
// maxsize, Full exactly when Len is maxsize. Right after Join returns, every
// item has been taken and marked done.
func TestAccessorsDuringTraffic(t *testing.T) {
	harness.Setup(t)
	const (
		maxsize   = 4
		producers = 3
		consumers = 3
		perProd   = 300
		readers   = 2
	)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var problem atomic.Pointer[string]
	report := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		problem.CompareAndSwap(nil, &msg)
	}
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		q := queue.New[int](maxsize)
		var done atomic.Bool
		var wg sync.WaitGroup
		for range readers {
			wg.Go(func() {
				for i := 0; !done.Load() || i < 10; i++ {
					n := q.Len()
					if n < 0 || n > maxsize {
						report("GOMAXPROCS %d: Len() = %d with maxsize %d", procs, n, maxsize)
					}
					q.Empty()
					q.Full()
					if m := q.MaxSize(); m != maxsize {
						report("GOMAXPROCS %d: MaxSize() = %d, want %d", procs, m, maxsize)
					}
					runtime.Gosched() // a reader must not keep the producers and consumers off the processor
				}
			})
		}
		var taken atomic.Int64
		for range consumers {
			wg.Go(func() {
				for {
					if _, err := q.Get(); err != nil {
						return
					}
					taken.Add(1)
					if err := q.TaskDone(); err != nil {
						report("GOMAXPROCS %d: TaskDone after a Get: %v", procs, err)
					}
				}
			})
		}
		joined := make(chan struct{})
		go func() {
			defer close(joined)
			harness.Together(producers, func(i int) {
				for j := range perProd {
					if err := q.Put(i*perProd + j); err != nil {
						report("GOMAXPROCS %d: Put on an open queue: %v", procs, err)
						return
					}
				}
			})
			q.Join()
			// Right after Join: every item was taken and marked done.
			if n, got := q.Len(), taken.Load(); n != 0 || got != producers*perProd {
				report("GOMAXPROCS %d: right after Join returned, Len() = %d and %d items had been taken, want 0 and %d",
					procs, n, got, producers*perProd)
			}
			if !q.Empty() {
				report("GOMAXPROCS %d: Empty() is false right after Join returned", procs)
			}
		}()
		finished := true
		select {
		case <-joined:
		case <-time.After(5 * time.Second):
			finished = false
			report("GOMAXPROCS %d: the producers, the consumers and Join did not finish within 5s", procs)
		}
		done.Store(true)
		q.Close()
		wg.Wait()
		if !finished || problem.Load() != nil {
			break
		}
	}
	if msg := problem.Load(); msg != nil {
		require.Fail(t, "wrong value during traffic", *msg)
	}
}

// TestCancelNeverLosesAnItem cancels GetContext calls at the moment items
// arrive, on the real scheduler (GOMAXPROCS 1, 2 and 4, many rounds): synctest
// never lets a cancel and a Put race like this. A GetContext may return the
// item or ctx.Err(), but when it gives up it must leave the item in the
// queue: every item put must come out exactly once.
func TestCancelNeverLosesAnItem(t *testing.T) {
	harness.Setup(t)
	const rounds = 300
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		q := queue.New[int](0)
		got := make([]int, 0, rounds)
		for round := range rounds {
			ctx, cancel := context.WithCancel(context.Background())
			res := make(chan result[int], 1)
			go func() {
				v, err := q.GetContext(ctx)
				res <- result[int]{val: v, err: err}
			}()
			ready := make(chan struct{})
			go func() {
				<-ready
				cancel()
			}()
			close(ready)
			require.NoError(t, q.Put(round))
			var out result[int]
			select {
			case out = <-res:
			case <-time.After(5 * time.Second):
				cancel()
				require.FailNowf(t, "GetContext hung", "GOMAXPROCS %d, round %d: GetContext did not return within 5s of a Put and a cancel", procs, round)
			}
			cancel()
			switch {
			case out.err == nil:
				got = append(got, out.val)
			case errors.Is(out.err, context.Canceled):
			default:
				require.FailNowf(t, "unexpected error", "GOMAXPROCS %d, round %d: GetContext returned %v", procs, round, out.err)
			}
		}
		for {
			v, err := q.TryGet()
			if err != nil {
				break
			}
			got = append(got, v)
		}
		q.Close()
		slices.Sort(got)
		for i, v := range got {
			if v != i {
				require.Failf(t, "an item was lost or doubled",
					"GOMAXPROCS %d: %d items were put, each racing with a cancelled GetContext; the GetContexts and the queue "+
						"hold %d items, and item %d is missing or doubled. A GetContext that returns ctx.Err() must not take "+
						"an item (take it and return it, or leave it in the queue)", procs, rounds, len(got), i)
			}
		}
		require.Lenf(t, got, rounds, "GOMAXPROCS %d: every item put must come out exactly once", procs)
	}
}

// TestShortTimeoutsOnRealScheduler gives many GetTimeout and PutTimeout calls
// very short timeouts on the real scheduler (GOMAXPROCS 2 and 4), each
// alone on its queue, so that a timeout can end at any point of the call: in
// a synctest bubble a timer fires only once everything is blocked, and some
// windows never open. If the wake-up that a timeout sends can slip in between
// the waiter's last check and its going to sleep (a callback that
// broadcasts without holding the queue's lock, for example), the waiter
// sleeps for ever. That gap is a few instructions wide; the test widens it
// with harness.DelayCondWaits (when the grader runs it), so that a timeout
// lands in it every time. Every call must return ErrEmpty or ErrFull.
func TestShortTimeoutsOnRealScheduler(t *testing.T) {
	harness.Setup(t)
	harness.DelayCondWaits(t)
	const (
		workers = 4
		calls   = 600
	)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var problem atomic.Pointer[string]
	report := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		problem.CompareAndSwap(nil, &msg)
	}
	for _, procs := range []int{2, 4} {
		runtime.GOMAXPROCS(procs)
		harness.Together(workers, func(w int) {
			for i := range calls {
				if problem.Load() != nil {
					return
				}
				d := time.Duration(200+(i*337+w*1013)%8000) * time.Nanosecond
				q := queue.New[int](1)
				put := i%2 == 1
				if put {
					if err := q.Put(0); err != nil {
						report("Put on an empty queue: %v", err)
						return
					}
				}
				res := make(chan error, 1)
				go func() {
					if put {
						res <- q.PutTimeout(1, d)
					} else {
						_, err := q.GetTimeout(d)
						res <- err
					}
				}()
				var err error
				select {
				case err = <-res:
				case <-time.After(2 * time.Second):
					q.Close() // wakes the stuck call, so that it can end
					<-res
					name := "GetTimeout"
					if put {
						name = "PutTimeout"
					}
					report("GOMAXPROCS %d: %s(%v) on a queue nobody else used was still waiting 2s later: either the timeout "+
						"is ignored, or the wake-up its timeout sent was lost. Whatever wakes a waiter must hold the queue's "+
						"lock while it does (take q.mu in the callback before Broadcast), so that it cannot slip in between "+
						"the waiter's check and its Wait", procs, name, d)
					return
				}
				if want := map[bool]error{false: queue.ErrEmpty, true: queue.ErrFull}[put]; !errors.Is(err, want) {
					report("GOMAXPROCS %d: a timed call on a queue nobody else used returned %v, want %v", procs, err, want)
					return
				}
			}
		})
		if problem.Load() != nil {
			break
		}
	}
	if msg := problem.Load(); msg != nil {
		require.Fail(t, "a timeout was lost", *msg)
	}
}

// goroutineAsleep reports whether goroutine id is asleep right now: waiting
// for a lock, a condition, a channel or a timer, according to its state in a
// stack dump of every goroutine ("goroutine 42 [sync.Cond.Wait]:").
func goroutineAsleep(id uint64) bool {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	header := fmt.Sprintf("goroutine %d [", id)
	for _, g := range strings.Split(string(buf), "\n\n") {
		if rest, ok := strings.CutPrefix(g, header); ok {
			for _, s := range []string{"sync.Mutex.Lock", "semacquire", "sync.Cond.Wait", "sleep", "select", "chan receive", "chan send", "sync.WaitGroup.Wait"} {
				if strings.HasPrefix(rest, s) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// TestWaitingGoroutinesSleep runs on the real scheduler: a Get on an empty
// queue, a Put on a full one, a GetTimeout with a long timeout and a Join with
// an unfinished task must each go to sleep (be seen asleep in a stack dump
// several times in a row) until something wakes them. A call that keeps
// running while it waits spins: it checks the state in a loop and burns a
// processor (and in a synctest bubble it never lets the other tests' fake
// time move, so they hang).
func TestWaitingGoroutinesSleep(t *testing.T) {
	harness.Setup(t)
	empty, full, busy := queue.New[int](1), queue.New[int](1), queue.New[int](1)
	require.NoError(t, full.Put(1))
	require.NoError(t, busy.Put(1))
	_, err := busy.Get()
	require.NoError(t, err)
	type waiter struct {
		name string
		id   uint64
		done chan struct{}
	}
	var waiters []*waiter
	wake := func() {
		empty.Close()
		full.Close()
		busy.TaskDone()
	}
	var wakeOnce sync.Once
	defer func() {
		wakeOnce.Do(wake)
		for _, w := range waiters {
			select {
			case <-w.done:
			case <-time.After(3 * time.Second):
				t.Errorf("%s did not return within 3s of Close or the last TaskDone", w.name)
			}
		}
	}()
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Get on an empty queue", func() { empty.Get() }},
		{"GetTimeout(1h) on an empty queue", func() { empty.GetTimeout(time.Hour) }},
		{"Put on a full queue", func() { full.Put(2) }},
		{"Join with an unfinished task", busy.Join},
	} {
		w := &waiter{name: c.name, done: make(chan struct{})}
		ids := make(chan uint64, 1)
		go func() {
			defer close(w.done)
			ids <- harness.GoroutineID()
			c.f()
		}()
		w.id = <-ids
		waiters = append(waiters, w)
		deadline := time.Now().Add(2 * time.Second)
		for seen := 0; seen < 5; {
			if harness.Closed(w.done) {
				require.FailNowf(t, "did not wait", "%s returned at once: it must wait", w.name)
			}
			if goroutineAsleep(w.id) {
				seen++
			} else {
				seen = 0
			}
			require.Falsef(t, time.Now().After(deadline),
				"%s kept running for 2s instead of going to sleep: it spins (checks the state in a loop). "+
					"Wait on a sync.Cond or a channel, so that the change that lets it go on wakes it", w.name)
			time.Sleep(200 * time.Microsecond) // poll interval, not a guess about timing
		}
	}
}
