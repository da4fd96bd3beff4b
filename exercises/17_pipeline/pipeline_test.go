package pipeline_test

import (
	"context"
	"fmt"
	"math"
	"regexp"
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

	pipeline "github.com/concurrency-kit/kit/exercises/17_pipeline"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// Every test runs in a synctest bubble (harness.Bubble). synctest.Wait()
// returns once every other goroutine of the bubble is blocked, so after it
// the test knows the pipeline has done all it can: a value it can receive
// without waiting is there, a value it cannot receive will never come. No
// test sleeps or guesses.
//
// A bubble must be empty when its test ends: a goroutine still blocked
// there fails the test ("blocked goroutines remain"), which the grader
// reports as a leak. Before that, the tests below look at the goroutines
// themselves and say where yours are stuck.

// pkgFrame starts the name of every function of package pipeline in a
// goroutine dump (the test's own functions are in pipeline_test).
const pkgFrame = "github.com/concurrency-kit/kit/exercises/17_pipeline."

// source returns a channel that holds items and is already closed: an input
// for Map or Merge that needs no goroutine (and no Generate).
func source[T any](items ...T) <-chan T {
	ch := make(chan T, len(items))
	for _, v := range items {
		ch <- v
	}
	close(ch)
	return ch
}

// upTo returns 0, 1, ..., n-1.
func upTo(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// stage calls build (Generate, Map or Merge) in a goroutine and returns the
// channel it returned. The call must return at once, before anyone reads.
func stage[T any](t *testing.T, name string, build func() <-chan T) <-chan T {
	t.Helper()
	ret := make(chan (<-chan T), 1)
	go func() { ret <- build() }()
	synctest.Wait()
	select {
	case out := <-ret:
		require.NotNilf(t, out, "%s returned a nil channel", name)
		return out
	default:
		require.FailNowf(t, name+" did not return",
			"%s must return its output channel at once, before anyone reads from it: "+
				"start goroutines that do the work, and return", name)
		return nil
	}
}

// poll receives one value from ch if the bubble can produce one: it lets
// every other goroutine run until they are all blocked, then receives
// without waiting. ready is false when nothing could be received: ch is
// open and nobody is going to send on it.
func poll[T any](ch <-chan T) (v T, ok, ready bool) {
	select {
	case v, ok = <-ch:
		return v, ok, true
	default:
	}
	synctest.Wait()
	select {
	case v, ok = <-ch:
		return v, ok, true
	default:
		return v, false, false
	}
}

// next receives one value from ch and fails the test if there is none.
func next[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	v, ok, ready := poll(ch)
	require.Truef(t, ready, "%s: no value came out and the channel stayed open", what)
	require.Truef(t, ok, "%s: the channel was closed instead", what)
	return v
}

// collect receives from out until it is closed and returns what came.
func collect[T any](t *testing.T, out <-chan T, what string) []T {
	t.Helper()
	var got []T
	for {
		v, ok, ready := poll(out)
		if !ready {
			require.FailNowf(t, what+" was never closed",
				"%s: %d values came out, then nothing, and the channel was not closed: "+
					"close the output once everything has been sent", what, len(got))
		}
		if !ok {
			return got
		}
		got = append(got, v)
	}
}

// requireNothingYet fails if ch delivers a value or is closed.
func requireNothingYet[T any](t *testing.T, ch <-chan T, msg string, args ...any) {
	t.Helper()
	if v, ok, ready := poll(ch); ready {
		if ok {
			require.Failf(t, "unexpected value", "got %v; "+msg, append([]any{v}, args...)...)
		}
		require.Failf(t, "closed too early", "the channel is closed; "+msg, args...)
	}
}

// requireClosed drains ch and fails if it is not closed in the end.
func requireClosed[T any](t *testing.T, ch <-chan T, what string) {
	t.Helper()
	for {
		_, ok, ready := poll(ch)
		if !ready {
			require.FailNowf(t, what+" was never closed",
				"%s: every goroutine has stopped, but the output channel is still open; "+
					"a stage must close its output when it stops, also when it stops because ctx is done", what)
		}
		if !ok {
			return
		}
	}
}

var (
	stateOf  = regexp.MustCompile(`^goroutine \d+ \[([^,\]]+)`)
	fileLine = regexp.MustCompile(`(?m)^\t\S*/(\w+\.go:\d+)`)
)

// stragglers describes the goroutines that run code of package pipeline
// right now: how each waits, and at which line of your file.
func stragglers() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var found []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if !strings.Contains(g, pkgFrame) {
			continue
		}
		state := "running"
		if m := stateOf.FindStringSubmatch(g); m != nil {
			state = strings.TrimSuffix(m[1], " (durable)")
		}
		where := "an unknown line"
		for _, m := range fileLine.FindAllStringSubmatch(g, -1) {
			if strings.HasPrefix(m[1], "pipeline.go:") {
				where = m[1]
				break
			}
		}
		found = append(found, state+" at "+where)
	}
	return found
}

