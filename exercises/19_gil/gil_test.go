package gil_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	gil "github.com/concurrency-kit/kit/exercises/19_gil"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// Every trace test runs Run inside a synctest bubble (harness.Bubble), where
// time is fake: a Compute tick or an I/O wait takes no real time, and every
// timestamp in the trace is exact. The I/O durations (many end in .5ms) are
// chosen so that a thread never comes back from I/O at the very instant
// another thread reaches a switch point, so the rules of the README decide
// every step and each trace has exactly one right answer.

// program builds a Program from a short text: "c" is one Compute, "y" a
// Yield and "io:2.5ms" an IO of 2.5ms, separated by spaces. "" is an empty
// program.
func program(t *testing.T, text string) gil.Program {
	t.Helper()
	var p gil.Program
	for _, word := range strings.Fields(text) {
		switch {
		case word == "c":
			p = append(p, gil.Op{Kind: gil.Compute})
		case word == "y":
			p = append(p, gil.Op{Kind: gil.Yield})
		case strings.HasPrefix(word, "io:"):
			d, err := time.ParseDuration(strings.TrimPrefix(word, "io:"))
			require.NoError(t, err, "bad test program %q", text)
			p = append(p, gil.Op{Kind: gil.IO, D: d})
		default:
			t.Fatalf("bad test program %q", text)
		}
	}
	return p
}

func programs(t *testing.T, texts []string) []gil.Program {
	t.Helper()
	ps := make([]gil.Program, len(texts))
	for i, text := range texts {
		ps[i] = program(t, text)
	}
	return ps
}

// kindName is the test's own name for a Kind (it does not trust Kind.String).
func kindName(k gil.Kind) string {
	switch k {
	case gil.Compute:
		return "compute"
	case gil.Yield:
		return "yield"
	case gil.IO:
		return "io"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// show turns a trace into one line per event, like "t1 op0 compute @2ms",
// so that a wrong trace shows up as a readable diff.
func show(trace []gil.Event) []string {
	lines := make([]string, 0, len(trace))
	for _, e := range trace {
		lines = append(lines, fmt.Sprintf("t%d op%d %s @%v", e.Thread, e.Op, kindName(e.Kind), e.At))
	}
	return lines
}

// traceCase is one exact-trace check: the programs, the switch interval,
// the whole expected trace and the fake time Run takes.
type traceCase struct {
	name     string
	interval int
	programs []string
	want     []string
	elapsed  time.Duration
	why      string // what the case is about, for the failure message
}

// runCases runs every case in its own bubble and compares the whole trace
// and the fake time Run took.
func runCases(t *testing.T, cases []traceCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				ps := programs(t, tc.programs)
				start := time.Now()
				got := gil.Run(tc.interval, ps...)
				elapsed := time.Since(start)
				require.Equalf(t, tc.want, show(got),
					"Run(%d, %q): wrong trace.\n%s", tc.interval, tc.programs, tc.why)
				require.Equalf(t, tc.elapsed, elapsed,
					"Run(%d, %q) took %v of fake time, want %v: Run must return once the last thread has finished, "+
						"including its last Compute tick or I/O wait.\n%s", tc.interval, tc.programs, elapsed, tc.elapsed, tc.why)
			})
		})
	}
}

