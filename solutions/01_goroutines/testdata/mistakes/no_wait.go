// Package goroutines is the first exercise of the kit (a deliberately wrong
// implementation, used to check that the tests catch this mistake).
package goroutines

// Mistake: starts the goroutines but never waits for them, so it returns while tasks are still running
// Fails: TestRunAllWaitsForEveryTask:fail TestMapWaitsForEveryCall:fail TestCallsAreIndependent? TestManyQuickCallsOnRealScheduler?

func RunAll(tasks ...func()) {
	for _, task := range tasks {
		go task()
	}
}

func Map[T, R any](inputs []T, f func(T) R) []R {
	results := make([]R, len(inputs))
	for i, in := range inputs {
		go func() {
			results[i] = f(in)
		}()
	}
	return results
}
