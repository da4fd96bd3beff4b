package pipeline

// Mistake: each Map worker runs f in a goroutine of its own and returns on cancel without waiting for it: the output is closed while calls of f still run, in goroutines nobody waits for
// Fails: TestStagesWithAnyContext

import (
	"context"
	"sync"
)

// Three rules make every stage below safe to stop at any moment:
//
//  1. The goroutine that sends on a channel is the one that closes it, and it
//     closes it exactly once, after its last send. When several goroutines
//     send on one channel (Map's workers, Merge's forwarders), none of them
//     may close it: a separate goroutine waits for all of them (a
//     sync.WaitGroup) and closes it after the last one is done.
//  2. Every send is a select with ctx.Done(). A consumer that stops reading
//     is the normal case, not an error, and a plain `out <- v` would then
//     block forever: the goroutine leaks, and everything upstream of it too.
//  3. Every wait for input is a select with ctx.Done() as well, so that a
//     stage stops even when the channel it reads is never closed.
//
// With these rules, cancelling ctx makes every goroutine of every stage
// return within a moment, and every output channel gets closed.

// Generate returns a channel on which a new goroutine sends items, in order,
// then closes the channel. It stops early, and closes the channel, when ctx
// is done.
func Generate[T any](ctx context.Context, items ...T) <-chan T {
	out := make(chan T)
	go func() {
		defer close(out) // the only sender closes, once, whatever happens
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

// Map applies f to every value from in, on workers goroutines at once
// (fan-out), and sends all the results on one channel (fan-in), in no
// particular order. workers <= 0 is treated as 1.
func Map[T, R any](ctx context.Context, in <-chan T, workers int, f func(T) R) <-chan R {
	if workers < 1 {
		workers = 1
	}
	out := make(chan R)
	var wg sync.WaitGroup
	for range workers {
		// All workers receive from the same channel: each value goes to
		// exactly one of them. That is the whole fan-out.
		wg.Go(func() {
			for {
				v, ok := receive(ctx, in)
				if !ok {
					return
				}
				// run f aside so that a cancel does not have to wait for it
				res := make(chan R, 1)
				go func() { res <- f(v) }()
				var r R
				select {
				case r = <-res:
				case <-ctx.Done():
					return
				}
				if !send(ctx, out, r) {
					return
				}
			}
		})
	}
	// No worker closes out: the first one to finish would close it while
	// the others still send (a panic), and each one closing it is "close of
	// closed channel". This goroutine closes it once, after the last worker.
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// Merge forwards every value from every channel in ins to one output
// channel, and closes it once all of ins are closed (or ctx is done).
func Merge[T any](ctx context.Context, ins ...<-chan T) <-chan T {
	out := make(chan T)
	var wg sync.WaitGroup
	// One forwarder per input, all running at once: a slow or idle input
	// must not hold back the values of the others.
	for _, in := range ins {
		wg.Go(func() {
			for {
				v, ok := receive(ctx, in)
				if !ok {
					return
				}
				if !send(ctx, out, v) {
					return
				}
			}
		})
	}
	go func() {
		wg.Wait() // with no inputs this returns at once: out is closed
		close(out)
	}()
	return out
}

// Take receives up to n values from in and returns them in the order they
// arrived. It stops early when in is closed or ctx is done.
func Take[T any](ctx context.Context, in <-chan T, n int) []T {
	got := make([]T, 0, min(max(n, 0), 64))
	// The length check comes before the receive: a value received and then
	// thrown away because we already had n would be lost for good.
	for len(got) < n {
		v, ok := receive(ctx, in)
		if !ok {
			break
		}
		got = append(got, v)
	}
	return got
}

// receive waits for the next value from in. It reports false when in is
// closed or ctx is done.
func receive[T any](ctx context.Context, in <-chan T) (T, bool) {
	var zero T
	// A select picks at random among the cases that are ready, so a
	// cancelled stage with input waiting could go on working for a while.
	// Checking ctx first makes it stop at once.
	if ctx.Err() != nil {
		return zero, false
	}
	select {
	case v, ok := <-in:
		return v, ok
	case <-ctx.Done():
		return zero, false
	}
}

// send sends v on out, unless ctx is done first. It reports whether v was
// sent.
func send[T any](ctx context.Context, out chan<- T, v T) bool {
	select {
	case out <- v:
		return true
	case <-ctx.Done():
		return false
	}
}
