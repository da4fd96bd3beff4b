// Package goroutines is the first exercise of the kit (a deliberately wrong
// implementation, used to check that the tests catch this mistake).
package goroutines

// Mistake: waits for each goroutine right after starting it (start(); join() inside the loop), so tasks run one after another
// Fails: TestRunAllRunsTasksConcurrently:fail TestMapRunsCallsConcurrently:fail

import "sync"

func RunAll(tasks ...func()) {
	for _, task := range tasks {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			task()
		}()
		wg.Wait() // waits here, before the next task is even started
	}
}

func Map[T, R any](inputs []T, f func(T) R) []R {
	results := make([]R, len(inputs))
	for i, in := range inputs {
		done := make(chan struct{})
		go func() {
			defer close(done)
			results[i] = f(in)
		}()
		<-done
	}
	return results
}
