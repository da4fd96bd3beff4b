package lockcheck_test

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/concurrency-kit/kit/exercises/internal/lockcheck"
)

// TestDelayedLocksOpenTheGap: with DelayLocks on, another goroutine often
// gets its whole critical section in between a goroutine's look at shared
// state without the lock and its Lock, as it can on a real machine, only
// rarely. Without the delay, on one processor, it never does.
func TestDelayedLocksOpenTheGap(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1)) // the yields go to the other goroutine
	const rounds = 200
	for _, delayed := range []bool{false, true} {
		lockcheck.DelayLocks(delayed)
		between := 0 // rounds where the other's critical section fell between look and Lock
		for range rounds {
			var mu lockcheck.Mutex
			var looked, changed atomic.Bool
			done := make(chan bool)
			go func() {
				looked.Store(true) // a look at the state, without the lock
				mu.Lock()
				sawChange := changed.Load()
				mu.Unlock()
				done <- sawChange
			}()
			for !looked.Load() {
				runtime.Gosched()
			}
			mu.Lock()
			changed.Store(true)
			mu.Unlock()
			if <-done {
				between++
			}
		}
		lockcheck.DelayLocks(false)
		if delayed {
			assert.Greater(t, between, rounds/10, "delayed: rounds where the change fell between look and Lock")
		} else {
			assert.Zero(t, between, "not delayed, on one processor: rounds where the change fell between look and Lock")
		}
	}
}
