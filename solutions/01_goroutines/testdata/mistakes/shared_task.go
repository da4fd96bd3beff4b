// Package goroutines is the first exercise of the kit (a deliberately wrong
// implementation, used to check that the tests catch this mistake).
package goroutines

// Mistake: RunAll keeps the task in one variable declared outside the loop, so goroutines run whichever task it holds when they start
// Fails: TestRunAllRunsEveryTaskOnce TestRunAllRunsTasksConcurrently:race TestRunAllWaitsForEveryTask TestCallsAreIndependent? TestManyQuickCallsOnRealScheduler?

import "sync"

func RunAll(tasks ...func()) {
	var wg sync.WaitGroup
	var task func() // one variable for the whole loop: every closure sees it
	for i := range tasks {
		task = tasks[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			task()
		}()
	}
	wg.Wait()
}

func Map[T, R any](inputs []T, f func(T) R) []R {
	results := make([]R, len(inputs))
	var wg sync.WaitGroup
	for i, in := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = f(in)
		}()
	}
	wg.Wait()
	return results
}
