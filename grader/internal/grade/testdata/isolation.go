// A correct answer to the goroutines exercise, except that RunAll hangs on
// an empty task list and Map panics in a goroutine on 500 inputs: each fault
// must cost only the tests that trigger it.
package goroutines

import "sync"

func RunAll(tasks ...func()) {
	for len(tasks) == 0 {
		// Spins forever: a hang that no synctest bubble can detect.
	}
	var wg sync.WaitGroup
	for _, task := range tasks {
		wg.Go(task)
	}
	wg.Wait()
}

func Map[T, R any](inputs []T, f func(T) R) []R {
	results := make([]R, len(inputs))
	var wg sync.WaitGroup
	for i, in := range inputs {
		wg.Go(func() {
			if len(inputs) == 500 && i == 499 {
				panic("boom")
			}
			results[i] = f(in)
		})
	}
	wg.Wait()
	return results
}