// requireAllStopped lets the bubble settle and fails if any goroutine of
// package pipeline is still alive.
func requireAllStopped(t *testing.T, when string) {
	t.Helper()
	synctest.Wait()
	if left := stragglers(); len(left) > 0 {
		require.FailNowf(t, "goroutines left behind",
			"%s, %d goroutine(s) of the pipeline are still there, blocked forever: %s. "+
				"Every goroutine a stage starts must return once ctx is done: "+
				"wait with a select that also has case <-ctx.Done(), whenever you send a value and whenever you wait for one",
			when, len(left), strings.Join(left, "; "))
	}
}

// multisetDiff describes how got differs from want as multisets, or
// returns "" when they hold the same values the same number of times.
func multisetDiff[T comparable](want, got []T) string {
	count := map[T]int{}
	for _, v := range want {
		count[v]++
	}
	for _, v := range got {
		count[v]--
	}
	var missing, extra []string
	for v, n := range count {
		switch {
		case n > 0:
			missing = append(missing, fmt.Sprintf("%v (x%d)", v, n))
		case n < 0:
			extra = append(extra, fmt.Sprintf("%v (x%d)", v, -n))
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return ""
	}
	slices.Sort(missing)
	slices.Sort(extra)
	const show = 6
	if len(missing) > show {
		missing = append(missing[:show], "...")
	}
	if len(extra) > show {
		extra = append(extra[:show], "...")
	}
	return fmt.Sprintf("%d values expected, %d came out; missing: %v; extra (duplicated or made up): %v",
		len(want), len(got), missing, extra)
}

// sendSoon sends v on ch from a new goroutine, which gives up when ctx is
// done.
func sendSoon[T any](ctx context.Context, ch chan<- T, v T) {
	go func() {
		select {
		case ch <- v:
		case <-ctx.Done():
		}
	}()
}

// TestGenerate: Generate returns at once and sends its items in order, then
// closes its channel.
func TestGenerate(t *testing.T) {
	harness.Setup(t)
	for _, n := range []int{0, 1, 3, 100} {
		t.Run(fmt.Sprintf("%d items", n), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				items := upTo(n)
				out := stage(t, "Generate", func() <-chan int { return pipeline.Generate(ctx, items...) })
				got := collect(t, out, fmt.Sprintf("Generate with %d items", n))
				if n == 0 {
					require.Empty(t, got, "Generate with no items must close its channel without sending anything")
					return
				}
				require.Equalf(t, items, got, "Generate must send every item once, in the order given, then close")
			})
		})
	}
	t.Run("strings", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			out := stage(t, "Generate", func() <-chan string { return pipeline.Generate(ctx, "b", "a", "b") })
			require.Equal(t, []string{"b", "a", "b"}, collect(t, out, "Generate of strings"),
				"Generate must send every item once, in the order given (repeats included)")
		})
	})
}

