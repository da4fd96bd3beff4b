package prodcons_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	prodcons "github.com/concurrency-kit/kit/exercises/16_prodcons"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// Every test runs Run inside a synctest bubble (harness.Bubble). There,
// synctest.Wait() returns once every other goroutine of the bubble is
// blocked: the test knows that the producers are stuck on a full buffer, or
// that every consumer is inside Consume, without sleeping. A goroutine that
// is still blocked when the bubble ends is a leak: the bubble then panics
// and the grader reports the test as a leak.

// shape is the size of one run.
type shape struct {
	producers, consumers, perProducer, buffer int
}

// String names the run in subtests and failure messages: "P=3 C=2
// PerProducer=50 Buffer=3" is 3 producers of 50 items each, 2 consumers and a
// buffer of 3.
func (s shape) String() string {
	return fmt.Sprintf("P=%d C=%d PerProducer=%d Buffer=%d", s.producers, s.consumers, s.perProducer, s.buffer)
}

func (s shape) total() int { return s.producers * s.perProducer }

// run is one call of Run going on in a goroutine of the bubble. Its Consume
// records every item and, while the run is held, waits for a token before
// returning, so the test decides when each Consume call ends.
type run struct {
	shape
	cancel context.CancelFunc
	call   *harness.Call[error] // Run, with the error it returns

	tokens   chan struct{} // a held Consume call returns after taking one token
	released bool          // tokens is closed: every Consume call returns at once

	mu      sync.Mutex
	got     map[prodcons.Item][]int // item -> the consumers that were given it
	badID   []int                   // consumer numbers out of 0..Consumers-1
	holding map[int]int             // consumer -> its Consume calls running now

	inside   atomic.Int64 // Consume calls running now
	finished atomic.Int64 // Consume calls that have returned
	sent     atomic.Int64 // Sent calls: items that have left the producers
}

// start calls Run in a new goroutine with a Config of shape s. If held,
// every Consume call blocks until the test lets it go (letOneGo, release).
// edit, if given, may change the Config before Run gets it.
func start(t *testing.T, s shape, held bool, edit ...func(*prodcons.Config)) *run {
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{
		shape:   s,
		cancel:  cancel,
		tokens:  make(chan struct{}),
		got:     map[prodcons.Item][]int{},
		holding: map[int]int{},
	}
	if !held {
		r.release()
	}
	cfg := prodcons.Config{
		Producers:   s.producers,
		Consumers:   s.consumers,
		PerProducer: s.perProducer,
		Buffer:      s.buffer,
		Consume:     r.consume,
		Sent:        func(prodcons.Item) { r.sent.Add(1) },
	}
	for _, e := range edit {
		e(&cfg)
	}
	t.Cleanup(func() { r.stop(t) })
	r.call = harness.Go(func() error { return prodcons.Run(ctx, cfg) })
	return r
}

func (r *run) consume(consumer int, it prodcons.Item) {
	r.mu.Lock()
	r.got[it] = append(r.got[it], consumer)
	if consumer < 0 || consumer >= r.consumers {
		r.badID = append(r.badID, consumer)
	}
	r.holding[consumer]++
	r.mu.Unlock()
	r.inside.Add(1)

	<-r.tokens

	r.inside.Add(-1)
	r.mu.Lock()
	r.holding[consumer]--
	r.mu.Unlock()
	r.finished.Add(1)
}

// state describes Run's progress for failure messages.
func (r *run) state() string {
	s := fmt.Sprintf("(%d item(s) sent, %d Consume call(s) finished, %d running", r.sent.Load(), r.finished.Load(), r.inside.Load())
	if r.call.Returned() {
		s += fmt.Sprintf("; Run returned %v", r.call.Value)
	} else {
		s += "; Run has not returned"
	}
	return s + ")"
}

// letOneGo lets exactly one held Consume call return. Call it only when a
// Consume call is waiting.
func (r *run) letOneGo() { r.tokens <- struct{}{} }

