// Package prodcons runs the producer/consumer pattern: producer goroutines
// make items and put them into one shared, bounded buffer; consumer
// goroutines take them out and process them.
package prodcons

// Mistake: on cancel Run returns at once, and only a producer that sent all its items counts towards closing the buffer: consumers ranging over it are left waiting for ever
// Fails: TestRunWaitsForConsumers:fail TestCancelFullBuffer:leak TestCancelEmptyBuffer:leak TestRunWaitsForProducers:leak TestNoSendAfterCancel:leak TestCancelStress:leak TestRunWithAnyContext?

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
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
	var working atomic.Int64 // producers that have not finished yet
	working.Store(int64(cfg.Producers))
	for p := range cfg.Producers {
		go func() {
			for seq := range cfg.PerProducer {
				if ctx.Err() != nil {
					return // cancelled: stop producing
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
			if working.Add(-1) == 0 {
				close(buf) // the last producer to finish closes the buffer
			}
		}()
	}
	var consumers sync.WaitGroup
	for c := range cfg.Consumers {
		consumers.Go(func() {
			for it := range buf {
				cfg.Consume(c, it)
			}
		})
	}
	finished := make(chan struct{})
	go func() {
		consumers.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		return ctx.Err() // no need to wait: everyone will stop anyway
	}
}