// TestTake: Take returns the first n values in order, never receives more
// than n, and returns early when its input is closed or ctx is done.
func TestTake(t *testing.T) {
	harness.Setup(t)

	// take runs Take in a goroutine and returns its result once the bubble
	// has settled; returned is false if Take is still waiting.
	take := func(ctx context.Context, in <-chan int, n int) (result func() ([]int, bool)) {
		done := make(chan []int, 1)
		go func() { done <- pipeline.Take(ctx, in, n) }()
		var got []int
		var returned bool
		return func() ([]int, bool) {
			synctest.Wait()
			if !returned {
				select {
				case got = <-done:
					returned = true
				default:
				}
			}
			return got, returned
		}
	}

	t.Run("the first n values, and not one more", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			in := make(chan int, 10)
			for i := range 10 {
				in <- i * 10
			}
			got, returned := take(ctx, in, 3)()
			require.True(t, returned, "Take(n=3) on a channel holding 10 values must return once it has 3")
			require.Equal(t, []int{0, 10, 20}, got, "Take must return the first n values, in the order they came")
			require.Equalf(t, 7, len(in),
				"Take(n=3) received %d values from a channel of 10: it must never receive more than n, "+
					"or the values it throws away are lost (check the count before you receive, not after)", 10-len(in))
		})
	})
	t.Run("n <= 0 takes nothing", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			in := make(chan int, 3)
			for i := range 3 {
				in <- i
			}
			for _, n := range []int{0, -2} {
				got, returned := take(ctx, in, n)()
				require.Truef(t, returned, "Take(n=%d) must return at once", n)
				require.Emptyf(t, got, "Take(n=%d) must return no values", n)
				require.Equalf(t, 3, len(in), "Take(n=%d) must not receive anything", n)
			}
		})
	})
	t.Run("fewer when the input closes", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			in := make(chan int)
			go func() {
				defer close(in)
				for i := 1; i <= 4; i++ {
					select {
					case in <- i:
					case <-ctx.Done():
						return
					}
				}
			}()
			got, returned := take(ctx, in, 10)()
			require.True(t, returned, "Take(n=10) must return when its input is closed after 4 values")
			require.Equal(t, []int{1, 2, 3, 4}, got, "Take must return every value that came before the input closed")
		})
	})
	t.Run("what it has when ctx is done", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			in := make(chan int, 5)
			in <- 7
			in <- 8
			result := take(ctx, in, 5)
			_, returned := result()
			require.False(t, returned,
				"Take(n=5) returned after 2 values although its input is still open and ctx is not done: it must wait for more")
			cancel()
			got, returned := result()
			require.True(t, returned, "Take must return once ctx is done, even though its input stays open and silent")
			require.Equal(t, []int{7, 8}, got, "Take must return the values it received before ctx was done")
		})
	})
	t.Run("ctx done before the call", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			for range 20 { // select picks at random among ready cases: try it again and again
				in := source(1, 2, 3, 4, 5)
				got, returned := take(ctx, in, 3)()
				require.True(t, returned, "Take with a ctx that is already done must return at once")
				require.Equalf(t, 5, len(got)+len(in),
					"Take with a ctx that was already done returned %v and left %d of 5 values in its input: "+
						"a value it receives it must return, never receive and then throw away", got, len(in))
				require.Equal(t, []int{1, 2, 3}[:len(got)], got, "Take returns the values it received, in order")
			}
		})
	})
	t.Run("n = math.MaxInt takes everything", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			got, returned := take(ctx, source(4, 5, 6), math.MaxInt)()
			require.True(t, returned, "Take(n=math.MaxInt) on a closed input of 3 values")
			require.Equal(t, []int{4, 5, 6}, got, "Take(n=math.MaxInt) takes everything until the input closes: "+
				"do not make room for n values up front")
		})
	})
}

