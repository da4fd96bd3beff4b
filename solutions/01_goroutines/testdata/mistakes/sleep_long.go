// Package goroutines is the first exercise of the kit (a deliberately wrong
// implementation, used to check that the tests catch this mistake).
package goroutines

// Mistake: waits for "long enough": a full second after starting the goroutines, which is plenty for quick tasks but not a wait for them
// Fails: TestRunAllWaitsForEveryTask:fail TestMapWaitsForEveryCall:fail TestCallsAreIndependent? TestManyQuickCallsOnRealScheduler?

import "time"

func RunAll(tasks ...func()) {
	for _, task := range tasks {
		go task()
	}
	time.Sleep(time.Second)
}

func Map[T, R any](inputs []T, f func(T) R) []R {
	results := make([]R, len(inputs))
	for i, in := range inputs {
		go func() {
			results[i] = f(in)
		}()
	}
	time.Sleep(time.Second)
	return results
}
