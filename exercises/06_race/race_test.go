package race_test

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	race "github.com/concurrency-kit/kit/exercises/06_race"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// counter is the API that Counter and AtomicCounter share. Each type still has
// its own top-level tests, so a mistake in one never costs points in the other.
type counter interface {
	Inc()
	Add(n int64)
	Value() int64
}

// Sizes of the concurrent tests: big enough to make real contention, small
// enough to stay fast under the race detector.
const (
	incWorkers = 8    // goroutines updating a counter at once
	incRounds  = 2000 // updates per goroutine, at least
	readers    = 3    // goroutines reading while one goroutine writes
	readsEach  = 300  // reads per reader
	writes     = 1000 // writes by the writer
)

func TestCounterSequential(t *testing.T) {
	harness.Setup(t)
	var c race.Counter // the zero value must be ready to use
	checkSequential(t, &c, "Counter")
}

func TestCounterConcurrentIncrements(t *testing.T) {
	harness.Setup(t)
	var c race.Counter
	checkConcurrentIncrements(t, &c, "Counter")
}

func TestCounterReadsWhileWriting(t *testing.T) {
	harness.Setup(t)
	var c race.Counter
	checkReadsWhileWriting(t, &c, "Counter")
}

func TestAtomicCounterSequential(t *testing.T) {
	harness.Setup(t)
	var c race.AtomicCounter // the zero value must be ready to use
	checkSequential(t, &c, "AtomicCounter")
}

func TestAtomicCounterConcurrentIncrements(t *testing.T) {
	harness.Setup(t)
	var c race.AtomicCounter
	checkConcurrentIncrements(t, &c, "AtomicCounter")
}

func TestAtomicCounterReadsWhileWriting(t *testing.T) {
	harness.Setup(t)
	var c race.AtomicCounter
	checkReadsWhileWriting(t, &c, "AtomicCounter")
}

// checkSequential runs the counter through a fixed list of steps in one
// goroutine: this is about the arithmetic and the zero value, not concurrency.
// A method with a value receiver works on a copy and loses its update here;
// a count kept in 32 bits, or an Add made of n single increments, fails the
// steps of 2^40.
func checkSequential(t *testing.T, c counter, typ string) {
	require.Equal(t, int64(0), c.Value(), "a zero %s must read 0", typ)
	steps := []struct {
		name string
		do   func()
		want int64
	}{
		{"Inc()", c.Inc, 1},
		{"Inc()", c.Inc, 2},
		{"Add(10)", func() { c.Add(10) }, 12},
		{"Add(-5)", func() { c.Add(-5) }, 7},
		{"Add(0)", func() { c.Add(0) }, 7},
		{"Inc()", c.Inc, 8},
		{"Add(-20)", func() { c.Add(-20) }, -12},
		{"Add(1<<40)", func() { c.Add(1 << 40) }, 1<<40 - 12}, // past any 32-bit count, in one step
		{"Inc()", c.Inc, 1<<40 - 11},
		{"Add(-(1<<41))", func() { c.Add(-(1 << 41)) }, -(1 << 40) - 11},
	}
	for i, s := range steps {
		s.do()
		require.Equal(t, s.want, c.Value(),
			"step %d, %s: Value() should be %d. If it stays 0, a method has a value receiver "+
				"(func (c %s) ...) and updates a copy; use a pointer receiver (func (c *%s) ...)",
			i+1, s.name, s.want, typ, typ)
	}
}

