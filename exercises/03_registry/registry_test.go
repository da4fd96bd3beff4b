package registry_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	registry "github.com/concurrency-kit/kit/exercises/03_registry"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// Most tests run in a synctest bubble (harness.Bubble): time there is fake,
// and synctest.Wait() returns once every other goroutine of the bubble is
// blocked or gone. The worker functions of the tests block on a gate until
// the test opens it, so the test knows exactly where every worker is: not
// started, inside f, or finished. It then checks Alive, Enumerate,
// ActiveCount and Lookup at that point.

// patience bounds every wait for something a correct registry does at once.
// Inside a bubble it is fake time, so a registry that never does it fails
// the test straight away instead of hanging it.
const patience = 10 * time.Second

// holdTime is how much fake time a test lets pass while Wait waits for a
// worker that the test holds inside f, in holdStep steps. A Wait that blocks
// (on a channel) lets it pass in microseconds; a Wait that polls
// (for w.Alive() { time.Sleep(time.Millisecond) }) wakes up 3.6 million
// times in an hour of fake time and runs out of holdBudget, the real time
// the test allows.
const (
	holdTime   = time.Hour
	holdStep   = time.Minute
	holdBudget = 3 * time.Second
)

// gate holds worker functions inside f until the test opens it.
type gate struct {
	open chan struct{}
	once sync.Once
	runs atomic.Int32 // how many calls of f have begun
}

// newGate returns a closed gate that opens by itself when the test ends, so
// that no worker is left blocked, even when the test fails half-way.
func newGate(t *testing.T) *gate {
	g := &gate{open: make(chan struct{})}
	t.Cleanup(g.Open)
	return g
}

// Open lets every f waiting at the gate return, and every later one too.
func (g *gate) Open() { g.once.Do(func() { close(g.open) }) }

// f is a worker function: it counts its run and returns when g opens.
func (g *gate) f(context.Context) {
	g.runs.Add(1)
	<-g.open
}

// waitFor calls w.Wait and returns its error. It runs w.Wait in a goroutine
// of its own and waits at most patience, so that a Wait that never returns
// fails the test instead of hanging it.
func waitFor(t *testing.T, w *registry.Worker, what string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- w.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(patience):
		require.FailNowf(t, "Wait did not return", "%s: Wait was still blocked after %v", what, patience)
		return nil
	}
}

// requireLive checks Enumerate and ActiveCount together: Enumerate must list
// exactly the names in want (sorted), and ActiveCount must be len(want).
func requireLive(t *testing.T, r *registry.Registry, want []string, when string) {
	t.Helper()
	got := r.Enumerate()
	if len(want) == 0 {
		require.Emptyf(t, got, "Enumerate %s: no worker is alive, so it must list no name", when)
	} else {
		require.Equalf(t, want, got, "Enumerate %s: it must list the names of the live workers, sorted, and nothing else", when)
	}
	require.Equalf(t, len(want), r.ActiveCount(), "ActiveCount %s: the live workers are %q", when, want)
}

// requireAlive checks w.Alive() and Lookup(w.Name()) together: a live worker
// is found by its name, a worker that is not alive is not.
func requireAlive(t *testing.T, r *registry.Registry, w *registry.Worker, alive bool, when string) {
	t.Helper()
	require.Equalf(t, alive, w.Alive(), "Alive() of worker %q %s", w.Name(), when)
	got, ok := r.Lookup(w.Name())
	if alive {
		require.Truef(t, ok, "Lookup(%q) %s: the worker is alive, so Lookup must find it", w.Name(), when)
		require.Samef(t, w, got, "Lookup(%q) %s must return the live worker itself (the same *Worker)", w.Name(), when)
		return
	}
	require.Falsef(t, ok && got == w, "Lookup(%q) %s: the worker is not alive, so Lookup must not return it", w.Name(), when)
}