// release lets every Consume call, now and later, return at once.
func (r *run) release() {
	if !r.released {
		r.released = true
		close(r.tokens)
	}
}

// stop runs when the test ends: it lets the run finish, by itself if it
// can, or else by cancelling its context, so that the bubble can end.
func (r *run) stop(t *testing.T) {
	r.release()
	synctest.Wait()
	if !r.call.Returned() {
		r.cancel()
		synctest.Wait()
	}
	r.cancel()
	if !r.call.Returned() {
		t.Errorf("%s: Run has still not returned, although its ctx was cancelled and no Consume call is blocked any more: "+
			"a goroutine it waits for is stuck for ever %s", r.shape, r.state())
	}
}

// requireAllBusy lets the bubble settle while Consume is held, and checks
// that every consumer is inside Consume, each with an item of its own.
func (r *run) requireAllBusy(t *testing.T) {
	t.Helper()
	synctest.Wait()
	want := min(r.consumers, r.total())
	if got := int(r.inside.Load()); got != want {
		require.Failf(t, "the consumers are not all at work",
			"%s: with Consume blocked, %d Consume calls should be running at the same time (one per consumer goroutine, "+
				"each with an item of its own), but %d are %s", r.shape, want, got, r.state())
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for c, n := range r.holding {
		if n > 1 {
			require.Failf(t, "two goroutines share a consumer number",
				"%s: consumer %d is inside Consume %d times at once; each consumer number belongs to one goroutine, "+
					"which handles one item at a time", r.shape, c, n)
		}
	}
}

// requireSomeBusy lets the bubble settle while Consume is held, and checks
// that at least one Consume call is running.
func (r *run) requireSomeBusy(t *testing.T) {
	t.Helper()
	synctest.Wait()
	if r.inside.Load() == 0 {
		require.Failf(t, "no item was consumed",
			"%s: with Consume blocked, some Consume calls should be running by now, but none is %s", r.shape, r.state())
	}
}

// requireExactlyOnce checks that the items consumed are exactly the items
// made, each consumed by exactly one consumer.
func (r *run) requireExactlyOnce(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	require.Emptyf(t, r.badID, "%s: Consume was called with consumer numbers %v; consumers are numbered 0..%d",
		r.shape, r.badID, r.consumers-1)
	var lost, twice, unknown []string
	for p := range r.producers {
		for s := range r.perProducer {
			it := prodcons.Item{Producer: p, Seq: s}
			switch by := r.got[it]; {
			case len(by) == 0:
				lost = append(lost, fmt.Sprintf("%+v", it))
			case len(by) > 1:
				twice = append(twice, fmt.Sprintf("%+v by consumers %v", it, by))
			}
		}
	}
	for it := range r.got {
		if it.Producer < 0 || it.Producer >= r.producers || it.Seq < 0 || it.Seq >= r.perProducer {
			unknown = append(unknown, fmt.Sprintf("%+v", it))
		}
	}
	if len(lost)+len(twice)+len(unknown) > 0 {
		require.Failf(t, "not every item was consumed exactly once",
			"%s: %d item(s) lost (never consumed)%s; %d item(s) consumed more than once%s; %d item(s) that no producer made%s %s",
			r.shape, len(lost), examples(lost), len(twice), examples(twice), len(unknown), examples(unknown), r.state())
	}
}

// examples lists up to three of items, sorted, for a failure message.
func examples(items []string) string {
	if len(items) == 0 {
		return ""
	}
	slices.Sort(items)
	return fmt.Sprintf(", e.g. %v", items[:min(3, len(items))])
}

// checkExactlyOnce runs s with Consume held until every consumer is busy,
// then lets everything go and checks that each item was consumed once.
func checkExactlyOnce(t *testing.T, s shape) {
	budget := harness.RealBudget(t, 3*time.Second)
	harness.Bubble(t, func(t *testing.T) {
		r := start(t, s, true)
		r.requireAllBusy(t)
		// However long the consumers take, nobody gives up on an item: a
		// century of fake time passes while every consumer is held and the
		// producers wait for room.
		_, polled := harness.LetTimePass(budget, func() bool { return false })
		require.Falsef(t, polled, "%s: while every consumer was busy, something in Run kept waking up (a century of fake "+
			"time took more than 3 s): a producer waits for room by blocking on the send, not by sleeping and trying again", s)
		r.release()
		synctest.Wait()
		r.requireExactlyOnce(t)
	})
}

// TestOneProducerTwoConsumers: one producer, two consumers. Both consumers
// work at the same time, each on its own item, and every item is consumed
// exactly once.
func TestOneProducerTwoConsumers(t *testing.T) {
	harness.Setup(t)
	for _, s := range []shape{
		{1, 2, 40, 0},
		{1, 2, 40, 1},
		{1, 2, 5, 3}, // 2 items held in Consume, the other 3 wait in the buffer
		{1, 2, 2, 0},
		{1, 2, 1, 2}, // a single item: only one consumer gets work
	} {
		t.Run(s.String(), func(t *testing.T) { checkExactlyOnce(t, s) })
	}
}

// TestManyToMany: M producers and N consumers over one buffer. Every
// consumer works, and every item is consumed exactly once, whatever the
// numbers (including an unbuffered buffer, more consumers than items, and
// no items at all).
func TestManyToMany(t *testing.T) {
	harness.Setup(t)
	for _, s := range []shape{
		{2, 2, 30, 0},
		{3, 2, 1, 3}, // 2 items held, 1 waiting in the buffer
		{4, 3, 25, 2},
		{3, 4, 2, 2}, // 4 items held, 2 waiting in the buffer
		{5, 1, 10, 0},
		{8, 8, 40, 16},
		{1, 6, 3, 0}, // more consumers than items
		{2, 3, 0, 1}, // nothing to do
	} {
		t.Run(s.String(), func(t *testing.T) { checkExactlyOnce(t, s) })
	}
}

// TestRunReturnsWhenDone: when every item has been consumed, Run returns nil
// by itself. The consumers must learn that no more items are coming.
func TestRunReturnsWhenDone(t *testing.T) {
	harness.Setup(t)
	for _, s := range []shape{
		{1, 1, 10, 0},
		{1, 2, 0, 0}, // no items: the consumers must still stop
		{3, 2, 20, 1},
		{4, 4, 25, 8},
		{2, 5, 3, 0},
	} {
		t.Run(s.String(), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				r := start(t, s, false)
				synctest.Wait()
				if !r.call.Returned() {
					require.Failf(t, "Run did not return when the work was done",
						"%s: every goroutine is blocked and Run has not returned %s. The consumers are still waiting for items "+
							"that will never come: once every producer has finished, close the buffer (only the sending side "+
							"closes, and only once) so that the consumers stop", s, r.state())
				}
				require.NoErrorf(t, r.call.Value, "%s: Run must return nil when the work is done and ctx was never cancelled", s)
				requireNothingLeft(t, s.String())
			})
		})
	}
}

