package daemon_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	daemon "github.com/concurrency-kit/kit/exercises/02_daemon"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// Every test runs in a synctest bubble (harness.Bubble): time there is fake.
// It stands still while any goroutine of the bubble can run, and jumps
// forward only when every goroutine is blocked. So a heartbeat of one hour
// takes no real time, a beat lands at exactly the nanosecond it is due, and
// synctest.Wait() returns once every other goroutine of the bubble is
// blocked: that is how a test knows that the worker "is waiting for its next
// tick" or "is stuck inside beat".
//
// A goroutine of the bubble that is still blocked when the test ends (a
// worker nobody can stop, a Stop that waits for ever) makes the bubble panic
// with "deadlock: main bubble goroutine has exited but blocked goroutines
// remain".

// iv is the heartbeat interval of most tests.
const iv = time.Second

// runaway is more beats than any test lets happen. A Start that runs the
// loop itself instead of in a new goroutine never returns; it is stopped
// there.
const runaway = 10000

// recorder is the beat function given to Start: it records each call.
type recorder struct {
	start time.Time
	hook  func(n int) // runs inside beat, after the call is recorded; set before Start

	mu      sync.Mutex
	ns      []int           // the n of each call, in call order
	at      []time.Duration // when each call came, from start
	retired bool            // the test is over: beat no longer runs hook
}

func newRecorder(hook func(n int)) *recorder {
	return &recorder{start: time.Now(), hook: hook}
}

func (r *recorder) beat(n int) {
	r.mu.Lock()
	r.ns = append(r.ns, n)
	r.at = append(r.at, time.Since(r.start))
	calls, retired := len(r.ns), r.retired
	r.mu.Unlock()
	if calls > runaway {
		panic(fmt.Sprintf("beat was called %d times: does Start run the loop itself instead of in a new goroutine?", calls))
	}
	if r.hook != nil && !retired {
		r.hook(n)
	}
}

// retire makes later beat calls return at once, without running hook.
func (r *recorder) retire() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retired = true
}

// count is the number of beat calls so far.
func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.ns)
}

// calls returns the n of each call and when it came.
func (r *recorder) calls() ([]int, []time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int(nil), r.ns...), append([]time.Duration(nil), r.at...)
}

// begin starts a worker on a context derived from parent and returns it
// with that context's cancel. Whatever the test does, the worker is ended
// when the test ends: first by cancelling its context, then, if it is still
// running, by Stop. Then r is retired and fake time goes on for one more
// interval, so that a beat still sleeping in its hook can finish: a bubble
// cannot end while one of its goroutines is asleep. (A beat that comes after
// the worker has ended is TestNothingRunsAfterStop's business.)
func begin(t *testing.T, parent context.Context, interval time.Duration, r *recorder) (*daemon.Worker, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(parent)
	w := daemon.Start(ctx, interval, r.beat)
	t.Cleanup(func() {
		cancel()
		if !closedWithin(w.Done(), 10*interval) {
			newStop().start(w).within(10 * interval)
		}
		r.retire()
		time.Sleep(interval)
	})
	return w, cancel
}

// closedWithin waits until ch is closed or d of fake time has passed, and
// reports whether ch was closed.
func closedWithin(ch <-chan struct{}, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ch:
		return true
	case <-timer.C:
		return false
	}
}

// stopCall is one call of w.Stop and what came of it.
type stopCall struct {
	done     chan struct{} // closed when Stop has returned or panicked
	elapsed  time.Duration // fake time from the call to its return
	ended    bool          // Done was already closed when Stop returned
	panicked any           // what Stop panicked with, or nil
}

func newStop() *stopCall {
	return &stopCall{done: make(chan struct{})}
}

// run calls w.Stop in the calling goroutine and records what came of it.
func (c *stopCall) run(w *daemon.Worker) {
	defer close(c.done)
	defer func() { c.panicked = recover() }()
	begin := time.Now()
	w.Stop()
	c.elapsed = time.Since(begin)
	c.ended = harness.Closed(w.Done())
}

