package runner_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	runner "github.com/concurrency-kit/kit/exercises/04_runner"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// Every test runs in a synctest bubble (harness.Bubble): time there is fake.
// It stands still while any goroutine of the bubble can run, and jumps
// forward only when every goroutine is blocked. So a Run that "works" for a
// minute takes no real time, a 5s timeout is exact to the nanosecond, and
// synctest.Wait() returns once every other goroutine of the bubble is
// blocked, which is how a test knows that Start "has returned" or that Join
// "is waiting".

// step and patience drive harness.Eventually: it lets fake time pass in
// steps so that a slow implementation still gets its chance, and gives up
// after patience.
// slack is how late a call woken by an event may return, where the test does
// not insist on the exact moment.
const (
	step     = 10 * time.Millisecond
	patience = 10 * time.Second
	slack    = 100 * time.Millisecond
)

// job is the Runnable most tests use. Its Run counts the call, then either
// works (sleeps in fake time) for work, or, when work is 0, waits until the
// test opens it.
type job struct {
	work     time.Duration
	calls    atomic.Int32  // Run calls so far
	returned atomic.Int32  // Run calls that have returned
	entered  chan struct{} // closed when Run is called the first time
	release  chan struct{} // closed by open
	once     sync.Once
}

func (j *job) Run() {
	if j.calls.Add(1) == 1 {
		close(j.entered)
	}
	if j.work > 0 {
		time.Sleep(j.work)
	} else {
		<-j.release
	}
	j.returned.Add(1)
}

// open lets every Run of a gate job return.
func (j *job) open() { j.once.Do(func() { close(j.release) }) }

func (j *job) wasEntered() bool {
	select {
	case <-j.entered:
		return true
	default:
		return false
	}
}

// world keeps track of the jobs of one bubble, and of the Threads the test
// never starts, so that the bubble can end cleanly however the test ends (a
// bubble cannot end while one of its goroutines is blocked).
type world struct {
	jobs      []*job
	unstarted []*runner.Thread
}

func newWorld(t *testing.T) *world {
	w := &world{}
	t.Cleanup(w.shutdown)
	return w
}

// gate returns a job whose Run waits until the test calls open.
func (w *world) gate() *job {
	j := &job{entered: make(chan struct{}), release: make(chan struct{})}
	w.jobs = append(w.jobs, j)
	return j
}

// worker returns a job whose Run works for d of fake time.
func (w *world) worker(d time.Duration) *job {
	j := w.gate()
	j.work = d
	return j
}

func (w *world) thread(r runner.Runnable) *runner.Thread {
	return runner.New(r)
}

// neverStarted returns a Thread that the test does not start. shutdown starts
// it, so that a Join wrongly waiting for a Start is released.
func (w *world) neverStarted(r runner.Runnable) *runner.Thread {
	th := runner.New(r)
	w.unstarted = append(w.unstarted, th)
	return th
}

// shutdown lets every Run return and starts the Threads the test left
// unstarted, then lets fake time pass (at most 2h) until every call made with
// harness.Go and every Run has returned.
func (w *world) shutdown() {
	for _, j := range w.jobs {
		j.open()
	}
	for _, th := range w.unstarted {
		_ = th.Start()
	}
	idle := func() bool {
		for _, j := range w.jobs {
			if j.returned.Load() < j.calls.Load() {
				return false
			}
		}
		return harness.Running() == 0
	}
	harness.Eventually(idle, time.Second, 2*time.Hour)
}

// launch calls th.Start in a goroutine of its own, so that a Start that
// wrongly runs Run itself holds up only that goroutine (that mistake is
// TestStartReturnsAtOnce's business), and requires that Run was called.
func launch(t *testing.T, th *runner.Thread, j *job) {
	t.Helper()
	start := harness.Go(th.Start)
	synctest.Wait()
	if start.Returned() {
		require.NoError(t, start.Value, "Start on a new Thread must return nil")
	}
	require.True(t, j.wasEntered(),
		"Run was not called after Start: Start must call the Run of the Runnable given to New, in a new goroutine")
}

// runnerPkg is the import path of the exercise.
const runnerPkg = "github.com/concurrency-kit/kit/exercises/04_runner"

// runnerGoroutines counts the goroutines that run the exercise's code (a
// frame of package runner in their stack, or created by one), and returns
// the first one's stack for the failure message. The test goroutine that
// calls it runs no runner code at that moment.
func runnerGoroutines() (int, string) {
	return harness.GoroutinesOf(runnerPkg)
}

// requireNothingLeftBehind checks, with the bubble settled, that a call
// that gave up left no goroutine of its own behind: the goroutines of package
// runner are the ones there were before the call (the Thread's own).
func requireNothingLeftBehind(t *testing.T, before int, what string) {
	t.Helper()
	synctest.Wait()
	after, stack := runnerGoroutines()
	if after > before {
		require.Failf(t, "goroutines left behind",
			"after %s gave up, %d goroutine(s) of package runner were left behind, still waiting for Run "+
				"(there were %d before the call, now %d). Giving up must leave nothing running: wait in the "+
				"caller's own goroutine, with a select on the done channel and a timer (or ctx.Done()), "+
				"instead of starting a goroutine that calls Join. One of them:\n%s", what, after-before, before, after, stack)
	}
}