// TestRunWaitsForConsumers: Run never returns while a Consume call is still
// running, neither at the end of the work nor after a cancellation.
func TestRunWaitsForConsumers(t *testing.T) {
	harness.Setup(t)
	// 4 items for 3 consumers and a buffer of 2: the producers finish at
	// once, 3 items are held in Consume and 1 waits in the buffer.
	s := shape{2, 3, 2, 2}
	t.Run("when the producers are done", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			r := start(t, s, true)
			r.requireSomeBusy(t)
			require.Falsef(t, r.call.Returned(),
				"%s: Run returned %v while %d Consume calls were still running: the producers are done, but Run must also "+
					"wait for the consumers (WaitGroup) before it returns", s, r.call.Value, r.inside.Load())
			r.release()
			synctest.Wait()
			if r.call.Returned() { // not returning at all is TestRunReturnsWhenDone's business
				require.NoErrorf(t, r.call.Value, "%s: Run must return nil when the work is done", s)
			}
		})
	})
	t.Run("when ctx is cancelled", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			r := start(t, s, true)
			r.requireSomeBusy(t)
			r.cancel()
			synctest.Wait()
			require.Falsef(t, r.call.Returned(),
				"%s: Run returned %v right after ctx was cancelled, while %d consumers were still inside Consume: "+
					"cancelling asks the goroutines to stop, and Run must still wait until every one of them has", s, r.call.Value, r.inside.Load())
			r.release()
			synctest.Wait()
			require.Truef(t, r.call.Returned(), "%s: after the cancellation, the running Consume calls returned, but Run did not %s", s, r.state())
			require.ErrorIsf(t, r.call.Value, context.Canceled, "%s: Run was cancelled before every item was consumed: it must return ctx.Err()", s)
		})
	})
}

