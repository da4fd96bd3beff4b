package ordering_test

import (
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

	ordering "github.com/concurrency-kit/kit/exercises/05_ordering"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// How these tests stay deterministic
//
// Most tests run in a testing/synctest bubble (see bubble below). Time there
// is fake: it stands still while any goroutine of the bubble can run, and
// jumps forward only when every one of them is blocked. synctest.Wait()
// returns once every other goroutine of the bubble is blocked. This gives
// the tests three things that real time cannot:
//
//   - The step functions the tests pass in block until the test releases
//     them. After synctest.Wait() the test knows that every goroutine that
//     could start another step has had its chance. So "nothing else started
//     while this step ran" is a fact, not a guess, and no lucky schedule can
//     make overlapping steps look ordered.
//   - While a step is held, the test lets fake time pass (a century). Code that
//     waits with time.Sleep for "its turn" wakes up and starts its step too
//     early, every time.
//   - A hand-off through a channel needs no time at all. So any fake time
//     that passes while the steps themselves take none means that the code
//     waited for a clock instead of for the previous step.
//
// One test (TestUnderRealScheduler) runs with the real clock instead, under
// several GOMAXPROCS values, with steps that yield to the scheduler.

const (
	// patience is how much fake time a test lets pass while it waits for
	// something that should happen (a step to start, a function to return).
	// It costs no real time.
	patience = time.Hour
	// While the order tests hold one of the first heldCalls step calls, they
	// let fake time pass, to catch code that starts the next step after a
	// sleep or when a wait times out: a century (harness.LetTimePass) while
	// they hold the first call, hold while they hold the others. holdBudget
	// is the real time the centuries may take, for all the cases of a test
	// together.
	hold       = 10 * time.Second
	heldCalls  = 4
	holdBudget = 500 * time.Millisecond
	// realLimit bounds every real-time wait of TestUnderRealScheduler. A
	// correct solution needs a few milliseconds.
	realLimit = 3 * time.Second
	// lastHoldBudget is the real time TestReturnsAfterLastStep may take,
	// for all its cases together, while it holds the last step for a
	// century of fake time (harness.LetTimePass): no sleep standing in for a
	// wait, and no "give up after a while", lasts that long. A function that
	// waits by blocking lets the century pass in microseconds, one that polls
	// with a short sleep wakes up millions of times and runs out of budget.
	lastHoldBudget = 3 * time.Second
)

// orderingPkg is the import path of the exercise, followed by the dot that
// starts a function name (so that the test package does not match).
const orderingPkg = "github.com/concurrency-kit/kit/exercises/05_ordering."

// runsCodeOf reports whether the goroutine whose stack trace is g has a
// frame of a function whose name starts with pkg, or was created by one.
func runsCodeOf(g, pkg string) bool {
	for _, line := range strings.Split(g, "\n") {
		if strings.HasPrefix(strings.TrimPrefix(line, "created by "), pkg) {
			return true
		}
	}
	return false
}

// leftGoroutines returns the stacks of the goroutines that run the
// exercise's code (a frame of package ordering, or created by it) and have
// not ended: waiting for something (a channel, a lock, a timer) or ready to
// run. The goroutine that calls it runs no code of package ordering.
func leftGoroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var left []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if runsCodeOf(g, orderingPkg) {
			left = append(left, g)
		}
	}
	return left
}

// bubble runs f in a synctest bubble (harness.Bubble). A bubble cannot end
// while one of its goroutines is blocked forever: synctest then panics with
// "deadlock: main bubble goroutine has exited but blocked goroutines remain".
// bubble turns that into a test failure that says what went wrong; the
// harness's leak check then also reports where the goroutine is stuck.
func bubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if err, ok := r.(error); ok && strings.HasPrefix(err.Error(), "deadlock:") {
			t.Errorf("goroutines left blocked: when the test was over, goroutines started by PingPong or Rounds "+
				"were still blocked and could never run again (synctest: %v). Every goroutine you start must end "+
				"before the function returns; look at what each one does after the last round", err)
			return
		}
		panic(r)
	}()
	harness.Bubble(t, f)
}

// start runs f in a new goroutine and returns a channel that is closed when
// f returns.
func start(f func()) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	return done
}

