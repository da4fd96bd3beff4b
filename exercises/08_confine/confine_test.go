package confine_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	confine "github.com/concurrency-kit/kit/exercises/08_confine"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// corpus is a small set of docs with tricky white space, case, punctuation
// and letters outside ASCII. Most docs have a word no other doc has, so a doc
// that is lost or counted twice changes the counts.
var corpus = []string{
	"the cat sat on the mat",
	"The cat and the hat",
	"",
	"go go GO Go go.",
	"  spaces\tand\ttabs\nand newlines  ",
	"café naïve café 世界 世界",
	"   ",
	"one",
	"the end. the end",
	"a b c d e f g h",
	"mat mat mat",
}

// countWords is the sequential reference: what WordCount must return.
func countWords(docs []string, split func(string) []string) map[string]int {
	counts := map[string]int{}
	for _, doc := range docs {
		for _, w := range split(doc) {
			counts[w]++
		}
	}
	return counts
}

// bigCorpus makes n docs of 0 to 40 words from a vocabulary of 60, the same
// docs on every run.
func bigCorpus(n int) []string {
	r := rand.New(rand.NewPCG(8, 8))
	docs := make([]string, n)
	for i := range docs {
		words := make([]string, r.IntN(41))
		for j := range words {
			words[j] = fmt.Sprintf("w%02d", r.IntN(60))
		}
		docs[i] = strings.Join(words, " ")
	}
	return docs
}

// signedPowers returns +1, -2, +4, -8, ... (n numbers, n <= 62). No
// non-empty subset of them sums to 0, so a Sum that loses or repeats any
// share of them is always wrong.
func signedPowers(n int) []int64 {
	nums := make([]int64, n)
	for i := range nums {
		nums[i] = int64(1) << i
		if i%2 == 1 {
			nums[i] = -nums[i]
		}
	}
	return nums
}

// randomNums makes n numbers spread over the whole int64 range (their sum
// wraps around many times), the same numbers on every run.
func randomNums(n int) []int64 {
	r := rand.New(rand.NewPCG(64, 64))
	nums := make([]int64, n)
	for i := range nums {
		nums[i] = int64(r.Uint64())
	}
	return nums
}

func sumOf(nums []int64) int64 {
	var s int64
	for _, n := range nums {
		s += n
	}
	return s
}

// diffCounts describes, briefly, how got differs from want ("" if it does
// not): a few words with the wrong count, and how many words differ.
func diffCounts(want, got map[string]int) string {
	var bad []string
	for w, n := range want {
		if got[w] != n {
			bad = append(bad, fmt.Sprintf("%q: want %d, got %d", w, n, got[w]))
		}
	}
	for w, n := range got {
		if _, ok := want[w]; !ok {
			bad = append(bad, fmt.Sprintf("%q: want no entry, got %d", w, n))
		}
	}
	if len(bad) == 0 {
		return ""
	}
	slices.Sort(bad)
	total, more := len(bad), ""
	if total > 5 {
		more = fmt.Sprintf("; and %d more", total-5)
		bad = bad[:5]
	}
	return fmt.Sprintf("%d words have the wrong count (%s%s)", total, strings.Join(bad, "; "), more)
}

// requireCounts fails unless got is a non-nil map equal to want.
func requireCounts(t *testing.T, want, got map[string]int, call string) {
	t.Helper()
	require.NotNilf(t, got, "%s returned a nil map; return an empty map when there are no words", call)
	if d := diffCounts(want, got); d != "" {
		require.Failf(t, "wrong word counts", "%s: %s", call, d)
	}
}