// goroutinesCreated returns how many goroutines the process has created so
// far (runtime/metrics).
func goroutinesCreated() uint64 {
	sample := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

func joinTimeout(th *runner.Thread, d time.Duration) *harness.Call[bool] {
	return harness.Go(func() bool { return th.JoinTimeout(d) })
}

func joinContext(th *runner.Thread, ctx context.Context) *harness.Call[error] {
	return harness.Go(func() error { return th.JoinContext(ctx) })
}

// TestStartReturnsAtOnce: Start runs Run in a new goroutine and returns at
// once, while Run is still running. Python's notes call my_thread.run(),
// which is an ordinary call: it runs in the caller and blocks it. Start must
// not do that.
func TestStartReturnsAtOnce(t *testing.T) {
	harness.Setup(t)
	t.Run("Start returns while Run is still running", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			w := newWorld(t)
			j := w.gate() // Run waits until the test opens it
			th := w.thread(j)
			start := harness.Go(th.Start)
			synctest.Wait()
			require.True(t, start.Returned(),
				"Start did not return while Run was still running: Start must run Run in a new goroutine (go ...) "+
					"and return at once; calling Run yourself makes it synchronous")
			require.NoError(t, start.Value, "Start on a new Thread")
			require.True(t, j.wasEntered(), "Start returned nil, but Run was never called")
		})
	})
	t.Run("Run is called exactly once, after Start", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			w := newWorld(t)
			j := w.worker(time.Minute) // Run works for a minute
			th := w.thread(j)
			time.Sleep(time.Second)
			synctest.Wait()
			require.Zero(t, j.calls.Load(), "Run was called before Start: New must not start anything")

			start := harness.Go(th.Start)
			require.True(t, harness.Eventually(start.Returned, step, patience), "Start did not return while a one-minute Run was running: Start must not wait for Run")
			require.NoError(t, start.Value, "Start on a new Thread")
			require.Zero(t, start.Elapsed, "Start must return at once, not after Run's minute of work")
			require.EqualValues(t, 1, j.calls.Load(), "Run must be called once after Start")

			time.Sleep(2 * time.Minute)
			synctest.Wait()
			require.EqualValues(t, 1, j.returned.Load(), "Run should have finished its minute of work by now")
			require.EqualValues(t, 1, j.calls.Load(), "Start must call Run exactly once")
		})
	})
}

// TestStartTwiceFails: a Thread runs once in its life. Every Start after the
// first returns ErrAlreadyStarted and runs nothing, both while Run is running
// and after it has returned.
func TestStartTwiceFails(t *testing.T) {
	harness.Setup(t)
	t.Run("while Run is running", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			w := newWorld(t)
			j := w.gate()
			th := w.thread(j)
			launch(t, th, j)
			for i := 2; i <= 4; i++ {
				again := harness.Go(th.Start)
				require.Truef(t, harness.Eventually(again.Returned, step, patience), "Start #%d did not return", i)
				require.ErrorIsf(t, again.Value, runner.ErrAlreadyStarted,
					"Start #%d while Run is still running must return ErrAlreadyStarted", i)
			}
			synctest.Wait()
			require.EqualValues(t, 1, j.calls.Load(),
				"Run was called more than once: a Start that returns ErrAlreadyStarted must run nothing")
			require.True(t, th.IsAlive(), "a failed Start must not change the running Thread: IsAlive must stay true")
		})
	})
	t.Run("after Run has returned", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			w := newWorld(t)
			j := w.worker(time.Second)
			th := w.thread(j)
			launch(t, th, j)
			time.Sleep(time.Second)
			synctest.Wait()
			require.EqualValues(t, 1, j.returned.Load(), "Run should have returned after its second of work")
			for i := 2; i <= 4; i++ {
				again := harness.Go(th.Start)
				require.Truef(t, harness.Eventually(again.Returned, step, patience), "Start #%d did not return", i)
				require.ErrorIsf(t, again.Value, runner.ErrAlreadyStarted,
					"Start #%d after Run has returned must return ErrAlreadyStarted: a Thread cannot be restarted "+
						"(Python: RuntimeError: threads can only be started once); remember that it was started, "+
						"not only that it is running", i)
			}
			synctest.Wait()
			require.EqualValues(t, 1, j.calls.Load(), "Run ran again: a finished Thread must not be restarted")
		})
	})
}

