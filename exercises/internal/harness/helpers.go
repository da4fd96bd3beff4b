package harness

import (
	"sync"
	"testing"
	"testing/synctest"
)

// Bubble runs f in a testing/synctest bubble: time inside is fake and moves
// only when every goroutine in the bubble is blocked, so timeouts are instant
// and exact, and synctest.Wait tells when the bubble has settled. Goroutines
// the body starts must end before it returns. Call Setup before Bubble.
func Bubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	synctest.Test(t, f)
}

// Together starts n goroutines, releases them at the same moment so that they
// contend as hard as possible, runs f(i) in goroutine i and waits for all.
func Together(n int, f func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			f(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}
