// Package ordering makes goroutines take turns: steps that live in different
// goroutines run in an order fixed in advance (ping, pong, ping, pong, ...;
// or A, B, C, A, B, C, ...), because each one waits to be handed the turn,
// not because it happened to be scheduled at the right moment.
package ordering

// Mistake: the turn is handed over correctly, but PingPong and Rounds then sleep 10 ms "to let the steps finish" instead of waiting for their goroutines
// Fails: TestReturnsAfterLastStep:fail TestHandOffNeedsNoTime:fail TestPingPongAlternates? TestRoundsRunStepsInOrder?

import "time"

// PingPong passes the turn back and forth between two goroutines.
func PingPong(rounds int, ping, pong func(round int)) {
	if rounds <= 0 {
		return
	}
	pingTurn := make(chan struct{})
	pongTurn := make(chan struct{})
	go func() {
		for r := range rounds {
			<-pingTurn
			ping(r)
			pongTurn <- struct{}{}
		}
	}()
	go func() {
		for r := range rounds {
			<-pongTurn
			pong(r)
			if r < rounds-1 {
				pingTurn <- struct{}{}
			}
		}
	}()
	pingTurn <- struct{}{}
	time.Sleep(10 * time.Millisecond) // WRONG: sleeping is not waiting
}

// Rounds passes the turn around a ring of goroutines, one per step.
func Rounds(rounds int, steps ...func(round int)) {
	if rounds <= 0 || len(steps) == 0 {
		return
	}
	n := len(steps)
	turn := make([]chan int, n) // a value on turn[i]: steps[i] may go
	for i := range turn {
		turn[i] = make(chan int, 1)
	}
	for i, step := range steps {
		go func() {
			for r := range rounds {
				<-turn[i]
				step(r)
				switch {
				case i+1 < n:
					turn[i+1] <- r
				case r+1 < rounds:
					turn[0] <- r + 1
				}
			}
		}()
	}
	turn[0] <- 0
	time.Sleep(10 * time.Millisecond) // WRONG: sleeping is not waiting
}