// TestNotStartedIsNotAlive: a worker that was defined but never started, or
// whose Start failed, is not alive, is not listed or counted, and has not
// run f (Python: a Thread before start() is not in threading.enumerate()).
func TestNotStartedIsNotAlive(t *testing.T) {
	harness.Setup(t)
	const notStarted = "before Start: a worker is alive only from Start until f returns"
	t.Run("defined only", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			r := registry.New()
			g := newGate(t)
			w := r.Define("idle", g.f)
			require.NotNil(t, w, "Define must return the new worker")
			require.Equal(t, "idle", w.Name(), "Name() of a defined worker")
			synctest.Wait() // had Define started f, it would be running now
			require.Zero(t, g.runs.Load(), "Define must not run f; only Start does")
			requireAlive(t, r, w, false, notStarted)
			requireLive(t, r, nil, "with one worker defined and none started")
			require.ErrorIs(t, waitFor(t, w, "a worker that was never started"), registry.ErrNotStarted,
				"Wait on a worker that was never started must return ErrNotStarted at once")
		})
	})
	t.Run("defined next to running workers", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			r := registry.New()
			g := newGate(t)
			busy, err := r.Go("busy", g.f)
			require.NoError(t, err, "Go on an empty registry")
			idle := r.Define("idle", g.f)
			synctest.Wait()
			requireAlive(t, r, idle, false, notStarted)
			requireLive(t, r, []string{"busy"}, `with "busy" running and "idle" only defined`)
			requireAlive(t, r, busy, true, "while its f runs")
		})
	})
	t.Run("two defined workers with one name", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			r := registry.New()
			g := newGate(t)
			first := r.Define("twin", g.f)
			second := r.Define("twin", g.f)
			require.NoError(t, second.Start(),
				`two workers "twin" were defined and neither started: the first one is not alive, so it must not block the name`)
			synctest.Wait()
			requireAlive(t, r, first, false, notStarted)
			requireAlive(t, r, second, true, "after its Start succeeded")
			requireLive(t, r, []string{"twin"}, `with one "twin" running and one only defined`)
		})
	})
	t.Run("Start failed", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			r := registry.New()
			g, other := newGate(t), newGate(t)
			busy, err := r.Go("busy", g.f)
			require.NoError(t, err, "Go on an empty registry")
			dup := r.Define("busy", other.f)
			require.ErrorIs(t, dup.Start(), registry.ErrDuplicateName, `Start of a second "busy" while the first runs`)
			synctest.Wait()
			require.Zero(t, other.runs.Load(), "the f of a worker whose Start failed must not run")
			require.False(t, dup.Alive(), "a worker whose Start failed is not alive")
			require.ErrorIs(t, waitFor(t, dup, "a worker whose Start failed"), registry.ErrNotStarted,
				"Wait on a worker whose Start failed must return ErrNotStarted at once")
			requireLive(t, r, []string{"busy"}, "after a failed Start: it must change nothing")
			requireAlive(t, r, busy, true, "after another worker failed to take its name")
		})
	})
}

// TestAliveWhileRunning: a worker is alive from the moment Start returns
// (before its goroutine has even run) and stays alive, listed and counted,
// for as long as f runs, however long that is.
func TestAliveWhileRunning(t *testing.T) {
	harness.Setup(t)
	t.Run("alive as soon as Start returns", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			const n = 60
			r := registry.New()
			g := newGate(t)
			var workers []*registry.Worker
			var names []string
			for i := range n {
				name := fmt.Sprintf("w%02d", i)
				w, err := r.Go(name, g.f)
				require.NoErrorf(t, err, "Go(%q): no other worker has this name", name)
				// No synctest.Wait here: w's goroutine has most likely not
				// run yet, and w must be alive all the same.
				require.Truef(t, w.Alive(),
					"worker %q: Alive() was false right after Go returned. The worker is alive from the moment "+
						"Start returns, even if its goroutine has not run yet: record it in Start, not in the new goroutine", name)
				got, ok := r.Lookup(name)
				require.Truef(t, ok && got == w, "Lookup(%q) right after Go returned must find the new worker", name)
				require.Equalf(t, i+1, r.ActiveCount(), "ActiveCount right after the Go of worker #%d", i+1)
				workers = append(workers, w)
				names = append(names, name)
			}
			synctest.Wait() // every f is now blocked at the gate
			require.Equal(t, int32(n), g.runs.Load(), "every started worker must run its f once")
			requireLive(t, r, names, "while every f runs")
			time.Sleep(time.Hour) // fake time: f is still running
			for _, w := range workers {
				requireAlive(t, r, w, true, "while its f runs, an hour later")
			}
			requireLive(t, r, names, "an hour later, every f still running")
		})
	})
	t.Run("a worker sees itself alive", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			r := registry.New()
			g := newGate(t)
			seen := make(chan string, 1)
			w, err := r.Go("self", func(ctx context.Context) {
				me, ok := r.Lookup("self")
				switch {
				case !ok:
					seen <- `inside f, Lookup("self") found nothing`
				case !me.Alive():
					seen <- "inside f, Alive() was false"
				case !slices.Contains(r.Enumerate(), "self"):
					seen <- `inside f, Enumerate() did not list "self"`
				default:
					seen <- ""
				}
				g.f(ctx)
			})
			require.NoError(t, err)
			select {
			case problem := <-seen:
				require.Emptyf(t, problem, "a worker is alive while its f runs: %s", problem)
			case <-time.After(patience):
				require.FailNow(t, "f of a started worker never ran")
			}
			requireAlive(t, r, w, true, "while its f runs")
		})
	})
}

