// Package pipeline builds data pipelines out of goroutines joined by
// channels: a source (Generate), a stage that fans its work out over several
// goroutines and fans the results back in (Map), a fan-in of many channels
// into one (Merge), and a consumer that takes the first few results (Take).
// One context cancels the whole pipeline.
package pipeline

// Mistake: Map ignores workers and starts one goroutine per input value, so the fan-out is unbounded (and workers <= 0 does not mean 1)
// Fails: TestMapFanOutWidth:fail TestStagesWithAnyContext?

import (
	"context"
	"sync"
)

// Generate sends items on the channel it returns, then closes it.
func Generate[T any](ctx context.Context, items ...T) <-chan T {
	out := make(chan T)
	go func() {
		defer close(out)
		for _, v := range items {
			select {
			case out <- v:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// Map applies f to every value from in, one goroutine per value.
func Map[T, R any](ctx context.Context, in <-chan T, workers int, f func(T) R) <-chan R {
	out := make(chan R)
	go func() {
		var wg sync.WaitGroup
		defer func() {
			wg.Wait()
			close(out)
		}()
		for {
			select {
			case v, ok := <-in:
				if !ok {
					return
				}
				wg.Go(func() {
					select {
					case out <- f(v):
					case <-ctx.Done():
					}
				})
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// Merge forwards every value from every input to one channel.
func Merge[T any](ctx context.Context, ins ...<-chan T) <-chan T {
	out := make(chan T)
	var wg sync.WaitGroup
	for _, in := range ins {
		wg.Go(func() {
			for {
				select {
				case v, ok := <-in:
					if !ok {
						return
					}
					select {
					case out <- v:
					case <-ctx.Done():
						return
					}
				case <-ctx.Done():
					return
				}
			}
		})
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// Take receives up to n values from in, in order; it stops early when in is
// closed or ctx is done.
func Take[T any](ctx context.Context, in <-chan T, n int) []T {
	got := make([]T, 0, min(max(n, 0), 64))
	for len(got) < n {
		select {
		case v, ok := <-in:
			if !ok {
				return got
			}
			got = append(got, v)
		case <-ctx.Done():
			return got
		}
	}
	return got
}