// TestSwitchInterval: with only Compute instructions, the GIL moves on after
// exactly interval instructions, to the next ready thread in round-robin
// order (with any number of threads); a thread alone keeps it; an interval
// below 1 counts as 1.
func TestSwitchInterval(t *testing.T) {
	harness.Setup(t)
	const rule = "Only Compute instructions count. After exactly `interval` of them the holder hands the GIL to the next " +
		"ready thread after it (t+1, t+2, ..., wrapping around), or keeps it if no other thread is ready."
	runCases(t, []traceCase{
		{
			name: "interval 1 alternates", interval: 1,
			programs: []string{"c c c", "c c c"},
			want: []string{
				"t0 op0 compute @0s", "t1 op0 compute @1ms",
				"t0 op1 compute @2ms", "t1 op1 compute @3ms",
				"t0 op2 compute @4ms", "t1 op2 compute @5ms",
			},
			elapsed: 6 * time.Millisecond,
			why:     "With interval 1 the GIL changes hands after every instruction. " + rule,
		},
		{
			name: "interval 2, three threads of different length", interval: 2,
			programs: []string{"c c c c c", "c c c", "c"},
			want: []string{
				"t0 op0 compute @0s", "t0 op1 compute @1ms",
				"t1 op0 compute @2ms", "t1 op1 compute @3ms",
				"t2 op0 compute @4ms",
				"t0 op2 compute @5ms", "t0 op3 compute @6ms",
				"t1 op2 compute @7ms",
				"t0 op4 compute @8ms",
			},
			elapsed: 9 * time.Millisecond,
			why:     "A thread that finishes passes the GIL on at once. " + rule,
		},
		{
			name: "interval 3", interval: 3,
			programs: []string{"c c c c", "c c c c"},
			want: []string{
				"t0 op0 compute @0s", "t0 op1 compute @1ms", "t0 op2 compute @2ms",
				"t1 op0 compute @3ms", "t1 op1 compute @4ms", "t1 op2 compute @5ms",
				"t0 op3 compute @6ms",
				"t1 op3 compute @7ms",
			},
			elapsed: 8 * time.Millisecond,
			why:     "Switch after the 3rd instruction, not the 2nd or the 4th. " + rule,
		},
		{
			name: "interval 100 is longer than every program", interval: 100,
			programs: []string{"c c c c", "c c c c"},
			want: []string{
				"t0 op0 compute @0s", "t0 op1 compute @1ms", "t0 op2 compute @2ms", "t0 op3 compute @3ms",
				"t1 op0 compute @4ms", "t1 op1 compute @5ms", "t1 op2 compute @6ms", "t1 op3 compute @7ms",
			},
			elapsed: 8 * time.Millisecond,
			why:     "With a long interval each thread runs to its end before the next one starts. " + rule,
		},
		{
			name: "a thread alone keeps the GIL", interval: 2,
			programs: []string{"c c c c c"},
			want: []string{
				"t0 op0 compute @0s", "t0 op1 compute @1ms", "t0 op2 compute @2ms",
				"t0 op3 compute @3ms", "t0 op4 compute @4ms",
			},
			elapsed: 5 * time.Millisecond,
			why:     "No other thread is ready, so the holder keeps the GIL and goes on. " + rule,
		},
		{
			name: "interval 0 counts as 1", interval: 0,
			programs: []string{"c c", "c c"},
			want: []string{
				"t0 op0 compute @0s", "t1 op0 compute @1ms",
				"t0 op1 compute @2ms", "t1 op1 compute @3ms",
			},
			elapsed: 4 * time.Millisecond,
			why:     "An interval below 1 is treated as 1. " + rule,
		},
		{
			name: "a negative interval counts as 1", interval: -1,
			programs: []string{"c c", "c c"},
			want: []string{
				"t0 op0 compute @0s", "t1 op0 compute @1ms",
				"t0 op1 compute @2ms", "t1 op1 compute @3ms",
			},
			elapsed: 4 * time.Millisecond,
			why:     "Every interval below 1 (0, -1, ...) is treated as 1. " + rule,
		},
		manyThreads(100, rule),
	})
}

// manyThreads is a case of n threads of two Compute instructions each, at
// interval 1: the GIL goes round all n threads twice.
func manyThreads(n int, rule string) traceCase {
	texts := make([]string, n)
	var want []string
	for op := range 2 {
		for i := range n {
			texts[i] = "c c"
			want = append(want, fmt.Sprintf("t%d op%d compute @%v", i, op, time.Duration(op*n+i)*time.Millisecond))
		}
	}
	return traceCase{
		name: fmt.Sprintf("%d threads", n), interval: 1,
		programs: texts,
		want:     want,
		elapsed:  time.Duration(2*n) * time.Millisecond,
		why: fmt.Sprintf("Any number of threads may run, here %d: the state of who is ready must hold them all "+
			"(a slice, not the bits of one integer). ", n) + rule,
	}
}