// awaitReturn waits until done is closed, letting fake time pass (at most
// patience). It reports whether done was closed.
func awaitReturn(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	case <-time.After(patience):
		return false
	}
}

// requireReturns waits until the function under test has returned, letting
// fake time pass (at most patience), and fails if it does not return.
func requireReturns(t *testing.T, sub subject, done <-chan struct{}) {
	t.Helper()
	if !awaitReturn(done) {
		require.Failf(t, "did not return",
			"%s did not return, even after %v of fake time: a goroutine it waits for is stuck, probably "+
				"waiting for a turn that nobody will give, or handing on a turn that nobody will take "+
				"(look at what happens after the last step of the last round)", sub.name, patience)
	}
}

// turn names one step call: steps[step](round).
type turn struct{ step, round int }

// schedule is the order the steps must run in: every step of round 0, then
// every step of round 1, and so on.
func schedule(steps, rounds int) []turn {
	var want []turn
	for r := range rounds {
		for s := range steps {
			want = append(want, turn{s, r})
		}
	}
	return want
}

// subject is the function under test, with n step functions to pass in.
type subject struct {
	name   string
	steps  int
	rounds int
	run    func(steps []func(round int))
}

func (s subject) names() []string {
	if s.isPingPong() {
		return []string{"ping", "pong"}
	}
	names := make([]string, s.steps)
	for i := range names {
		names[i] = fmt.Sprintf("steps[%d]", i)
	}
	return names
}

func (s subject) isPingPong() bool { return strings.HasPrefix(s.name, "PingPong") }

func (s subject) call(tn turn) string {
	return fmt.Sprintf("%s(%d)", s.names()[tn.step], tn.round)
}

func pingPong(rounds int) subject {
	return subject{
		name:   fmt.Sprintf("PingPong(%d, ping, pong)", rounds),
		steps:  2,
		rounds: rounds,
		run:    func(steps []func(int)) { ordering.PingPong(rounds, steps[0], steps[1]) },
	}
}