// TestWordCountBasics: with one worker (and with workers <= 0, which means
// one), WordCount counts words the way strings.Fields splits them, returns an
// empty map (not nil) when there are no words, and leaves docs alone.
// WordCountFunc counts the words its split function returns.
func TestWordCountBasics(t *testing.T) {
	harness.Setup(t)
	cases := []struct {
		name string
		docs []string
		want map[string]int
	}{
		{"one doc", []string{"the cat and the hat"}, map[string]int{"the": 2, "cat": 1, "and": 1, "hat": 1}},
		{"several docs", []string{"a b", "b c", "c a a"}, map[string]int{"a": 3, "b": 2, "c": 2}},
		{"case and punctuation are kept", []string{"Go go go. GO go"}, map[string]int{"Go": 1, "go": 2, "go.": 1, "GO": 1}},
		{"any white space separates words", []string{" \tx\n\ny  x\r\n", "y\vz"}, map[string]int{"x": 2, "y": 2, "z": 1}},
		{"letters outside ASCII", []string{"café 世界 café", "naïve"}, map[string]int{"café": 2, "世界": 1, "naïve": 1}},
		{"empty and blank docs", []string{"", "   ", "\n\t"}, map[string]int{}},
		{"nil docs", nil, map[string]int{}},
		{"no docs", []string{}, map[string]int{}},
	}
	for _, tc := range cases {
		// math.MaxInt workers: at most one per doc can have anything to do,
		// so at most that many may be started (or given a slot or a channel).
		for _, workers := range []int{1, 0, -3, 3, math.MaxInt} {
			docs := slices.Clone(tc.docs)
			got := confine.WordCount(docs, workers)
			requireCounts(t, tc.want, got, fmt.Sprintf("%s: WordCount(%q, %d)", tc.name, tc.docs, workers))
			require.Equalf(t, tc.docs, docs, "%s: WordCount must not modify docs", tc.name)
		}
	}

	t.Run("WordCountFunc counts what split returns", func(t *testing.T) {
		docs := []string{"a,b,a", "b", "c,a"}
		byComma := func(doc string) []string { return strings.Split(doc, ",") }
		got := confine.WordCountFunc(docs, 1, byComma)
		requireCounts(t, map[string]int{"a": 3, "b": 2, "c": 1}, got, `WordCountFunc(docs, 1, split on ",")`)
	})
	t.Run("WordCountFunc with a nil split uses strings.Fields", func(t *testing.T) {
		got := confine.WordCountFunc(corpus, 1, nil)
		requireCounts(t, countWords(corpus, strings.Fields), got, "WordCountFunc(corpus, 1, nil)")
	})
}

// TestWordCountSplits: every way of spreading the docs over workers gives
// the counts of a sequential count: 0 to 11 docs with 1 to len(docs)+3
// workers (so also more workers than docs), and 300 docs with up to 500
// workers. Run it with -race: workers that write into one shared map, or a
// merge that reads a partial map while its worker still fills it, are data
// races even when the numbers come out right.
func TestWordCountSplits(t *testing.T) {
	harness.Setup(t)
	for n := 0; n <= len(corpus); n++ {
		docs := corpus[:n]
		want := countWords(docs, strings.Fields)
		for workers := 1; workers <= n+3; workers++ {
			got := confine.WordCount(docs, workers)
			requireCounts(t, want, got, fmt.Sprintf("WordCount(%d docs, %d workers)", n, workers))
		}
	}
	big := bigCorpus(300)
	want := countWords(big, strings.Fields)
	for _, workers := range []int{1, 2, 3, 7, 16, 64, 299, 300, 301, 500, math.MaxInt} {
		docs := slices.Clone(big)
		got := confine.WordCount(docs, workers)
		requireCounts(t, want, got, fmt.Sprintf("WordCount(300 docs, %d workers)", workers))
		require.Equalf(t, big, docs, "WordCount(300 docs, %d workers) must not modify docs (not even their order)", workers)
	}
}

// shareDocs makes n docs, each with a word of its own and a word they all
// share.
func shareDocs(n int) []string {
	docs := make([]string, n)
	for i := range docs {
		docs[i] = fmt.Sprintf("doc%d shared", i)
	}
	return docs
}

// patience bounds the wait, on the real scheduler, for something a correct
// solution does at once.
const patience = 3 * time.Second

// stateOf returns the state of goroutine id as runtime.Stack shows it
// ("chan receive", "sync.WaitGroup.Wait", "running", "runnable", ...), or ""
// if there is no such goroutine.
func stateOf(id uint64) string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	prefix := "goroutine " + strconv.FormatUint(id, 10) + " ["
	for _, g := range strings.Split(string(buf), "\n\n") {
		if rest, ok := strings.CutPrefix(g, prefix); ok {
			state, _, _ := strings.Cut(rest, "]")
			state, _, _ = strings.Cut(state, ",")
			return state
		}
	}
	return ""
}