// TestYieldHandsOver: a Yield hands the GIL to the next ready thread at
// once, and the yielding thread waits for its next turn like everyone else.
// The interval is long, so only Yields cause switches.
func TestYieldHandsOver(t *testing.T) {
	harness.Setup(t)
	const rule = "Yield gives the GIL to the next ready thread after the yielder, at once; the yielder stays ready and " +
		"gets the GIL back when its turn comes round. A thread that yields with nobody else ready just goes on."
	runCases(t, []traceCase{
		{
			name: "yield hands over at once", interval: 100,
			programs: []string{"c y c", "c c"},
			want: []string{
				"t0 op0 compute @0s", "t0 op1 yield @1ms",
				"t1 op0 compute @1ms", "t1 op1 compute @2ms",
				"t0 op2 compute @3ms",
			},
			elapsed: 4 * time.Millisecond,
			why:     "t0 yields after its first instruction, so t1 must run next, not t0. " + rule,
		},
		{
			name: "yields go round the threads", interval: 100,
			programs: []string{"c y c y c", "c y c y c", "c y c y c"},
			want: []string{
				"t0 op0 compute @0s", "t0 op1 yield @1ms",
				"t1 op0 compute @1ms", "t1 op1 yield @2ms",
				"t2 op0 compute @2ms", "t2 op1 yield @3ms",
				"t0 op2 compute @3ms", "t0 op3 yield @4ms",
				"t1 op2 compute @4ms", "t1 op3 yield @5ms",
				"t2 op2 compute @5ms", "t2 op3 yield @6ms",
				"t0 op4 compute @6ms",
				"t1 op4 compute @7ms",
				"t2 op4 compute @8ms",
			},
			elapsed: 9 * time.Millisecond,
			why:     rule,
		},
		{
			name: "the yielder waits for its turn", interval: 100,
			programs: []string{"y c", "c c c", "c"},
			want: []string{
				"t0 op0 yield @0s",
				"t1 op0 compute @0s", "t1 op1 compute @1ms", "t1 op2 compute @2ms",
				"t2 op0 compute @3ms",
				"t0 op1 compute @4ms",
			},
			elapsed: 5 * time.Millisecond,
			why:     "When t1 finishes, the next ready thread after t1 is t2, not t0. " + rule,
		},
		{
			name: "the count starts again after a yield", interval: 2,
			programs: []string{"c y c c c", "c c c c"},
			want: []string{
				"t0 op0 compute @0s", "t0 op1 yield @1ms",
				"t1 op0 compute @1ms", "t1 op1 compute @2ms",
				"t0 op2 compute @3ms", "t0 op3 compute @4ms",
				"t1 op2 compute @5ms", "t1 op3 compute @6ms",
				"t0 op4 compute @7ms",
			},
			elapsed: 8 * time.Millisecond,
			why: "t0 computes once, then yields. When it gets the GIL back at 3ms it counts from 0 again: its Compute " +
				"before the Yield does not count, so it runs 2 instructions (3ms, 4ms) before its switch point. " + rule,
		},
		{
			name: "yield with nobody else ready", interval: 100,
			programs: []string{"c y c y c"},
			want: []string{
				"t0 op0 compute @0s", "t0 op1 yield @1ms",
				"t0 op2 compute @1ms", "t0 op3 yield @2ms",
				"t0 op4 compute @2ms",
			},
			elapsed: 3 * time.Millisecond,
			why:     rule,
		},
	})
}

// TestIOReleasesTheLock: a thread drops the GIL for the whole of an I/O
// wait, so other threads compute meanwhile and waits overlap; back from
// I/O, the thread waits for the GIL like any other ready thread. The
// interval is long, so the interval plays no part here.
func TestIOReleasesTheLock(t *testing.T) {
	harness.Setup(t)
	const rule = "An IO instruction starts with the GIL held (the io event), then hands the GIL to the next ready thread " +
		"and waits D without it. Back from I/O, the thread is ready again: it takes a free GIL at once, or waits until " +
		"the holder passes the GIL on."
	runCases(t, []traceCase{
		{
			name: "three waits overlap", interval: 100,
			programs: []string{"io:10ms", "io:10ms", "io:10ms"},
			want:     []string{"t0 op0 io @0s", "t1 op0 io @0s", "t2 op0 io @0s"},
			elapsed:  10 * time.Millisecond,
			why: "Three 10ms waits that do not hold the GIL run side by side: Run takes 10ms (the longest wait), " +
				"not 30ms (the sum). " + rule,
		},
		{
			name: "another thread computes during the wait", interval: 100,
			programs: []string{"io:5.5ms c", "c c c c c c c c"},
			want: []string{
				"t0 op0 io @0s",
				"t1 op0 compute @0s", "t1 op1 compute @1ms", "t1 op2 compute @2ms", "t1 op3 compute @3ms",
				"t1 op4 compute @4ms", "t1 op5 compute @5ms", "t1 op6 compute @6ms", "t1 op7 compute @7ms",
				"t0 op1 compute @8ms",
			},
			elapsed: 9 * time.Millisecond,
			why: "t1 runs while t0 waits. t0 is back at 5.5ms but t1 holds the GIL (interval 100), so t0 waits " +
				"until t1 finishes. " + rule,
		},
		{
			name: "I/O in the middle of a program", interval: 100,
			programs: []string{"c io:3.5ms c", "c c c c c c"},
			want: []string{
				"t0 op0 compute @0s", "t0 op1 io @1ms",
				"t1 op0 compute @1ms", "t1 op1 compute @2ms", "t1 op2 compute @3ms",
				"t1 op3 compute @4ms", "t1 op4 compute @5ms", "t1 op5 compute @6ms",
				"t0 op2 compute @7ms",
			},
			elapsed: 8 * time.Millisecond,
			why:     rule,
		},
		{
			name: "back from I/O to a free GIL", interval: 100,
			programs: []string{"io:3ms c", "io:6ms c", "io:4.5ms c"},
			want: []string{
				"t0 op0 io @0s", "t1 op0 io @0s", "t2 op0 io @0s",
				"t0 op1 compute @3ms",
				"t2 op1 compute @4.5ms",
				"t1 op1 compute @6ms",
			},
			elapsed: 7 * time.Millisecond,
			why: "Nobody holds the GIL while all three wait, so each thread takes it the moment its own I/O ends. " +
				"Total: the longest wait plus one tick, not the sum of the waits. " + rule,
		},
	})
}

