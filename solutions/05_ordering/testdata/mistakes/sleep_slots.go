// Package ordering makes goroutines take turns: steps that live in different
// goroutines run in an order fixed in advance (ping, pong, ping, pong, ...;
// or A, B, C, A, B, C, ...), because each one waits to be handed the turn,
// not because it happened to be scheduled at the right moment.
package ordering

// Mistake: each goroutine sleeps until its time slot (ping at 0, 2, 4 ms, pong at 1, 3, 5 ms) instead of waiting to be handed the turn
// Fails: TestPingPongAlternates:fail TestRoundsRunStepsInOrder:fail TestHandOffNeedsNoTime:fail TestUnderRealScheduler?

import (
	"sync"
	"time"
)

// slot is how long one step is given before the next one starts.
const slot = time.Millisecond

// PingPong starts ping at once and pong half a period later, and lets both
// tick at the same pace: pong should always fall between two pings.
func PingPong(rounds int, ping, pong func(round int)) {
	if rounds <= 0 {
		return
	}
	begin := time.Now()
	var wg sync.WaitGroup
	wg.Go(func() {
		for r := range rounds {
			time.Sleep(time.Until(begin.Add(time.Duration(2*r) * slot)))
			ping(r)
		}
	})
	wg.Go(func() {
		for r := range rounds {
			time.Sleep(time.Until(begin.Add(time.Duration(2*r+1) * slot)))
			pong(r)
		}
	})
	wg.Wait()
}

// Rounds gives step i of round r the slot r*len(steps)+i.
func Rounds(rounds int, steps ...func(round int)) {
	if rounds <= 0 || len(steps) == 0 {
		return
	}
	begin := time.Now()
	var wg sync.WaitGroup
	for i, step := range steps {
		wg.Go(func() {
			for r := range rounds {
				time.Sleep(time.Until(begin.Add(time.Duration(r*len(steps)+i) * slot)))
				step(r)
			}
		})
	}
	wg.Wait()
}
