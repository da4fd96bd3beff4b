// Package goroutines is the first exercise of the kit (a deliberately wrong
// implementation, used to check that the tests catch this mistake).
package goroutines

// Mistake: a fixed pool of 64 worker goroutines takes the tasks from a channel, so with more than 64 blocked tasks the rest never start
// Fails: TestRunAllRunsTasksConcurrently:fail TestMapRunsCallsConcurrently:fail

import "sync"

const workers = 64

func RunAll(tasks ...func()) {
	jobs := make(chan func())
	var wg sync.WaitGroup
	for range min(workers, len(tasks)) {
		wg.Go(func() {
			for task := range jobs {
				task()
			}
		})
	}
	for _, task := range tasks {
		jobs <- task
	}
	close(jobs)
	wg.Wait()
}

func Map[T, R any](inputs []T, f func(T) R) []R {
	results := make([]R, len(inputs))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(inputs)) {
		wg.Go(func() {
			for i := range jobs {
				results[i] = f(inputs[i])
			}
		})
	}
	for i := range inputs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}