// start calls w.Stop in a new goroutine.
func (c *stopCall) start(w *daemon.Worker) *stopCall {
	go c.run(w)
	return c
}

// returned reports, without waiting, whether the call has returned.
func (c *stopCall) returned() bool {
	return harness.Closed(c.done)
}

// within waits at most d of fake time for the call to return.
func (c *stopCall) within(d time.Duration) bool {
	return closedWithin(c.done, d)
}

// latch holds a beat until the test opens it.
type latch struct {
	once sync.Once
	ch   chan struct{}
}

func newLatch() *latch { return &latch{ch: make(chan struct{})} }

// open lets the held beat go on; it may be called more than once.
func (g *latch) open() { g.once.Do(func() { close(g.ch) }) }

// wait holds the calling beat until the latch opens. It gives up after a
// very long fake time (far longer than any test lets pass while it holds a
// beat), so that a worker that runs beat in the test's own goroutine cannot
// leave every goroutine of the bubble blocked.
func (g *latch) wait() {
	closedWithin(g.ch, 2*harness.LongWait)
}

// holdBudget is the real time a test gives harness.LongWait (a century of
// fake time) to pass while Stop waits for a beat that the test holds. No
// sleep and no give-up timer in Stop lasts that long: a Stop that returns
// meanwhile did not wait for the worker. A Stop that blocks (on a channel, a
// WaitGroup) lets every step pass in one jump of the fake clock; one that
// polls (for ... { time.Sleep(time.Millisecond) }) wakes up at every tick
// and runs out of budget.
const holdBudget = 3 * time.Second

// holdWhileStopping lets a century of fake time pass, in steps, while the
// test holds a beat and Stop calls wait. It stops early when one of the calls
// returns. It reports the fake time that passed and whether the real-time
// budget ran out first.
func holdWhileStopping(budget <-chan struct{}, calls ...*stopCall) (passed time.Duration, polled bool) {
	return harness.LetTimePass(budget, func() bool {
		for _, c := range calls {
			if c.returned() {
				return true
			}
		}
		return false
	})
}

// requireStillWaiting checks that no Stop call returned and the worker did
// not end while the test held a beat for a long fake time.
func requireStillWaiting(t *testing.T, w *daemon.Worker, passed time.Duration, polled bool, calls ...*stopCall) {
	t.Helper()
	require.Falsef(t, polled,
		"while beat was held, Stop kept waking up: %v of fake time took more than %v of real time. "+
			"Block until the worker has ended (<-done), do not poll with a short sleep", passed, holdBudget)
	returned := 0
	for _, c := range calls {
		if c.returned() {
			require.Nil(t, c.panicked, "Stop panicked")
			returned++
		}
	}
	if returned > 0 {
		require.Failf(t, "Stop returned while a beat was still running",
			"%d of %d Stop calls returned %v (fake time) after they were called, while the test still held a beat: "+
				"Stop must wait until the worker's goroutine has ended, however long the running beat takes. "+
				"Only asking the worker to end, sleeping, or giving up after a timeout is not waiting", returned, len(calls), passed)
	}
	require.Falsef(t, harness.Closed(w.Done()),
		"Done was closed while a beat was still running (%v after Stop was called): close it when the worker's "+
			"goroutine ends, not when Stop is called or gives up", passed)
}

// requireStopReturns waits for a Stop call to return, with time passing,
// and checks that it did not panic.
func requireStopReturns(t *testing.T, c *stopCall, what string) {
	t.Helper()
	require.Truef(t, c.within(10*iv),
		"%s did not return within 10 intervals (fake time): Stop must return once the worker has ended", what)
	require.Nilf(t, c.panicked, "%s panicked: Stop must be safe to call again and again", what)
}

