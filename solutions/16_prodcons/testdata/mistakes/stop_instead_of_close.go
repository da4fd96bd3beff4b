// Package prodcons runs the producer/consumer pattern: producer goroutines
// make items and put them into one shared, bounded buffer; consumer
// goroutines take them out and process them.
package prodcons

// Mistake: when the producers are done, Run tells the consumers to stop (a done channel they check first) instead of closing the buffer: the items still waiting in it are never consumed
// Fails: TestOneProducerTwoConsumers:fail TestManyToMany:fail

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
	stop := make(chan struct{})
	var producers, consumers sync.WaitGroup
	for p := range cfg.Producers {
		producers.Go(func() {
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
		consumers.Go(func() {
			for {
				select {
				case <-stop: // the producers are done: stop
					return
				default:
				}
				select {
				case it := <-buf:
					cfg.Consume(c, it)
				case <-stop:
					return
				case <-ctx.Done():
					return
				}
			}
		})
	}
	producers.Wait()
	close(stop)
	consumers.Wait()
	return ctx.Err()
}