func roundsOf(steps, rounds int) subject {
	return subject{
		name:   fmt.Sprintf("Rounds(%d, %s)", rounds, plural(steps, "step")),
		steps:  steps,
		rounds: rounds,
		run:    func(fs []func(int)) { ordering.Rounds(rounds, fs...) },
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// call is one step call that has started and now waits for the test to let
// it return.
type call struct {
	turn
	release chan struct{}
}

// stage makes step functions that announce each call to the test and then
// block until the test releases that call. Only the test's own goroutine
// uses its methods.
type stage struct {
	arrive  chan call     // every call announces itself here
	abort   chan struct{} // closed by stop: calls no longer wait for the test
	stopped bool
}

func newStage() *stage {
	return &stage{arrive: make(chan call), abort: make(chan struct{})}
}

func (st *stage) steps(n int) []func(int) {
	fs := make([]func(int), n)
	for i := range fs {
		fs[i] = func(round int) {
			c := call{turn{i, round}, make(chan struct{})}
			select {
			case st.arrive <- c:
			case <-st.abort:
				return
			}
			select {
			case <-c.release:
			case <-st.abort:
			}
		}
	}
	return fs
}

// next waits for the next call to start, letting fake time pass (at most
// patience), so that code which is merely slow still gets its chance.
func (st *stage) next() (call, bool) {
	select {
	case c := <-st.arrive:
		return c, true
	case <-time.After(patience):
		return call{}, false
	}
}

// poll waits until every other goroutine is blocked and then reports a call
// that has started, if any.
func (st *stage) poll() (call, bool) {
	synctest.Wait()
	select {
	case c := <-st.arrive:
		return c, true
	default:
		return call{}, false
	}
}

// stop lets every call, waiting or future, return at once.
func (st *stage) stop() {
	if !st.stopped {
		st.stopped = true
		close(st.abort)
	}
}

// requireStrictOrder runs sub with steps that the test releases one at a
// time, and checks that they start in exactly the order of schedule, each
// only after the previous one has returned, and that sub then returns. While
// it holds the first call it lets a century of fake time pass, within the
// real-time budget: once code that polls has used it up, the century ends
// early (polling is TestHandOffNeedsNoTime's business).
func requireStrictOrder(t *testing.T, sub subject, budget <-chan struct{}) {
	st := newStage()
	done := start(func() { sub.run(st.steps(sub.steps)) })
	defer func() { // also when a require below fails: let everything finish
		st.stop()
		awaitReturn(done)
	}()

	want := schedule(sub.steps, sub.rounds)
	for i, w := range want {
		which := "the first call"
		if i > 0 {
			which = "the call after " + sub.call(want[i-1])
		}
		c, ok := st.next()
		if !ok {
			require.Failf(t, "a step was never called",
				"%s: %s should have been %s, but no step was called (even after %v of fake time)",
				sub.name, which, sub.call(w), patience)
		}
		require.Equalf(t, sub.call(w), sub.call(c.turn),
			"%s: %s must be %s (the order is every step of round 0 in turn, then every step of round 1, ...)",
			sub.name, which, sub.call(w))

		// While c runs, no other step may start: neither at once...
		if other, ok := st.poll(); ok {
			require.Failf(t, "two steps ran at the same time",
				"%s: %s started while %s was still running. Starting the goroutines in the right order "+
					"does not make them run in that order: each step must wait until the previous one "+
					"has returned and handed over the turn", sub.name, sub.call(other.turn), sub.call(c.turn))
		}
		// ...nor after a while: time passes, so that a sleep, or a wait
		// that gives up after some hours, runs out. While the first call
		// runs, a century (once only: the fake clock of a bubble would
		// overflow after three).
		if i < heldCalls {
			var other call
			started := false
			passed := hold
			if i == 0 {
				passed, _ = harness.LetTimePass(budget, func() bool {
					select {
					case other = <-st.arrive:
						started = true
					default:
					}
					return started
				})
			} else {
				time.Sleep(hold)
			}
			if !started {
				other, started = st.poll()
			}
			if !started && harness.Closed(done) {
				require.Failf(t, "returned while a step was running",
					"%s returned while %s was still running (it had run for %v of fake time). A function "+
						"that waits for its steps must wait as long as they take: a wait that gives up after "+
						"a while leaves the step, and the goroutine that runs it, behind",
					sub.name, sub.call(c.turn), passed)
			}
			if started {
				require.Failf(t, "a step started because time passed",
					"%s: %s was kept running for %v, and meanwhile %s started. A step must start because "+
						"the previous one handed over the turn, not because a sleep or a wait with a time "+
						"limit ran out: sleeping only makes the right order likely, never certain",
					sub.name, sub.call(c.turn), passed, sub.call(other.turn))
			}
		}
		close(c.release)
	}

	select {
	case <-done:
	case c := <-st.arrive:
		require.Failf(t, "a step was called too often",
			"%s: after the %d expected calls, %s was called as well", sub.name, len(want), sub.call(c.turn))
	case <-time.After(patience):
		require.Failf(t, "did not return",
			"%s: every step ran in order, but %s did not return after the last one (%s) returned: "+
				"a goroutine it waits for is stuck, probably waiting for a turn that nobody will give, "+
				"or handing on a turn that nobody will take",
			sub.name, sub.name, sub.call(want[len(want)-1]))
	}
	if c, ok := st.poll(); ok {
		require.Failf(t, "a step was called after the function returned",
			"%s: %s was called after %s had returned", sub.name, sub.call(c.turn), sub.name)
	}
}

// TestPingPongAlternates: ping(0), pong(0), ping(1), ... exactly, one call
// at a time, each only after the previous one returned, however long the
// calls take.
func TestPingPongAlternates(t *testing.T) {
	harness.Setup(t)
	budget := harness.RealBudget(t, holdBudget) // for all the cases together
	for _, rounds := range []int{1, 2, 5, 50} {
		sub := pingPong(rounds)
		t.Run(sub.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) { requireStrictOrder(t, sub, budget) })
		})
	}
}

// TestRoundsRunStepsInOrder: steps[0](0), steps[1](0), ..., steps[n-1](0),
// steps[0](1), ... exactly, one call at a time, each only after the previous
// one returned.
func TestRoundsRunStepsInOrder(t *testing.T) {
	harness.Setup(t)
	budget := harness.RealBudget(t, holdBudget) // for all the cases together
	for _, c := range []struct{ steps, rounds int }{{2, 1}, {3, 1}, {3, 4}, {5, 20}, {2, 50}, {100, 2}} {
		sub := roundsOf(c.steps, c.rounds)
		t.Run(sub.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) { requireStrictOrder(t, sub, budget) })
		})
	}
}