// requireOnTime checks that the worker has called beat(1) to beat(want),
// in order, and each beat(n) at exactly n intervals after Start. setting
// describes the test's set-up for the messages.
func requireOnTime(t *testing.T, r *recorder, want int, interval time.Duration, setting string) {
	t.Helper()
	ns, at := r.calls()
	for i := range min(len(ns), want) {
		require.Equalf(t, i+1, ns[i],
			"call %d of beat got n = %d: n must count the calls, 1, 2, 3, ... (%s); n of each call: %v", i+1, ns[i], setting, ns)
		if due := time.Duration(i+1) * interval; at[i] != due {
			require.Failf(t, "beat off time",
				"beat(%d) came %v after Start, but it is due at exactly %d × %v = %v (%s). "+
					"Times of the beats, from Start: %v", i+1, at[i], i+1, interval, due, setting, at)
		}
	}
	require.Equalf(t, want, len(ns),
		"%v after Start, beat(1) to beat(%d) are due (%s), but the worker called beat %d times, at %v",
		time.Since(r.start), want, setting, len(ns), at)
}

// TestHeartbeat: Start returns at once, and the worker calls beat(1),
// beat(2), ... at exactly 1, 2, ... intervals after Start, for any interval.
func TestHeartbeat(t *testing.T) {
	harness.Setup(t)
	for _, interval := range []time.Duration{time.Second, 250 * time.Millisecond, 7 * time.Millisecond, time.Hour} {
		t.Run(interval.String(), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				r := newRecorder(nil)
				begin(t, context.Background(), interval, r)
				synctest.Wait()
				require.Zero(t, r.count(),
					"beat was called right at Start: the first beat is due one interval after Start")

				time.Sleep(5*interval + interval/2)
				requireOnTime(t, r, 5, interval, fmt.Sprintf("interval %v", interval))
			})
		})
	}
}

// TestHeartbeatDoesNotDrift: a beat that takes time (less than an interval)
// does not push the later beats back: beat(n) still comes at exactly n
// intervals after Start. Waiting a whole interval after each beat
// (time.Sleep, time.After) adds the beat's own duration every time.
func TestHeartbeatDoesNotDrift(t *testing.T) {
	harness.Setup(t)
	for _, work := range []time.Duration{iv / 4, 9 * iv / 10} {
		t.Run(fmt.Sprintf("each beat takes %v", work), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				r := newRecorder(func(int) { time.Sleep(work) })
				begin(t, context.Background(), iv, r)

				time.Sleep(6*iv + iv/2)
				requireOnTime(t, r, 6, iv, fmt.Sprintf("interval %v, each beat takes %v: the rhythm must not drift; "+
					"a time.Ticker keeps it, waiting a whole interval after each beat does not", iv, work))
			})
		})
	}
}

// TestStopIsPrompt: Stop called while the worker waits between beats
// returns at once, with no fake time passing, and no further beat comes: the
// worker must not sleep until its next tick before it notices.
func TestStopIsPrompt(t *testing.T) {
	harness.Setup(t)
	cases := []struct {
		name      string
		interval  time.Duration
		stopAt    time.Duration
		wantBeats int
	}{
		{"between two beats", iv, 2*iv + iv/2, 2},
		{"a minute into an hour", time.Hour, time.Minute, 0},
		{"right after Start", iv, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				r := newRecorder(nil)
				w, _ := begin(t, context.Background(), tc.interval, r)
				time.Sleep(tc.stopAt)
				require.Equalf(t, tc.wantBeats, r.count(),
					"beats %v after Start, with an interval of %v", tc.stopAt, tc.interval)

				c := newStop().start(w)
				require.Truef(t, c.within(2*tc.interval),
					"Stop called %v after Start (interval %v) had not returned 2 intervals later", tc.stopAt, tc.interval)
				require.Nil(t, c.panicked, "Stop panicked")
				require.Zerof(t, c.elapsed,
					"Stop called while the worker waited for its next tick took %v of fake time: it must return at once. "+
						"Wait for the tick and for the stop request at the same time (select), not one after the other", c.elapsed)
				require.Equalf(t, tc.wantBeats, r.count(),
					"Stop was called %v after Start, while the worker waited between beats: no further beat may come", tc.stopAt)
			})
		})
	}
}

