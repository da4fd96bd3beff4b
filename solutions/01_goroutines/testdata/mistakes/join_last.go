// Package goroutines is the first exercise of the kit (a deliberately wrong
// implementation, used to check that the tests catch this mistake).
package goroutines

// Mistake: waits only for the goroutine started last (like calling t.join() once after the loop)
// Fails: TestRunAllWaitsForEveryTask:fail TestMapWaitsForEveryCall:fail TestManyQuickCallsOnRealScheduler?

func RunAll(tasks ...func()) {
	var last chan struct{}
	for _, task := range tasks {
		done := make(chan struct{})
		go func() {
			defer close(done)
			task()
		}()
		last = done
	}
	if last != nil {
		<-last
	}
}

func Map[T, R any](inputs []T, f func(T) R) []R {
	results := make([]R, len(inputs))
	var last chan struct{}
	for i, in := range inputs {
		done := make(chan struct{})
		go func() {
			defer close(done)
			results[i] = f(in)
		}()
		last = done
	}
	if last != nil {
		<-last
	}
	return results
}
