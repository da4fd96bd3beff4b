// Package gil simulates the main loop of a CPython-style interpreter with a
// global interpreter lock (the GIL). Every simulated thread is a real
// goroutine, but it may execute an instruction only while it holds the one
// global lock, and the interpreter decides, by fixed rules, when the lock
// passes from one thread to the next.
package gil

import (
	"fmt"
	"sync"
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

// This version passes the GIL as a token over channels: each thread has a
// channel of its own, and the thread that lets go of the GIL sends the token
// to the channel of the thread whose turn it is. A small mutex guards the
// bookkeeping (who holds the GIL, who is waiting); it is never held while a
// thread sleeps or waits for its turn.

// interpreter is the shared state of one Run.
type interpreter struct {
	interval int
	start    time.Time
	turn     []chan struct{} // turn[i] receives the GIL for thread i

	mu      sync.Mutex
	holder  int    // -1: the GIL is free
	waiting []bool // waiting[i]: thread i is ready and waits for its turn

	trace []Event // appended only by the GIL holder
}

// Run runs every program in its own goroutine under one GIL and returns the
// trace once every thread has finished.
func Run(interval int, programs ...Program) []Event {
	in := &interpreter{
		interval: max(interval, 1),
		start:    time.Now(),
		turn:     make([]chan struct{}, len(programs)),
		holder:   -1,
		waiting:  make([]bool, len(programs)),
	}
	for i, p := range programs {
		in.turn[i] = make(chan struct{}, 1)
		if len(p) == 0 {
			continue
		}
		if in.holder == -1 {
			in.holder = i
			in.turn[i] <- struct{}{}
		} else {
			in.waiting[i] = true
		}
	}
	var wg sync.WaitGroup
	for i, p := range programs {
		if len(p) > 0 {
			wg.Go(func() { in.thread(i, p) })
		}
	}
	wg.Wait()
	return in.trace
}

func (in *interpreter) thread(me int, prog Program) {
	<-in.turn[me]
	ran := 0
	for i, op := range prog {
		in.trace = append(in.trace, Event{Thread: me, Op: i, Kind: op.Kind, At: time.Since(in.start)})
		switch op.Kind {
		case Compute:
			if op.Work != nil {
				op.Work()
			}
			time.Sleep(Tick)
			if ran++; ran == in.interval {
				in.pass(me, true)
				ran = 0
			}
		case Yield:
			in.pass(me, true)
			ran = 0
		case IO:
			in.pass(me, false)
			time.Sleep(op.D)
			if i == len(prog)-1 {
				return
			}
			in.mu.Lock()
			if in.holder == -1 {
				in.holder = me
				in.mu.Unlock()
				ran = 0
				continue
			}
			in.waiting[me] = true
			in.mu.Unlock()
			<-in.turn[me]
			ran = 0
		}
	}
	in.pass(me, false)
}

// pass gives the GIL to the next waiting thread in round-robin order. With
// stay, me waits for its next turn (or keeps the GIL if nobody else waits).
func (in *interpreter) pass(me int, stay bool) {
	in.mu.Lock()
	next := -1
	for k := 1; k < len(in.waiting); k++ {
		if i := (me + k) % len(in.waiting); in.waiting[i] {
			next = i
			break
		}
	}
	switch {
	case next == -1 && stay:
		in.mu.Unlock()
		return // nobody else wants it: keep it
	case next == -1:
		in.holder = -1
		in.mu.Unlock()
		return
	}
	in.holder = next
	in.waiting[next] = false
	in.waiting[me] = stay
	in.mu.Unlock()
	in.turn[next] <- struct{}{}
	if stay {
		<-in.turn[me]
	}
}