// checkConcurrentIncrements lets incWorkers goroutines update one counter at
// the same moment with a mix of Inc and Add. An update that is not protected
// (plain n++, n += k) is a data race, which the race detector reports. A load
// followed by a separate store is no data race but still loses increments, so
// every goroutine keeps going until all of them have done incRounds rounds:
// then they surely overlap, even with GOMAXPROCS=1 (through preemption).
func checkConcurrentIncrements(t *testing.T, c counter, typ string) {
	var finished atomic.Int32 // goroutines that have done incRounds rounds
	added := make([]int64, incWorkers)
	harness.Together(incWorkers, func(i int) {
		var sum int64 // what this goroutine added
		for r := 0; ; r++ {
			switch r % 4 {
			case 0, 1:
				c.Inc()
				sum++
			case 2:
				c.Add(3)
				sum += 3
			case 3:
				c.Add(-1)
				sum--
			}
			if r == incRounds-1 {
				finished.Add(1)
			}
			if r >= incRounds-1 && r%4 == 3 && finished.Load() == incWorkers {
				break
			}
		}
		added[i] = sum
	})
	var want int64
	for _, sum := range added {
		want += sum
	}
	got := c.Value()
	require.Equal(t, want, got,
		"%d goroutines called Inc/Add on one %s at the same time: the total should be %d, got %d "+
			"(%d lost). Every read-modify-write must hold the lock or be a single atomic operation "+
			"(a Load followed by a Store is two)",
		incWorkers, typ, want, got, want-got)
}

// checkReadsWhileWriting lets readers call Value while one goroutine keeps
// adding. With a single writer no write can be lost, so this test is about the
// reads: a read outside the lock (or a plain read of an atomic), or a method
// that copies the counter to read it, is not ordered with the writes and the
// race detector reports it. Values must also never go backwards. Every goroutine
// yields after each call so that reads and writes interleave finely: the race
// detector forgets old accesses now and then, and a read far from any write
// could go unreported.
func checkReadsWhileWriting(t *testing.T, c counter, typ string) {
	seen := make([][]int64, readers)
	harness.Together(readers+1, func(i int) {
		if i == readers { // the writer
			for w := range writes {
				if w%2 == 0 {
					c.Inc()
				} else {
					c.Add(2)
				}
				runtime.Gosched()
			}
			return
		}
		values := make([]int64, 0, readsEach)
		for range readsEach {
			values = append(values, c.Value())
			runtime.Gosched()
		}
		seen[i] = values
	})
	total := int64(writes/2*1 + writes/2*2)
	for r, values := range seen {
		for j, v := range values {
			require.True(t, v >= 0 && v <= total,
				"reader %d read %d from a %s that only ever goes from 0 up to %d", r, v, typ, total)
			if j > 0 {
				require.GreaterOrEqual(t, v, values[j-1],
					"reader %d saw the %s go backwards (%d, then %d) while it was only being increased",
					r, typ, values[j-1], v)
			}
		}
	}
	require.Equal(t, total, c.Value(),
		"one goroutine added %d in total while %d others called Value(); the final Value() is wrong",
		total, readers)
}

func TestTallySequential(t *testing.T) {
	harness.Setup(t)
	var tally race.Tally // the zero value must be ready to use
	require.Zero(t, tally.Count("go"), "a zero Tally must count 0 for every word")

	for _, w := range []string{"go", "gopher", "go", "chan", "go", "gopher"} {
		tally.Add(w)
	}
	for _, tc := range []struct {
		word string
		want int
	}{
		{"go", 3},
		{"gopher", 2},
		{"chan", 1},
		{"Go", 0}, // words are case-sensitive
		{"mutex", 0},
		{"", 0},
	} {
		require.Equal(t, tc.want, tally.Count(tc.word),
			"after adding go, gopher, go, chan, go, gopher: Count(%q) should be %d", tc.word, tc.want)
	}
}

