package gil

// Mistake: the count is not reset after a Yield: a thread that gets the GIL back after yielding reaches its switch point early
// Fails: TestYieldHandsOver:fail

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

// Why not a sync.Mutex as the GIL?
//
// A mutex says "one at a time" but not "whose turn is next": when the
// holder unlocks, any waiter (or the holder itself, locking again at once)
// may win. Real CPython had exactly this problem, and since Python 3.2 its
// GIL is a mutex plus a condition variable with a forced hand-off: the
// thread that drops the GIL on request waits until another thread has
// actually taken it. Here the hand-off is explicit: the state below says
// who holds the GIL and who is waiting for it, and the thread that lets go
// names its successor. Waiting threads sleep on a sync.Cond until they are
// named. (A goroutine waiting on a sync.Cond is also "durably blocked" for
// testing/synctest, so fake time keeps moving; one blocked in
// sync.Mutex.Lock is not.)

// interpreter is the shared state of one Run.
type interpreter struct {
	interval int
	start    time.Time

	mu      sync.Mutex // guards holder and waiting; never held while sleeping
	changed *sync.Cond // broadcast whenever holder changes
	holder  int        // the thread that holds the GIL, or -1 if it is free
	waiting []bool     // waiting[i]: thread i is ready and waits for the GIL

	// trace is interpreter state: only the thread that holds the GIL
	// appends to it, so the GIL itself protects it, exactly as the real GIL
	// protects Python objects. The hand-off through mu gives the race
	// detector (and the memory model) the happens-before edge it needs.
	trace []Event
}

// Run runs every program in its own goroutine under one GIL, with the
// switch interval interval (values below 1 count as 1), and returns the
// trace once every thread has finished.
func Run(interval int, programs ...Program) []Event {
	in := &interpreter{
		interval: max(interval, 1),
		start:    time.Now(),
		holder:   -1,
		waiting:  make([]bool, len(programs)),
	}
	in.changed = sync.NewCond(&in.mu)

	// At time 0 every thread with something to do is ready, and the first
	// of them holds the GIL. This is decided before any goroutine starts:
	// if the goroutines raced for the GIL, whoever the Go scheduler ran
	// first would win, and the trace would not be reproducible.
	for i, p := range programs {
		if len(p) == 0 {
			continue
		}
		if in.holder == -1 {
			in.holder = i
		} else {
			in.waiting[i] = true
		}
	}

	var wg sync.WaitGroup
	for i, p := range programs {
		wg.Go(func() { in.thread(i, p) })
	}
	wg.Wait() // Run returns only when no thread goroutine is left
	return in.trace
}

// thread is the body of simulated thread me: the interpreter loop for one
// thread.
func (in *interpreter) thread(me int, prog Program) {
	if len(prog) == 0 {
		return
	}
	in.waitForTurn(me)
	ran := 0 // Compute instructions since this thread last got the GIL
	for i, op := range prog {
		last := i == len(prog)-1
		in.record(me, i, op.Kind)
		switch op.Kind {
		case Compute:
			if op.Work != nil {
				op.Work()
			}
			time.Sleep(Tick) // the instruction runs: the GIL stays held
			ran++
			if ran == in.interval && !last {
				// Switch interval used up: let the next ready thread run.
				in.handOff(me, true)
				ran = 0
			}
		case Yield:
			if !last {
				in.handOff(me, true)
			}
		case IO:
			// Drop the GIL for the whole wait: this is why threads help
			// with I/O-bound work even under a GIL.
			in.handOff(me, false)
			time.Sleep(op.D)
			if last {
				return // nothing left to run: no need for the GIL again
			}
			in.ready(me)
			ran = 0
		}
	}
	in.handOff(me, false) // finished: pass the GIL on for good
}

// record appends an event to the trace. The caller holds the GIL.
func (in *interpreter) record(me, op int, kind Kind) {
	in.trace = append(in.trace, Event{Thread: me, Op: op, Kind: kind, At: time.Since(in.start)})
}

// handOff passes the GIL from me, its holder, to the next ready thread in
// round-robin order (me+1, me+2, ..., wrapping around). stay says whether me
// wants the GIL back later (interval used up, or Yield) or not (I/O,
// finished). If stay and nobody else is ready, me simply keeps the GIL. If
// stay and the GIL went to someone else, handOff returns only once me holds
// the GIL again.
func (in *interpreter) handOff(me int, stay bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	next := in.nextReady(me)
	if next == -1 {
		if !stay {
			in.holder = -1 // nobody is ready: the GIL is free
		}
		return
	}
	in.holder = next
	in.waiting[next] = false
	in.changed.Broadcast()
	if stay {
		in.waiting[me] = true
		for in.holder != me {
			in.changed.Wait()
		}
	}
}

// ready makes me, back from I/O, a thread that waits for the GIL, and
// returns once me holds it. A free GIL is taken at once; otherwise me waits
// until the holder hands the GIL to it.
func (in *interpreter) ready(me int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.holder == -1 {
		in.holder = me
		return
	}
	in.waiting[me] = true
	for in.holder != me {
		in.changed.Wait()
	}
}

// waitForTurn returns once me holds the GIL.
func (in *interpreter) waitForTurn(me int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for in.holder != me {
		in.changed.Wait()
	}
}

// nextReady returns the first waiting thread after me in round-robin order,
// or -1 if no other thread is waiting. The caller holds mu.
func (in *interpreter) nextReady(me int) int {
	n := len(in.waiting)
	for k := 1; k < n; k++ {
		if i := (me + k) % n; in.waiting[i] {
			return i
		}
	}
	return -1
}