// TestConcurrentStart: when several goroutines call Start at the same moment,
// exactly one starts the Thread; the others get ErrAlreadyStarted. It runs
// twice: in a bubble, and on the real scheduler (startAllAtOnce).
func TestConcurrentStart(t *testing.T) {
	harness.Setup(t)
	startAllAtOnce(t)
	harness.Bubble(t, func(t *testing.T) {
		const rounds, starters = 20, 8
		w := newWorld(t)
		for round := range rounds {
			j := w.gate()
			th := w.thread(j)
			errs := make([]error, starters)
			all := harness.Go(func() struct{} {
				harness.Together(starters, func(i int) { errs[i] = th.Start() })
				return struct{}{}
			})
			synctest.Wait()
			j.open() // only now may Run return, so every Start ran while the Thread was alive
			require.Truef(t, harness.Eventually(all.Returned, step, patience), "round %d: the %d Start calls did not all return", round, starters)
			winners, already := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					winners++
				case errors.Is(err, runner.ErrAlreadyStarted):
					already++
				}
			}
			require.Equalf(t, 1, winners,
				"round %d: %d goroutines called Start at once and %d got nil; exactly one may start the Thread "+
					"(checking the flag and setting it must be one atomic step: a mutex or CompareAndSwap)",
				round, starters, winners)
			require.Equalf(t, starters-1, already, "round %d: all the other Start calls must return ErrAlreadyStarted, got %v", round, errs)
			synctest.Wait()
			require.EqualValuesf(t, 1, j.calls.Load(), "round %d: Run was called %d times by %d simultaneous Starts",
				round, j.calls.Load(), starters)
		}
	})
}

