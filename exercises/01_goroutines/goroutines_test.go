package goroutines_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	goroutines "github.com/concurrency-kit/kit/exercises/01_goroutines"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// How these tests stay deterministic: each one runs in a synctest bubble
// (harness.Bubble). Tasks block on channels made by the test, and
// synctest.Wait() returns only once every other goroutine of the bubble is
// blocked or finished. At that moment the test can look at what happened
// without guessing how long to sleep, and then release the tasks so that
// nothing is left running.

// notOnce lists the indexes whose count is not exactly 1, for a short failure
// message.
func notOnce(counts []atomic.Int32) string {
	var wrong []string
	for i := range counts {
		if c := counts[i].Load(); c != 1 {
			wrong = append(wrong, fmt.Sprintf("#%d ran %d times", i, c))
		}
	}
	if len(wrong) > 8 {
		wrong = append(wrong[:8], fmt.Sprintf("and %d more", len(wrong)-8))
	}
	return strings.Join(wrong, ", ")
}

// Sleeping is not waiting. In a bubble, time.Sleep(d) in RunAll makes fake
// time jump ahead by d as soon as everything else is blocked; a test that only
// looked after synctest.Wait would never see the jump. So the tests that check
// "does not return while a task runs" let a lot of fake time pass (hours)
// while a task stays blocked on a channel only the test closes: no sleep,
// however long, makes such a task finish.

// longWait is how much fake time the test lets pass while a task is blocked.
const longWait = 10 * time.Hour

// waitStep is the step in which longWait passes; after each step the test
// looks at the real-time budget.
const waitStep = time.Minute

// pollBudget is the real time a test gives longWait to pass, in all its cases
// together. A RunAll that simply blocks (on a WaitGroup, a channel) lets the
// 600 steps of each case pass in a few milliseconds. One that polls
// (for n > 0 { time.Sleep(time.Millisecond) }) wakes up 36 million times in
// 10 hours of fake time and runs out of budget.
const pollBudget = 3 * time.Second

// realBudget returns a channel closed after d of real time. Call it outside
// the bubble: its timer must run on the real clock.
func realBudget(t *testing.T, d time.Duration) <-chan struct{} {
	ch := make(chan struct{})
	timer := time.AfterFunc(d, func() { close(ch) })
	t.Cleanup(func() { timer.Stop() })
	return ch
}

// letTimePass lets longWait of fake time pass while the test goroutine
// sleeps, until done is closed. It reports the fake time that passed before
// done was closed (longWait if it stayed open) and whether the real-time
// budget ran out first: then something in the bubble woke up again and again
// while it should have been blocked.
func letTimePass(budget, done <-chan struct{}) (passed time.Duration, polled bool) {
	for passed < longWait {
		if harness.Closed(done) {
			return passed, false
		}
		if harness.Closed(budget) {
			return passed, true
		}
		time.Sleep(waitStep)
		passed += waitStep
	}
	return passed, false
}

// requireBlockedWait checks what letTimePass saw while a task was blocked.
func requireBlockedWait(t *testing.T, fn string, passed time.Duration, polled bool, what string) {
	t.Helper()
	require.Falsef(t, polled,
		"while %s was still blocked, %s kept waking up: %v of fake time took more than %v of real time "+
			"(a blocked WaitGroup or channel makes fake time jump in one step). Do not poll "+
			"(for ... { time.Sleep(...) } or runtime.Gosched()): block on wg.Wait() until every goroutine is done",
		what, fn, passed, pollBudget)
	require.Falsef(t, passed < longWait,
		"%s returned %v (fake time) after it was called, while %s was still blocked and could never "+
			"finish by itself: sleeping is not waiting. Wait for every goroutine (wg.Wait()), "+
			"do not sleep and hope they are done", fn, passed, what)
}