// TestStopWaitsForWorker: Stop called while a beat is running does not
// return until that beat has returned and the worker has ended; Done stays
// open meanwhile and is closed when Stop returns.
func TestStopWaitsForWorker(t *testing.T) {
	harness.Setup(t)
	budget := harness.RealBudget(t, holdBudget)
	harness.Bubble(t, func(t *testing.T) {
		gate := newLatch()
		r := newRecorder(func(n int) {
			if n == 2 {
				gate.wait() // beat(2) runs until the test opens the gate
			}
		})
		w, _ := begin(t, context.Background(), iv, r)
		t.Cleanup(gate.open) // runs before begin's cleanup

		time.Sleep(2 * iv)
		synctest.Wait()
		require.Equal(t, 2, r.count(), "beat(2) must have started 2 intervals after Start")

		c := newStop().start(w)
		synctest.Wait() // Stop has done all it can without the beat returning
		if c.returned() {
			require.Nil(t, c.panicked, "Stop panicked")
			require.Fail(t, "Stop returned while beat(2) was still running",
				"Stop must wait until the worker's goroutine has ended (and so until the running beat has returned), "+
					"not just ask it to end")
		}
		require.False(t, harness.Closed(w.Done()),
			"Done was closed while beat(2) was still running: close it when the worker's goroutine ends, not when Stop is called")
		// However long beat(2) runs, Stop goes on waiting. Meanwhile the
		// worker's ticker has ticked again and again.
		passed, polled := holdWhileStopping(budget, c)
		requireStillWaiting(t, w, passed, polled, c)

		gate.open() // beat(2) returns
		require.Truef(t, c.within(10*iv), "Stop did not return after the running beat returned")
		require.Nil(t, c.panicked, "Stop panicked")
		require.True(t, c.ended, "Stop returned before Done was closed: Stop must wait until the worker has ended")
		require.Zerof(t, c.elapsed-passed, "Stop returned %v after beat(2) returned: the worker must end as soon as the "+
			"running beat returns, and Stop return with it", c.elapsed-passed)
		time.Sleep(100 * iv)
		require.Equalf(t, 2, r.count(),
			"beat was called again after Stop was called, although Stop was called while beat(2) ran: when a beat "+
				"returns, look whether the worker must end before waiting for the next tick (a tick that came while "+
				"beat ran is already waiting in the ticker's channel, and select picks at random among ready cases)")
	})
}

// TestNothingRunsAfterStop: once Stop has returned, the worker has ended
// (Done is closed) and beat is never called again, however much time passes:
// no goroutine, ticker or timer of the worker outlives Stop.
func TestNothingRunsAfterStop(t *testing.T) {
	harness.Setup(t)
	cases := []struct {
		name   string
		stopAt time.Duration
	}{
		{"between two beats", 2*iv + iv/2},
		{"before the first beat", iv / 2},
		{"right after Start", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				r := newRecorder(nil)
				w, _ := begin(t, context.Background(), iv, r)
				time.Sleep(tc.stopAt)

				c := newStop().start(w)
				requireStopReturns(t, c, "Stop")
				synctest.Wait()
				require.True(t, harness.Closed(w.Done()), "Stop has returned, but Done is not closed: the worker has not ended")

				beats := r.count()
				const later = 100 * iv
				time.Sleep(later)
				if extra := r.count() - beats; extra > 0 {
					require.Failf(t, "beat called after Stop",
						"beat was called %d more times in the %v after Stop returned: something of the worker "+
							"(a goroutine, a ticker, a time.AfterFunc timer) is still running. Stop every timer "+
							"when the worker ends", extra, later)
				}
			})
		})
	}
	t.Run("with a context that is never cancelled", func(t *testing.T) {
		// Every other test cancels the worker's context in the end. Here
		// nothing ever does: Stop alone must end everything the worker
		// started. A helper goroutine that waits for ctx.Done() would wait
		// for ever (the bubble then reports it as blocked when the test ends).
		harness.Bubble(t, func(t *testing.T) {
			r := newRecorder(nil)
			w := daemon.Start(context.Background(), iv, r.beat)
			time.Sleep(2*iv + iv/2)
			c := newStop().start(w)
			requireStopReturns(t, c, "Stop of a worker whose context never ends")
			synctest.Wait()
			require.True(t, harness.Closed(w.Done()), "Stop has returned, but Done is not closed: the worker has not ended")
			require.Equal(t, 2, r.count(), "beats before Stop, 2.5 intervals after Start")
		})
	})
}