// TestFinishedIsNotAlive: once f has returned the worker is not alive, is
// no longer listed or counted, and Lookup no longer finds it, whether or
// not anybody calls Wait. Wait blocks while f runs and returns once the
// worker is gone.
func TestFinishedIsNotAlive(t *testing.T) {
	harness.Setup(t)
	const finished = "after f returned: a finished worker is not alive"
	t.Run("Wait returns when the worker is gone", func(t *testing.T) {
		budget := harness.RealBudget(t, holdBudget)
		harness.Bubble(t, func(t *testing.T) {
			r := registry.New()
			g := newGate(t)
			w, err := r.Go("job", g.f)
			require.NoError(t, err)
			waited := make(chan error, 1)
			go func() { waited <- w.Wait() }()
			synctest.Wait()
			select {
			case err := <-waited:
				require.FailNowf(t, "Wait did not wait", "Wait returned (%v) while f was still running", err)
			default:
			}
			// However long f runs, Wait goes on waiting, and without
			// waking up again and again.
			var passed time.Duration
			for passed < holdTime && len(waited) == 0 {
				if harness.Closed(budget) {
					require.FailNowf(t, "Wait polls",
						"while f ran, Wait kept waking up: %v of fake time took more than %v of real time. "+
							"Block until the worker has finished (receive from a channel its goroutine closes), "+
							"do not poll Alive with a short sleep", passed, holdBudget)
				}
				time.Sleep(holdStep)
				passed += holdStep
			}
			select {
			case err := <-waited:
				require.FailNowf(t, "Wait did not wait",
					"Wait returned (%v) %v (fake time) after it was called, while f was still running", err, passed)
			default:
			}
			requireAlive(t, r, w, true, "while its f runs, an hour after Wait was called")

			g.Open()
			synctest.Wait() // no time passes: only the worker's exit can have woken Wait
			if len(waited) == 0 {
				select { // let a Wait that sleeps see it, so that the bubble can end
				case <-waited:
				case <-time.After(patience):
				}
				require.FailNow(t, "Wait did not return when f returned",
					"Wait was still waiting right after f returned, with no time passing: it must be woken by "+
						"the worker's exit (receive from a channel its goroutine closes), not poll Alive with a sleep, "+
						"however long or growing")
			}
			require.NoError(t, <-waited, "Wait on a started worker")
			// Right after Wait returned, with no synctest.Wait in between:
			// the bookkeeping must be complete before Wait lets anyone go.
			requireAlive(t, r, w, false, "right after Wait returned")
			requireLive(t, r, nil, "right after Wait returned")
			require.NoError(t, waitFor(t, w, "a second Wait"), "Wait on a finished worker returns nil at once")
		})
	})
	t.Run("nobody waits", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			r := registry.New()
			g := newGate(t)
			w, err := r.Go("job", g.f)
			require.NoError(t, err)
			synctest.Wait()
			requireAlive(t, r, w, true, "while its f runs")
			g.Open()
			synctest.Wait() // f has returned and the worker's goroutine is gone; nobody called Wait
			requireAlive(t, r, w, false, finished+", even if nobody called Wait")
			requireLive(t, r, nil, "after the only worker's f returned (nobody called Wait)")
		})
	})
	t.Run("one at a time", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			r := registry.New()
			names := []string{"a", "b", "c"}
			gates := map[string]*gate{}
			workers := map[string]*registry.Worker{}
			for _, name := range names {
				gates[name] = newGate(t)
				w, err := r.Go(name, gates[name].f)
				require.NoErrorf(t, err, "Go(%q)", name)
				workers[name] = w
			}
			synctest.Wait()
			requireLive(t, r, names, "while all three run")
			live := slices.Clone(names)
			for _, name := range []string{"b", "a", "c"} {
				gates[name].Open()
				synctest.Wait() // only the worker whose gate opened has finished
				live = slices.DeleteFunc(live, func(s string) bool { return s == name })
				requireAlive(t, r, workers[name], false, finished)
				for _, other := range live {
					requireAlive(t, r, workers[other], true, fmt.Sprintf("while its f runs (%q has finished)", name))
				}
				requireLive(t, r, live, fmt.Sprintf("after %q finished", name))
			}
		})
	})
	t.Run("f returns at once", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			r := registry.New()
			for i := range 20 {
				w, err := r.Go("quick", func(context.Context) {})
				require.NoErrorf(t, err, `Go("quick") #%d: the previous "quick" has finished, so the name is free`, i+1)
				require.NoError(t, waitFor(t, w, "a worker whose f returns at once"))
				requireAlive(t, r, w, false, "right after Wait returned")
				requireLive(t, r, nil, "right after Wait returned")
			}
		})
	})
}