// TestMixedPrograms: the worked example of the README and other programs
// where the interval, Yield and I/O all play a part.
func TestMixedPrograms(t *testing.T) {
	harness.Setup(t)
	runCases(t, []traceCase{
		{
			name: "the worked example of the README", interval: 2,
			programs: []string{"c c c c", "c io:2.5ms c", "c y c"},
			want: []string{
				"t0 op0 compute @0s", "t0 op1 compute @1ms",
				"t1 op0 compute @2ms", "t1 op1 io @3ms",
				"t2 op0 compute @3ms", "t2 op1 yield @4ms",
				"t0 op2 compute @4ms", "t0 op3 compute @5ms",
				"t1 op2 compute @6ms",
				"t2 op2 compute @7ms",
			},
			elapsed: 8 * time.Millisecond,
			why:     "Follow the README's table row by row to find the first step that differs.",
		},
		{
			name: "back from I/O, a thread joins the round", interval: 2,
			programs: []string{"io:2.5ms c c", "c c c c c c", "c c c c c c"},
			want: []string{
				"t0 op0 io @0s",
				"t1 op0 compute @0s", "t1 op1 compute @1ms",
				"t2 op0 compute @2ms", "t2 op1 compute @3ms",
				"t0 op1 compute @4ms", "t0 op2 compute @5ms",
				"t1 op2 compute @6ms", "t1 op3 compute @7ms",
				"t2 op2 compute @8ms", "t2 op3 compute @9ms",
				"t1 op4 compute @10ms", "t1 op5 compute @11ms",
				"t2 op4 compute @12ms", "t2 op5 compute @13ms",
			},
			elapsed: 14 * time.Millisecond,
			why: "t0 is back from I/O at 2.5ms while t2 holds the GIL. At t2's switch point (4ms) the next ready " +
				"thread after t2 is t0, which gets its full interval.",
		},
		{
			name: "a holder that keeps the GIL counts again", interval: 2,
			programs: []string{"io:2.5ms c c", "c c c c c c c c"},
			want: []string{
				"t0 op0 io @0s",
				"t1 op0 compute @0s", "t1 op1 compute @1ms",
				"t1 op2 compute @2ms", "t1 op3 compute @3ms",
				"t0 op1 compute @4ms", "t0 op2 compute @5ms",
				"t1 op4 compute @6ms", "t1 op5 compute @7ms", "t1 op6 compute @8ms", "t1 op7 compute @9ms",
			},
			elapsed: 10 * time.Millisecond,
			why: "At its switch point at 2ms t1 is alone (t0 is in I/O until 2.5ms), so it keeps the GIL, and its count " +
				"starts again: its next switch point is at 4ms, where the GIL goes to t0, which is back from I/O.",
		},
		{
			name: "the count starts again after I/O", interval: 3,
			programs: []string{"c io:0.5ms c c c c", "c c c c c c c c"},
			want: []string{
				"t0 op0 compute @0s", "t0 op1 io @1ms",
				"t1 op0 compute @1ms", "t1 op1 compute @2ms", "t1 op2 compute @3ms",
				"t0 op2 compute @4ms", "t0 op3 compute @5ms", "t0 op4 compute @6ms",
				"t1 op3 compute @7ms", "t1 op4 compute @8ms", "t1 op5 compute @9ms",
				"t0 op5 compute @10ms",
				"t1 op6 compute @11ms", "t1 op7 compute @12ms",
			},
			elapsed: 13 * time.Millisecond,
			why: "t0 computes once, then starts I/O. When it gets the GIL back at 4ms it counts from 0 again: its " +
				"Compute before the I/O does not count, so it runs 3 instructions (4ms, 5ms, 6ms) before its switch point.",
		},
		{
			name: "yield to a thread that starts I/O", interval: 100,
			programs: []string{"c y c", "io:10ms"},
			want: []string{
				"t0 op0 compute @0s", "t0 op1 yield @1ms",
				"t1 op0 io @1ms",
				"t0 op2 compute @1ms",
			},
			elapsed: 11 * time.Millisecond,
			why: "t1 needs the GIL to start its I/O, and drops it for the wait, so t0 gets it straight back. " +
				"Run returns when t1's I/O ends at 11ms.",
		},
		{
			name: "empty programs never run", interval: 1,
			programs: []string{"", "c c", "", "c"},
			want:     []string{"t1 op0 compute @0s", "t3 op0 compute @1ms", "t1 op1 compute @2ms"},
			elapsed:  3 * time.Millisecond,
			why:      "A thread with an empty program is never ready; the first non-empty program starts.",
		},
		{
			name: "no programs", interval: 1,
			programs: nil,
			want:     []string{},
			elapsed:  0,
			why:      "Run with no programs returns an empty trace at once.",
		},
	})
}

