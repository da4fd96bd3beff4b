// Package ordering makes goroutines take turns: steps that live in different
// goroutines run in an order fixed in advance (ping, pong, ping, pong, ...;
// or A, B, C, A, B, C, ...), because each one waits to be handed the turn,
// not because it happened to be scheduled at the right moment.
package ordering

// Mistake: each round wakes the step goroutines one after the other, in order, and then waits for all of them: within a round they run at the same time, in whatever order the scheduler picks
// Fails: TestPingPongAlternates:fail TestRoundsRunStepsInOrder:fail TestUnderRealScheduler:fail

import "sync"

// PingPong is Rounds with two steps.
func PingPong(rounds int, ping, pong func(round int)) {
	Rounds(rounds, ping, pong)
}

// Rounds keeps one goroutine per step. Every round it tells step 0 to go,
// then step 1, and so on, and then waits until all of them are done. Since
// they are told in order, it hopes they run in order.
func Rounds(rounds int, steps ...func(round int)) {
	if rounds <= 0 || len(steps) == 0 {
		return
	}
	gos := make([]chan int, len(steps))
	finished := make(chan struct{})
	var wg sync.WaitGroup
	for i, step := range steps {
		gos[i] = make(chan int)
		wg.Go(func() {
			for r := range gos[i] {
				step(r)
				finished <- struct{}{}
			}
		})
	}
	for r := range rounds {
		for _, g := range gos {
			g <- r
		}
		for range steps {
			<-finished
		}
	}
	for _, g := range gos {
		close(g)
	}
	wg.Wait()
}