// TestEnumerate: Enumerate lists the live workers' names sorted, agrees with
// ActiveCount, and returns a fresh slice: the caller may change it, and later
// starts and exits do not change it.
func TestEnumerate(t *testing.T) {
	harness.Setup(t)
	harness.Bubble(t, func(t *testing.T) {
		r := registry.New()
		requireLive(t, r, nil, "of a new registry")

		order := []string{"delta", "alpha", "w10", "echo", "charlie", "w9", "bravo", "w1"}
		gates := map[string]*gate{}
		workers := map[string]*registry.Worker{}
		for _, name := range order {
			gates[name] = newGate(t)
			w, err := r.Go(name, gates[name].f)
			require.NoErrorf(t, err, "Go(%q)", name)
			workers[name] = w
		}
		synctest.Wait()
		sorted := []string{"alpha", "bravo", "charlie", "delta", "echo", "w1", "w10", "w9"}
		requireLive(t, r, sorted, fmt.Sprintf("after starting %q in this order", order))

		first := r.Enumerate()
		kept := slices.Clone(first)
		gates["charlie"].Open()
		require.NoError(t, waitFor(t, workers["charlie"], `worker "charlie"`))
		fresh, err := r.Go("foxtrot", newGate(t).f)
		require.NoError(t, err, `Go("foxtrot")`)
		synctest.Wait()
		require.Equal(t, kept, first,
			"a slice returned by Enumerate changed when workers started and exited afterwards: "+
				"return a new slice (a copy), not one the registry keeps and updates")
		now := []string{"alpha", "bravo", "delta", "echo", "foxtrot", "w1", "w10", "w9"}
		requireLive(t, r, now, `after "charlie" finished and "foxtrot" started`)
		requireAlive(t, r, fresh, true, "while its f runs")

		mine := r.Enumerate()
		for i := range mine {
			mine[i] = "changed by the caller"
		}
		requireLive(t, r, now, "after the caller overwrote the slice an earlier Enumerate returned: it belongs to the caller")

		// A lister and a goroutine that starts a worker and waits for it take
		// turns. The turns are hidden from the race detector
		// (harness.Alternate), so only the registry's own lock orders a
		// listing with the next start: a list made from the map after
		// unlocking is reported in every run, not only when the scheduler
		// stops the lister in that gap.
		const turns = 20
		var lists [][]string
		var errs []error
		harness.Alternate(turns,
			func(int) { lists = append(lists, r.Enumerate()) },
			func(int) {
				w, err := r.Go("turn", func(context.Context) {})
				if err == nil {
					err = w.Wait()
				}
				errs = append(errs, err)
			})
		for k := range turns {
			require.NoErrorf(t, errs[k], `Go("turn") and Wait, turn %d: the worker "turn" of the turn before had finished`, k)
			require.Equalf(t, now, lists[k], `Enumerate, turn %d: the worker "turn" of the turn before had finished (its Wait returned)`, k)
		}
	})
}

// TestDuplicateName: no two live workers of one registry share a name. A
// second Start with a live name fails with ErrDuplicateName and changes
// nothing; the name is free again as soon as its worker has finished; and
// each registry has its own names.
func TestDuplicateName(t *testing.T) {
	harness.Setup(t)
	harness.Bubble(t, func(t *testing.T) {
		r := registry.New()
		g1, g2, g3 := newGate(t), newGate(t), newGate(t)
		first, err := r.Go("x", g1.f)
		require.NoError(t, err, `Go("x") on an empty registry`)
		synctest.Wait()

		second, err := r.Go("x", g2.f)
		require.ErrorIs(t, err, registry.ErrDuplicateName, `Go("x") while another "x" is alive`)
		require.Nil(t, second, "Go returns a nil worker when Start fails")
		synctest.Wait()
		require.Zero(t, g2.runs.Load(), `the f of the refused "x" must never run`)
		got, ok := r.Lookup("x")
		require.True(t, ok && got == first, `Lookup("x") must still return the first "x"`)
		require.Equal(t, 1, r.ActiveCount(), "a refused Go must not add a worker")

		y, err := r.Go("y", g1.f)
		require.NoError(t, err, `Go("y"): another name is not affected`)

		later := r.Define("x", g3.f)
		require.ErrorIs(t, later.Start(), registry.ErrDuplicateName, `Start of a defined "x" while the first "x" is alive`)

		g1.Open()
		require.NoError(t, waitFor(t, first, `the first "x"`))
		// Right after Wait returned: the name must already be free.
		require.NoError(t, later.Start(),
			`Start of "x" right after the first "x" finished (its Wait returned): the name of a finished worker is free`)
		synctest.Wait()
		require.Equal(t, int32(1), g3.runs.Load(), `the new "x" must run its f`)
		got, ok = r.Lookup("x")
		require.True(t, ok && got == later, `Lookup("x") must return the new "x" now`)
		require.NoError(t, waitFor(t, y, `worker "y"`))

		other := registry.New()
		x2, err := other.Go("x", g2.f)
		require.NoError(t, err, `Go("x") on another registry: each registry has its own names`)
		require.Equal(t, []string{"x"}, other.Enumerate(), "Enumerate of the other registry")
		got, ok = r.Lookup("x")
		require.True(t, ok && got == later, `a worker "x" of another registry must not replace this registry's "x"`)
		g2.Open()
		require.NoError(t, waitFor(t, x2, `the other registry's "x"`))
		require.Equal(t, []string{"x"}, r.Enumerate(), `a worker "x" of another registry finished: this registry's "x" still runs`)
	})
}