// slowCases names the position of the one task (or call) that stays blocked.
var slowCases = []struct {
	name string
	slow int
}{
	{"first blocked", 0},
	{"middle blocked", 3},
	{"last blocked", 6},
}

const slowCaseTasks = 7

func TestRunAllRunsEveryTaskOnce(t *testing.T) {
	harness.Setup(t)
	for _, n := range []int{0, 1, 3, 200} {
		t.Run(fmt.Sprintf("%d tasks", n), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				runs := make([]atomic.Int32, n)
				tasks := make([]func(), n)
				for i := range tasks {
					tasks[i] = func() { runs[i].Add(1) }
				}

				goroutines.RunAll(tasks...)
				// Let any task still running finish: this test is only
				// about which tasks ran, not about when RunAll returned.
				synctest.Wait()

				assert.Empty(t, notOnce(runs),
					"every task must run exactly once; when some tasks never run and "+
						"others run several times, the goroutines read the task from one "+
						"shared variable instead of each getting its own")
			})
		})
	}
}

// concurrentSizes are the numbers of tasks that must all be running at the
// same time: 1500 is past any cap a worker pool might have (NumCPU, 32, 1024).
var concurrentSizes = []int{2, 10, 1500}

func TestRunAllRunsTasksConcurrently(t *testing.T) {
	harness.Setup(t)
	for _, n := range concurrentSizes {
		t.Run(fmt.Sprintf("%d tasks", n), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				var started atomic.Int32
				release := make(chan struct{})
				tasks := make([]func(), n)
				for i := range tasks {
					tasks[i] = func() {
						started.Add(1)
						<-release // every task waits here until the test lets go
					}
				}

				done := make(chan struct{})
				go func() {
					defer close(done)
					goroutines.RunAll(tasks...)
				}()
				// Wait until every goroutine is stuck: a concurrent RunAll
				// has then started all n tasks, a sequential one only 1.
				synctest.Wait()
				running := started.Load()
				close(release)
				<-done

				assert.Equal(t, int32(n), running,
					"all %d tasks should be running at the same time, but only %d had started "+
						"while the first ones were still blocked; start every goroutine before "+
						"waiting for any of them, one goroutine per task, with no cap on how many", n, running)
			})
		})
	}
}

func TestRunAllWaitsForEveryTask(t *testing.T) {
	harness.Setup(t)
	budget := realBudget(t, pollBudget) // for all the cases together
	for _, tc := range slowCases {
		t.Run(tc.name, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				release := make(chan struct{})
				tasks := make([]func(), slowCaseTasks)
				for i := range tasks {
					tasks[i] = func() {}
				}
				tasks[tc.slow] = func() { <-release }

				done := make(chan struct{})
				go func() {
					defer close(done)
					goroutines.RunAll(tasks...)
				}()
				synctest.Wait() // everything that can run has run
				returnedEarly := harness.Closed(done)
				passed, polled := letTimePass(budget, done)
				close(release)
				<-done

				require.False(t, returnedEarly,
					"RunAll returned while task #%d of %d was still running; it must "+
						"wait until every task has returned", tc.slow, slowCaseTasks)
				requireBlockedWait(t, "RunAll", passed, polled, fmt.Sprintf("task #%d of %d", tc.slow, slowCaseTasks))
			})
		})
	}
}

