// Package ordering makes goroutines take turns: steps that live in different
// goroutines run in an order fixed in advance (ping, pong, ping, pong, ...;
// or A, B, C, A, B, C, ...), because each one waits to be handed the turn,
// not because it happened to be scheduled at the right moment.
package ordering

// Mistake: the turn is kept under a sync.Cond, but a finished step wakes only one waiter with Signal: with three or more steps it may wake the wrong one, which waits again, and the one whose turn it is sleeps for ever
// Fails: TestRoundsRunStepsInOrder TestStepsRunOnOwnGoroutines? TestHandOffNeedsNoTime? TestReturnsAfterLastStep? TestFewRoundsAndSteps? TestUnderRealScheduler?

import "sync"

// A different design: a shared counter says whose turn it is, guarded by a
// mutex, and a sync.Cond lets goroutines sleep until the counter changes
// (Python's threading.Condition with wait_for). Broadcast wakes every
// goroutine; each checks whether the turn is now its own and, if not, goes
// back to sleep.

// PingPong is Rounds with two steps.
func PingPong(rounds int, ping, pong func(round int)) {
	Rounds(rounds, ping, pong)
}

// Rounds runs each step in its own goroutine, in order, round after round.
func Rounds(rounds int, steps ...func(round int)) {
	if rounds <= 0 || len(steps) == 0 {
		return
	}
	var mu sync.Mutex
	changed := sync.NewCond(&mu)
	next := 0 // calls made so far: call k is steps[k%n](k/n)

	var wg sync.WaitGroup
	for i, step := range steps {
		wg.Go(func() {
			for r := range rounds {
				mine := r*len(steps) + i
				mu.Lock()
				for next != mine {
					changed.Wait()
				}
				mu.Unlock()

				step(r) // not under the lock: a step may take as long as it likes

				mu.Lock()
				next++
				changed.Signal() // WRONG: wakes one waiter, maybe not the one whose turn it is
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
