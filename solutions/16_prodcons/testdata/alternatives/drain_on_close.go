// Package prodcons runs the producer/consumer pattern: producer goroutines
// make items and put them into one shared, bounded buffer; consumer
// goroutines take them out and process them.
//
// This answer lets only the producers watch ctx. The consumers simply range
// over the buffer: a cancellation reaches them through the close that Run
// does once the producers have stopped, and they finish the few items
// still in the buffer on the way out.
package prodcons

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

// Config describes one run.
type Config struct {
	Producers   int
	Consumers   int
	PerProducer int
	Buffer      int
	Consume     func(consumer int, it Item)
	Sent        func(it Item)
}

// Run starts the producers and consumers and waits for them.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Producers < 1 || cfg.Consumers < 1 || cfg.PerProducer < 0 || cfg.Buffer < 0 || cfg.Consume == nil {
		return ErrInvalidConfig
	}
	buf := make(chan Item, cfg.Buffer)
	var producers, consumers sync.WaitGroup
	for p := range cfg.Producers {
		producers.Go(func() {
			for seq := range cfg.PerProducer {
				if ctx.Err() != nil {
					return // cancelled: send nothing more
				}
				it := Item{Producer: p, Seq: seq}
				select {
				case buf <- it:
				case <-ctx.Done():
					return
				}
				if cfg.Sent != nil {
					cfg.Sent(it)
				}
			}
		})
	}
	for c := range cfg.Consumers {
		consumers.Go(func() {
			for it := range buf { // ends when the buffer is closed and empty
				cfg.Consume(c, it)
			}
		})
	}
	producers.Wait()
	close(buf) // after every producer, on success and on cancel alike
	consumers.Wait()
	return ctx.Err()
}
