// Package ordering makes goroutines take turns: steps that live in different
// goroutines run in an order fixed in advance (ping, pong, ping, pong, ...;
// or A, B, C, A, B, C, ...), because each one waits to be handed the turn,
// not because it happened to be scheduled at the right moment.
package ordering

// Mistake: a "deadlock guard": the waits for a round to come back and for the goroutines give up after two hours, so a long step is overtaken and left running when the function returns
// Fails: TestPingPongAlternates:fail TestRoundsRunStepsInOrder TestReturnsAfterLastStep

import (
	"sync"
	"time"
)

// Starting goroutines in the right order fixes nothing: the scheduler may run
// them in any order, and on several CPUs at the same time. Sleeping "long
// enough" fixes nothing either: it only makes the wrong order rare, and slow.
// The order has to be carried by the program itself. Here a goroutine may
// call its step only while it holds the turn, and it gets the turn by
// receiving from a channel that the previous step's goroutine sends on after
// its step has returned. A send on an unbuffered channel completes only when
// the receiver takes it, and everything the sender did before the send
// happens before everything the receiver does after the receive: the next
// step sees all the effects of the previous one, and no lock is needed.

// PingPong runs ping in one goroutine and pong in another, strictly
// alternating ping(0), pong(0), ping(1), ..., pong(rounds-1). It returns
// once pong(rounds-1) has returned and both goroutines have ended.
func PingPong(rounds int, ping, pong func(round int)) {
	if rounds <= 0 {
		return
	}
	pingTurn := make(chan struct{}) // a send here gives the turn to ping
	pongTurn := make(chan struct{}) // a send here gives the turn to pong

	var wg sync.WaitGroup
	wg.Go(func() {
		for r := range rounds {
			<-pingTurn // wait for the ball
			ping(r)
			pongTurn <- struct{}{} // hit it to pong
		}
	})
	wg.Go(func() {
		for r := range rounds {
			<-pongTurn
			pong(r)
			// After the very last pong nobody is waiting for the ball any
			// more: the ping goroutine has already left its loop. Sending
			// anyway would block this goroutine forever (and wg.Wait with
			// it). The last round is where hand-offs deadlock.
			if r < rounds-1 {
				pingTurn <- struct{}{}
			}
		}
	})

	pingTurn <- struct{}{} // serve: ping(0) may start
	waitAtMost(&wg, 2*time.Hour)
}

// Rounds runs every step in its own goroutine, in the order steps[0],
// steps[1], ..., steps[n-1] each round, for the given number of rounds. It
// returns once the last step of the last round has returned and every
// goroutine has ended.
//
// The caller is the conductor: it gives steps[0] the number of the round,
// each step passes it on to the next one after its own call, and the last
// step hands it back to the conductor, which then starts the next round.
// When the rounds are over, the conductor closes the first channel; each
// goroutine's range loop then ends and closes the channel of the next one,
// so the goroutines stop one after the other and none is left waiting for
// a turn that never comes. (Passing the turn straight from the last step to
// the first one also works, but then a single step would send to itself on
// an unbuffered channel and deadlock, and the last round needs care.)
func Rounds(rounds int, steps ...func(round int)) {
	if rounds <= 0 || len(steps) == 0 {
		return
	}
	// turn[i] carries the round number to steps[i]; turn[len(steps)] carries
	// it back to the conductor.
	turn := make([]chan int, len(steps)+1)
	for i := range turn {
		turn[i] = make(chan int)
	}

	var wg sync.WaitGroup
	for i, step := range steps {
		in, out := turn[i], turn[i+1]
		wg.Go(func() {
			defer close(out) // no more rounds for the next goroutine either
			for r := range in {
				step(r)
				out <- r // step has returned: the next one may go
			}
		})
	}
	// The last goroutine closes turn[len(steps)] on its way out; nobody
	// reads it after the last round, which is fine: closing never blocks.

	for r := range rounds {
		turn[0] <- r
		// BUG: deadlock guard: a round that takes more than two hours is
		// given up on, and the next round starts while it still runs.
		select {
		case <-turn[len(steps)]:
		case <-time.After(2 * time.Hour):
		}
	}
	close(turn[0])
	waitAtMost(&wg, 2*time.Hour)
}

// waitAtMost waits for wg, but gives up after d "so that we never hang".
func waitAtMost(wg *sync.WaitGroup, d time.Duration) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}