// TestStartOnce: a worker runs at most once. Start on a worker that is
// running or has finished returns ErrAlreadyStarted and runs nothing, and of
// many Starts at the same moment exactly one succeeds.
func TestStartOnce(t *testing.T) {
	harness.Setup(t)
	harness.Bubble(t, func(t *testing.T) {
		r := registry.New()
		g := newGate(t)
		w, err := r.Go("once", g.f)
		require.NoError(t, err)
		require.ErrorIs(t, w.Start(), registry.ErrAlreadyStarted, "Start on a running worker")
		synctest.Wait()
		require.Equal(t, int32(1), g.runs.Load(), "f must run exactly once")
		requireLive(t, r, []string{"once"}, "after a second Start of a running worker")

		g.Open()
		require.NoError(t, waitFor(t, w, `worker "once"`))
		require.ErrorIs(t, w.Start(), registry.ErrAlreadyStarted, "Start on a finished worker: a worker runs at most once")
		synctest.Wait()
		require.Equal(t, int32(1), g.runs.Load(), "a finished worker must not run f again")
		requireAlive(t, r, w, false, "after a refused Start of a finished worker")
		requireLive(t, r, nil, "after a refused Start of a finished worker")

		const n = 8
		g2 := newGate(t)
		racer := r.Define("racer", g2.f)
		errs := make([]error, n)
		harness.Together(n, func(i int) { errs[i] = racer.Start() })
		ok := 0
		for i, err := range errs {
			if err == nil {
				ok++
				continue
			}
			require.ErrorIsf(t, err, registry.ErrAlreadyStarted, "Start #%d of %d at the same moment", i+1, n)
		}
		require.Equalf(t, 1, ok, "%d Starts of one worker at the same moment: exactly one must succeed", n)
		synctest.Wait()
		require.Equal(t, int32(1), g2.runs.Load(), "f must run exactly once")
		requireLive(t, r, []string{"racer"}, "after concurrent Starts of one worker")
	})
	startOnceOnRealScheduler(t)
}

// startOnceOnRealScheduler is the end of TestStartOnce, on the real
// scheduler with harness.DelayLocks, under GOMAXPROCS 1, 2 and 4: round after
// round, goroutines call Start on one worker whose f returns at once. In the
// bubble above f is held, so a Start that checks "already started" in one
// critical section and registers the worker in another still finds the name
// taken. Here f may have returned and freed the name in that gap: the late
// Start then runs the worker a second time, or, while f still runs, reports
// ErrDuplicateName instead of ErrAlreadyStarted.
func startOnceOnRealScheduler(t *testing.T) {
	harness.DelayLocks(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	const starters = 8
	rounds := harness.Rounds(60)
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		for round := range rounds {
			r := registry.New()
			var runs atomic.Int32
			w := r.Define("quick", func(context.Context) { runs.Add(1) })
			errs := make([]error, starters)
			harness.Together(starters, func(i int) { errs[i] = w.Start() })
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
				}
			}
			if ok > 0 {
				require.NoError(t, waitFor(t, w, `worker "quick"`), "Wait on a started worker")
			}
			for i, err := range errs {
				if err != nil {
					require.ErrorIsf(t, err, registry.ErrAlreadyStarted,
						"GOMAXPROCS=%d, round %d: Start #%d of %d on one worker at the same moment (real scheduler): "+
							"every Start but one must return ErrAlreadyStarted. Check that the worker is new and "+
							"register it in one critical section: a Start that checks, unlocks and locks again to "+
							"register finds what other Starts did in between", procs, round, i+1, starters)
				}
			}
			require.Equalf(t, 1, ok,
				"GOMAXPROCS=%d, round %d: %d Starts of one worker at the same moment (real scheduler), and %d "+
					"returned nil (f ran %d times): exactly one may, a worker runs at most once. Checking that the "+
					"worker is new and registering it must be one critical section", procs, round, starters, ok, runs.Load())
		}
	}
}

// foreignKeys are context keys another package might use. A value stored
// under one of them is not a worker's identity.
var foreignKeys = []any{"name", "worker", "current", "thread", "registry", "worker_name", "workerName", "id", "key", 0, struct{}{}}

