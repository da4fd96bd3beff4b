// Package goroutines is the first exercise of the kit: start several tasks at
// once, give each one its own argument, wait until every one of them has
// finished, and collect what they return.
package goroutines

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
	// TODO: start one goroutine per task and wait for all of them.
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
	// TODO: start one goroutine per input, store each result in its own
	// slot, wait for all of them.
	return nil
}
