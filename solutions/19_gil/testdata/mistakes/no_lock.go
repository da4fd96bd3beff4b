// Package gil simulates the main loop of a CPython-style interpreter with a
// global interpreter lock (the GIL). Every simulated thread is a real
// goroutine, but it may execute an instruction only while it holds the one
// global lock, and the interpreter decides, by fixed rules, when the lock
// passes from one thread to the next.
package gil

// Mistake: no global lock at all: every thread runs its instructions in its own goroutine whenever it likes (only the trace append is locked)
// Fails: TestSwitchInterval:fail TestYieldHandsOver:fail TestIOReleasesTheLock:fail TestMixedPrograms:fail TestOneThreadAtATime TestRealScheduler?

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

// Run starts one goroutine per thread and lets them all run at once.
func Run(interval int, programs ...Program) []Event {
	start := time.Now()
	var (
		mu    sync.Mutex // protects trace only
		trace []Event
		wg    sync.WaitGroup
	)
	for i, p := range programs {
		wg.Go(func() {
			for j, op := range p {
				mu.Lock()
				trace = append(trace, Event{Thread: i, Op: j, Kind: op.Kind, At: time.Since(start)})
				mu.Unlock()
				switch op.Kind {
				case Compute:
					if op.Work != nil {
						op.Work()
					}
					time.Sleep(Tick)
				case Yield:
					// nobody to give anything to: there is no lock
				case IO:
					time.Sleep(op.D)
				}
			}
		})
	}
	wg.Wait()
	return trace
}