// TestStagesWithAnyContext: the stages work with a ctx that never ends (they
// stop because their input closes, and leave nothing behind), with a reader
// that is slow (however long nobody reads, nothing is dropped), and Map's
// output stays open after a cancel while a call of f still runs.
func TestStagesWithAnyContext(t *testing.T) {
	harness.Setup(t)
	t.Run("a ctx that never ends", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx := context.Background()
			double := func(v int) int { return 2 * v }
			out := stage(t, "the pipeline", func() <-chan int {
				return pipeline.Merge(ctx, pipeline.Map(ctx, pipeline.Generate(ctx, upTo(30)...), 3, double),
					pipeline.Generate(ctx, 100, 101))
			})
			got := pipeline.Take(ctx, out, math.MaxInt)
			want := append([]int{100, 101}, upTo(30)...)
			for i := range 30 {
				want[2+i] = 2 * i
			}
			require.Emptyf(t, multisetDiff(want, got), "Merge(Map(Generate(0..29), double), Generate(100, 101)) "+
				"with a ctx that never ends: %s", multisetDiff(want, got))
			requireAllStopped(t, "with a ctx that is never cancelled, after every output was closed and read")
		})
	})
	t.Run("a slow reader", func(t *testing.T) {
		budget := harness.RealBudget(t, 3*time.Second)
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			out := stage(t, "Map(Generate)", func() <-chan int {
				return pipeline.Map(ctx, pipeline.Generate(ctx, upTo(6)...), 2, func(v int) int { return v })
			})
			first := next(t, out, "the first value")
			// Nobody reads for a century of fake time: every stage waits to
			// send, and gives up on nothing.
			_, polled := harness.LetTimePass(budget, func() bool { return false })
			require.False(t, polled, "while nobody read, a stage kept waking up (a century of fake time took more "+
				"than 3 s): wait to send with a select on the send and ctx.Done(), not by sleeping and trying again")
			got := append([]int{first}, collect(t, out, "Map(Generate(0..5)) after a century without a reader")...)
			require.Emptyf(t, multisetDiff(upTo(6), got), "after a century without a reader: %s", multisetDiff(upTo(6), got))
			requireAllStopped(t, "after the slow reader read everything")
		})
	})
	t.Run("cancel while f runs", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			gate := make(chan struct{})
			var inF atomic.Int32
			f := func(v int) int {
				inF.Add(1)
				<-gate
				inF.Add(-1)
				return v
			}
			out := stage(t, "Map", func() <-chan int { return pipeline.Map(ctx, source(1, 2, 3), 2, f) })
			synctest.Wait()
			require.Equal(t, int32(2), inF.Load(), "Map with 2 workers: calls of f running at once")
			cancel()
			requireNothingYet(t, out, "Map's output was closed after a cancel while 2 calls of f still ran: "+
				"close the output only once every worker, and the f it runs, has returned")
			close(gate)
			requireClosed(t, out, "Map after a cancel, once f returned")
			requireAllStopped(t, "after a cancel, once f returned")
		})
	})
}

// TestMapEveryResultOnce: every value from the input gives exactly one call
// of f and exactly one result, whatever the number of workers, and the
// output is closed after the last result.
func TestMapEveryResultOnce(t *testing.T) {
	harness.Setup(t)
	for _, workers := range []int{1, 2, 3, 8} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				for _, size := range []int{0, 1, 2, 7, 64, 500} {
					ctx, cancel := context.WithCancel(context.Background())
					items := make([]int, size)
					var want []string
					for i := range items {
						items[i] = i % 5 // repeated values: results are a multiset, not a set
						want = append(want, strconv.Itoa(items[i]*items[i]))
					}
					var calls atomic.Int64
					square := func(x int) string { calls.Add(1); return strconv.Itoa(x * x) }

					out := stage(t, "Map", func() <-chan string { return pipeline.Map(ctx, source(items...), workers, square) })
					got := collect(t, out, fmt.Sprintf("Map with %d workers over %d values", workers, size))
					if diff := multisetDiff(want, got); diff != "" {
						require.Failf(t, "results lost or duplicated",
							"Map with %d workers over %d values: %s. Every value from the input must give exactly one result, "+
								"and the output may close only after every worker has sent its last result", workers, size, diff)
					}
					require.Equalf(t, int64(size), calls.Load(),
						"Map with %d workers over %d values must call f exactly once per value", workers, size)
					cancel()
				}
			})
		})
	}
}