func TestTallySnapshotIsACopy(t *testing.T) {
	harness.Setup(t)
	var empty race.Tally
	s := empty.Snapshot()
	require.NotNil(t, s, "Snapshot of an empty Tally must return an empty map the caller can write to, not nil")
	require.Empty(t, s, "Snapshot of an empty Tally must be empty")
	s["x"] = 1
	require.Zero(t, empty.Count("x"), "writing into a Snapshot must not change the Tally")

	var tally race.Tally
	for _, w := range []string{"go", "chan", "go"} {
		tally.Add(w)
	}
	want := map[string]int{"go": 2, "chan": 1}
	snap := tally.Snapshot()
	require.Equal(t, want, snap, "Snapshot after adding go, chan, go")

	// The caller owns the snapshot: its changes must not reach the tally.
	snap["go"] = 100
	snap["new"] = 7
	delete(snap, "chan")
	require.Equal(t, 2, tally.Count("go"),
		"the caller changed its snapshot and the Tally changed too: Snapshot must return a copy, not the Tally's own map")
	require.Equal(t, 1, tally.Count("chan"), "deleting from a snapshot must not delete from the Tally")
	require.Zero(t, tally.Count("new"), "adding to a snapshot must not add to the Tally")

	// Later Adds must not show up in an earlier snapshot.
	earlier := tally.Snapshot()
	tally.Add("go")
	tally.Add("select")
	require.Equal(t, want, earlier, "a snapshot must not change when words are added to the Tally afterwards")
	require.Equal(t, map[string]int{"go": 3, "chan": 1, "select": 1}, tally.Snapshot(),
		"Snapshot after adding go and select")
}

// tallyWords are the words of the concurrent Tally tests.
var tallyWords = []string{"go", "chan", "select", "mutex", "atomic"}

func TestTallyConcurrentAdds(t *testing.T) {
	harness.Setup(t)
	var tally race.Tally
	const rounds = 400
	harness.Together(incWorkers, func(i int) {
		for range rounds {
			for j := range tallyWords { // each goroutine in its own order
				tally.Add(tallyWords[(i+j)%len(tallyWords)])
			}
		}
	})
	for _, w := range tallyWords {
		require.Equal(t, incWorkers*rounds, tally.Count(w),
			"%d goroutines each added %q %d times at the same time: Count(%q) should be %d. "+
				"Two goroutines writing a Go map at once is a data race (and can crash the program): "+
				"Add must hold the write lock", incWorkers, w, rounds, w, incWorkers*rounds)
	}
}