// TestBufferBound: the buffer never holds more than Buffer items, and the
// producers use all of it. With every consumer blocked in Consume (each
// holding one item), exactly Consumers + Buffer items can have left the
// producers and not been consumed yet.
func TestBufferBound(t *testing.T) {
	harness.Setup(t)
	const rounds = 6
	for _, tc := range []struct{ producers, consumers, buffer int }{
		{1, 1, 0},
		{1, 2, 0},
		{1, 2, 3},
		{3, 2, 4},
		{4, 1, 1},
		{2, 3, 6},
	} {
		// Enough items that the producers always have one more to send.
		s := shape{tc.producers, tc.consumers, tc.consumers + tc.buffer + rounds, tc.buffer}
		t.Run(s.String(), func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				r := start(t, s, true)
				want := int64(s.consumers + s.buffer)
				for round := 0; ; round++ {
					synctest.Wait()
					sent, finished := r.sent.Load(), r.finished.Load()
					inFlight := sent - finished
					if inFlight > want {
						require.Failf(t, "the buffer holds more than Buffer items",
							"%s, after %d Consume call(s) finished: %d items have left the producers (Sent was called %d times) "+
								"and %d were consumed, so %d are in flight. %d consumers hold one item each in Consume, and only "+
								"Buffer = %d more may wait in the buffer: at most %d. Use one shared buffer of capacity Buffer "+
								"(and call Sent only after the send has completed) %s",
							s, round, sent, sent, finished, inFlight, s.consumers, s.buffer, want, r.state())
					}
					if inFlight < want {
						require.Failf(t, "the producers do not fill the buffer",
							"%s, after %d Consume call(s) finished: only %d items are in flight (%d sent, %d consumed), "+
								"expected %d: one in each of the %d consumers and Buffer = %d waiting in the buffer. The producers "+
								"must keep sending while the buffer has room, and call Sent after each send %s",
							s, round, inFlight, sent, finished, want, s.consumers, s.buffer, r.state())
					}
					require.EqualValuesf(t, s.consumers, r.inside.Load(),
						"%s: every consumer should be inside Consume, holding one item %s", s, r.state())
					if round == rounds {
						break
					}
					r.letOneGo() // one item done: exactly one more may leave the producers
				}
			})
		})
	}
}

// TestCancelFullBuffer: cancelled while the producers are blocked on a full
// buffer and every consumer is inside Consume, Run returns ctx.Err() once
// the running Consume calls are done, and leaves no goroutine behind.
func TestCancelFullBuffer(t *testing.T) {
	harness.Setup(t)
	harness.Bubble(t, func(t *testing.T) {
		s := shape{3, 2, 50, 3}
		r := start(t, s, true)
		r.requireAllBusy(t) // and the producers are blocked: the buffer is full
		r.cancel()
		synctest.Wait()
		r.release()
		synctest.Wait()
		if !r.call.Returned() {
			require.Failf(t, "Run did not return after ctx was cancelled",
				"%s: ctx was cancelled while the buffer was full, and the running Consume calls have returned, but Run has "+
					"not %s. A producer blocked sending to a full buffer must also watch ctx.Done() (select on both), "+
					"or it waits for ever once the consumers are gone", s, r.state())
		}
		require.ErrorIsf(t, r.call.Value, context.Canceled, "%s: Run was cancelled before every item was consumed: it must return ctx.Err()", s)
		// When the bubble ends, any goroutine still blocked is reported as a leak.
	})
}

