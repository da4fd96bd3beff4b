package goroutines_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
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
// "does not return while a task runs" let a century of fake time pass
// (harness.LetTimePass) while a task stays blocked on a channel only the test
// closes: no sleep, however long, makes such a task finish, and no "give up
// after a day" guard runs out.

// pollBudget is the real time a test gives harness.LongWait to pass, in all
// its cases together. A RunAll that simply blocks (on a WaitGroup, a channel)
// lets every step pass in one jump of the fake clock, in a few milliseconds.
// One that polls (for n > 0 { time.Sleep(time.Millisecond) }) wakes up at
// every tick and runs out of budget. A poll so slow that it stays within the
// budget is caught once the task is let go: RunAll must then return at once,
// with no fake time passing.
const pollBudget = 3 * time.Second

// requireBlockedWait checks what letTimePass saw while a task was blocked.
func requireBlockedWait(t *testing.T, fn string, passed time.Duration, polled bool, what string) {
	t.Helper()
	require.Falsef(t, polled,
		"while %s was still blocked, %s kept waking up: %v of fake time took more than %v of real time "+
			"(a blocked WaitGroup or channel makes fake time jump in one step). Do not poll "+
			"(for ... { time.Sleep(...) } or runtime.Gosched()): block on wg.Wait() until every goroutine is done",
		what, fn, passed, pollBudget)
	require.Falsef(t, passed < harness.LongWait,
		"%s returned %v (fake time) after it was called, while %s was still blocked and could never "+
			"finish by itself: sleeping is not waiting. Wait for every goroutine (wg.Wait()), "+
			"do not sleep and hope they are done", fn, passed, what)
}

// requireReturnedAtOnce checks that fn returned as soon as the last blocked
// task did: without any fake time passing in between.
func requireReturnedAtOnce(t *testing.T, fn string, returned bool, what string) {
	t.Helper()
	require.Truef(t, returned,
		"%s had not returned once %s had finished and every other goroutine was waiting: it still needed "+
			"(fake) time to notice. Do not poll (for ... { time.Sleep(...) }), however slowly: block on "+
			"wg.Wait(), which returns the moment the last goroutine calls Done", fn, what)
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
// same time: 7000 is past any cap a worker pool might have (NumCPU, 32, 1024,
// 4096), and below the race detector's limit of 8128 live goroutines.
var concurrentSizes = []int{2, 10, 7000}

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
	budget := harness.RealBudget(t, pollBudget) // for all the cases together
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
				passed, polled := harness.LetTimePass(budget, func() bool { return harness.Closed(done) })
				close(release)
				synctest.Wait() // the task returns; nothing else needs any time
				returnedAtOnce := harness.Closed(done)
				<-done

				require.False(t, returnedEarly,
					"RunAll returned while task #%d of %d was still running; it must "+
						"wait until every task has returned", tc.slow, slowCaseTasks)
				requireBlockedWait(t, "RunAll", passed, polled, fmt.Sprintf("task #%d of %d", tc.slow, slowCaseTasks))
				requireReturnedAtOnce(t, "RunAll", returnedAtOnce, fmt.Sprintf("task #%d of %d", tc.slow, slowCaseTasks))
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
	budget := harness.RealBudget(t, pollBudget) // for all the cases together
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
				passed, polled := harness.LetTimePass(budget, func() bool { return harness.Closed(done) })
				close(release)
				synctest.Wait() // the call returns; nothing else needs any time
				returnedAtOnce := harness.Closed(done)
				<-done

				require.False(t, returnedEarly,
					"Map returned while the call for input #%d of %d was still running; it "+
						"must wait until every call has returned", tc.slow, slowCaseTasks)
				requireBlockedWait(t, "Map", passed, polled, fmt.Sprintf("the call for input #%d of %d", tc.slow, slowCaseTasks))
				requireReturnedAtOnce(t, "Map", returnedAtOnce, fmt.Sprintf("the call for input #%d of %d", tc.slow, slowCaseTasks))
			})
		})
	}
}