// TestStepsRunOnOwnGoroutines: each step runs on a goroutine of its own,
// the same one for every round, and not on the caller's goroutine.
func TestStepsRunOnOwnGoroutines(t *testing.T) {
	harness.Setup(t)
	for _, sub := range []subject{pingPong(6), roundsOf(4, 5), roundsOf(1, 4)} {
		t.Run(sub.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				var mu sync.Mutex
				ids := make([][]uint64, sub.steps) // ids[i]: the goroutine of each call of step i
				steps := make([]func(int), sub.steps)
				for i := range steps {
					steps[i] = func(int) {
						id := harness.GoroutineID()
						runtime.Gosched()
						mu.Lock()
						ids[i] = append(ids[i], id)
						mu.Unlock()
					}
				}
				var caller uint64
				done := start(func() {
					caller = harness.GoroutineID()
					sub.run(steps)
				})
				requireReturns(t, sub, done)
				synctest.Wait() // let any call still running finish
				mu.Lock()
				defer mu.Unlock()

				names := sub.names()
				owner := map[uint64]int{} // goroutine id -> the step it ran
				for i, got := range ids {
					require.Lenf(t, got, sub.rounds, "%s: %s must be called once per round", sub.name, names[i])
					distinct := slices.Compact(slices.Sorted(slices.Values(got)))
					require.Lenf(t, distinct, 1,
						"%s: the %d calls of %s ran on %d different goroutines. Start one goroutine per step and "+
							"let it call its step for every round, instead of a new goroutine for every call",
						sub.name, sub.rounds, names[i], len(distinct))
					require.NotEqualf(t, caller, got[0],
						"%s: %s ran on the goroutine that called %s. Every step must run on a goroutine "+
							"of its own; the caller only starts them and waits",
						sub.name, names[i], sub.name)
					if j, taken := owner[got[0]]; taken {
						require.Failf(t, "two steps on one goroutine",
							"%s: %s and %s ran on the same goroutine; each step needs a goroutine of its own",
							sub.name, names[j], names[i])
					}
					owner[got[0]] = i
				}
			})
		})
	}
}

// TestHandOffNeedsNoTime: with steps that take no time, the whole run takes
// no time either. Passing the turn through a channel is instant; only code
// that sleeps or polls with a timer makes fake time pass.
func TestHandOffNeedsNoTime(t *testing.T) {
	harness.Setup(t)
	for _, sub := range []subject{pingPong(50), roundsOf(4, 50), roundsOf(1, 10)} {
		t.Run(sub.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				var calls atomic.Int64
				steps := make([]func(int), sub.steps)
				for i := range steps {
					steps[i] = func(int) {
						runtime.Gosched()
						calls.Add(1)
					}
				}
				begin := time.Now()
				done := start(func() { sub.run(steps) })
				synctest.Wait() // every goroutine is blocked or done, and no time has passed yet
				if !harness.Closed(done) {
					requireReturns(t, sub, done)
					elapsed := time.Since(begin)
					require.Failf(t, "time passed between the steps",
						"%s: the steps take no time, yet the run took %v of (fake) time: your code waited for "+
							"a clock (time.Sleep, a ticker, polling) instead of for the previous step. Hand the "+
							"turn over with a channel: the next step can then start the moment the previous one returns",
						sub.name, elapsed)
				}
				synctest.Wait()
				require.Equalf(t, int64(sub.steps*sub.rounds), calls.Load(),
					"%s: every step must be called once per round", sub.name)
			})
		})
	}
}