func TestMapPutsResultsInInputOrder(t *testing.T) {
	harness.Setup(t)
	type finishOrder struct {
		name  string
		order func(n int) []int // the order in which the calls are let finish
	}
	reverse := finishOrder{"last input finishes first", func(n int) []int {
		order := make([]int, n)
		for i := range order {
			order[i] = n - 1 - i
		}
		return order
	}}
	shuffled := finishOrder{"shuffled finish", func(n int) []int {
		return rand.New(rand.NewPCG(1, 2)).Perm(n)
	}}

	for _, n := range []int{0, 1, 2, 8, 50} {
		for _, fo := range []finishOrder{reverse, shuffled} {
			t.Run(fmt.Sprintf("%d inputs, %s", n, fo.name), func(t *testing.T) {
				harness.Bubble(t, func(t *testing.T) {
					inputs := make([]int, n)
					gates := make(map[int]chan struct{}, n)
					for i := range inputs {
						inputs[i] = 10 + 3*i
						gates[inputs[i]] = make(chan struct{})
					}
					f := func(x int) string {
						if gate, ok := gates[x]; ok {
							<-gate // finish only when the test says so
						}
						return fmt.Sprintf("item-%d", x)
					}

					var results []string
					done := make(chan struct{})
					go func() {
						defer close(done)
						results = goroutines.Map(inputs, f)
					}()
					// Let the calls finish one at a time, in a chosen order.
					for _, i := range fo.order(n) {
						close(gates[inputs[i]])
						synctest.Wait()
					}
					<-done

					require.Len(t, results, n, "Map must return one result per input")
					for i, x := range inputs {
						assert.Equalf(t, fmt.Sprintf("item-%d", x), results[i],
							"results[%d] must be f(inputs[%d]) whatever order the calls finish in", i, i)
					}
				})
			})
		}
	}
}

func TestMapPassesEachInputToItsOwnCall(t *testing.T) {
	harness.Setup(t)
	for _, n := range []int{1, 3, 500} {
		t.Run(fmt.Sprintf("%d inputs", n), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				inputs := make([]int, n)
				for i := range inputs {
					inputs[i] = i
				}
				calls := make([]atomic.Int32, n) // calls[x]: how often f(x) ran
				f := func(x int) int {
					calls[x].Add(1)
					return x
				}

				goroutines.Map(inputs, f)
				// Let any call still running finish: this test is only about
				// the arguments f received.
				synctest.Wait()

				assert.Empty(t, notOnce(calls),
					"f must be called exactly once with each input; when some inputs are "+
						"never passed and others several times, the goroutines read their "+
						"argument from one shared variable instead of each getting its own copy")
			})
		})
	}
}

func TestMapRunsCallsConcurrently(t *testing.T) {
	harness.Setup(t)
	for _, n := range concurrentSizes {
		t.Run(fmt.Sprintf("%d inputs", n), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				var started atomic.Int32
				release := make(chan struct{})
				f := func(x int) int {
					started.Add(1)
					<-release // every call waits here until the test lets go
					return x
				}

				done := make(chan struct{})
				go func() {
					defer close(done)
					goroutines.Map(make([]int, n), f)
				}()
				synctest.Wait()
				running := started.Load()
				close(release)
				<-done

				assert.Equal(t, int32(n), running,
					"all %d calls of f should be running at the same time, but only %d had "+
						"started while the first ones were still blocked; start every goroutine "+
						"before waiting for any of them, one goroutine per call, with no cap on how many", n, running)
			})
		})
	}
}

func TestMapWaitsForEveryCall(t *testing.T) {
	harness.Setup(t)
	budget := realBudget(t, pollBudget) // for all the cases together
	for _, tc := range slowCases {
		t.Run(tc.name, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				inputs := make([]int, slowCaseTasks)
				for i := range inputs {
					inputs[i] = i
				}
				release := make(chan struct{})
				f := func(x int) int {
					if x == tc.slow {
						<-release
					}
					return x
				}

				done := make(chan struct{})
				go func() {
					defer close(done)
					goroutines.Map(inputs, f)
				}()
				synctest.Wait()
				returnedEarly := harness.Closed(done)
				passed, polled := letTimePass(budget, done)
				close(release)
				<-done

				require.False(t, returnedEarly,
					"Map returned while the call for input #%d of %d was still running; it "+
						"must wait until every call has returned", tc.slow, slowCaseTasks)
				requireBlockedWait(t, "Map", passed, polled, fmt.Sprintf("the call for input #%d of %d", tc.slow, slowCaseTasks))
			})
		})
	}
}
