// Package ordering makes goroutines take turns: steps that live in different
// goroutines run in an order fixed in advance (ping, pong, ping, pong, ...;
// or A, B, C, A, B, C, ...), because each one waits to be handed the turn,
// not because it happened to be scheduled at the right moment.
package ordering

// PingPong runs ping in one goroutine and pong in another, and makes them
// strictly alternate for the given number of rounds:
//
//	ping(0), pong(0), ping(1), pong(1), ..., ping(rounds-1), pong(rounds-1)
//
// The contract:
//
//   - Start exactly two goroutines: one calls ping for every round, the other
//     calls pong for every round. The goroutine that called PingPong runs
//     neither; it only starts the two and waits.
//   - One call at a time: each call starts only after the call before it has
//     returned, whatever the calls do inside and however long they take.
//     Hand the turn over with channels (sync.Cond works too). Never guess
//     with time.Sleep: a hand-off needs no time to pass at all.
//   - PingPong returns only after pong(rounds-1) has returned, and by then no
//     goroutine it started is left running or blocked, including after the
//     very last round.
//   - rounds <= 0: call nothing, start nothing, return at once.
func PingPong(rounds int, ping, pong func(round int)) {
	// TODO: two goroutines that pass the turn back and forth.
}

// Rounds runs every step in its own goroutine, for the given number of
// rounds, in strict order: in each round steps[0], then steps[1], ..., then
// steps[len(steps)-1], and only then the next round. Each step is called
// with the number of the round (0, 1, ..., rounds-1):
//
//	steps[0](0), steps[1](0), ..., steps[n-1](0), steps[0](1), ...
//
// The contract:
//
//   - Start exactly one goroutine per step, and let it call its step for
//     every round (not one goroutine per call). The goroutine that called
//     Rounds runs no step itself; it only starts the goroutines and waits.
//   - One call at a time, each starting only after the one before it has
//     returned, with no time.Sleep (see PingPong).
//   - Rounds returns only after the last step of the last round has
//     returned, and by then no goroutine it started is left running or
//     blocked.
//   - A single step is allowed: it then runs round after round on its own
//     goroutine.
//   - rounds <= 0 or no steps: call nothing, start nothing, return at once.
func Rounds(rounds int, steps ...func(round int)) {
	// TODO: one goroutine per step, each waiting for its turn.
}