// TestReturnsAfterLastStep: the function does not return while the last
// step of the last round is still running, and returns as soon as it has,
// with every goroutine it started ended. It runs with GOMAXPROCS 1: the
// goroutines a function left running when it returned are then still there
// when the test looks, instead of ending on another CPU first, or not, as it
// happens; and a goroutine that ended before the function returned has
// ended, not only said so (it runs on, to its end, before the goroutine it
// woke).
func TestReturnsAfterLastStep(t *testing.T) {
	harness.Setup(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	budget := harness.RealBudget(t, lastHoldBudget) // for all the cases together
	for _, sub := range []subject{pingPong(1), pingPong(4), roundsOf(3, 1), roundsOf(3, 4), roundsOf(1, 3), roundsOf(40, 2)} {
		t.Run(sub.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				last := turn{sub.steps - 1, sub.rounds - 1}
				var lastCalled atomic.Bool
				entered, gate := make(chan struct{}), make(chan struct{})
				steps := make([]func(int), sub.steps)
				for i := range steps {
					steps[i] = func(round int) {
						if (turn{i, round}) == last && lastCalled.CompareAndSwap(false, true) {
							close(entered)
							<-gate
						}
					}
				}
				var leftBehind []string // goroutines still there the moment the function returned
				done := start(func() {
					sub.run(steps)
					leftBehind = leftGoroutines()
				})
				gateOpen := false
				defer func() {
					if !gateOpen {
						close(gate)
					}
					awaitReturn(done)
				}()

				select {
				case <-entered:
				case <-done:
					require.Failf(t, "returned too early",
						"%s returned before the last step, %s, was even called", sub.name, sub.call(last))
				case <-time.After(patience):
					require.Failf(t, "last step never called",
						"%s: the last step, %s, was never called", sub.name, sub.call(last))
				}
				synctest.Wait()
				require.Falsef(t, harness.Closed(done),
					"%s returned while its last step, %s, was still running. Return only after the last "+
						"step of the last round has returned (wait for the goroutine that runs it)",
					sub.name, sub.call(last))
				// However long the last step runs (a century of fake time:
				// longer than any "give up after a while" guard), the
				// function goes on waiting for it, and without waking up
				// again and again.
				held, polled := harness.LetTimePass(budget, func() bool { return harness.Closed(done) })
				if polled {
					require.Failf(t, "polling",
						"%s kept waking up while its last step, %s, ran: %v of fake time took more than %v "+
							"of real time. Wait by blocking (wg.Wait(), a channel receive), not by polling "+
							"with a short sleep", sub.name, sub.call(last), held, lastHoldBudget)
					return
				}
				require.Falsef(t, harness.Closed(done),
					"%s returned %v (fake time) after its last step, %s, began, while that step was still "+
						"running: sleeping is not waiting, and no wait may give up after a while. Return only "+
						"after the last step has returned (wait for the goroutines with a sync.WaitGroup or a channel)",
					sub.name, held, sub.call(last))

				close(gate)
				gateOpen = true
				requireReturns(t, sub, done)
				requireNoneLeft(t, sub, leftBehind)
			})
		})
		// With steps that take no time, the goroutines of the first steps may
		// still be about to leave their loop when the last step hands the
		// turn back: the function must wait for them too.
		t.Run(sub.name+", steps that take no time", func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				steps := make([]func(int), sub.steps)
				for i := range steps {
					steps[i] = func(int) {}
				}
				var leftBehind []string
				done := start(func() {
					sub.run(steps)
					leftBehind = leftGoroutines()
				})
				requireReturns(t, sub, done)
				requireNoneLeft(t, sub, leftBehind)
			})
		})
	}
}

// requireNoneLeft fails if goroutines of package ordering were still there
// the moment sub returned.
func requireNoneLeft(t *testing.T, sub subject, leftBehind []string) {
	t.Helper()
	if len(leftBehind) > 0 {
		require.Failf(t, "goroutines still there",
			"the moment %s returned, %d goroutine(s) it started had not ended yet (still waiting for something, "+
				"or about to run): it must return only after every goroutine it started has ended. Wait for all "+
				"of them (a sync.WaitGroup), not only for the turn the last step hands back. The first one:\n%s",
			sub.name, len(leftBehind), leftBehind[0])
	}
}