// TestCancelEmptyBuffer: cancelled while every consumer waits on an empty
// buffer (the producer is busy elsewhere), Run returns ctx.Err() and leaves
// no goroutine behind.
func TestCancelEmptyBuffer(t *testing.T) {
	harness.Setup(t)
	harness.Bubble(t, func(t *testing.T) {
		// The producer pauses (inside Sent) after its second item. The
		// consumers eat both and then wait on the empty buffer. The 4 items
		// still to come would all fit in the buffer.
		s := shape{1, 3, 6, 4}
		resume := make(chan struct{})
		var paused atomic.Bool
		r := start(t, s, false, func(cfg *prodcons.Config) {
			count := cfg.Sent
			cfg.Sent = func(it prodcons.Item) {
				count(it)
				if it.Seq == 1 {
					paused.Store(true)
					<-resume
				}
			}
		})
		resumed := false
		letResume := func() {
			if !resumed {
				resumed = true
				close(resume)
			}
		}
		t.Cleanup(letResume)

		synctest.Wait()
		if !paused.Load() || r.finished.Load() != 2 {
			require.Failf(t, "the run did not get going",
				"%s: the producer should have sent 2 items (and be paused after the second) and the consumers should "+
					"have consumed both %s", s, r.state())
		}
		r.cancel() // the consumers are waiting on the empty buffer
		synctest.Wait()
		letResume()
		synctest.Wait()
		if !r.call.Returned() {
			require.Failf(t, "Run did not return after ctx was cancelled",
				"%s: ctx was cancelled while the consumers waited on an empty buffer, and the producer has been let go, "+
					"but Run has not returned %s. A consumer waiting for an item must stop when no more items can come: "+
					"watch ctx.Done() while receiving, and make sure the buffer is closed after the producers have "+
					"stopped, also when they stopped early", s, r.state())
		}
		require.ErrorIsf(t, r.call.Value, context.Canceled, "%s: Run was cancelled before every item was consumed: it must return ctx.Err()", s)
		// When the bubble ends, any goroutine still blocked is reported as a leak.
	})
}

// pauseInSent makes the producers named in who stop inside Sent, after
// sending the item with sequence number seq, until the test resumes them.
// It returns the option for start, a function that reports how many
// producers are paused right now, and resume (also run at cleanup).
func pauseInSent(t *testing.T, seq int, who ...int) (func(*prodcons.Config), func() int64, func()) {
	gate := make(chan struct{})
	var paused atomic.Int64
	once := sync.OnceFunc(func() { close(gate) })
	t.Cleanup(once)
	edit := func(cfg *prodcons.Config) {
		count := cfg.Sent
		cfg.Sent = func(it prodcons.Item) {
			count(it)
			if it.Seq == seq && slices.Contains(who, it.Producer) {
				paused.Add(1)
				<-gate
				paused.Add(-1)
			}
		}
	}
	return edit, paused.Load, once
}