// TestStopIsIdempotent: Stop may be called again and again: it never panics
// and never blocks for good, also when the worker had already ended because
// its context was cancelled. A call after the worker has ended returns at
// once.
func TestStopIsIdempotent(t *testing.T) {
	harness.Setup(t)
	t.Run("three times in a row", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			r := newRecorder(nil)
			w, _ := begin(t, context.Background(), iv, r)
			time.Sleep(iv + iv/2)
			require.Equal(t, 1, r.count(), "beat(1) must have come one interval after Start")

			requireStopReturns(t, newStop().start(w), "the first Stop")
			synctest.Wait()
			require.True(t, harness.Closed(w.Done()), "Stop has returned, but Done is not closed")
			for _, which := range []string{"second", "third"} {
				c := newStop().start(w)
				requireStopReturns(t, c, fmt.Sprintf("the %s Stop", which))
				require.Zerof(t, c.elapsed, "the %s Stop, on a worker that has ended, must return at once", which)
			}
		})
	})
	t.Run("after the context was cancelled", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			r := newRecorder(nil)
			w, cancel := begin(t, context.Background(), iv, r)
			time.Sleep(iv + iv/2)
			require.Equal(t, 1, r.count(), "beat(1) must have come one interval after Start")

			cancel()
			time.Sleep(10 * iv) // the worker ends by itself (TestContextCancelStopsWorker checks when)
			for _, which := range []string{"first", "second"} {
				requireStopReturns(t, newStop().start(w), fmt.Sprintf("the %s Stop after the context was cancelled", which))
			}
		})
	})
}

// TestStopFromManyGoroutines: Stop called from many goroutines at the same
// time, while a beat is running: no call panics or races, no call returns
// before the worker has ended, and every call returns once it has.
func TestStopFromManyGoroutines(t *testing.T) {
	harness.Setup(t)
	const callers = 8
	budget := harness.RealBudget(t, holdBudget)
	harness.Bubble(t, func(t *testing.T) {
		gate := newLatch()
		r := newRecorder(func(n int) {
			if n == 1 {
				gate.wait() // beat(1) runs until the test opens the gate
			}
		})
		w, _ := begin(t, context.Background(), iv, r)
		t.Cleanup(gate.open)

		time.Sleep(iv)
		synctest.Wait()
		require.Equal(t, 1, r.count(), "beat(1) must have started one interval after Start")

		calls := make([]*stopCall, callers)
		for i := range calls {
			calls[i] = newStop()
		}
		all := make(chan struct{})
		go func() {
			defer close(all)
			harness.Together(callers, func(i int) { calls[i].run(w) })
		}()
		synctest.Wait()
		early := 0
		for i, c := range calls {
			if c.returned() {
				require.Nilf(t, c.panicked, "Stop call %d of %d, made at the same time as the others, panicked", i+1, callers)
				early++
			}
		}
		require.Zerof(t, early,
			"%d of %d Stop calls returned while beat(1) was still running: every call, not only the first, "+
				"must wait until the worker has ended", early, callers)
		passed, polled := holdWhileStopping(budget, calls...)
		requireStillWaiting(t, w, passed, polled, calls...)

		gate.open() // beat(1) returns, the worker ends
		if !closedWithin(all, 10*iv) {
			stuck := 0
			for _, c := range calls {
				if !c.returned() {
					stuck++
				}
			}
			require.Failf(t, "Stop blocked", "%d of %d Stop calls had not returned 10 intervals after the worker "+
				"was free to end: every call must return once the worker has ended", stuck, callers)
		}
		for i, c := range calls {
			require.Nilf(t, c.panicked, "Stop call %d of %d, made at the same time as the others, panicked", i+1, callers)
			require.Truef(t, c.ended, "Stop call %d of %d returned before Done was closed", i+1, callers)
		}
		time.Sleep(100 * iv)
		require.Equal(t, 1, r.count(), "no beat may start after Stop was called")
	})
}

