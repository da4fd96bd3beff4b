// Package goroutines is the first exercise of the kit: start several tasks at
// once, give each one its own argument, wait until every one of them has
// finished, and collect what they return.
package goroutines

import "sync"

// RunAll runs every task in its own goroutine, so that all of them run at the
// same time, and returns only after every task has returned.
//
//   - All tasks must be started before RunAll waits for any of them: a task
//     that blocks must not keep the next task from starting.
//   - Each task runs exactly once. The goroutine that runs tasks[i] must run
//     tasks[i], not whatever task a shared variable happens to hold when the
//     goroutine gets going.
//   - RunAll returns only when every task has returned (think Python's
//     join() on every thread, not only on the last one).
//   - With no tasks, RunAll returns at once.
func RunAll(tasks ...func()) {
	// A WaitGroup is a counter of goroutines still running: Add before the
	// go statement (never inside the goroutine, or Wait could see zero before
	// the goroutine even started), Done when the goroutine ends, Wait blocks
	// until the counter is back to zero. One Wait replaces a join per thread.
	var wg sync.WaitGroup
	for _, task := range tasks {
		wg.Add(1)
		// Since Go 1.22 every iteration has its own `task` variable, so this
		// closure sees this iteration's task. A variable declared outside the
		// loop and reassigned in it would be shared by every goroutine.
		go func() {
			defer wg.Done() // runs even if task panics
			task()
		}()
	}
	// Only now, with every goroutine started, do we wait. Waiting inside the
	// loop would run the tasks one after another.
	wg.Wait()
}

// Map calls f once for every element of inputs, each call in its own goroutine
// so that all calls run at the same time, and returns their results.
//
//   - The result has len(inputs) elements and result[i] == f(inputs[i]),
//     whatever order the calls finish in.
//   - Each call gets its own input: f(inputs[i]) is called exactly once for
//     every i, never twice with the same element and never with another
//     element's value.
//   - All calls are started before Map waits for any of them: a call that
//     blocks must not keep the next call from starting.
//   - Map returns only after every call has returned.
//   - With no inputs, Map calls nothing and returns an empty slice.
func Map[T, R any](inputs []T, f func(T) R) []R {
	// One slot per input, allocated before any goroutine starts. Goroutine i
	// writes only results[i]; different elements of a slice are different
	// variables, so the goroutines need no lock among themselves.
	results := make([]R, len(inputs))
	var wg sync.WaitGroup
	for i, in := range inputs {
		// wg.Go (Go 1.25) is shorthand for wg.Add(1) + go func() { defer
		// wg.Done(); ... }(). i and in are this iteration's own copies.
		wg.Go(func() {
			results[i] = f(in)
		})
	}
	// Wait also makes every write to results visible to us: whatever a
	// goroutine did before its Done happens before Wait returns.
	wg.Wait()
	return results
}