// TestRunWaitsForProducers: Run never returns while a producer is still
// running, neither after a cancellation nor at the end of the work. A
// producer inside Sent has not finished: Run must wait for it, like it waits
// for the consumers. (Checked while the producer is held, not only at the
// end, when every goroutine has long gone.)
func TestRunWaitsForProducers(t *testing.T) {
	harness.Setup(t)
	t.Run("after a cancel", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			// Producer 0 pauses inside Sent after its second item; producer 1
			// sends all its items; the consumers eat everything sent.
			s := shape{2, 2, 6, 4}
			edit, paused, resume := pauseInSent(t, 1, 0)
			r := start(t, s, false, edit)
			synctest.Wait()
			if paused() != 1 || r.finished.Load() != 8 {
				require.Failf(t, "the run did not get going",
					"%s: producer 0 should be paused inside Sent after its second item, and the consumers should have "+
						"consumed the 8 items sent so far %s", s, r.state())
			}
			r.cancel()
			synctest.Wait()
			require.Falsef(t, r.call.Returned(),
				"%s: Run returned %v right after ctx was cancelled, while producer 0 was still running (inside Sent). "+
					"Run must return only after every goroutine it started has exited, the producers included: wait for "+
					"them (WaitGroup) in Run itself, not in a goroutine of its own", s, r.call.Value)
			resume()
			synctest.Wait()
			require.Truef(t, r.call.Returned(), "%s: the producer was let go after the cancel, but Run did not return %s", s, r.state())
			require.ErrorIsf(t, r.call.Value, context.Canceled, "%s: Run was cancelled before every item was consumed: it must return ctx.Err()", s)
		})
	})
	t.Run("at the end of the work", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			// The producer pauses inside Sent after its last item, which the
			// consumers then consume: every item is consumed, but the
			// producer has not finished.
			s := shape{1, 2, 3, 1}
			edit, paused, resume := pauseInSent(t, 2, 0)
			r := start(t, s, false, edit)
			synctest.Wait()
			if paused() != 1 || r.finished.Load() != 3 {
				require.Failf(t, "the run did not get going",
					"%s: the producer should be paused inside Sent after its last item, and the consumers should have "+
						"consumed all 3 items %s", s, r.state())
			}
			require.Falsef(t, r.call.Returned(),
				"%s: Run returned %v when the last item was consumed, while the producer was still running (inside Sent "+
					"after its last send). Counting the items consumed does not tell that the producers have finished: "+
					"wait for the producers (WaitGroup), then close the buffer, then wait for the consumers", s, r.call.Value)
			resume()
			synctest.Wait()
			require.Truef(t, r.call.Returned(), "%s: the producer was let go, but Run did not return %s", s, r.state())
			require.NoErrorf(t, r.call.Value, "%s: Run must return nil when the work is done", s)
		})
	})
}

// TestNoSendAfterCancel: once ctx is done, no producer sends another item,
// even when the buffer has room. Checked while the run is going on: a
// producer that was busy (inside Sent) when the cancel came must look at ctx
// before its next send, and a producer blocked on a full buffer must stop.
func TestNoSendAfterCancel(t *testing.T) {
	harness.Setup(t)
	t.Run("buffer with room", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			// Every producer pauses inside Sent after its second item. The
			// consumer eats those 24 items; the buffer is empty, with room
			// for 30. (Many producers: a select that picks its case at random
			// sends with each of them half of the time, so at least one of
			// the 12 almost surely does.)
			s := shape{12, 1, 8, 30}
			edit, paused, resume := pauseInSent(t, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
			r := start(t, s, false, edit)
			synctest.Wait()
			if paused() != 12 || r.finished.Load() != 24 {
				require.Failf(t, "the run did not get going",
					"%s: every producer should be paused inside Sent after its second item, and the consumer should "+
						"have consumed the 24 items sent %s", s, r.state())
			}
			r.cancel()
			synctest.Wait()
			resume()
			synctest.Wait()
			if sent := r.sent.Load(); sent != 24 {
				require.Failf(t, "items were sent after the cancel",
					"%s: ctx was cancelled while every producer was inside Sent, with room in the buffer; once let go, "+
						"they sent %d more item(s) (%d consumed). A producer must look at ctx before every send: a select "+
						"with a ready send and a done ctx picks either at random, and a send tried first (select with "+
						"default) ignores the cancel whenever there is room %s", s, sent-24, r.finished.Load()-24, r.state())
			}
			require.Truef(t, r.call.Returned(), "%s: Run did not return after the cancel %s", s, r.state())
			require.ErrorIsf(t, r.call.Value, context.Canceled, "%s: Run was cancelled before every item was consumed", s)
		})
	})
	t.Run("full buffer", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			s := shape{3, 2, 50, 3}
			r := start(t, s, true)
			r.requireAllBusy(t) // and the producers are blocked: the buffer is full
			sent := r.sent.Load()
			r.cancel()
			synctest.Wait()
			r.release() // the consumers make room, and may consume what is left
			synctest.Wait()
			if now := r.sent.Load(); now != sent {
				require.Failf(t, "items were sent after the cancel",
					"%s: ctx was cancelled while the producers waited on a full buffer; when the consumers made room, "+
						"%d more item(s) were sent. A cancelled producer sends nothing more %s", s, now-sent, r.state())
			}
			require.Truef(t, r.call.Returned(), "%s: Run did not return after the cancel %s", s, r.state())
		})
	})
}

