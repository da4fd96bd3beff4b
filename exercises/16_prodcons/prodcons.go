// Package prodcons runs the producer/consumer pattern: producer goroutines
// make items and put them into one shared, bounded buffer; consumer
// goroutines take them out and process them. Unlike the classic example,
// whose loops never end, a run here is finite (each producer makes a fixed
// number of items) and can be cancelled with a context.
package prodcons

import (
	"context"
	"errors"
)

var (
	// ErrInvalidConfig is what Run returns, before it starts anything, when
	// the Config cannot work (see Run).
	ErrInvalidConfig = errors.New("prodcons: invalid config")

	// ErrNotImplemented is what the unfinished stub returns. Your solution
	// must not return it.
	ErrNotImplemented = errors.New("prodcons: not implemented")
)

// Item is one piece of work: the Seq-th item (Seq counts from 0) made by
// producer number Producer (producers count from 0 too).
type Item struct {
	Producer int
	Seq      int
}

// Config describes one run.
type Config struct {
	// Producers is the number of producer goroutines, numbered
	// 0..Producers-1. At least 1.
	Producers int

	// Consumers is the number of consumer goroutines, numbered
	// 0..Consumers-1. At least 1.
	Consumers int

	// PerProducer is how many items each producer makes: producer p makes
	// Item{p, 0}, Item{p, 1}, ..., Item{p, PerProducer-1}, in that order.
	// 0 is allowed (there is nothing to do); negative is not.
	PerProducer int

	// Buffer is the capacity of the one buffer that every producer puts
	// items into and every consumer takes items from: at no moment do more
	// than Buffer items wait in it. 0 means no room at all: a producer
	// waits until a consumer takes the item straight from its hand.
	// Negative is not allowed.
	Buffer int

	// Consume processes one item. Consumer c calls Consume(c, it) for each
	// item it takes, one item at a time, in its own goroutine. Required.
	Consume func(consumer int, it Item)

	// Sent, if not nil, is called by a producer right after it has put it
	// into the buffer (the send has completed), and before it makes its
	// next item. The tests use it to count the items that have left the
	// producers. Optional.
	Sent func(it Item)
}

// Run starts cfg.Producers producer goroutines and cfg.Consumers consumer
// goroutines, connected by one buffer with room for cfg.Buffer items, and
// waits for them.
//
//   - Each producer puts its PerProducer items into the buffer, in order. It
//     waits while the buffer is full.
//   - Each consumer takes items out of the buffer, one at a time, and calls
//     Consume for each. It waits while the buffer is empty, and it stops
//     once every producer has finished and the buffer is empty.
//   - Every item is consumed exactly once: none is lost, none is consumed
//     twice.
//   - At no moment do more than Buffer items wait in the buffer. (An item a
//     consumer has taken and is passing to Consume is no longer in it.)
//
// Run never returns while a Consume call is still running, and it returns
// only after every goroutine it started has exited.
//
// Run returns nil when every item has been consumed. If ctx is done before
// that, the run stops early:
//   - producers stop sending: a producer waiting for room in a full buffer
//     must wake up and stop, and a producer that finds ctx done sends
//     nothing more, even if the buffer has room (a select with both cases
//     ready picks one at random, so look at ctx before each send);
//   - consumers stop once no more items can come (a consumer waiting on an
//     empty buffer must not wait for ever); items still in the buffer may be
//     consumed or dropped;
//   - Run returns ctx.Err() once all the goroutines, producers included,
//     have exited. A Consume or Sent call that is already running is not
//     interrupted: Run waits for it.
//
// Run returns ErrInvalidConfig, and starts nothing, if Producers < 1,
// Consumers < 1, PerProducer < 0, Buffer < 0 or Consume is nil.
func Run(ctx context.Context, cfg Config) error {
	// TODO
	return ErrNotImplemented
}