// blocked tells whether a goroutine state is a wait for another goroutine
// (a channel, a select, a WaitGroup, a mutex...), not running, runnable or
// sleeping.
func blocked(state string) bool {
	for _, s := range []string{"chan receive", "chan send", "select", "sync.", "semacquire"} {
		if strings.HasPrefix(state, s) {
			return true
		}
	}
	return false
}

// requireWorkersOverlap runs WordCountFunc(docs, workers, split) on the real
// scheduler with a split that blocks until the test lets it go, and requires
// that min(workers, len(docs)) calls of split get in progress at once while
// the goroutine that called WordCountFunc waits, blocked. It runs before the
// synctest tests, which would hang (until the time limit) on the mistakes it
// reports: a lock held while split runs makes the other workers wait on a
// mutex, and a merger that spins never blocks, and synctest.Wait waits for
// both in vain.
func requireWorkersOverlap(t *testing.T, docs, workers int) {
	t.Helper()
	gate := make(chan struct{})
	var inFlight atomic.Int64
	split := func(doc string) []string {
		inFlight.Add(1)
		<-gate
		return strings.Fields(doc)
	}
	ids := make(chan uint64, 1)
	done := make(chan map[string]int, 1)
	texts := shareDocs(docs)
	go func() {
		ids <- harness.GoroutineID()
		done <- confine.WordCountFunc(texts, workers, split)
	}()
	caller := <-ids
	want := int64(min(workers, docs))
	deadline := time.Now().Add(patience)
	var state string
	for {
		state = stateOf(caller)
		if inFlight.Load() == want && blocked(state) {
			// Enough calls are in split and the caller waits. Give the
			// scheduler many more turns: a version that starts more
			// goroutines than workers gets the rest of them into split too.
			// Now and then this goroutine sleeps instead of yielding: a
			// yield puts it back in the global queue, where its processor
			// finds it again before it would take goroutines queued on
			// another processor, whose thread a loaded machine may have
			// put aside.
			for turn := range 1000 {
				if inFlight.Load() > want {
					break
				}
				if turn%100 == 99 {
					time.Sleep(50 * time.Microsecond)
				} else {
					runtime.Gosched()
				}
			}
			break
		}
		if len(done) > 0 || inFlight.Load() > want || time.Now().After(deadline) {
			break
		}
		runtime.Gosched()
	}
	atOnce := inFlight.Load()
	returned := len(done) > 0
	close(gate)
	got := <-done
	switch {
	case returned:
		require.Failf(t, "WordCountFunc did not wait",
			"WordCountFunc(%d docs, %d workers) returned while %d calls of split were still blocked: it must "+
				"start the workers, then wait until every one of them has handed over its partial result",
			docs, workers, atOnce)
	case atOnce > want:
		require.Failf(t, "too many goroutines",
			"WordCountFunc(%d docs, %d workers) with a split that blocks: %d calls of split were in progress at "+
				"once; start at most workers goroutines and give each a share of the docs, not a goroutine per doc",
			docs, workers, atOnce)
	case atOnce < want && blocked(state):
		require.Failf(t, "workers do not overlap",
			"WordCountFunc(%d docs, %d workers) with a split that blocks: after %v only %d calls of split were in "+
				"progress, want %d at once. Do the workers take turns on a lock held while they split and count? "+
				"Each worker counts into a map of its own, so no lock is needed while it works",
			docs, workers, patience, atOnce, want)
	case atOnce == want && !blocked(state):
		require.Failf(t, "the caller does not block",
			"WordCountFunc(%d docs, %d workers): while every worker was in split, the goroutine that called "+
				"WordCountFunc was %q, not blocked: it must wait for the partial results by blocking (receive from "+
				"a channel, wg.Wait), not spin in a loop that looks again and again", docs, workers, state)
	case atOnce != want:
		require.Failf(t, "workers do not overlap",
			"WordCountFunc(%d docs, %d workers) with a split that blocks: after %v %d calls of split were in "+
				"progress, want %d at once (min(workers, len(docs))), and the calling goroutine was %q",
			docs, workers, patience, atOnce, want, state)
	}
	requireCounts(t, countWords(texts, strings.Fields), got, fmt.Sprintf("WordCountFunc(%d docs, %d workers)", docs, workers))
}