// TestOneThreadAtATime: the GIL lets only one thread execute at any moment.
// Each Compute holds the GIL for its whole tick, so no other thread's event
// may fall inside it. The Work callbacks also count how many run at once and
// increment a plain int, which the race detector checks: the GIL is what
// makes that safe.
func TestOneThreadAtATime(t *testing.T) {
	harness.Setup(t)
	sets := []struct {
		interval int
		programs []string
	}{
		{1, []string{"c c c c c c", "c c c c c c", "c c c c c c", "c c c c c c"}},
		{2, []string{"c c y c io:1.5ms c c", "c io:0.5ms c c c y c", "c c c c c c c"}},
		{3, []string{"io:2.5ms c c c c", "c c c c c", "c y c y c y c", "c io:4.5ms c c"}},
	}
	for _, set := range sets {
		t.Run(fmt.Sprintf("interval %d, %d threads", set.interval, len(set.programs)), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				var (
					inside    atomic.Int32 // Work calls running right now
					maxInside atomic.Int32
					shared    int // plain int: only safe if the GIL works
					calls     atomic.Int32
				)
				work := func() {
					calls.Add(1)
					n := inside.Add(1)
					for {
						m := maxInside.Load()
						if n <= m || maxInside.CompareAndSwap(m, n) {
							break
						}
					}
					shared++
					inside.Add(-1)
				}
				ps := programs(t, set.programs)
				computes := 0
				for _, p := range ps {
					for i := range p {
						if p[i].Kind == gil.Compute {
							p[i].Work = work
							computes++
						}
					}
				}

				trace := gil.Run(set.interval, ps...)

				// Every instruction of every thread appears once, in order.
				next := make([]int, len(ps))
				for _, e := range trace {
					require.Truef(t, e.Thread >= 0 && e.Thread < len(ps), "event %+v names no thread", e)
					require.Equalf(t, next[e.Thread], e.Op,
						"thread %d: event for op %d, but op %d was due: each thread runs its program in order, each op once",
						e.Thread, e.Op, next[e.Thread])
					require.Equalf(t, ps[e.Thread][e.Op].Kind, e.Kind, "event %+v has the wrong kind", e)
					next[e.Thread]++
				}
				for i, p := range ps {
					require.Equalf(t, len(p), next[i], "thread %d ran %d of its %d ops", i, next[i], len(p))
				}

				// No event of another thread inside a Compute tick.
				lines := show(trace)
				for k, e := range trace {
					if e.Kind != gil.Compute {
						continue
					}
					for j := k + 1; j < len(trace); j++ {
						o := trace[j]
						if o.Thread != e.Thread && o.At < e.At+gil.Tick {
							require.Failf(t, "two threads ran at once",
								"%q holds the GIL from %v to %v, but %q happened in between: only the GIL holder may "+
									"execute an instruction.\nwhole trace:\n%s",
								lines[k], e.At, e.At+gil.Tick, lines[j], strings.Join(lines, "\n"))
						}
					}
				}

				require.Equal(t, int32(computes), calls.Load(), "Work must be called once per Compute instruction")
				require.Equal(t, computes, shared, "the Work calls lost increments of a shared counter")
				require.LessOrEqual(t, maxInside.Load(), int32(1),
					"%d Work calls ran at the same moment: a Compute instruction must hold the GIL", maxInside.Load())
			})
		})
	}
}

