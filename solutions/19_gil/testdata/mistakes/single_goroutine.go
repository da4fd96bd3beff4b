// Package gil simulates the main loop of a CPython-style interpreter with a
// global interpreter lock (the GIL). Every simulated thread is a real
// goroutine, but it may execute an instruction only while it holds the one
// global lock, and the interpreter decides, by fixed rules, when the lock
// passes from one thread to the next.
package gil

// Mistake: a correct scheduler, but every thread runs in the goroutine that called Run: no goroutine per thread, no lock needed
// Fails: TestThreadsAreGoroutines:fail

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

// The states of a simulated thread.
const (
	ready   = iota // wants the GIL (or holds it)
	blocked        // waiting for I/O until back[i]
	done           // finished
)

// Run simulates every thread in the caller's goroutine, one step after the
// other, with the same rules as the real interpreter.
func Run(interval int, programs ...Program) []Event {
	interval = max(interval, 1)
	start := time.Now()
	now := func() time.Duration { return time.Since(start) }
	n := len(programs)
	pc := make([]int, n)
	state := make([]int, n)
	back := make([]time.Duration, n)
	holder := -1
	for i, p := range programs {
		if len(p) == 0 {
			state[i] = done
		} else if holder == -1 {
			holder = i
		}
	}
	nextReady := func(me int) int {
		for k := 1; k < n; k++ {
			if i := (me + k) % n; state[i] == ready {
				return i
			}
		}
		return -1
	}
	wakeUp := func() {
		for i := range n {
			if state[i] != blocked || back[i] > now() {
				continue
			}
			if pc[i] == len(programs[i]) {
				state[i] = done
				continue
			}
			state[i] = ready
			if holder == -1 {
				holder = i
			}
		}
	}
	handOff := func(me int, stay bool) {
		if next := nextReady(me); next != -1 {
			holder = next
		} else if !stay {
			holder = -1
		}
	}
	var trace []Event
	for {
		wakeUp()
		if holder == -1 {
			earliest := time.Duration(-1)
			for i := range n {
				if state[i] == blocked && (earliest == -1 || back[i] < earliest) {
					earliest = back[i]
				}
			}
			if earliest == -1 {
				return trace // everyone is done
			}
			time.Sleep(earliest - now())
			continue
		}
		me, ran := holder, 0
		for holder == me {
			j := pc[me]
			op := programs[me][j]
			pc[me]++
			last := pc[me] == len(programs[me])
			trace = append(trace, Event{Thread: me, Op: j, Kind: op.Kind, At: now()})
			switch op.Kind {
			case Compute:
				if op.Work != nil {
					op.Work()
				}
				time.Sleep(Tick)
				wakeUp()
				ran++
				if last {
					state[me] = done
					handOff(me, false)
				} else if ran == interval {
					handOff(me, true)
					ran = 0 // a new interval, for whoever holds the GIL now
				}
			case Yield:
				if last {
					state[me] = done
				}
				handOff(me, !last)
				ran = 0
			case IO:
				state[me] = blocked
				back[me] = now() + op.D
				handOff(me, false)
			}
		}
	}
}