// TestCallsAreIndependent: each call of RunAll and Map waits for its own
// tasks only. A task may itself call RunAll or Map, and a call returns while
// another call's task is still blocked. One counter shared by every call (a
// package-level WaitGroup or counter) makes the nested call wait for the task
// that is waiting for it, and makes a quick call wait for a slow one.
func TestCallsAreIndependent(t *testing.T) {
	harness.Setup(t)
	t.Run("a task calls RunAll and Map", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			var inner atomic.Int32
			var mapped []int
			done := make(chan struct{})
			go func() {
				defer close(done)
				goroutines.RunAll(func() {
					goroutines.RunAll(func() { inner.Add(1) }, func() { inner.Add(1) })
				}, func() {
					mapped = goroutines.Map([]int{1, 2, 3}, func(x int) int { return 2 * x })
				})
			}()
			synctest.Wait()
			require.True(t, harness.Closed(done),
				"a RunAll whose tasks call RunAll and Map never returned: each call must wait for its own "+
					"tasks only (a WaitGroup local to the call), not for every task of every call")
			require.Equal(t, int32(2), inner.Load(), "the inner RunAll's two tasks")
			require.Equal(t, []int{2, 4, 6}, mapped, "the inner Map's results")
		})
	})
	t.Run("a quick call while another's task is blocked", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			release := make(chan struct{})
			slowRunAll, slowMap := make(chan struct{}), make(chan struct{})
			go func() {
				defer close(slowRunAll)
				goroutines.RunAll(func() { <-release })
			}()
			go func() {
				defer close(slowMap)
				goroutines.Map([]int{1}, func(x int) int { <-release; return x })
			}()
			synctest.Wait()
			quick := make(chan []int)
			go func() {
				var ran atomic.Int32
				goroutines.RunAll(func() { ran.Add(1) })
				quick <- goroutines.Map([]int{int(ran.Load()), 5}, func(x int) int { return x + 1 })
			}()
			synctest.Wait()
			var got []int
			select {
			case got = <-quick:
			default:
			}
			close(release)
			<-slowRunAll
			<-slowMap
			if got == nil {
				<-quick
				require.Fail(t, "a RunAll and a Map whose tasks had finished did not return while other "+
					"calls' tasks were blocked: each call must wait for its own tasks only")
			}
			require.Equal(t, []int{2, 6}, got, "Map's results, after a RunAll whose task ran once")
		})
	})
}

// TestManyQuickCallsOnRealScheduler calls RunAll and Map thousands of times
// with tasks that finish at once, at several GOMAXPROCS values, on the real
// scheduler: a synctest bubble runs goroutines one way only, and never lets
// the last task finish between a waiter's check of what is left and its
// going to sleep. A wait built that way (check a counter, then lock and
// sleep on a sync.Cond) misses the last wake-up and hangs for ever; every
// Lock is delayed a little (harness.DelayLocks) so that this happens within
// a few rounds. A WaitGroup never misses one.
func TestManyQuickCallsOnRealScheduler(t *testing.T) {
	harness.Setup(t)
	harness.DelayLocks(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	rounds := harness.Rounds(1000)
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		for round := range rounds {
			var ran atomic.Int32
			tasks := make([]func(), 1+round%3)
			for i := range tasks {
				tasks[i] = func() { ran.Add(1) }
			}
			goroutines.RunAll(tasks...)
			require.Equalf(t, int32(len(tasks)), ran.Load(),
				"GOMAXPROCS=%d, round %d: RunAll of %d tasks returned before all of them had run", procs, round, len(tasks))
			got := goroutines.Map([]int{round, round + 1}, func(x int) int { return x * 2 })
			require.Equalf(t, []int{2 * round, 2*round + 2}, got, "GOMAXPROCS=%d, round %d: Map([%d %d], double)", procs, round, round, round+1)
		}
	}
}