// TestFewRoundsAndSteps: zero or negative rounds and no steps call nothing
// and return; one round, or one step alone, works too.
func TestFewRoundsAndSteps(t *testing.T) {
	harness.Setup(t)
	cases := []subject{
		pingPong(0),
		pingPong(-2),
		pingPong(1),
		roundsOf(3, 0),
		roundsOf(2, -1),
		roundsOf(0, 3),
		roundsOf(1, 1),
		roundsOf(1, 5),
		roundsOf(3, 1),
	}
	for _, sub := range cases {
		t.Run(sub.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				var mu sync.Mutex
				var got []turn
				steps := make([]func(int), sub.steps)
				for i := range steps {
					steps[i] = func(round int) {
						mu.Lock()
						got = append(got, turn{i, round})
						mu.Unlock()
					}
				}
				done := start(func() { sub.run(steps) })
				requireReturns(t, sub, done)
				synctest.Wait() // let any call still running finish
				mu.Lock()
				defer mu.Unlock()

				// Which calls were made; their order is the business of the
				// order tests.
				want := schedule(sub.steps, max(sub.rounds, 0))
				cmpTurn := func(a, b turn) int {
					if a.round != b.round {
						return a.round - b.round
					}
					return a.step - b.step
				}
				slices.SortFunc(got, cmpTurn)
				require.Equalf(t, callList(sub, want), callList(sub, got),
					"%s must call each step once per round (round numbers 0 to rounds-1); "+
						"with rounds <= 0 or no steps it calls nothing", sub.name)
			})
		})
	}
}

// callList is a readable form of calls, for failure messages.
func callList(sub subject, calls []turn) string {
	if len(calls) == 0 {
		return "(no calls)"
	}
	s := make([]string, len(calls))
	for i, c := range calls {
		s[i] = sub.call(c)
	}
	return strings.Join(s, " ")
}

// TestUnderRealScheduler: the same order with the real clock and the real
// scheduler, under GOMAXPROCS 1, 2 and 4, with steps that yield to the
// scheduler in the middle. No step may overlap another.
func TestUnderRealScheduler(t *testing.T) {
	harness.Setup(t)
	for _, procs := range []int{1, 2, 4} {
		ok := t.Run(fmt.Sprintf("GOMAXPROCS=%d", procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			for range 3 {
				for _, sub := range []subject{pingPong(50), roundsOf(3, 50), roundsOf(1, 20), roundsOf(8, 10)} {
					requireRealOrder(t, sub)
				}
			}
		})
		if !ok {
			break // one failure says it all; do not wait out the limit again
		}
	}
}

func requireRealOrder(t *testing.T, sub subject) {
	total := sub.steps * sub.rounds
	var (
		mu       sync.Mutex
		got      []turn
		running  atomic.Int32 // steps running right now
		overlaps atomic.Int32 // calls that started while another step was running
	)
	complete := make(chan struct{}) // closed by the call that makes got complete
	steps := make([]func(int), sub.steps)
	for i := range steps {
		steps[i] = func(round int) {
			if running.Add(1) != 1 {
				overlaps.Add(1)
			}
			runtime.Gosched()
			mu.Lock()
			got = append(got, turn{i, round})
			full := len(got) == total
			mu.Unlock()
			runtime.Gosched()
			running.Add(-1)
			if full {
				close(complete)
			}
		}
	}
	done := start(func() { sub.run(steps) })
	select {
	case <-done:
	case <-time.After(realLimit):
		require.Failf(t, "did not return",
			"%s did not return within %v (with the real clock): a goroutine it waits for is stuck", sub.name, realLimit)
	}
	mu.Lock()
	n := len(got)
	mu.Unlock()
	if n > 0 && n < total {
		// Returning before the last step is TestReturnsAfterLastStep's
		// business; here, give the calls still under way time to finish.
		select {
		case <-complete:
		case <-time.After(realLimit):
		}
	}

	require.Zerof(t, overlaps.Load(),
		"%s: %d times a step started while another step was still running. Each step must wait "+
			"until the previous one has returned and handed over the turn", sub.name, overlaps.Load())
	mu.Lock()
	defer mu.Unlock()
	want := schedule(sub.steps, sub.rounds)
	for i := range max(len(want), len(got)) {
		switch {
		case i >= len(got):
			require.Failf(t, "steps missing",
				"%s made only %d of its %d calls; the first one missing is %s",
				sub.name, len(got), len(want), sub.call(want[i]))
		case i >= len(want):
			require.Failf(t, "too many calls",
				"%s made %d calls instead of %d; the first extra one is %s",
				sub.name, len(got), len(want), sub.call(got[i]))
		case got[i] != want[i]:
			require.Failf(t, "wrong order",
				"%s with GOMAXPROCS=%d: call #%d should have been %s, but it was %s (the calls before it: %s)",
				sub.name, runtime.GOMAXPROCS(0), i, sub.call(want[i]), sub.call(got[i]),
				callList(sub, got[max(0, i-4):i]))
		}
	}
}
