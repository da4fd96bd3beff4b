// Package gil simulates the main loop of a CPython-style interpreter with a
// global interpreter lock (the GIL). Every simulated thread is a real
// goroutine, but it may execute an instruction only while it holds the one
// global lock, and the interpreter decides, by fixed rules, when the lock
// passes from one thread to the next.
package gil

import (
	"fmt"
	"time"
)

// Tick is how long one Compute instruction takes, in (fake) time. The thread
// holds the GIL for the whole tick.
const Tick = time.Millisecond

// Kind is the kind of an instruction.
type Kind int

// The three kinds of instruction.
const (
	// Compute is one instruction of pure computation: it needs the GIL,
	// takes one Tick and counts towards the switch interval.
	Compute Kind = iota
	// Yield gives the GIL away on purpose, like time.sleep(0) in Python.
	// It takes no time.
	Yield
	// IO is a blocking I/O call that lasts Op.D. The thread starts it while
	// holding the GIL, drops the GIL for the whole wait, and needs the GIL
	// again afterwards.
	IO
)

// String returns "compute", "yield" or "io".
func (k Kind) String() string {
	switch k {
	case Compute:
		return "compute"
	case Yield:
		return "yield"
	case IO:
		return "io"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Op is one instruction of a simulated thread.
type Op struct {
	Kind Kind
	// D is how long an IO instruction blocks. Unused for other kinds.
	D time.Duration
	// Work, if not nil, is called once when a Compute instruction runs, in
	// the thread's goroutine, while the thread holds the GIL. Unused for
	// other kinds.
	Work func()
}

// Program is the list of instructions of one simulated thread.
type Program []Op

// Event is one line of the trace: thread Thread started instruction Op (an
// index into its Program), of kind Kind, at fake time At after Run began.
type Event struct {
	Thread int
	Op     int
	Kind   Kind
	At     time.Duration
}

// String returns the event as "t1 op3 compute @2ms".
func (e Event) String() string {
	return fmt.Sprintf("t%d op%d %v @%v", e.Thread, e.Op, e.Kind, e.At)
}

// Run runs programs[i] as simulated thread i, each in a goroutine of its
// own, under one global interpreter lock, and returns the trace: one Event
// per instruction, in the order the instructions started. It returns only
// when every thread has finished (its last Compute tick or I/O wait is
// over) and every goroutine it started has ended. interval is the switch
// interval; values below 1 count as 1.
//
// The rules (the README has a worked example):
//
//   - Only the thread that holds the GIL executes instructions. Every
//     instruction, IO included, starts with the GIL held; its Event is
//     recorded at that moment (At = time since Run began).
//   - At time 0 every thread with a non-empty program is ready, and the
//     first of them holds the GIL. Empty programs never run.
//   - Compute: call Work (if not nil), then hold the GIL for one Tick. After
//     exactly interval Compute instructions since the thread last got the
//     GIL, the thread reaches a switch point: it hands the GIL over and
//     stays ready.
//   - Yield: a switch point at once (takes no time).
//   - IO: the thread hands the GIL over and is not ready while it waits
//     Op.D. Then it is ready again (if it has instructions left).
//   - A finished thread hands the GIL over.
//   - Handing over: the GIL goes to the next ready thread after the holder
//     in round-robin order (holder+1, holder+2, ..., wrapping around). If
//     no other thread is ready, a holder that stays ready keeps the GIL
//     (and its count starts again); otherwise the GIL becomes free.
//   - A thread that becomes ready while the GIL is free takes it at once.
//   - Whoever gets the GIL starts counting Compute instructions from 0.
//
// Build the GIL so that you choose who gets it next (the state of who holds
// it and who waits, guarded by a sync.Mutex, plus a sync.Cond or one
// channel per thread to wake the one whose turn it is). A bare sync.Mutex
// as the GIL cannot do that, and goroutines blocked on it stop the tests'
// fake clock.
func Run(interval int, programs ...Program) []Event {
	// TODO
	return nil
}