// TestMapFanOutWidth: Map runs exactly workers calls of f at the same time
// (one when workers <= 0), and still delivers every result.
func TestMapFanOutWidth(t *testing.T) {
	harness.Setup(t)
	// Widths past any plausible cap (the core count, 32, 64, 256) too: Map
	// must start exactly the workers it is asked for.
	cases := []struct{ workers, want int }{{1, 1}, {2, 2}, {3, 3}, {5, 5}, {0, 1}, {-3, 1}, {100, 100}, {1000, 1000}}
	for _, tc := range cases {
		items := max(12, tc.want+tc.want/2+1) // more values than workers, and not a multiple of them
		t.Run(fmt.Sprintf("workers=%d", tc.workers), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				gate := make(chan struct{})
				release := sync.OnceFunc(func() { close(gate) })
				defer release()
				var inFlight, calls atomic.Int64
				slow := func(x int) int {
					inFlight.Add(1)
					calls.Add(1)
					<-gate // every call waits here until the test opens the gate
					inFlight.Add(-1)
					return x * 10
				}
				out := stage(t, "Map", func() <-chan int { return pipeline.Map(ctx, source(upTo(items)...), tc.workers, slow) })
				synctest.Wait()
				running := inFlight.Load()
				hint := "start exactly workers goroutines that all receive from in (workers <= 0 means 1)"
				if running > int64(tc.want) {
					hint = "start a fixed set of workers goroutines, not one goroutine per value"
				}
				require.Equalf(t, int64(tc.want), running,
					"Map(workers=%d) over %d values whose f blocks: %d calls of f were running at the same time, want exactly %d; %s",
					tc.workers, items, running, tc.want, hint)

				release()
				var want []int
				for i := range items {
					want = append(want, i*10)
				}
				got := collect(t, out, fmt.Sprintf("Map(workers=%d)", tc.workers))
				if diff := multisetDiff(want, got); diff != "" {
					require.Failf(t, "results lost or duplicated", "Map(workers=%d): %s", tc.workers, diff)
				}
				require.Equalf(t, int64(items), calls.Load(), "Map(workers=%d) must call f once per value", tc.workers)
			})
		})
	}
}

// TestMergeEveryValueOnce: Merge forwards every value of every input
// exactly once, closes its output after the last input closed, and with no
// inputs returns a closed channel.
func TestMergeEveryValueOnce(t *testing.T) {
	harness.Setup(t)
	t.Run("no inputs", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			out := stage(t, "Merge", func() <-chan int { return pipeline.Merge[int](ctx) })
			got := collect(t, out, "Merge of no channels")
			require.Empty(t, got, "Merge of no channels must return a closed channel that sends nothing")
		})
	})
	cases := [][]int{ // the sizes of the inputs
		{5},
		{0},
		{3, 3},
		{1, 0, 4},
		{0, 1000},
		{1000, 0, 1, 999},
		{10, 20, 30, 40, 50, 60, 70},
		{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2},
	}
	for _, sizes := range cases {
		t.Run(fmt.Sprintf("sizes %v", sizes), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var want []int
				ins := make([]<-chan int, len(sizes))
				for k, size := range sizes {
					items := make([]int, size)
					for j := range items {
						items[j] = j % 4 // the same values on every input: a multiset
					}
					want = append(want, items...)
					ins[k] = source(items...)
				}
				out := stage(t, "Merge", func() <-chan int { return pipeline.Merge(ctx, ins...) })
				got := collect(t, out, fmt.Sprintf("Merge of inputs with %v values", sizes))
				if diff := multisetDiff(want, got); diff != "" {
					require.Failf(t, "values lost or duplicated",
						"Merge of %d inputs with %v values: %s. Forward every value once, and close the output "+
							"only after every input is closed and its values are sent", len(sizes), sizes, diff)
				}
			})
		})
	}
}

