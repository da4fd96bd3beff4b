// Package ordering makes goroutines take turns: steps that live in different
// goroutines run in an order fixed in advance (ping, pong, ping, pong, ...;
// or A, B, C, A, B, C, ...), because each one waits to be handed the turn,
// not because it happened to be scheduled at the right moment.
package ordering

// Mistake: every call gets a brand-new goroutine that is started and joined at once (Thread(...).start(); join()), so the order is right but no step has a goroutine of its own
// Fails: TestStepsRunOnOwnGoroutines:fail

import "sync"

// PingPong starts a goroutine for each call and waits for it before the next.
func PingPong(rounds int, ping, pong func(round int)) {
	Rounds(rounds, ping, pong)
}

// Rounds starts a goroutine for each call and waits for it before the next.
func Rounds(rounds int, steps ...func(round int)) {
	for r := range rounds {
		for _, step := range steps {
			var wg sync.WaitGroup
			wg.Go(func() { step(r) })
			wg.Wait()
		}
	}
}