// TestContextCancelStopsWorker: the worker also ends when its context is
// done, without Stop: at once when it waits between beats (Done is closed
// with no fake time passing), and it calls beat no more.
func TestContextCancelStopsWorker(t *testing.T) {
	harness.Setup(t)
	const later = 100 * iv
	requireEndedFor := func(t *testing.T, w *daemon.Worker, r *recorder, beats int, why string) {
		t.Helper()
		synctest.Wait()
		require.Truef(t, harness.Closed(w.Done()),
			"%s, and the worker waited between beats: it must end at once (Done closed, no fake time passing), "+
				"not at its next tick", why)
		require.Equalf(t, beats, r.count(), "beats before the context ended")
		time.Sleep(later)
		require.Equalf(t, beats, r.count(), "beat was called in the %v after the context ended (%s)", later, why)
	}
	t.Run("cancelled between beats", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			r := newRecorder(nil)
			w, cancel := begin(t, context.Background(), iv, r)
			time.Sleep(2*iv + iv/2)
			require.Equal(t, 2, r.count(), "beat(2) must have come 2 intervals after Start")
			require.False(t, harness.Closed(w.Done()), "Done must stay open while the worker runs")
			cancel()
			requireEndedFor(t, w, r, 2, "the context was cancelled")
		})
	})
	t.Run("deadline", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*iv+iv/2)
			defer cancel()
			r := newRecorder(nil)
			w, _ := begin(t, ctx, iv, r)
			time.Sleep(3 * iv)
			synctest.Wait()
			require.Equal(t, 3, r.count(), "beat(3) must have come 3 intervals after Start")
			require.False(t, harness.Closed(w.Done()), "Done must stay open while the worker runs")
			time.Sleep(iv / 2)
			requireEndedFor(t, w, r, 3, "the context's deadline passed")
		})
	})
	t.Run("cancelled while beats run", func(t *testing.T) {
		// Many workers at once, so that a worker that lets a waiting tick win
		// against the cancelled context (select picks at random among ready
		// cases) is caught every time, not once in two.
		const workers = 16
		harness.Bubble(t, func(t *testing.T) {
			gate := newLatch()
			rs := make([]*recorder, workers)
			ws := make([]*daemon.Worker, workers)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			for i := range workers {
				rs[i] = newRecorder(func(n int) {
					if n == 2 {
						gate.wait() // beat(2) runs until the test opens the gate
					}
				})
				ws[i], _ = begin(t, ctx, iv, rs[i])
			}
			t.Cleanup(gate.open) // runs before begin's cleanups
			time.Sleep(2 * iv)
			synctest.Wait()
			cancel()
			// The beats go on running; ticks come due meanwhile.
			time.Sleep(10 * iv)
			for i, w := range ws {
				require.Falsef(t, harness.Closed(w.Done()),
					"worker %d of %d: Done was closed while beat(2) was still running: a running beat is not "+
						"interrupted, the worker ends when it returns", i+1, workers)
			}
			gate.open()
			synctest.Wait()
			for i, w := range ws {
				require.Truef(t, harness.Closed(w.Done()),
					"worker %d of %d: the context was cancelled while beat(2) ran; when beat(2) returned the worker "+
						"must end at once (Done closed, no fake time passing)", i+1, workers)
			}
			time.Sleep(later)
			for i, r := range rs {
				require.Equalf(t, 2, r.count(),
					"worker %d of %d called beat again after its context was cancelled during beat(2): when a beat "+
						"returns, look whether the worker must end before taking the next tick (a tick that came due "+
						"while beat ran is already waiting, and select picks at random among ready cases)", i+1, workers)
			}
		})
	})
	t.Run("already cancelled at Start", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			r := newRecorder(nil)
			w, _ := begin(t, ctx, iv, r)
			requireEndedFor(t, w, r, 0, "the context was already cancelled when Start was called")
		})
	})
}

