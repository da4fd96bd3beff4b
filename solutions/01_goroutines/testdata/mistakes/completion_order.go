// Package goroutines is the first exercise of the kit (a deliberately wrong
// implementation, used to check that the tests catch this mistake).
package goroutines

// Mistake: Map collects results from a channel in the order the calls finish, not in input order
// Fails: TestMapPutsResultsInInputOrder:fail TestCallsAreIndependent? TestManyQuickCallsOnRealScheduler?

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
	ch := make(chan R)
	for _, in := range inputs {
		go func() { ch <- f(in) }()
	}
	results := make([]R, 0, len(inputs))
	for range inputs {
		results = append(results, <-ch) // first finished, first stored
	}
	return results
}