// startAllAtOnce is TestConcurrentStart on the real scheduler. In a bubble
// (and with harness.Together) the starters are woken one after another by a
// channel close, so they reach Start a few microseconds apart, and a Start
// that checks the flag in one step and sets it in the next (a Load then a
// Store, or a locked read then a locked write) still sees the first
// starter's write. Here the starters spin on a flag until the test raises
// it, so on a machine with two or more cores they call Start within
// nanoseconds of each other, round after round, and two of them get through
// such a gap in a few rounds of every hundred. A Start that is one atomic
// step (CompareAndSwap, or the whole check-and-set under one lock) never
// lets two through.
//
// harness.DelayLocks widens the gap of a Start that checks under a lock and
// sets under the lock again: the second Lock waits a few turns, and another
// starter's check falls in between even on a busy machine.
func startAllAtOnce(t *testing.T) {
	t.Helper()
	harness.DelayLocks(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	const starters = 4
	rounds := harness.Rounds(400)
	for _, procs := range []int{2, 4} {
		runtime.GOMAXPROCS(procs)
		for round := range rounds {
			var calls, ended atomic.Int32
			release := make(chan struct{})
			starterIDs := make([]atomic.Uint64, starters)
			th := runner.New(runner.Func(func() {
				calls.Add(1)
				defer ended.Add(1)
				id := harness.GoroutineID()
				for i := range starterIDs {
					if starterIDs[i].Load() == id {
						return // a Start that runs Run itself: TestStartReturnsAtOnce's business
					}
				}
				<-release // so that every Start happens while the Thread is alive
			}))
			var raised atomic.Bool
			var ready, winners atomic.Int32
			var wg sync.WaitGroup
			errs := make([]error, starters)
			for i := range starters {
				wg.Go(func() {
					starterIDs[i].Store(harness.GoroutineID())
					ready.Add(1)
					for spin := 1; !raised.Load(); spin++ {
						if spin%1024 == 0 {
							runtime.Gosched() // more starters than cores: let the others run
						}
					}
					errs[i] = th.Start()
					if errs[i] == nil {
						winners.Add(1)
					}
				})
			}
			for ready.Load() < starters {
				runtime.Gosched()
			}
			raised.Store(true)
			wg.Wait()
			// Let every Run return before judging, so that nothing the test
			// started is left running when it fails.
			close(release)
			if winners.Load() > 0 {
				// Start has returned, but the new goroutine may not have run
				// yet: wait (a few seconds at most) until Run has been called
				// and has returned.
				for give := time.Now().Add(5 * time.Second); calls.Load() == 0 || ended.Load() < calls.Load(); runtime.Gosched() {
					require.Truef(t, time.Now().Before(give),
						"GOMAXPROCS=%d, round %d: Start returned nil, and 5 s later Run had been called %d time(s) and had returned %d time(s)",
						procs, round, calls.Load(), ended.Load())
				}
			}
			require.Equalf(t, int32(1), winners.Load(),
				"GOMAXPROCS=%d, round %d: %d goroutines called Start at the same instant (real scheduler) and %d got nil: "+
					"exactly one may start the Thread; checking the flag and setting it must be one atomic step "+
					"(CompareAndSwap, or both under one lock), not a check followed by a separate set",
				procs, round, starters, winners.Load())
			for _, err := range errs {
				if err != nil {
					require.ErrorIsf(t, err, runner.ErrAlreadyStarted, "GOMAXPROCS=%d, round %d: a Start that lost", procs, round)
				}
			}
			require.EqualValuesf(t, 1, calls.Load(), "GOMAXPROCS=%d, round %d: Run was called %d times by %d simultaneous Starts",
				procs, round, calls.Load(), starters)
		}
	}
}

// TestIsAlive: false before Start, true from the moment Start returns until
// Run returns, and false from the moment Run has returned, Join or no Join.
func TestIsAlive(t *testing.T) {
	harness.Setup(t)
	t.Run("follows Run from start to finish", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			w := newWorld(t)
			j := w.worker(3 * time.Second)
			th := w.thread(j)
			require.False(t, th.IsAlive(), "IsAlive on a new Thread, before Start")
			time.Sleep(time.Second)
			require.False(t, th.IsAlive(), "IsAlive before Start, a second after New")

			launch(t, th, j)
			require.True(t, th.IsAlive(), "IsAlive while Run is running (it has just begun)")
			time.Sleep(time.Second)
			require.True(t, th.IsAlive(), "IsAlive 1s into a 3s Run")
			time.Sleep(2*time.Second - time.Nanosecond)
			require.True(t, th.IsAlive(), "IsAlive 1ns before a 3s Run returns")

			time.Sleep(time.Nanosecond)
			synctest.Wait() // Run has returned, and the Thread's goroutine with it
			require.EqualValues(t, 1, j.returned.Load())
			require.False(t, th.IsAlive(),
				"IsAlive after Run has returned must be false, even though nobody called Join")
			require.NoError(t, th.Join(), "Join after Run has returned")
			require.False(t, th.IsAlive(), "IsAlive after Join")
		})
	})
	t.Run("false right after a Join returns", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			// Each joiner looks at IsAlive the moment its Join returns, with
			// no synctest.Wait in between: the race detector then sees
			// whether the Thread's bookkeeping was complete before Join let
			// the joiner go, or is still being written by the Thread's
			// goroutine.
			type seen struct {
				how   string
				alive bool
			}
			w := newWorld(t)
			for round := range 20 {
				j := w.gate()
				th := w.thread(j)
				launch(t, th, j)
				ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
				joins := []*harness.Call[seen]{
					harness.Go(func() seen { _ = th.Join(); return seen{"Join", th.IsAlive()} }),
					harness.Go(func() seen { th.JoinTimeout(time.Hour); return seen{"JoinTimeout(1h)", th.IsAlive()} }),
					harness.Go(func() seen { _ = th.JoinContext(ctx); return seen{"JoinContext", th.IsAlive()} }),
				}
				synctest.Wait()
				j.open()
				for _, c := range joins {
					require.Truef(t, harness.Eventually(c.Returned, step, patience), "round %d: a join did not return after Run returned", round)
					require.Falsef(t, c.Value.alive,
						"round %d: IsAlive was true right after %s returned: Run has returned, so the Thread is "+
							"finished; record that before waking the joiners (or derive IsAlive from the same done "+
							"channel they wait on)", round, c.Value.how)
				}
				cancel()
			}
		})
	})
	t.Run("true as soon as Start returns", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			// The check runs right after Start returns, in the same goroutine,
			// before the new goroutine has had much of a chance to run. Many
			// rounds, so that a Thread that becomes alive only once its
			// goroutine is scheduled is caught.
			type seen struct {
				err         error
				alive       bool
				runReturned bool
			}
			w := newWorld(t)
			for round := range 100 {
				j := w.gate()
				th := w.thread(j)
				start := harness.Go(func() seen {
					err := th.Start()
					alive := th.IsAlive()
					return seen{err, alive, j.returned.Load() > 0}
				})
				synctest.Wait()
				j.open()
				require.Truef(t, harness.Eventually(start.Returned, step, patience), "round %d: Start did not return", round)
				got := start.Value
				require.NoErrorf(t, got.err, "round %d: Start on a new Thread", round)
				if !got.runReturned { // (a Start that wrongly waited for Run is TestStartReturnsAtOnce's business)
					require.Truef(t, got.alive,
						"round %d: IsAlive was false right after Start returned, while Run had not returned: the Thread "+
							"must count as alive from the moment Start returns, not from when its goroutine gets to run "+
							"(record it in Start, before the go statement)", round)
				}
			}
		})
	})
}

