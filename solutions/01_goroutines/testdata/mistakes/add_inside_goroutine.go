// Package goroutines is the first exercise of the kit (a deliberately wrong
// implementation, used to check that the tests catch this mistake).
package goroutines

// Mistake: wg.Add(1) is called inside the new goroutine instead of before the go statement, so Wait can find the counter at zero before the goroutines have even started
// Fails: TestRunAllWaitsForEveryTask TestMapWaitsForEveryCall TestRunAllRunsTasksConcurrently? TestMapRunsCallsConcurrently? TestRunAllRunsEveryTaskOnce? TestMapPutsResultsInInputOrder? TestMapPassesEachInputToItsOwnCall? TestCallsAreIndependent? TestManyQuickCallsOnRealScheduler?

import "sync"

func RunAll(tasks ...func()) {
	var wg sync.WaitGroup
	for _, task := range tasks {
		go func() {
			wg.Add(1)
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
		go func() {
			wg.Add(1)
			defer wg.Done()
			results[i] = f(in)
		}()
	}
	wg.Wait()
	return results
}
