// Package prodcons runs the producer/consumer pattern: producer goroutines
// make items and put them into one shared, bounded buffer; consumer
// goroutines take them out and process them.
package prodcons

// Mistake: producers send with a plain buf <- it that does not watch ctx: cancelled while the buffer is full, they wait for ever once the consumers have gone
// Fails: TestCancelFullBuffer:leak TestNoSendAfterCancel:leak TestCancelStress:timeout TestRunWithAnyContext?

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
	var producers, consumers sync.WaitGroup
	for p := range cfg.Producers {
		producers.Go(func() {
			for seq := range cfg.PerProducer {
				it := Item{p, seq}
				buf <- it // waits while the buffer is full, even after a cancel
				if cfg.Sent != nil {
					cfg.Sent(it)
				}
			}
		})
	}
	for c := range cfg.Consumers {
		consumers.Go(func() {
			for {
				select {
				case it, ok := <-buf:
					if !ok {
						return
					}
					cfg.Consume(c, it)
				case <-ctx.Done():
					return
				}
			}
		})
	}
	producers.Wait()
	close(buf)
	consumers.Wait()
	return ctx.Err()
}