// TestJoin: Join waits until Run returns and is woken by it, every Join
// returns, Join on a finished Thread returns at once, and Join on a Thread
// that was never started returns ErrNotStarted.
func TestJoin(t *testing.T) {
	harness.Setup(t)
	t.Run("Join waits until Run returns, and not a moment longer", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			w := newWorld(t)
			j := w.gate()
			th := w.thread(j)
			launch(t, th, j)
			join := harness.Go(th.Join)
			synctest.Wait()
			require.False(t, join.Returned(), "Join returned (%v) while Run was still running", join.Value)
			time.Sleep(4 * time.Second)
			synctest.Wait()
			require.False(t, join.Returned(), "Join returned (%v) while Run was still running, 4s in", join.Value)

			j.open()
			synctest.Wait() // no time passes: only Run's end can have woken the Join
			require.True(t, join.Returned(),
				"Join was still waiting right after Run returned, with no time passing: Join must be woken by the end "+
					"of Run (wait on a channel the goroutine closes, or a sync.WaitGroup), not poll with time.Sleep")
			require.NoError(t, join.Value, "Join on a started Thread")
			require.Equal(t, 4*time.Second, join.Elapsed, "Join must return at the moment Run returns")
		})
	})
	t.Run("every Join returns when Run does", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			w := newWorld(t)
			j := w.gate()
			th := w.thread(j)
			launch(t, th, j)
			joins := []*harness.Call[error]{harness.Go(th.Join), harness.Go(th.Join), harness.Go(th.Join)}
			synctest.Wait()
			j.open()
			require.True(t, harness.Eventually(func() bool {
				return joins[0].Returned() && joins[1].Returned() && joins[2].Returned()
			}, step, patience),

				"3 goroutines were in Join when Run returned, and not all of them returned: wake every one")
			for _, c := range joins {
				require.NoError(t, c.Value)
			}
		})
	})
	t.Run("Join after Run has returned returns at once", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			w := newWorld(t)
			j := w.worker(time.Second)
			th := w.thread(j)
			launch(t, th, j)
			time.Sleep(2 * time.Second)
			for i := range 2 {
				join := harness.Go(th.Join)
				synctest.Wait()
				require.Truef(t, join.Returned(), "Join #%d on a finished Thread must return at once", i+1)
				require.NoErrorf(t, join.Value, "Join #%d on a finished Thread", i+1)
			}
		})
	})
	t.Run("Join before Start returns ErrNotStarted", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			w := newWorld(t)
			th := w.neverStarted(w.gate())
			join := harness.Go(th.Join)
			synctest.Wait()
			require.True(t, join.Returned(),
				"Join on a Thread that was never started must return ErrNotStarted at once, not wait for a Start")
			require.ErrorIs(t, join.Value, runner.ErrNotStarted, "Join before Start")
		})
	})
}

