// Package ordering makes goroutines take turns: steps that live in different
// goroutines run in an order fixed in advance (ping, pong, ping, pong, ...;
// or A, B, C, A, B, C, ...), because each one waits to be handed the turn,
// not because it happened to be scheduled at the right moment.
package ordering

// Mistake: the turn is kept under a sync.Cond, but a goroutine checks it with if instead of for around Wait: woken by a Broadcast meant for another step, it goes ahead out of turn
// Fails: TestRoundsRunStepsInOrder TestReturnsAfterLastStep? TestFewRoundsAndSteps? TestHandOffNeedsNoTime? TestPingPongAlternates? TestUnderRealScheduler? TestStepsRunOnOwnGoroutines?

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
				if next != mine { // WRONG: after Wait, the turn may still be someone else's
					changed.Wait()
				}
				mu.Unlock()

				step(r) // not under the lock: a step may take as long as it likes

				mu.Lock()
				next++
				changed.Broadcast()
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