// TestCancelStress: many short runs on the real scheduler, cancelled while
// producers and consumers are busy, under several GOMAXPROCS values. In a
// synctest bubble the goroutines woken by a cancel never run in between each
// other's steps the way they do here: a buffer closed from the wrong side
// (by Run or a consumer, while producers may still send) panics with "send
// on closed channel" in some of these runs. Each run must return ctx.Err()
// (or nil if it finished first), consume no item twice, and have no Consume
// or Sent call running when it returns.
func TestCancelStress(t *testing.T) {
	harness.Setup(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	const rounds = 300
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		for round := range rounds {
			s := shape{1 + round%4, 1 + round%3, 40, round % 5}
			stopAfter := int64(round % 23) // cancel once this many items are consumed (0: before Run)
			ctx, cancel := context.WithCancel(context.Background())
			var consumed, running atomic.Int64
			var mu sync.Mutex
			seen := map[prodcons.Item]bool{}
			var twice []prodcons.Item
			if stopAfter == 0 {
				cancel()
			}
			err := prodcons.Run(ctx, prodcons.Config{
				Producers:   s.producers,
				Consumers:   s.consumers,
				PerProducer: s.perProducer,
				Buffer:      s.buffer,
				Consume: func(_ int, it prodcons.Item) {
					running.Add(1)
					defer running.Add(-1)
					mu.Lock()
					if seen[it] {
						twice = append(twice, it)
					}
					seen[it] = true
					mu.Unlock()
					if consumed.Add(1) == stopAfter {
						cancel()
					}
				},
				Sent: func(prodcons.Item) {
					running.Add(1)
					running.Add(-1)
				},
			})
			left := running.Load()
			cancel()
			mu.Lock()
			dup := twice
			mu.Unlock()
			where := fmt.Sprintf("GOMAXPROCS=%d, round %d, %s, cancelled after %d items consumed", procs, round, s, stopAfter)
			require.Emptyf(t, dup, "%s: items consumed twice: %v", where, dup)
			require.Zerof(t, left, "%s: Run returned while %d Consume or Sent call(s) were still running", where, left)
			if int(stopAfter) < s.total() {
				require.ErrorIsf(t, err, context.Canceled, "%s: Run must return ctx.Err() after a cancel", where)
			}
		}
	}
}

// TestInvalidConfig: a Config that cannot work is refused with
// ErrInvalidConfig, at once, and nothing is produced or consumed.
func TestInvalidConfig(t *testing.T) {
	harness.Setup(t)
	for _, tc := range []struct {
		name string
		edit func(*prodcons.Config)
	}{
		{"no producers", func(c *prodcons.Config) { c.Producers = 0 }},
		{"negative producers", func(c *prodcons.Config) { c.Producers = -2 }},
		{"no consumers", func(c *prodcons.Config) { c.Consumers = 0 }},
		{"negative consumers", func(c *prodcons.Config) { c.Consumers = -1 }},
		{"negative PerProducer", func(c *prodcons.Config) { c.PerProducer = -1 }},
		{"negative Buffer", func(c *prodcons.Config) { c.Buffer = -1 }},
		{"nil Consume", func(c *prodcons.Config) { c.Consume = nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				r := start(t, shape{2, 2, 3, 1}, false, tc.edit)
				synctest.Wait()
				require.Truef(t, r.call.Returned(), "Run with %s must return ErrInvalidConfig at once %s", tc.name, r.state())
				require.ErrorIsf(t, r.call.Value, prodcons.ErrInvalidConfig, "Run with %s", tc.name)
				require.Zerof(t, r.sent.Load()+r.finished.Load(), "Run with %s must start nothing %s", tc.name, r.state())
			})
		})
	}
}

