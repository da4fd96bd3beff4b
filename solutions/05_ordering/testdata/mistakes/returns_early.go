// Package ordering makes goroutines take turns: steps that live in different
// goroutines run in an order fixed in advance (ping, pong, ping, pong, ...;
// or A, B, C, A, B, C, ...), because each one waits to be handed the turn,
// not because it happened to be scheduled at the right moment.
package ordering

// Mistake: the function waits only for the goroutine of the first step, so it returns while the last step of the last round may still be running
// Fails: TestReturnsAfterLastStep:fail TestPingPongAlternates? TestRoundsRunStepsInOrder?

import "sync"

// PingPong is Rounds with two steps.
func PingPong(rounds int, ping, pong func(round int)) {
	Rounds(rounds, ping, pong)
}

// Rounds passes the turn around a ring; only the first goroutine is waited
// for.
func Rounds(rounds int, steps ...func(round int)) {
	if rounds <= 0 || len(steps) == 0 {
		return
	}
	turn := make([]chan struct{}, len(steps))
	for i := range turn {
		turn[i] = make(chan struct{}, 1) // room for the turn: the last hand-off never blocks
	}
	var first sync.WaitGroup
	first.Add(1)
	for i, step := range steps {
		go func() {
			if i == 0 {
				defer first.Done()
			}
			next := turn[(i+1)%len(steps)]
			for r := range rounds {
				<-turn[i]
				step(r)
				next <- struct{}{}
			}
		}()
	}
	turn[0] <- struct{}{}
	first.Wait() // waits for steps[0] only: its last call is not the last step
}