// TestCurrent: inside a worker, Current(ctx) returns the worker's own name,
// also through contexts derived from ctx and in goroutines that were given
// ctx; any other context gives "", false.
func TestCurrent(t *testing.T) {
	harness.Setup(t)
	t.Run("each worker sees its own name", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			r := registry.New()
			g := newGate(t)
			names := []string{"reader", "writer", "cleaner", "mailer", "logger"}
			type report struct{ worker, how, got string }
			reports := make(chan report, 4*len(names))
			for _, name := range names {
				_, err := r.Go(name, func(ctx context.Context) {
					<-g.open // all workers are started before any looks
					say := func(how string, c context.Context) {
						got, ok := registry.Current(c)
						if !ok {
							got = "(none)"
						}
						reports <- report{name, how, got}
					}
					say("Current(ctx)", ctx)
					cctx, cancel := context.WithCancel(ctx)
					defer cancel()
					say("Current of a context derived with WithCancel and WithValue", context.WithValue(cctx, struct{ k int }{}, 1))
					done := make(chan struct{})
					go func() { // the identity travels with ctx, not with the goroutine
						defer close(done)
						say("Current(ctx) in a goroutine the worker started", ctx)
					}()
					<-done
					say("Current(ctx) after another worker's f may have run", ctx)
				})
				require.NoErrorf(t, err, "Go(%q)", name)
			}
			g.Open()
			for range 4 * len(names) {
				select {
				case rep := <-reports:
					require.Equalf(t, rep.worker, rep.got, "worker %q: %s must return the worker's own name", rep.worker, rep.how)
				case <-time.After(patience):
					require.FailNow(t, "the workers' f never ran")
				}
			}
		})
	})
	t.Run("a worker named with the empty string", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			// Any string is a valid name, "" too: it must not stand for "no worker".
			r := registry.New()
			g := newGate(t)
			type answer struct {
				name string
				ok   bool
			}
			seen := make(chan answer, 1)
			w, err := r.Go("", func(ctx context.Context) {
				name, ok := registry.Current(ctx)
				seen <- answer{name, ok}
				g.f(ctx)
			})
			require.NoError(t, err, `Go(""): any string is a valid name, the empty one too`)
			synctest.Wait()
			got := <-seen
			require.Truef(t, got.ok && got.name == "",
				`inside the worker named "", Current(ctx) returned (%q, %v); it must return ("", true): `+
					`the empty name is a name, "ok" must say whether ctx belongs to a worker, not whether the name is empty`,
				got.name, got.ok)
			requireAlive(t, r, w, true, "while its f runs")
			requireLive(t, r, []string{""}, `while the worker named "" runs`)
			_, err = r.Go("", g.f)
			require.ErrorIs(t, err, registry.ErrDuplicateName, `Go("") while a worker named "" is alive`)
		})
	})
	t.Run("other contexts", func(t *testing.T) {
		for _, ctx := range []context.Context{context.Background(), context.TODO()} {
			name, ok := registry.Current(ctx)
			require.Falsef(t, ok, "Current(%v) outside any worker must return false (got %q)", ctx, name)
			require.Emptyf(t, name, "Current(%v) outside any worker must return an empty name", ctx)
		}
		stranger := registry.New().Define("stranger", func(context.Context) {})
		for _, key := range foreignKeys {
			for _, val := range []any{"impostor", stranger} {
				ctx := context.WithValue(context.Background(), key, val)
				name, ok := registry.Current(ctx)
				require.Falsef(t, ok,
					"Current of a context holding %#v under the key %#v (not a worker's context) returned (%q, true): "+
						"store the worker under a key of an unexported type of your package, "+
						"so that no other package's value can be taken for it", val, key, name)
			}
		}
	})
}

// TestReadsWhileWorkersExit: goroutines read the registry (Enumerate,
// ActiveCount, Lookup followed by Alive) while workers start and exit. Only
// fake time orders the readers, the starters and the exiting workers, and
// sleeping is not synchronization: the race detector sees nothing that
// orders a read before a later exit. So the registry itself must order them:
// every read and every write of its bookkeeping, including the ones a worker
// makes when f returns, must happen under its lock (or be atomic).
func TestReadsWhileWorkersExit(t *testing.T) {
	harness.Setup(t)
	harness.Bubble(t, func(t *testing.T) {
		const n = 5
		r := registry.New()
		var names []string
		var workers []*registry.Worker
		for i := range n { // worker wI exits I+1 seconds from now
			name := fmt.Sprintf("w%d", i)
			life := time.Duration(i+1) * time.Second
			w, err := r.Go(name, func(context.Context) { time.Sleep(life) })
			require.NoErrorf(t, err, "Go(%q)", name)
			names = append(names, name)
			workers = append(workers, w)
		}
		for k := range n {
			names = append(names, fmt.Sprintf("late%d", k))
		}

		var probs problems
		var wg sync.WaitGroup
		for k := range n + 1 {
			// At k s + 250 ms a new worker starts; it exits at n s + 250 ms.
			wg.Go(func() {
				time.Sleep(time.Duration(k)*time.Second + 250*time.Millisecond)
				if k == n {
					return
				}
				name := fmt.Sprintf("late%d", k)
				w, err := r.Go(name, func(context.Context) { time.Sleep(time.Duration(n-k) * time.Second) })
				if err != nil {
					probs.add("Go(%q) returned %v", name, err)
					return
				}
				if err := w.Wait(); err != nil {
					probs.add("Wait on worker %q returned %v", name, err)
				}
			})
			// At k s + 500 ms a reader looks at everything.
			wg.Go(func() {
				time.Sleep(time.Duration(k)*time.Second + 500*time.Millisecond)
				list := r.Enumerate()
				if !slices.IsSorted(list) {
					probs.add("Enumerate returned %q: not sorted", list)
				}
				if c := r.ActiveCount(); c < 0 || c > len(names) {
					probs.add("ActiveCount returned %d with %d names in use", c, len(names))
				}
				for _, name := range names {
					if w, ok := r.Lookup(name); ok {
						if w == nil || w.Name() != name {
							probs.add("Lookup(%q) returned a worker with another name", name)
							continue
						}
						w.Alive() // the worker may exit a moment later
					}
				}
			})
		}
		wg.Wait()
		for _, w := range workers {
			require.NoError(t, waitFor(t, w, fmt.Sprintf("worker %q", w.Name())))
		}
		probs.requireNone(t)
	})
}