// TestWorkersAreIndependent: each worker has its own rhythm and its own
// lifetime. Stopping one worker, or cancelling its context, does not end or
// disturb another: a worker's state belongs in its Worker, not in
// package-level variables.
func TestWorkersAreIndependent(t *testing.T) {
	harness.Setup(t)
	harness.Bubble(t, func(t *testing.T) {
		t0 := time.Now()
		rStopped, rCancelled, rGoesOn := newRecorder(nil), newRecorder(nil), newRecorder(nil)
		stopped, _ := begin(t, context.Background(), iv, rStopped)
		cancelled, cancel := begin(t, context.Background(), 2*iv, rCancelled)
		goesOn, _ := begin(t, context.Background(), 3*iv, rGoesOn)

		time.Sleep(6*iv + iv/2)
		requireOnTime(t, rStopped, 6, iv, "the first of three workers")
		requireOnTime(t, rCancelled, 3, 2*iv, "the second of three workers")
		requireOnTime(t, rGoesOn, 2, 3*iv, "the third of three workers")

		requireStopReturns(t, newStop().start(stopped), "Stop of the first worker")
		cancel()
		require.True(t, harness.Closed(stopped.Done()), "the first worker was stopped, but its Done is not closed")
		require.True(t, closedWithin(cancelled.Done(), 2*iv), "the second worker's context was cancelled, but its Done is not closed")
		require.False(t, harness.Closed(goesOn.Done()),
			"stopping the first worker and cancelling the second one's context ended the third worker too: "+
				"each Worker needs its own channels and context, not package-level ones")

		time.Sleep(time.Until(t0.Add(12*iv + iv/2))) // the third worker's beat(4) was due at 12 intervals
		requireOnTime(t, rGoesOn, 4, 3*iv,
			"the third of three workers, after the first was stopped and the second cancelled: it must go on at its own rhythm")
		require.Equal(t, 6, rStopped.count(), "the stopped worker called beat again")
		require.Equal(t, 3, rCancelled.count(), "the cancelled worker called beat again")
	})
}

// TestStopRacesWithEnd runs on the real scheduler, not in a bubble: Stop,
// Stop again, the context's cancel and Done are called at the same moment
// from different goroutines, round after round, with several GOMAXPROCS
// values. Every Stop returns with Done closed, and the race detector sees
// every read and write the worker makes as it ends, at the same time as
// Stop's and Done's (synctest.Wait would order them and hide a race).
func TestStopRacesWithEnd(t *testing.T) {
	harness.Setup(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	const rounds = 150
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		for round := range rounds {
			ctx, cancel := context.WithCancel(context.Background())
			var stopped atomic.Bool
			var late atomic.Int32
			w := daemon.Start(ctx, 50*time.Microsecond, func(int) {
				if stopped.Load() {
					late.Add(1)
				}
			})
			require.NotNil(t, w.Done(), "Done returned nil: it must return the channel that is closed when the worker ends")
			var notEnded atomic.Int32
			finished := make(chan struct{})
			go func() {
				defer close(finished)
				harness.Together(4, func(i int) {
					switch i {
					case 0:
						cancel()
					case 1, 2:
						w.Stop()
						if !harness.Closed(w.Done()) {
							notEnded.Add(1)
						}
						stopped.Store(true)
					case 3:
						<-w.Done()
					}
				})
			}()
			select {
			case <-finished:
			case <-time.After(5 * time.Second):
				require.FailNowf(t, "Stop or Done blocked",
					"GOMAXPROCS=%d, round %d: cancel, two Stops and a receive from Done ran at the same moment, and "+
						"5 s later (real time) they had not all returned: every Stop must return once the worker "+
						"has ended, whoever ended it", procs, round)
			}
			cancel()
			require.Zerof(t, notEnded.Load(),
				"GOMAXPROCS=%d, round %d: Stop returned before Done was closed, while cancel and another Stop ran "+
					"at the same time", procs, round)
			require.Zerof(t, late.Load(),
				"GOMAXPROCS=%d, round %d: beat was called after Stop had returned", procs, round)
		}
	}
}