// prodconsPkg is the import path of the package under test.
const prodconsPkg = "github.com/concurrency-kit/kit/exercises/16_prodcons"

// requireNothingLeft checks, with the bubble settled after Run returned,
// that no goroutine Run started is still there.
func requireNothingLeft(t *testing.T, what string) {
	t.Helper()
	synctest.Wait()
	if n, first := harness.GoroutinesOf(prodconsPkg); n > 0 {
		require.Failf(t, "Run left goroutines behind",
			"%s: Run returned, but %d goroutine(s) it started are still there, the first:\n%s\n"+
				"Run must wait for every goroutine it starts, including one that only watches ctx: with a ctx that "+
				"is never cancelled, such a watcher waits for ever", what, n, first)
	}
}

// TestRunWithAnyContext: Run works with any context, not only one the
// caller cancels: one that is already cancelled (no producer sends
// anything), one whose deadline passes (Run returns ctx.Err(), so
// DeadlineExceeded), and one that never ends (Run returns nil and leaves
// nothing behind). Sent is optional: a nil Sent is never called.
func TestRunWithAnyContext(t *testing.T) {
	harness.Setup(t)
	noConsume := func(t *testing.T) func(int, prodcons.Item) {
		return func(c int, it prodcons.Item) { t.Errorf("consumer %d got %v", c, it) }
	}
	t.Run("already cancelled", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var sent atomic.Int64
			for range 20 { // select picks at random among ready cases: try it again and again
				err := prodcons.Run(ctx, prodcons.Config{Producers: 3, Consumers: 2, PerProducer: 5, Buffer: 4,
					Consume: noConsume(t), Sent: func(prodcons.Item) { sent.Add(1) }})
				require.ErrorIs(t, err, context.Canceled, "Run with a ctx that was cancelled before the call")
			}
			require.Zerof(t, sent.Load(), "with a ctx cancelled before Run was called, producers sent %d items: "+
				"a producer looks at ctx before each send, and one that finds it done sends nothing", sent.Load())
			requireNothingLeft(t, "already cancelled")
		})
	})
	t.Run("deadline passes", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
			defer cancel()
			release := make(chan struct{})
			call := harness.Go(func() error {
				return prodcons.Run(ctx, prodcons.Config{Producers: 2, Consumers: 2, PerProducer: 10, Buffer: 1,
					Consume: func(int, prodcons.Item) { <-release }})
			})
			time.Sleep(2 * time.Hour)
			close(release)
			synctest.Wait()
			require.True(t, call.Returned(), "Run did not return after its ctx's deadline passed and the consumers returned")
			require.ErrorIsf(t, call.Value, context.DeadlineExceeded, "Run returned %v after its ctx's deadline "+
				"passed: return ctx.Err(), which tells a deadline from a cancel", call.Value)
			requireNothingLeft(t, "deadline passes")
		})
	})
	t.Run("never cancelled, no Sent", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			var consumed atomic.Int64
			err := prodcons.Run(context.Background(), prodcons.Config{Producers: 3, Consumers: 2, PerProducer: 20, Buffer: 2,
				Consume: func(int, prodcons.Item) { consumed.Add(1) }})
			require.NoError(t, err, "Run with a ctx that never ends and Sent nil (it is optional)")
			require.Equal(t, int64(60), consumed.Load(), "items consumed")
			requireNothingLeft(t, "never cancelled")
		})
	})
}