// TestMergeLiveInputs: Merge reads all its inputs at once (a value on any
// input comes out while the others are idle), keeps its output open while
// any input is open, and closes it right after the last input closes.
func TestMergeLiveInputs(t *testing.T) {
	harness.Setup(t)
	harness.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		a, b, c := make(chan int), make(chan int), make(chan int)
		out := stage(t, "Merge", func() <-chan int { return pipeline.Merge(ctx, a, b, c) })
		requireNothingYet(t, out, "Merge of three open, silent inputs must neither send nor close")

		sendSoon(ctx, c, 30)
		v, ok, ready := poll(out)
		require.Truef(t, ready && ok,
			"a value sent on the third input did not come out while the first two inputs were open but silent: "+
				"Merge must read all its inputs at the same time, one goroutine per input (ready %v, open %v)", ready, ok)
		require.Equal(t, 30, v, "Merge must forward the value sent on its third input")

		sendSoon(ctx, a, 10)
		require.Equal(t, 10, next(t, out, "a value sent on the first input"))

		close(a)
		requireNothingYet(t, out, "after only the first of three inputs was closed, Merge's output must stay open")
		close(c)
		requireNothingYet(t, out, "after two of three inputs were closed, Merge's output must stay open")

		sendSoon(ctx, b, 20)
		require.Equal(t, 20, next(t, out, "a value sent on the last open input"))

		close(b)
		_, ok, ready = poll(out)
		require.Truef(t, ready && !ok, "Merge's output must be closed once all its inputs are closed (ready %v, open %v)", ready, ok)
	})
}

// TestStopEarlyLeavesNoGoroutine: the consumer reads a few values, cancels
// and stops reading. Every goroutine of every stage must then return, also
// those that hold a value nobody will read, and every output is closed.
func TestStopEarlyLeavesNoGoroutine(t *testing.T) {
	harness.Setup(t)
	double := func(x int) int { return 2 * x }
	cases := []struct {
		name  string
		reads int
		build func(ctx context.Context) <-chan int
	}{
		{"Generate", 3, func(ctx context.Context) <-chan int {
			return pipeline.Generate(ctx, upTo(100)...)
		}},
		{"Map", 3, func(ctx context.Context) <-chan int {
			return pipeline.Map(ctx, source(upTo(100)...), 4, double)
		}},
		{"Merge", 3, func(ctx context.Context) <-chan int {
			return pipeline.Merge(ctx, source(upTo(50)...), source(upTo(50)...), source(upTo(50)...))
		}},
		{"Map with nobody reading", 0, func(ctx context.Context) <-chan int {
			return pipeline.Map(ctx, source(upTo(10)...), 3, double)
		}},
		{"Generate, Map and Merge together", 5, func(ctx context.Context) <-chan int {
			evens := pipeline.Map(ctx, pipeline.Generate(ctx, upTo(1000)...), 4, double)
			odds := pipeline.Map(ctx, pipeline.Generate(ctx, upTo(1000)...), 2, func(x int) int { return 2*x + 1 })
			return pipeline.Merge(ctx, evens, odds, pipeline.Generate(ctx, -1, -2, -3))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				out := stage(t, tc.name, func() <-chan int { return tc.build(ctx) })
				for i := range tc.reads {
					next(t, out, fmt.Sprintf("%s: value #%d of many", tc.name, i+1))
				}
				synctest.Wait() // every stage is now blocked, most of them on a send nobody will read
				cancel()        // the consumer has enough and stops reading
				requireAllStopped(t, fmt.Sprintf("%s: after reading %d values and cancelling ctx", tc.name, tc.reads))
				requireClosed(t, out, tc.name)
			})
		})
	}
}