// TestWordCountUsesWorkers: the docs really are split by workers goroutines
// at the same time: with a split function that blocks, exactly
// min(workers, len(docs)) calls of split are in progress at once. One call
// means the docs were counted one after the other; more than workers means
// WordCountFunc started a goroutine per doc instead of per worker.
func TestWordCountUsesWorkers(t *testing.T) {
	harness.Setup(t)
	requireWorkersOverlap(t, 8, 4)
	cases := []struct{ docs, workers int }{
		{8, 2}, {8, 4}, {9, 3}, {6, 6}, {12, 3}, {4, 1},
		// Ragged splits: with shares of ceil(len(docs)/workers) docs, some
		// workers would get nothing (9 docs, 4 workers: 3+3+3+0).
		{9, 4}, {7, 5}, {11, 6},
		// More workers than any plausible cap (NumCPU, 8, 32...).
		{100, 100}, {300, 257},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d docs, %d workers", tc.docs, tc.workers), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				docs := shareDocs(tc.docs)
				gate := make(chan struct{})
				var inFlight, peak atomic.Int64
				split := func(doc string) []string {
					n := inFlight.Add(1)
					for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
					}
					<-gate
					inFlight.Add(-1)
					return strings.Fields(doc)
				}
				done := make(chan struct{})
				go func() {
					defer close(done)
					confine.WordCountFunc(docs, tc.workers, split)
				}()
				synctest.Wait() // every goroutine is now blocked: in split, or done
				atOnce := int(inFlight.Load())
				close(gate) // let everyone finish before any assertion
				<-done

				want := min(tc.workers, tc.docs)
				switch {
				case atOnce == 0:
					require.Failf(t, "split was never in progress",
						"WordCountFunc(%d docs, %d workers) returned or got stuck without a call of split in progress; "+
							"want %d calls of split running at once", tc.docs, tc.workers, want)
				case atOnce < want:
					require.Failf(t, "not enough workers at once",
						"with a split that blocks, only %d calls of split were in progress at once; want %d "+
							"(min(workers, len(docs))): start every worker in its own goroutine before waiting for any",
						atOnce, want)
				case atOnce > tc.workers:
					require.Failf(t, "too many goroutines",
						"%d calls of split were in progress at once with workers = %d: start at most workers "+
							"goroutines and give each a share of the docs, not a goroutine per doc", atOnce, tc.workers)
				}
				require.Equal(t, want, atOnce, "calls of split in progress at once")
				require.LessOrEqualf(t, int(peak.Load()), tc.workers,
					"at some point %d calls of split were in progress with workers = %d", peak.Load(), tc.workers)
			})
		})
	}
}

// TestWordCountWaitsForEveryWorker: WordCountFunc merges and returns only
// after every worker has finished and handed over its partial map, and the
// result then holds every worker's counts. The split calls are let through
// one at a time; after each one the test checks that WordCountFunc is still
// waiting while some doc has not been split yet.
func TestWordCountWaitsForEveryWorker(t *testing.T) {
	harness.Setup(t)
	requireWorkersOverlap(t, 6, 3)
	cases := []struct{ docs, workers int }{
		{6, 3}, {8, 2}, {5, 5}, {4, 1}, {7, 3},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d docs, %d workers", tc.docs, tc.workers), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				docs := shareDocs(tc.docs)
				var mu sync.Mutex
				var waiting []chan struct{} // one per split call in progress, oldest first
				open := false               // after the test ends: let every call through
				split := func(doc string) []string {
					mu.Lock()
					if open {
						mu.Unlock()
						return strings.Fields(doc)
					}
					ch := make(chan struct{})
					waiting = append(waiting, ch)
					mu.Unlock()
					<-ch
					return strings.Fields(doc)
				}
				t.Cleanup(func() { // runs in the bubble, before it waits for its goroutines
					mu.Lock()
					defer mu.Unlock()
					open = true
					for _, ch := range waiting {
						close(ch)
					}
					waiting = nil
				})

				done := make(chan map[string]int, 1)
				go func() { done <- confine.WordCountFunc(docs, tc.workers, split) }()
				for finished := 0; ; finished++ {
					synctest.Wait() // every goroutine is blocked: in split, or done
					select {
					case got := <-done:
						require.Equalf(t, tc.docs, finished,
							"WordCountFunc(%d docs, %d workers) returned when only %d of the %d calls of split had "+
								"returned: it must wait until every worker has handed over its partial map, and merge "+
								"only then", tc.docs, tc.workers, finished, tc.docs)
						requireCounts(t, countWords(docs, strings.Fields), got,
							fmt.Sprintf("WordCountFunc(%d docs, %d workers)", tc.docs, tc.workers))
						return
					default:
					}
					mu.Lock()
					if len(waiting) == 0 {
						mu.Unlock()
						require.Failf(t, "WordCountFunc is stuck",
							"after %d of %d calls of split returned, no call of split is in progress and "+
								"WordCountFunc has not returned: it waits for a partial result no worker will send",
							finished, tc.docs)
					}
					next := waiting[0]
					waiting = waiting[1:]
					mu.Unlock()
					close(next) // let one call of split return
				}
			})
		})
	}
}

