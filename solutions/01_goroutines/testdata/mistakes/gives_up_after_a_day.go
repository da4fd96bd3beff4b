// Package goroutines is the first exercise of the kit: start several tasks at
// once, give each one its own argument, wait until every one of them has
// finished, and collect what they return.
package goroutines

// Mistake: RunAll and Map wait on the WaitGroup in a helper goroutine and give up after 24 hours "so that they can never hang": past that they return while tasks still run, and leave the helper behind
// Fails: TestRunAllWaitsForEveryTask:fail TestMapWaitsForEveryCall:fail

import (
	"sync"
	"time"
)

// BUG: "so that it can never hang" it stops waiting after a day.
func waitAtMost(wg *sync.WaitGroup, d time.Duration) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
	}
}

func RunAll(tasks ...func()) {
	var wg sync.WaitGroup
	for _, task := range tasks {
		wg.Go(task)
	}
	waitAtMost(&wg, 24*time.Hour)
}

func Map[T, R any](inputs []T, f func(T) R) []R {
	results := make([]R, len(inputs))
	var wg sync.WaitGroup
	for i, in := range inputs {
		wg.Go(func() { results[i] = f(in) })
	}
	waitAtMost(&wg, 24*time.Hour)
	return results
}