// TestCancelStopsWaitingStages: a stage whose input stays open, with no
// value coming, must stop when ctx is done, and close its output.
func TestCancelStopsWaitingStages(t *testing.T) {
	harness.Setup(t)
	t.Run("Map", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			in := make(chan int) // never closed
			out := stage(t, "Map", func() <-chan int {
				return pipeline.Map(ctx, in, 3, func(x int) int { return x + 1 })
			})
			sendSoon(ctx, in, 41)
			require.Equal(t, 42, next(t, out, "Map's result for the one value sent"))
			requireNothingYet(t, out, "Map's input is still open, so its output must stay open")
			cancel()
			requireAllStopped(t, "after cancelling a Map whose input stays open")
			requireClosed(t, out, "Map")
		})
	})
	t.Run("Merge", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			a, b := make(chan string), make(chan string) // never closed
			out := stage(t, "Merge", func() <-chan string { return pipeline.Merge(ctx, a, b) })
			sendSoon(ctx, b, "x")
			require.Equal(t, "x", next(t, out, "the one value sent to Merge"))
			requireNothingYet(t, out, "Merge's inputs are still open, so its output must stay open")
			cancel()
			requireAllStopped(t, "after cancelling a Merge whose inputs stay open")
			requireClosed(t, out, "Merge")
		})
	})
	t.Run("Map after Map", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			in := make(chan int) // never closed
			out := stage(t, "Map", func() <-chan string {
				return pipeline.Map(ctx, pipeline.Map(ctx, in, 2, func(x int) int { return x * x }), 2, strconv.Itoa)
			})
			requireNothingYet(t, out, "nothing was sent, and the input is still open")
			cancel()
			requireAllStopped(t, "after cancelling two Maps waiting on an open input")
			requireClosed(t, out, "the second Map")
		})
	})
}

// TestCancelStress: many short pipelines on the real scheduler, under
// several GOMAXPROCS values, cancelled while values are still flowing
// through every stage. In a synctest bubble a cancel wakes the goroutines in
// an orderly way; here a stage's send can race with the cancel, so a channel
// closed by the wrong goroutine (an output closed as soon as ctx is done,
// while a worker or forwarder may still send on it) panics or is reported
// by the race detector in some of these rounds. After the cancel every
// output must still close, and no value may come out twice.
func TestCancelStress(t *testing.T) {
	harness.Setup(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	const rounds, size = 100, 200
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		for round := range rounds {
			ctx, cancel := context.WithCancel(context.Background())
			// Three branches with distinct values, merged: 0..size-1 doubled
			// (even), 0..size-1 doubled plus one (odd), and -1..-size.
			evens := pipeline.Map(ctx, pipeline.Generate(ctx, upTo(size)...), 1+round%4, func(x int) int { return 2 * x })
			odds := pipeline.Map(ctx, pipeline.Generate(ctx, upTo(size)...), 1+round%3, func(x int) int { return 2*x + 1 })
			negs := pipeline.Generate(ctx, upTo(size)...)
			out := pipeline.Merge(ctx, evens, odds, pipeline.Map(ctx, negs, 2, func(x int) int { return -1 - x }))
			seen := map[int]bool{}
			check := func(v int) {
				if seen[v] {
					require.Failf(t, "a value came out twice",
						"GOMAXPROCS=%d, round %d: value %d came out of Merge(Map(Generate), Map(Generate), Map(Generate)) twice", procs, round, v)
				}
				seen[v] = true
			}
			got := pipeline.Take(ctx, out, round%40)
			require.Lenf(t, got, round%40,
				"GOMAXPROCS=%d, round %d: Take(n=%d) on a pipeline of %d values must return n values", procs, round, round%40, 3*size)
			for _, v := range got {
				check(v)
			}
			cancel()
			// Whatever is still on its way may come out (or be dropped), but
			// the output must close: every stage stops and closes its output.
			for v := range out {
				check(v)
			}
		}
	}
}
