// Package prodcons runs the producer/consumer pattern: producer goroutines
// make items and put them into one shared, bounded buffer; consumer
// goroutines take them out and process them.
package prodcons

// Mistake: nobody closes the buffer: like the endless Python loops, consumers wait for the next item until ctx is cancelled, so Run never returns by itself
// Fails: TestRunReturnsWhenDone:fail TestRunWaitsForProducers:fail TestRunWithAnyContext?

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

func valid(cfg Config) bool {
	return cfg.Producers >= 1 && cfg.Consumers >= 1 && cfg.PerProducer >= 0 && cfg.Buffer >= 0 && cfg.Consume != nil
}

// Run starts the producers and consumers and waits for them.
func Run(ctx context.Context, cfg Config) error {
	if !valid(cfg) {
		return ErrInvalidConfig
	}
	buf := make(chan Item, cfg.Buffer)
	var wg sync.WaitGroup
	for p := range cfg.Producers {
		wg.Go(func() {
			for seq := range cfg.PerProducer {
				if ctx.Err() != nil {
					return // cancelled: send nothing more
				}
				it := Item{p, seq}
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
		wg.Go(func() {
			for {
				select {
				case it := <-buf:
					cfg.Consume(c, it)
				case <-ctx.Done():
					return
				}
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}