func TestTallyReadsWhileWriting(t *testing.T) {
	harness.Setup(t)
	// Round 0: two readers of a zero Tally take turns (harness.Alternate,
	// whose turns the race detector does not see). A read lock lets readers
	// in together, so a read must write nothing, not even the map made on
	// first use: only Add, under the write lock, may make it.
	var zero race.Tally
	var zeroReads [2][]int
	harness.Alternate(3,
		func(int) { zeroReads[0] = append(zeroReads[0], zero.Count("go"), len(zero.Snapshot())) },
		func(int) { zeroReads[1] = append(zeroReads[1], len(zero.Snapshot()), zero.Count("go")) })
	require.Equal(t, [2][]int{{0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0}}, zeroReads, "Count and len(Snapshot()) of a zero Tally")

	var tally race.Tally
	words := []string{"go", "chan", "select"}
	// Readers and the writer yield after each call, so that reads and writes
	// interleave finely: the race detector forgets old accesses now and then,
	// and a read far from any write could go unreported.
	write := func() {
		for k := range writes {
			tally.Add(words[k%len(words)])
			runtime.Gosched()
		}
	}
	goWrites := (writes + len(words) - 1) / len(words) // "go" is every third write, from the first

	// Round 1: one goroutine only calls Count while another adds. Each round
	// has one reader using one method, so that a read which skips the lock is
	// never hidden by a locked call. Round 1 also comes before this goroutine
	// reads the map itself (the snapshot below): a read by it just before the
	// round was seen to keep the race detector from reporting a Count that
	// skips the lock, when the reader happened to finish before the writer began.
	var counts []int
	harness.Together(2, func(i int) {
		if i == 0 {
			write()
			return
		}
		for range readsEach {
			counts = append(counts, tally.Count("go"))
			runtime.Gosched()
		}
	})
	requireRisingWithin(t, counts, 0, goWrites, `Count("go") while another goroutine adds`)

	// Round 2: one goroutine reads a snapshot taken before the round (its own
	// map: no lock needed) and takes new snapshots while another adds.
	first := tally.Snapshot()
	firstWant := map[string]int{"go": goWrites, "chan": writes / 3, "select": writes / 3}
	var firstSum int
	var sums []int // the total of each new snapshot
	harness.Together(2, func(i int) {
		if i == 0 {
			write()
			return
		}
		for _, n := range first {
			firstSum += n
		}
		for range readsEach / 3 {
			sum := 0
			for _, n := range tally.Snapshot() {
				sum += n
			}
			sums = append(sums, sum)
			runtime.Gosched()
		}
	})
	require.Equal(t, firstWant, first,
		"a snapshot taken between two rounds of Adds changed during the second round: "+
			"Snapshot must return a copy made while holding the lock")
	require.Equal(t, writes, firstSum, "reading its own snapshot while Adds ran, a reader got a wrong total")
	requireRisingWithin(t, sums, writes, 2*writes, "the total of Snapshot() while another goroutine adds")
	require.Equal(t, 2*goWrites, tally.Count("go"), `Count("go") after all writes`)

	// Round 3: a reader and a writer take turns, a snapshot then an Add. The
	// turns are hidden from the race detector (harness.Alternate), so a
	// Snapshot that copies the map after unlocking is reported in every run:
	// nothing but the tally's own lock orders its copy with the next Add.
	// Rounds 1 and 2 meet that gap only when the scheduler stops the reader
	// inside it.
	const turns = readsEach / 3
	var turnSums []int
	harness.Alternate(turns,
		func(int) {
			sum := 0
			for _, n := range tally.Snapshot() {
				sum += n
			}
			turnSums = append(turnSums, sum)
		},
		func(step int) { tally.Add(words[step%len(words)]) })
	for step, sum := range turnSums {
		require.Equal(t, 2*writes+step, sum,
			"a snapshot taken after %d more Adds, each one finished before it began, has the wrong total", step)
	}
	require.Equal(t, 2*goWrites+(turns+len(words)-1)/len(words), tally.Count("go"), `Count("go") after the turns`)

	// Round 4: a writer adds "a" and then "b", again and again, while a
	// reader takes snapshots. One snapshot is one moment, so in each one
	// "a" is equal to "b" or one more. A Snapshot pieced together from
	// several critical sections (the words under one lock, each count under
	// another) sees "b" overtake "a"; every Lock and RLock is delayed a
	// little (harness.DelayLocks) so that the writer gets in between them.
	harness.DelayLocks(t)
	var pairs race.Tally
	const pairWrites = 300
	var writing atomic.Bool
	writing.Store(true)
	var torn []map[string]int
	harness.Together(2, func(i int) {
		if i == 0 {
			defer writing.Store(false)
			for range pairWrites {
				pairs.Add("a")
				pairs.Add("b")
			}
			return
		}
		for writing.Load() {
			if s := pairs.Snapshot(); s["b"] > s["a"] || s["a"] > s["b"]+1 {
				torn = append(torn, s)
			}
		}
	})
	require.Emptyf(t, torn, "one goroutine added \"a\" and then \"b\", %d times, while another took snapshots: in one "+
		"moment \"a\" is equal to \"b\" or one more, but these snapshots were not one moment: %v. Copy the whole map "+
		"under one lock", pairWrites, torn)
}

// requireRisingWithin checks that values never decrease and stay in [lo, hi].
func requireRisingWithin(t *testing.T, values []int, lo, hi int, what string) {
	t.Helper()
	for j, v := range values {
		require.True(t, v >= lo && v <= hi, "%s: read %d, but it can only be between %d and %d", what, v, lo, hi)
		if j > 0 {
			require.GreaterOrEqual(t, v, values[j-1], "%s went backwards: %d, then %d", what, values[j-1], v)
		}
	}
}
