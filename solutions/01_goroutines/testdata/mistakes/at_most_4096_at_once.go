// Package goroutines is the first exercise of the kit: start several tasks at
// once, give each one its own argument, wait until every one of them has
// finished, and collect what they return.
package goroutines

// Mistake: a semaphore lets at most 4096 tasks run at once ("no machine needs more"): with more tasks that wait for each other, RunAll never returns
// Fails: TestRunAllRunsTasksConcurrently:fail TestMapRunsCallsConcurrently:fail

import "sync"

// BUG: at most 4096 tasks run at once ("to be safe"); beyond that a task
// waits for a slot, so 5000 tasks that wait for each other deadlock.
const maxRunning = 4096

func RunAll(tasks ...func()) {
	sem := make(chan struct{}, maxRunning)
	var wg sync.WaitGroup
	for _, task := range tasks {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			task()
		})
	}
	wg.Wait()
}

func Map[T, R any](inputs []T, f func(T) R) []R {
	results := make([]R, len(inputs))
	sem := make(chan struct{}, maxRunning)
	var wg sync.WaitGroup
	for i, in := range inputs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			results[i] = f(in)
		})
	}
	wg.Wait()
	return results
}
