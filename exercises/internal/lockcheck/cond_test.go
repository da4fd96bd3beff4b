package lockcheck_test

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/concurrency-kit/kit/exercises/internal/lockcheck"
)

// TestCondIsACond: Signal wakes one waiter, Broadcast all of them, whether
// the Cond came from NewCond or a literal, delayed or not.
func TestCondIsACond(t *testing.T) {
	for _, delayed := range []bool{false, true} {
		for _, mk := range []struct {
			name string
			new  func(l sync.Locker) *lockcheck.Cond
		}{
			{"NewCond", lockcheck.NewCond},
			{"literal", func(l sync.Locker) *lockcheck.Cond { return &lockcheck.Cond{L: l} }},
		} {
			t.Run(fmt.Sprintf("%s, delayed %v", mk.name, delayed), func(t *testing.T) {
				lockcheck.DelayWaits(delayed)
				defer lockcheck.DelayWaits(false)
				var mu lockcheck.Mutex
				c := mk.new(&mu)
				const waiters = 3
				var waiting, woken int
				var wg sync.WaitGroup
				for range waiters {
					wg.Go(func() {
						mu.Lock()
						defer mu.Unlock()
						waiting++
						c.Wait()
						woken++
					})
				}
				// Wait until all are asleep: each counted itself with the lock
				// held and released it only by going to sleep.
				for asleep := false; !asleep; runtime.Gosched() {
					mu.Lock()
					asleep = waiting == waiters
					mu.Unlock()
				}
				mu.Lock()
				c.Signal()
				mu.Unlock()
				for one := false; !one; runtime.Gosched() {
					mu.Lock()
					one = woken == 1
					mu.Unlock()
				}
				mu.Lock()
				assert.Equal(t, 1, woken, "Signal wakes one waiter")
				c.Broadcast()
				mu.Unlock()
				wg.Wait()
				assert.Equal(t, waiters, woken, "Broadcast wakes the rest")
			})
		}
	}
}

// TestDelayedWaitOpensTheGap: with DelayWaits on, a Broadcast made without
// the lock while a waiter is between its check and its sleep is lost, as it
// can be on a real machine, only not once in a million runs. With the lock,
// the same Broadcast waits until the waiter sleeps and wakes it.
func TestDelayedWaitOpensTheGap(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1)) // the waiter's yields go to the broadcaster
	lockcheck.DelayWaits(true)
	defer lockcheck.DelayWaits(false)

	for _, locked := range []bool{false, true} {
		var mu lockcheck.Mutex
		c := lockcheck.NewCond(&mu)
		var checked, broadcast, awake atomic.Bool
		done := make(chan struct{})
		go func() {
			defer close(done)
			mu.Lock()
			defer mu.Unlock()
			checked.Store(true) // the waiter has looked at its condition
			c.Wait()
			awake.Store(true)
		}()
		for !checked.Load() {
			runtime.Gosched()
		}
		if locked {
			mu.Lock()
		}
		c.Broadcast()
		if locked {
			mu.Unlock()
		}
		broadcast.Store(true)
		if locked {
			<-done
			assert.True(t, awake.Load(), "a Broadcast under the lock reaches the waiter")
			continue
		}
		// The Broadcast fell into the delay: the waiter sleeps on.
		for range 1000 {
			runtime.Gosched()
		}
		assert.False(t, awake.Load(), "an unlocked Broadcast during a delayed Wait is lost")
		mu.Lock()
		c.Signal()
		mu.Unlock()
		<-done
	}
}