// TestConcurrentBookkeeping: many goroutines start and wait for workers with
// a few shared names while others call Enumerate, ActiveCount, Lookup and
// Alive, all at once. Run with -race: every read and write of the
// registry's bookkeeping, including a worker's exit, must be synchronized.
// Two live workers never share a name, and in the end nothing is left.
func TestConcurrentBookkeeping(t *testing.T) {
	harness.Setup(t)
	const (
		starters   = 4
		perStarter = 100
		readers    = 4
	)
	names := []string{"a", "b", "c", "d", "e", "f"}
	r := registry.New()

	var probs problems
	var inside [6]atomic.Int32 // per name: how many fs with that name run right now
	var started, refused atomic.Int32

	var readersDone sync.WaitGroup
	stop := make(chan struct{})
	for range readers {
		readersDone.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				list := r.Enumerate()
				if !slices.IsSorted(list) || len(slices.Compact(slices.Clone(list))) != len(list) {
					probs.add("Enumerate returned %q: not sorted, or a name twice", list)
				}
				for _, name := range list {
					if !slices.Contains(names, name) {
						probs.add("Enumerate returned %q, which no worker was ever called", name)
					}
				}
				if n := r.ActiveCount(); n < 0 || n > len(names) {
					probs.add("ActiveCount returned %d with %d names in use", n, len(names))
				}
				for _, name := range names {
					if w, ok := r.Lookup(name); ok {
						if w == nil || w.Name() != name {
							probs.add("Lookup(%q) returned a worker with another name", name)
							continue
						}
						w.Alive() // racing with the worker's exit: must be synchronized
					}
				}
				runtime.Gosched() // with GOMAXPROCS=1, let the starters and workers run too
			}
		})
	}

	harness.Together(starters, func(i int) {
		var mine []*registry.Worker
		for j := range perStarter {
			k := (i + j) % len(names)
			name := names[k]
			w, err := r.Go(name, func(ctx context.Context) {
				if n := inside[k].Add(1); n > 1 {
					probs.add("%d workers named %q ran at the same time", n, name)
				}
				if got, ok := registry.Current(ctx); !ok || got != name {
					probs.add("worker %q: Current(ctx) returned (%q, %v)", name, got, ok)
				}
				runtime.Gosched() // stay alive a little, so that readers find this worker
				inside[k].Add(-1)
			})
			switch {
			case err == nil:
				started.Add(1)
				mine = append(mine, w)
				if j%3 == 0 {
					if err := w.Wait(); err != nil {
						probs.add("Wait on a started worker returned %v", err)
					}
					if w.Alive() {
						probs.add("worker %q was still alive after its Wait returned", name)
					}
				}
			case errors.Is(err, registry.ErrDuplicateName):
				refused.Add(1)
				// Wait for the worker that holds the name, so that the next
				// try can find it free however the scheduler treats the
				// workers (a starter that only retried could use all its
				// tries before any worker ran). Its error is other tests'
				// business: a name held by a worker that never ran stays
				// held, and the count of successful starts below shows it.
				if holder, ok := r.Lookup(name); ok {
					_ = holder.Wait()
				}
			default:
				probs.add("Go(%q) returned %v; the only error expected here is ErrDuplicateName", name, err)
			}
		}
		for _, w := range mine {
			if err := w.Wait(); err != nil {
				probs.add("Wait on a started worker returned %v", err)
			}
		}
	})
	close(stop)
	readersDone.Wait()

	probs.requireNone(t)
	require.Greater(t, started.Load(), int32(2*len(names)),
		"only %d of %d Go calls succeeded (%d refused as duplicates); a name must be free again once its worker has finished",
		started.Load(), starters*perStarter, refused.Load())
	require.Zero(t, r.ActiveCount(), "every worker has finished and was waited for: ActiveCount must be 0")
	require.Empty(t, r.Enumerate(), "every worker has finished and was waited for: Enumerate must list nothing")
}

// problems collects failures found in goroutines other than the test's own
// (which must not call t.FailNow), to be reported afterwards. Only the
// first few are kept.
type problems struct {
	mu   sync.Mutex
	list []string
	more int
}

func (p *problems) add(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.list) < 5 {
		p.list = append(p.list, fmt.Sprintf(format, args...))
	} else {
		p.more++
	}
}

func (p *problems) requireNone(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.list) > 0 {
		require.Failf(t, "wrong bookkeeping under concurrency",
			"%d problem(s), first ones:\n  %s", len(p.list)+p.more, strings.Join(p.list, "\n  "))
	}
}