// TestJoinTimeout: JoinTimeout(d) returns true as soon as Run returns, and
// false after exactly d while Run is still running; it leaves the Thread
// alone when it gives up.
func TestJoinTimeout(t *testing.T) {
	harness.Setup(t)
	const d = 5 * time.Second
	cases := []struct {
		name string
		run  func(t *testing.T, w *world)
	}{
		{"gives up after exactly d while Run is running", func(t *testing.T, w *world) {
			j := w.gate()
			th := w.thread(j)
			launch(t, th, j)
			before, _ := runnerGoroutines()
			jt := joinTimeout(th, d)
			require.True(t, harness.Eventually(jt.Returned, step, patience),
				"JoinTimeout(5s) was still waiting 10s later while Run kept running: the timeout is ignored")
			require.False(t, jt.Value, "JoinTimeout must return false when Run is still running after d")
			require.Equal(t, d, jt.Elapsed, "JoinTimeout(5s) must give up exactly 5s after the call, not earlier and not later")
			require.True(t, th.IsAlive(), "giving up must not stop the Thread: Run is still running")
			require.EqualValues(t, 0, j.returned.Load(), "Run must go on running after JoinTimeout gave up")
			requireNothingLeftBehind(t, before, "JoinTimeout(5s)")
		}},
		{"a thousand timed-out joins leave nothing behind", func(t *testing.T, w *world) {
			j := w.gate()
			th := w.thread(j)
			launch(t, th, j)
			before, _ := runnerGoroutines()
			const joins = 1000
			var gaveUp atomic.Int32
			all := harness.Go(func() struct{} {
				harness.Together(joins, func(int) {
					if !th.JoinTimeout(time.Second) {
						gaveUp.Add(1)
					}
				})
				return struct{}{}
			})
			require.True(t, harness.Eventually(all.Returned, step, patience), "%d JoinTimeout(1s) calls were still waiting 10s later", joins)
			require.EqualValues(t, joins, gaveUp.Load(), "every JoinTimeout(1s) must give up while Run keeps running")
			requireNothingLeftBehind(t, before, fmt.Sprintf("%d calls of JoinTimeout(1s)", joins))
		}},
		{"returns true as soon as Run returns", func(t *testing.T, w *world) {
			j := w.worker(2 * time.Second)
			th := w.thread(j)
			launch(t, th, j)
			jt := joinTimeout(th, d)
			require.True(t, harness.Eventually(jt.Returned, step, patience), "JoinTimeout(5s) did not return after a 2s Run")
			require.True(t, jt.Value, "Run returned after 2s, within JoinTimeout's 5s: JoinTimeout must return true")
			require.GreaterOrEqual(t, jt.Elapsed, 2*time.Second, "JoinTimeout returned before Run did")
			require.LessOrEqual(t, jt.Elapsed, 2*time.Second+slack,
				"JoinTimeout(5s) must return when Run returns (after 2s), not sleep out its whole timeout")
		}},
		{"is woken by the end of Run", func(t *testing.T, w *world) {
			j := w.gate()
			th := w.thread(j)
			launch(t, th, j)
			jt := joinTimeout(th, time.Hour)
			time.Sleep(2*time.Second + 3*time.Millisecond + 7) // an odd moment, no multiple of any polling step
			synctest.Wait()
			require.False(t, jt.Returned(), "JoinTimeout(1h) returned (%v) while Run was still running", jt.Value)
			j.open()
			synctest.Wait() // no time passes: only Run's end can have woken JoinTimeout
			require.True(t, jt.Returned(),
				"JoinTimeout(1h) was still waiting right after Run returned, with no time passing: it must be woken "+
					"by the end of Run (a select on the done channel and a timer), not poll with time.Sleep")
			require.True(t, jt.Value, "Run returned within JoinTimeout's hour: JoinTimeout must return true")
			require.False(t, th.IsAlive(), "IsAlive right after JoinTimeout returned true")

			// JoinTimeout has returned: nothing it set up may still go off
			// when its hour is over. In the bubble every goroutine is
			// blocked, so any goroutine created while two hours of fake time
			// pass is a timer's callback (time.AfterFunc, or the timer of a
			// context.WithTimeout whose cancel was never called).
			before := goroutinesCreated()
			time.Sleep(2 * time.Hour)
			synctest.Wait()
			require.Zero(t, goroutinesCreated()-before,
				"JoinTimeout(1h) returned true as soon as Run returned, but when its hour was over a timer it had "+
					"set still went off and ran a function: stop the timer when you return (timer.Stop, or call "+
					"the cancel of context.WithTimeout, with defer), or every early return leaves one waiting for d")
		}},
		{"returns true at once when Run has already returned", func(t *testing.T, w *world) {
			j := w.worker(time.Second)
			th := w.thread(j)
			launch(t, th, j)
			time.Sleep(2 * time.Second)
			jt := joinTimeout(th, d)
			synctest.Wait()
			require.True(t, jt.Returned(), "JoinTimeout on a finished Thread must return at once")
			require.True(t, jt.Value, "JoinTimeout on a finished Thread must return true")
		}},
		{"d <= 0 does not wait", func(t *testing.T, w *world) {
			j := w.gate()
			th := w.thread(j)
			launch(t, th, j)
			for _, dd := range []time.Duration{0, -time.Second} {
				jt := joinTimeout(th, dd)
				synctest.Wait()
				require.Truef(t, jt.Returned(), "JoinTimeout(%v) must not wait at all", dd)
				require.Falsef(t, jt.Value, "JoinTimeout(%v) while Run is running", dd)
			}
			j.open()
			synctest.Wait()
			for _, dd := range []time.Duration{0, -time.Second} {
				jt := joinTimeout(th, dd)
				synctest.Wait()
				require.Truef(t, jt.Returned(), "JoinTimeout(%v) must not wait at all", dd)
				require.Truef(t, jt.Value, "JoinTimeout(%v) after Run has returned", dd)
			}
		}},
		{"each caller keeps its own deadline", func(t *testing.T, w *world) {
			j := w.gate()
			th := w.thread(j)
			launch(t, th, j)
			short, long := joinTimeout(th, 3*time.Second), joinTimeout(th, 7*time.Second)
			require.True(t, harness.Eventually(func() bool { return short.Returned() && long.Returned() }, step, patience),
				"JoinTimeout(3s) and JoinTimeout(7s) were still waiting 10s later while Run kept running")
			require.False(t, short.Value)
			require.False(t, long.Value)
			require.Equal(t, 3*time.Second, short.Elapsed, "JoinTimeout(3s) next to a JoinTimeout(7s)")
			require.Equal(t, 7*time.Second, long.Elapsed, "JoinTimeout(7s) next to a JoinTimeout(3s)")
		}},
		{"a Thread that was never started gives false at once", func(t *testing.T, w *world) {
			th := w.neverStarted(w.gate())
			jt := joinTimeout(th, d)
			synctest.Wait()
			require.True(t, jt.Returned(), "JoinTimeout on a Thread that was never started must return at once")
			require.False(t, jt.Value, "JoinTimeout on a Thread that was never started must return false")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				tc.run(t, newWorld(t))
			})
		})
	}
}

