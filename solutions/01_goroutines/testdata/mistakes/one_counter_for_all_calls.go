// Package goroutines is the first exercise of the kit: start several tasks at
// once, give each one its own argument, wait until every one of them has
// finished, and collect what they return.
package goroutines

// Mistake: one package-level count of running tasks, shared by every call: a task that calls RunAll waits for itself, and a quick call waits for another call's slow task
// Fails: TestCallsAreIndependent

import "sync"

// BUG: one package-level counter of running tasks shared by every call:
// RunAll waits until *all* tasks of *all* calls are done, so a task that
// itself calls RunAll (or Map) deadlocks, and concurrent callers wait for
// each other's tasks.
var (
	mu      sync.Mutex
	cond    = sync.NewCond(&mu)
	pending int
)

func add(n int) { mu.Lock(); pending += n; mu.Unlock() }
func done() {
	mu.Lock()
	pending--
	if pending == 0 {
		cond.Broadcast()
	}
	mu.Unlock()
}
func waitAll() {
	mu.Lock()
	for pending > 0 {
		cond.Wait()
	}
	mu.Unlock()
}

func RunAll(tasks ...func()) {
	add(len(tasks))
	for _, task := range tasks {
		go func() {
			defer done()
			task()
		}()
	}
	waitAll()
}

func Map[T, R any](inputs []T, f func(T) R) []R {
	results := make([]R, len(inputs))
	add(len(inputs))
	for i, in := range inputs {
		go func() {
			defer done()
			results[i] = f(in)
		}()
	}
	waitAll()
	return results
}
