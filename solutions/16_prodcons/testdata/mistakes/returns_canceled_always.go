package prodcons

// Mistake: Run returns context.Canceled instead of ctx.Err(): a caller whose deadline passed cannot tell it from a cancel
// Fails: TestRunWithAnyContext:fail

import (
	"context"
	"errors"
	"sync"
)

var (
	// ErrInvalidConfig: the Config cannot work; Run started nothing.
	ErrInvalidConfig = errors.New("prodcons: invalid config")

	// ErrNotImplemented is what the unfinished stub returns.
	ErrNotImplemented = errors.New("prodcons: not implemented")
)

// Item is one piece of work: the Seq-th item made by producer Producer.
type Item struct {
	Producer int
	Seq      int
}

// Config describes one run. See the exercise's stub for the full contract
// of each field.
type Config struct {
	Producers   int                         // producer goroutines, >= 1
	Consumers   int                         // consumer goroutines, >= 1
	PerProducer int                         // items each producer makes, >= 0
	Buffer      int                         // capacity of the shared buffer, >= 0
	Consume     func(consumer int, it Item) // required
	Sent        func(it Item)               // optional: called after each send
}

// The design in one picture:
//
//	producer 0 ─┐                     ┌─ consumer 0 ── Consume
//	producer 1 ─┼─► buf (chan Item) ─►┼─ consumer 1 ── Consume
//	producer 2 ─┘    cap = Buffer     └─ ...
//
// A buffered channel is exactly the bounded blocking queue of the Python
// example (queue.Queue(maxsize=Buffer)): a send waits while it is full, a
// receive waits while it is empty, and the bound is enforced by the runtime.
// Capacity 0 is an unbuffered channel: every send is a hand-over.
//
// Two questions the endless Python loops never had to answer:
//
//  1. How do consumers learn that the work is over? Closing the channel.
//     A receive on a closed, drained channel returns ok == false at once,
//     in every consumer. Only a sender may close, and only once, after the
//     last send: with many producers no single producer knows that it is
//     the last one, so Run closes the channel itself, after Wait on the
//     producers' WaitGroup has returned.
//  2. How does cancellation reach a goroutine blocked on the channel? Every
//     blocking send and receive is a select that also waits on ctx.Done().
//     A plain `buf <- it` on a full buffer whose consumers have gone waits
//     for ever: a goroutine leak.

// Run starts the producers and the consumers, waits for all of them, and
// returns nil when every item has been consumed, or ctx.Err() when ctx was
// done first.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Producers < 1 || cfg.Consumers < 1 || cfg.PerProducer < 0 || cfg.Buffer < 0 || cfg.Consume == nil {
		return ErrInvalidConfig
	}
	buf := make(chan Item, cfg.Buffer)

	var producers, consumers sync.WaitGroup
	for p := range cfg.Producers {
		producers.Go(func() { produce(ctx, cfg, p, buf) })
	}
	for c := range cfg.Consumers {
		consumers.Go(func() { consume(ctx, cfg, c, buf) })
	}

	// No more sends can happen once every producer has returned, so this
	// is the one safe moment to close: no "send on closed channel", no
	// "close of closed channel". It also runs after a cancellation, so
	// consumers never wait on a buffer that nobody will ever fill.
	producers.Wait()
	close(buf)
	// Run must not return while a consumer is still inside Consume.
	consumers.Wait()

	// nil if ctx was never done; otherwise the run may have stopped early.
	if ctx.Err() != nil {
		return context.Canceled
	}
	return nil
}

// produce sends producer p's items, in order, until they are all sent or
// ctx is done.
func produce(ctx context.Context, cfg Config, p int, buf chan<- Item) {
	for seq := range cfg.PerProducer {
		// A select whose cases are both ready picks one at random: without
		// this check, a cancelled producer with room in the buffer would
		// still send half of the time.
		if ctx.Err() != nil {
			return
		}
		it := Item{Producer: p, Seq: seq}
		select {
		case buf <- it: // waits while the buffer is full
		case <-ctx.Done(): // ... but not for ever
			return
		}
		if cfg.Sent != nil {
			cfg.Sent(it)
		}
	}
}

// consume takes items until the buffer is closed and drained, or ctx is
// done.
func consume(ctx context.Context, cfg Config, c int, buf <-chan Item) {
	for {
		// If both cases are ready, select picks one at random, so after a
		// cancellation a consumer may still take an item or two. The
		// contract allows that; what matters is that it never waits for
		// ever.
		select {
		case it, ok := <-buf:
			if !ok {
				return // closed and drained: the producers are done
			}
			cfg.Consume(c, it)
		case <-ctx.Done():
			return
		}
	}
}