// TestJoinContext: JoinContext returns nil as soon as Run returns, or
// ctx.Err() when ctx is done first; a finished Run wins over a done ctx.
func TestJoinContext(t *testing.T) {
	harness.Setup(t)
	cases := []struct {
		name string
		run  func(t *testing.T, w *world)
	}{
		{"stops when ctx is cancelled", func(t *testing.T, w *world) {
			j := w.gate()
			th := w.thread(j)
			launch(t, th, j)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			jc := joinContext(th, ctx)
			time.Sleep(2 * time.Second)
			synctest.Wait()
			require.False(t, jc.Returned(), "JoinContext returned (%v) while Run was running and ctx was not done", jc.Value)
			cancel()
			require.True(t, harness.Eventually(jc.Returned, step, patience), "JoinContext kept waiting after its context was cancelled")
			require.ErrorIs(t, jc.Value, context.Canceled, "JoinContext must return ctx.Err()")
			require.LessOrEqual(t, jc.Elapsed, 2*time.Second+slack, "JoinContext must stop when ctx is cancelled")
			require.True(t, th.IsAlive(), "giving up must not stop the Thread")
		}},
		{"leaves nothing behind when it gives up", func(t *testing.T, w *world) {
			j := w.gate()
			th := w.thread(j)
			launch(t, th, j)
			before, _ := runnerGoroutines()
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			jc := joinContext(th, ctx)
			require.True(t, harness.Eventually(jc.Returned, step, patience), "JoinContext was still waiting 10s after its context's 1s deadline")
			require.ErrorIs(t, jc.Value, context.DeadlineExceeded, "JoinContext must return ctx.Err()")
			requireNothingLeftBehind(t, before, "JoinContext")
		}},
		{"is woken by the end of Run", func(t *testing.T, w *world) {
			j := w.gate()
			th := w.thread(j)
			launch(t, th, j)
			jc := joinContext(th, context.Background())
			time.Sleep(2*time.Second + 3*time.Millisecond + 7) // an odd moment, no multiple of any polling step
			synctest.Wait()
			require.False(t, jc.Returned(), "JoinContext returned (%v) while Run was still running", jc.Value)
			j.open()
			synctest.Wait() // no time passes: only Run's end can have woken JoinContext
			require.True(t, jc.Returned(),
				"JoinContext was still waiting right after Run returned, with no time passing: it must be woken "+
					"by the end of Run (a select on the done channel and ctx.Done()), not poll with time.Sleep")
			require.NoError(t, jc.Value, "JoinContext after Run returned")
		}},
		{"stops at ctx's deadline", func(t *testing.T, w *world) {
			j := w.gate()
			th := w.thread(j)
			launch(t, th, j)
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
			defer cancel()
			jc := joinContext(th, ctx)
			require.True(t, harness.Eventually(jc.Returned, step, patience), "JoinContext was still waiting 10s after its context's 4s deadline")
			require.ErrorIs(t, jc.Value, context.DeadlineExceeded, "JoinContext must return ctx.Err()")
			require.Equal(t, 4*time.Second, jc.Elapsed, "JoinContext must stop exactly at ctx's deadline")
		}},
		{"returns nil as soon as Run returns", func(t *testing.T, w *world) {
			j := w.worker(2 * time.Second)
			th := w.thread(j)
			launch(t, th, j)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			jc := joinContext(th, ctx)
			require.True(t, harness.Eventually(jc.Returned, step, patience), "JoinContext did not return after a 2s Run")
			require.NoError(t, jc.Value, "Run returned before ctx's deadline")
			require.GreaterOrEqual(t, jc.Elapsed, 2*time.Second, "JoinContext returned before Run did")
			require.LessOrEqual(t, jc.Elapsed, 2*time.Second+slack, "JoinContext must return when Run returns")
		}},
		{"a finished Run wins over a done ctx", func(t *testing.T, w *world) {
			j := w.worker(time.Second)
			th := w.thread(j)
			launch(t, th, j)
			time.Sleep(2 * time.Second)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			for i := range 30 { // select picks at random among ready cases: try many times
				jc := joinContext(th, ctx)
				synctest.Wait()
				require.Truef(t, jc.Returned(), "try %d: JoinContext on a finished Thread must return at once", i)
				require.NoErrorf(t, jc.Value,
					"try %d: Run had already returned, so JoinContext must return nil even though ctx is done "+
						"(check for a finished Run before looking at ctx)", i)
			}
		}},
		{"a Thread that was never started gives ErrNotStarted", func(t *testing.T, w *world) {
			th := w.neverStarted(w.gate())
			jc := joinContext(th, context.Background())
			synctest.Wait()
			require.True(t, jc.Returned(), "JoinContext on a Thread that was never started must return at once")
			require.ErrorIs(t, jc.Value, runner.ErrNotStarted, "JoinContext before Start")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				tc.run(t, newWorld(t))
			})
		})
	}
}

// countdown is the Go version of "class MyThread(threading.Thread)": it
// embeds *runner.Thread and has its own Run.
type countdown struct {
	*runner.Thread
	from int
	said []int // written by Run, read by the test after Join
}

func newCountdown(from int) *countdown {
	c := &countdown{from: from}
	c.Thread = runner.New(c) // tell the Thread whose Run to call
	return c
}

func (c *countdown) Run() {
	for i := c.from; i > 0; i-- {
		c.said = append(c.said, i)
	}
}

