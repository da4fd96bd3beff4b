// Package ordering makes goroutines take turns.
package ordering

// Mistake: the step goroutines loop exactly rounds times and the caller returns when the last turn comes back, without waiting for the goroutines to end
// Fails: TestReturnsAfterLastStep:fail

func PingPong(rounds int, ping, pong func(round int)) {
	Rounds(rounds, ping, pong)
}

// Rounds: a ring of channels; each goroutine runs exactly rounds times.
// BUG: the caller returns when the last step hands the turn back, without
// waiting for the step goroutines to end (no WaitGroup).
func Rounds(rounds int, steps ...func(round int)) {
	if rounds <= 0 || len(steps) == 0 {
		return
	}
	turn := make([]chan int, len(steps)+1)
	for i := range turn {
		turn[i] = make(chan int)
	}
	for i, step := range steps {
		in, out := turn[i], turn[i+1]
		go func() {
			for range rounds {
				r := <-in
				step(r)
				out <- r
			}
		}()
	}
	for r := range rounds {
		turn[0] <- r
		<-turn[len(steps)]
	}
}
