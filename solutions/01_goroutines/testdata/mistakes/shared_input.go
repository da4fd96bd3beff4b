// Package goroutines is the first exercise of the kit (a deliberately wrong
// implementation, used to check that the tests catch this mistake).
package goroutines

// Mistake: Map keeps the current input in one variable declared outside the loop, so calls get another element's value
// Fails: TestMapPutsResultsInInputOrder TestMapPassesEachInputToItsOwnCall TestMapRunsCallsConcurrently:race TestMapWaitsForEveryCall TestCallsAreIndependent? TestManyQuickCallsOnRealScheduler?

import "sync"

func RunAll(tasks ...func()) {
	var wg sync.WaitGroup
	for _, task := range tasks {
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
	var in T // one variable for the whole loop: every closure sees it
	for i := range inputs {
		in = inputs[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = f(in)
		}()
	}
	wg.Wait()
	return results
}