// TestEmbedding: a user type that embeds *runner.Thread is started through
// the promoted methods and runs its own Run; what Run wrote is visible after
// Join; calling Run directly is a plain synchronous call that starts nothing;
// Func adapts a plain function.
func TestEmbedding(t *testing.T) {
	harness.Setup(t)
	t.Run("Start runs the embedding type's Run", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			c := newCountdown(3)
			require.NoError(t, c.Start(), "Start through the embedded *runner.Thread")
			require.NoError(t, c.Join(), "Join through the embedded *runner.Thread")
			require.Equal(t, []int{3, 2, 1}, c.said,
				"after Join, the caller must see everything Run wrote (Join must wait for Run and synchronise with it)")
		})
	})
	t.Run("calling Run directly runs it in the caller and starts nothing", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			c := newCountdown(2)
			c.Run() // what the Python notes do: an ordinary, synchronous call
			require.Equal(t, []int{2, 1}, c.said, "Run called directly has finished when it returns")
			require.False(t, c.IsAlive(), "calling Run directly does not start the Thread: IsAlive must be false")

			c.said = nil
			require.NoError(t, c.Start(), "the Thread was never started, so Start must work")
			require.NoError(t, c.Join())
			require.Equal(t, []int{2, 1}, c.said, "Run, started by Start")
		})
	})
	t.Run("Func adapts a plain function", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			calls := 0
			th := runner.New(runner.Func(func() { calls++ }))
			require.NoError(t, th.Start())
			require.NoError(t, th.Join())
			require.Equal(t, 1, calls, "runner.Func(f).Run() must call f once")
		})
	})
}

// TestAccessorsWhileThreadStartsAndEnds runs on the real scheduler, not in a
// bubble, round after round with several GOMAXPROCS values: one goroutine
// starts a Thread whose Run is short, while others call IsAlive, Join and
// JoinTimeout at the same moment. IsAlive goes from false to true to false
// once and never back; a join that reports Run finished is followed by
// IsAlive false. The race detector sees every read the accessors make at the
// same time as the Thread's goroutine writes its state.
func TestAccessorsWhileThreadStartsAndEnds(t *testing.T) {
	harness.Setup(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	const rounds = 100
	var mu sync.Mutex
	var problems []string
	report := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(problems) < 5 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	// First one Thread on its own, so that an unfinished Thread fails here
	// at once instead of keeping the goroutines below busy.
	first := runner.New(runner.Func(func() {}))
	require.NoError(t, first.Start(), "Start on a new Thread")
	require.NoError(t, first.Join(), "Join on a started Thread")
	require.True(t, first.JoinTimeout(time.Second), "JoinTimeout(1s) on a Thread whose Run has returned")
	budget := time.After(5 * time.Second) // for all the rounds; they need a fraction of it
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		for round := range rounds {
			var ran atomic.Int32
			th := runner.New(runner.Func(func() {
				ran.Add(1)
				runtime.Gosched()
			}))
			finished := make(chan struct{})
			go func() {
				defer close(finished)
				harness.Together(4, func(i int) {
					switch i {
					case 0:
						if err := th.Start(); err != nil {
							report("GOMAXPROCS=%d, round %d: Start on a new Thread returned %v", procs, round, err)
						}
					case 1: // IsAlive: false*, true*, false* and never back
						sawAlive, sawEnd := false, false
						for range 2000 {
							alive := th.IsAlive()
							switch {
							case alive && sawEnd:
								report("GOMAXPROCS=%d, round %d: IsAlive was true, then false, then true again: "+
									"a Thread never goes back to an earlier phase", procs, round)
								return
							case alive:
								sawAlive = true
							case sawAlive:
								sawEnd = true
							}
							if sawEnd && th.JoinTimeout(0) {
								return
							}
							runtime.Gosched()
						}
					case 2: // Join, retried until the Thread has been started
						for try := 0; ; try++ {
							if try == 100000 {
								report("GOMAXPROCS=%d, round %d: Join kept returning ErrNotStarted after Start", procs, round)
								return
							}
							err := th.Join()
							if err == nil {
								break
							}
							if !errors.Is(err, runner.ErrNotStarted) {
								report("GOMAXPROCS=%d, round %d: Join returned %v", procs, round, err)
								return
							}
							runtime.Gosched()
						}
						if th.IsAlive() {
							report("GOMAXPROCS=%d, round %d: IsAlive was true right after Join returned nil", procs, round)
						}
						if ran.Load() != 1 {
							report("GOMAXPROCS=%d, round %d: Join returned nil, but Run had been called %d times", procs, round, ran.Load())
						}
					case 3: // JoinTimeout, retried until it reports Run finished
						for try := 0; !th.JoinTimeout(time.Second); try++ {
							if try == 100000 {
								report("GOMAXPROCS=%d, round %d: JoinTimeout(1s) kept returning false after Start", procs, round)
								return
							}
							runtime.Gosched()
						}
						if th.IsAlive() {
							report("GOMAXPROCS=%d, round %d: IsAlive was true right after JoinTimeout returned true", procs, round)
						}
					}
				})
			}()
			select {
			case <-finished:
			case <-budget:
				require.FailNowf(t, "joins too slow",
					"GOMAXPROCS=%d, round %d of %d: Start, IsAlive, Join and JoinTimeout(1s) ran at the same moment on "+
						"Thread after Thread whose Run returns at once, and after 5 s (real time) they had not all "+
						"returned: a join must return as soon as Run returns, not wait out its timeout or poll",
					procs, round, rounds)
			}
			mu.Lock()
			got := slices.Clone(problems)
			mu.Unlock()
			require.Emptyf(t, got, "%d problem(s):\n  %s", len(got), strings.Join(got, "\n  "))
		}
	}
}