// TestSumBasics: with one worker (and with workers <= 0, which means one),
// Sum adds up nums, gives 0 for no numbers, wraps around on overflow like Go's
// int64 addition, and leaves nums alone.
func TestSumBasics(t *testing.T) {
	harness.Setup(t)
	cases := []struct {
		name string
		nums []int64
		want int64
	}{
		{"nil", nil, 0},
		{"empty", []int64{}, 0},
		{"one number", []int64{42}, 42},
		{"1 to 10", []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 55},
		{"negative numbers", []int64{-5, 3, -1}, -3},
		{"overflow wraps around", []int64{math.MaxInt64, 1}, math.MinInt64},
		{"overflow and back", []int64{math.MaxInt64, 10, -20}, math.MaxInt64 - 10},
	}
	for _, tc := range cases {
		for _, workers := range []int{1, 0, -2, 3, math.MaxInt} { // see TestWordCountBasics
			nums := slices.Clone(tc.nums)
			got := confine.Sum(nums, workers)
			require.Equalf(t, tc.want, got, "%s: Sum(%v, %d)", tc.name, tc.nums, workers)
			require.Equalf(t, tc.nums, nums, "%s: Sum must not modify nums", tc.name)
		}
	}
}

// TestSumSplits: every way of spreading nums over workers gives the same sum:
// 0 to 40 numbers with 1 to len(nums)+3 workers, and 5000 numbers with up to
// 6000 workers. Run it with -race: workers adding into one shared total are
// a data race, however the numbers come out.
func TestSumSplits(t *testing.T) {
	harness.Setup(t)
	powers := signedPowers(40)
	for n := 0; n <= len(powers); n++ {
		nums := powers[:n]
		want := sumOf(nums)
		for workers := 1; workers <= n+3; workers++ {
			require.Equalf(t, want, confine.Sum(nums, workers),
				"Sum(%d numbers, %d workers): some share of the numbers was lost or added twice", n, workers)
		}
	}
	big := randomNums(5000)
	want := sumOf(big)
	for _, workers := range []int{1, 2, 3, 7, 16, 100, 4999, 5000, 6000, math.MaxInt} {
		require.Equalf(t, want, confine.Sum(big, workers),
			"Sum(5000 numbers, %d workers): some share of the numbers was lost or added twice", workers)
	}
}

// TestSameResultForAnyGOMAXPROCS: WordCount and Sum give the same answer
// however many threads run the goroutines (GOMAXPROCS 1, 2, 4, 8), for
// several numbers of workers. With GOMAXPROCS 1 the goroutines take turns
// on one thread, with more they run in parallel; a correct program does not
// care.
func TestSameResultForAnyGOMAXPROCS(t *testing.T) {
	harness.Setup(t)
	prev := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(prev) })

	docs := bigCorpus(400)
	nums := randomNums(50000)
	wantCounts := countWords(docs, strings.Fields)
	wantSum := sumOf(nums)
	for _, procs := range []int{1, 2, 4, 8} {
		runtime.GOMAXPROCS(procs)
		for _, workers := range []int{2, 3, 8, 32} {
			got := confine.WordCount(docs, workers)
			requireCounts(t, wantCounts, got, fmt.Sprintf("GOMAXPROCS %d: WordCount(400 docs, %d workers)", procs, workers))
			require.Equalf(t, wantSum, confine.Sum(nums, workers),
				"GOMAXPROCS %d: Sum(50000 numbers, %d workers)", procs, workers)
		}
	}
}