// TestAnswersAgreeWhileWorkersExit runs on the real scheduler, round after
// round, with several GOMAXPROCS values: readers call Alive, Lookup,
// Enumerate and ActiveCount over and over while the workers they look at
// exit. A worker goes from running to finished once and never back, so once
// any answer has said "gone", every later answer of the same reader must say
// so too, and the number of live workers a reader sees can only go down.
// This holds only if a worker's exit changes all the bookkeeping in one
// critical section, and every accessor reads it under the same lock. The race
// detector sees the accessors run at the same time as the exits (no
// synctest.Wait orders them here).
func TestAnswersAgreeWhileWorkersExit(t *testing.T) {
	harness.Setup(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	const (
		workers = 3
		readers = 3
	)
	rounds := harness.Rounds(300)
	var probs problems
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		for round := range rounds {
			r := registry.New()
			release := make(chan struct{})
			ws := make([]*registry.Worker, workers)
			for i := range ws {
				w, err := r.Go(fmt.Sprintf("w%d", i), func(context.Context) { <-release })
				require.NoErrorf(t, err, "Go(%q) on a registry with no live worker of that name", fmt.Sprintf("w%d", i))
				ws[i] = w
			}
			allGone := make(chan struct{})
			var looking sync.WaitGroup
			looking.Add(readers)
			harness.Together(readers+1, func(i int) {
				if i == readers { // the releaser
					looking.Wait()
					close(release)
					for _, w := range ws {
						if err := w.Wait(); err != nil {
							probs.add("Wait on a started worker returned %v", err)
						}
					}
					close(allGone)
					return
				}
				gone := make([]string, workers) // per worker: the answer that first said "gone"
				most, mostWhat := workers, "the start"
				seeCount := func(n int, what string) {
					if n > most {
						probs.add("GOMAXPROCS=%d, round %d: %s saw %d live workers after %s had seen %d: "+
							"no worker starts meanwhile, so the number can only go down", procs, round, what, n, mostWhat, most)
					}
					most, mostWhat = min(most, n), what
				}
				see := func(k int, present bool, what string) {
					switch {
					case !present && gone[k] == "":
						gone[k] = what
					case present && gone[k] != "":
						probs.add("GOMAXPROCS=%d, round %d: worker %q: %s said it was gone, and then %s said it was alive: "+
							"a worker's exit must change Alive, Lookup, Enumerate and ActiveCount in one critical section",
							procs, round, ws[k].Name(), gone[k], what)
					}
				}
				for pass := 0; ; pass++ {
					if pass == 1 {
						looking.Done()
					}
					last := harness.Closed(allGone)
					for k, w := range ws {
						see(k, w.Alive(), "Alive()")
						got, ok := r.Lookup(w.Name())
						see(k, ok && got == w, fmt.Sprintf("Lookup(%q)", w.Name()))
					}
					list := r.Enumerate()
					seeCount(len(list), "Enumerate()")
					for k, w := range ws {
						see(k, slices.Contains(list, w.Name()), "Enumerate()")
					}
					seeCount(r.ActiveCount(), "ActiveCount()")
					// The same answers back to back, with nothing in between
					// that takes time: an answer kept apart from the others
					// (a counter updated outside the critical section that
					// changes the list) disagrees with them only for the few
					// instructions between the two updates.
					for range 8 {
						seeCount(r.ActiveCount(), "ActiveCount()")
						seeCount(len(r.Enumerate()), "Enumerate()")
					}
					if last {
						if most != 0 {
							probs.add("GOMAXPROCS=%d, round %d: every Wait had returned, and %s still saw %d live workers",
								procs, round, mostWhat, most)
						}
						return
					}
					if pass == 0 {
						continue
					}
					runtime.Gosched()
				}
			})
			probs.requireNone(t)
		}
	}
}

// TestOneLiveWorkerPerName runs on the real scheduler: many goroutines call
// Go with the same name at the same moment, round after round, with several
// GOMAXPROCS values (8 too, more than most machines' cores, so that threads
// are also interrupted by the system). Exactly one of them may succeed:
// checking that the name is free and taking it must be one critical section.
func TestOneLiveWorkerPerName(t *testing.T) {
	harness.Setup(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	const starters = 24
	rounds := harness.Rounds(500)
	for _, procs := range []int{1, 2, 4, 8} {
		runtime.GOMAXPROCS(procs)
		for round := range rounds {
			r := registry.New()
			release := make(chan struct{})
			ws := make([]*registry.Worker, starters)
			errs := make([]error, starters)
			harness.Together(starters, func(i int) {
				ws[i], errs[i] = r.Go("same", func(context.Context) { <-release })
			})
			close(release)
			ok := 0
			for i, err := range errs {
				if err == nil {
					ok++
					if werr := ws[i].Wait(); werr != nil {
						require.FailNowf(t, "Wait failed", "Wait on a started worker returned %v", werr)
					}
					continue
				}
				require.ErrorIsf(t, err, registry.ErrDuplicateName,
					"GOMAXPROCS=%d, round %d: Go(\"same\") while another \"same\" was starting", procs, round)
			}
			require.Equalf(t, 1, ok,
				"GOMAXPROCS=%d, round %d: %d goroutines called Go(\"same\") at the same moment and %d succeeded: "+
					"exactly one may. Checking that the name is free and registering the worker must happen "+
					"under one lock, in one critical section", procs, round, starters, ok)
		}
	}
}
