// Package ordering makes goroutines take turns: steps that live in different
// goroutines run in an order fixed in advance (ping, pong, ping, pong, ...;
// or A, B, C, A, B, C, ...), because each one waits to be handed the turn,
// not because it happened to be scheduled at the right moment.
package ordering

// Mistake: the turn is passed around a ring of unbuffered channels, and after the very last step it is passed on once more, to a goroutine that has already left its loop: that send blocks forever and so does the final wait
// Fails: TestPingPongAlternates:leak TestRoundsRunStepsInOrder:leak TestStepsRunOnOwnGoroutines:leak TestHandOffNeedsNoTime:leak TestReturnsAfterLastStep:leak TestFewRoundsAndSteps:leak TestUnderRealScheduler:leak

import "sync"

// PingPong: ping hands the turn to pong, pong hands it back to ping.
func PingPong(rounds int, ping, pong func(round int)) {
	Rounds(rounds, ping, pong)
}

// Rounds: step i waits on turn[i], runs, and hands the turn to step i+1 (the
// last one to step 0).
func Rounds(rounds int, steps ...func(round int)) {
	if rounds <= 0 || len(steps) == 0 {
		return
	}
	turn := make([]chan struct{}, len(steps))
	for i := range turn {
		turn[i] = make(chan struct{})
	}
	var wg sync.WaitGroup
	for i, step := range steps {
		wg.Go(func() {
			next := turn[(i+1)%len(steps)]
			for r := range rounds {
				<-turn[i]
				step(r)
				next <- struct{}{} // after the last round nobody receives this
			}
		})
	}
	turn[0] <- struct{}{}
	wg.Wait()
}
