// Package ordering makes goroutines take turns: steps that live in different
// goroutines run in an order fixed in advance (ping, pong, ping, pong, ...;
// or A, B, C, A, B, C, ...), because each one waits to be handed the turn,
// not because it happened to be scheduled at the right moment.
package ordering

// Mistake: a shared atomic counter says whose turn it is, and each goroutine polls it with a short sleep until its turn comes, instead of being handed the turn
// Fails: TestHandOffNeedsNoTime:fail

import (
	"sync"
	"sync/atomic"
	"time"
)

// PingPong is Rounds with two steps.
func PingPong(rounds int, ping, pong func(round int)) {
	Rounds(rounds, ping, pong)
}

// Rounds lets each step goroutine wait for its turn on a shared counter.
func Rounds(rounds int, steps ...func(round int)) {
	if rounds <= 0 || len(steps) == 0 {
		return
	}
	var next atomic.Int64 // calls made so far: call k is steps[k%n](k/n)
	var wg sync.WaitGroup
	for i, step := range steps {
		wg.Go(func() {
			for r := range rounds {
				mine := int64(r*len(steps) + i)
				for next.Load() != mine {
					time.Sleep(time.Millisecond) // WRONG: polls for its turn
				}
				step(r)
				next.Add(1)
			}
		})
	}
	wg.Wait()
}
