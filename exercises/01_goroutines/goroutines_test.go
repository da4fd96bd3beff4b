package goroutines_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"

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

// closed reports, without blocking, whether ch has been closed.
func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

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

func TestRunAllRunsTasksConcurrently(t *testing.T) {
	harness.Setup(t)
	for _, n := range []int{2, 10} {
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
						"waiting for any of them", n, running)
			})
		})
	}
}

func TestRunAllWaitsForEveryTask(t *testing.T) {
	harness.Setup(t)
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
				returnedEarly := closed(done)
				close(release)
				<-done

				assert.False(t, returnedEarly,
					"RunAll returned while task #%d of %d was still running; it must "+
						"wait until every task has returned", tc.slow, slowCaseTasks)
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
	for _, n := range []int{2, 10} {
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
						"before waiting for any of them", n, running)
			})
		})
	}
}

func TestMapWaitsForEveryCall(t *testing.T) {
	harness.Setup(t)
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
				returnedEarly := closed(done)
				close(release)
				<-done

				assert.False(t, returnedEarly,
					"Map returned while the call for input #%d of %d was still running; it "+
						"must wait until every call has returned", tc.slow, slowCaseTasks)
			})
		})
	}
}
