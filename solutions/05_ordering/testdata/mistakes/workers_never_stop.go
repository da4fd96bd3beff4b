// Package ordering makes goroutines take turns: steps that live in different
// goroutines run in an order fixed in advance (ping, pong, ping, pong, ...;
// or A, B, C, A, B, C, ...), because each one waits to be handed the turn,
// not because it happened to be scheduled at the right moment.
package ordering

// Mistake: the step goroutines loop forever waiting for their next turn (while True:), and the function returns when the last step of the last round is done, leaving every goroutine blocked in its loop
// Fails: TestPingPongAlternates:leak TestRoundsRunStepsInOrder:leak TestStepsRunOnOwnGoroutines:leak TestHandOffNeedsNoTime:leak TestReturnsAfterLastStep:leak TestFewRoundsAndSteps:leak TestUnderRealScheduler:leak

// PingPong is Rounds with two steps.
func PingPong(rounds int, ping, pong func(round int)) {
	Rounds(rounds, ping, pong)
}

// Rounds: step i receives the round number on turn[i], runs, and passes it
// on; the last step reports to the caller, which starts the next round.
func Rounds(rounds int, steps ...func(round int)) {
	if rounds <= 0 || len(steps) == 0 {
		return
	}
	turn := make([]chan int, len(steps)+1)
	for i := range turn {
		turn[i] = make(chan int)
	}
	for i, step := range steps {
		go func() {
			for {
				r := <-turn[i] // waits here forever once the rounds are over
				step(r)
				turn[i+1] <- r
			}
		}()
	}
	for r := range rounds {
		turn[0] <- r
		<-turn[len(steps)]
	}
}
