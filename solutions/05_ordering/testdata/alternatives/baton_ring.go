// Package ordering makes goroutines take turns: steps that live in different
// goroutines run in an order fixed in advance (ping, pong, ping, pong, ...;
// or A, B, C, A, B, C, ...), because each one waits to be handed the turn,
// not because it happened to be scheduled at the right moment.
package ordering

import "sync"

// A different design: one baton goes round a ring of channels, each with
// room for one value. There is only ever one baton, so only one step runs at
// a time. Because a channel can hold the baton, handing it on never blocks:
// after the very last step it simply stays in the first channel, nobody
// takes it, and every goroutine ends (the garbage collector takes the
// channel away). A single step hands the baton to itself the same way.

// PingPong is Rounds with two steps.
func PingPong(rounds int, ping, pong func(round int)) {
	Rounds(rounds, ping, pong)
}

// Rounds runs each step in its own goroutine, in order, round after round.
func Rounds(rounds int, steps ...func(round int)) {
	if rounds <= 0 || len(steps) == 0 {
		return
	}
	baton := make([]chan struct{}, len(steps))
	for i := range baton {
		baton[i] = make(chan struct{}, 1)
	}
	var wg sync.WaitGroup
	for i, step := range steps {
		mine, next := baton[i], baton[(i+1)%len(steps)]
		wg.Go(func() {
			for r := range rounds {
				<-mine
				step(r)
				next <- struct{}{}
			}
		})
	}
	baton[0] <- struct{}{}
	wg.Wait()
}