// TestThreadsAreGoroutines: every simulated thread runs in a goroutine of its
// own (not in the goroutine that called Run, and not shared with another
// thread), and all of them have ended when Run returns. This test runs in
// real time, outside a bubble; the harness reports any goroutine left
// running as a leak.
func TestThreadsAreGoroutines(t *testing.T) {
	harness.Setup(t)
	const threads = 3
	ids := make([][]uint64, threads) // thread i's Work only appends to ids[i]
	ps := make([]gil.Program, threads)
	for i := range ps {
		for range 3 {
			ps[i] = append(ps[i], gil.Op{Kind: gil.Compute, Work: func() { ids[i] = append(ids[i], harness.GoroutineID()) }})
		}
	}
	caller := harness.GoroutineID()
	trace := gil.Run(1, ps...)
	require.Len(t, trace, 3*threads, "Run must return the whole trace: 3 threads of 3 Compute instructions")

	owner := map[uint64]int{}
	for i, got := range ids {
		require.Lenf(t, got, 3, "thread %d: Work must be called once per Compute instruction", i)
		for _, id := range got {
			require.NotEqualf(t, caller, id,
				"thread %d ran in the goroutine that called Run: start one goroutine per thread", i)
			require.Equalf(t, got[0], id, "thread %d ran in more than one goroutine: one goroutine runs the whole program", i)
		}
		if other, seen := owner[got[0]]; seen {
			require.Failf(t, "threads share a goroutine",
				"threads %d and %d ran in the same goroutine: each thread needs a goroutine of its own", other, i)
		}
		owner[got[0]] = i
	}
}

// TestRealScheduler: Run on the real scheduler (no bubble, real time), with
// I/O waits of a few microseconds, under several GOMAXPROCS values. Here an
// I/O wait can end at any moment, also while another thread is in the
// middle of a hand-off, an interleaving that the fake clock of the other
// tests never produces. Whatever the timing, only one thread may execute
// at a time, every thread runs its whole program in order, and Run returns.
// (Timings are not checked: real time is not exact.)
func TestRealScheduler(t *testing.T) {
	harness.Setup(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	const rounds = 6
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		for round := range rounds {
			texts := []string{
				"c io:0.003ms c io:0.01ms c",
				"io:0.002ms c y io:0.001ms c",
				"c io:0.005ms io:0.001ms c",
				"y io:0.004ms c io:0.002ms",
			}
			var inside, maxInside, calls atomic.Int32
			shared := 0 // plain int: only safe if the GIL works
			work := func() {
				calls.Add(1)
				n := inside.Add(1)
				for m := maxInside.Load(); n > m && !maxInside.CompareAndSwap(m, n); m = maxInside.Load() {
				}
				shared++
				inside.Add(-1)
			}
			ps := programs(t, texts)
			computes := 0
			for _, p := range ps {
				for i := range p {
					if p[i].Kind == gil.Compute {
						p[i].Work = work
						computes++
					}
				}
			}
			trace := gil.Run(1+round%3, ps...)
			where := fmt.Sprintf("GOMAXPROCS=%d, round %d, Run(%d, %q)", procs, round, 1+round%3, texts)
			next := make([]int, len(ps))
			for k, e := range trace {
				require.Truef(t, e.Thread >= 0 && e.Thread < len(ps), "%s: event %+v names no thread", where, e)
				require.Equalf(t, next[e.Thread], e.Op, "%s: thread %d: event for op %d, but op %d was due", where, e.Thread, e.Op, next[e.Thread])
				next[e.Thread]++
				if k > 0 {
					require.GreaterOrEqualf(t, e.At, trace[k-1].At, "%s: the trace must list the instructions in the order they started", where)
				}
			}
			for i, p := range ps {
				require.Equalf(t, len(p), next[i], "%s: thread %d ran %d of its %d ops", where, i, next[i], len(p))
			}
			require.LessOrEqualf(t, maxInside.Load(), int32(1),
				"%s: %d Work calls ran at the same moment: only the thread that holds the GIL may execute", where, maxInside.Load())
			require.Equalf(t, int32(computes), calls.Load(), "%s: Work must be called once per Compute instruction", where)
			require.Equalf(t, computes, shared, "%s: the Work calls lost increments of a shared counter", where)
		}
	}
}
