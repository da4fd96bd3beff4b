package local

// Mistake: Serve dials the connections itself, one after another, and returns as soon as one dial fails: the workers it already started still run and their connections are still open
// Fails: TestServeDialFailure

import (
	"context"
	"fmt"
	"sync"
)

// Context keys.
//
// context.WithValue compares keys with ==, and two keys are equal only if
// their types are identical. requestIDKey and userKey are unexported types
// of this package: no other package can make a value of either type, so a
// value stored under one of them can only be read or replaced through the
// functions below. A plain string key ("request-id") would be shared with
// every other package that picked the same string.
//
// Empty structs cost nothing to store and to compare. Two different types
// (rather than two values of one type) also keep the request id and the
// user apart from each other.
type (
	requestIDKey struct{}
	userKey      struct{}
)

// WithRequestID returns a copy of ctx that carries id as its request id
// (ctx itself is not changed). Anything derived from the copy carries it
// too, and a later WithRequestID replaces it for the contexts derived from
// that call only.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id that ctx carries and true, or "" and
// false if it carries none. The two-value type assertion turns "no value"
// (nil) into ok == false instead of a panic, and an id set to "" is still
// found: ("", true).
func RequestID(ctx context.Context) (string, bool) {
	id, ok := ctx.Value(requestIDKey{}).(string)
	return id, ok
}

// WithUser returns a copy of ctx that carries user as its user, under a key
// of its own: a request id and a user never overwrite each other.
func WithUser(ctx context.Context, user string) context.Context {
	return context.WithValue(ctx, userKey{}, user)
}

// User returns the user that ctx carries and true, or "" and false if it
// carries none.
func User(ctx context.Context) (string, bool) {
	user, ok := ctx.Value(userKey{}).(string)
	return user, ok
}

// Conn is a connection to a database. It is NOT safe for concurrent use: two
// goroutines must never be inside its methods at the same time.
type Conn interface {
	// Query runs q and returns its answer.
	Query(q string) (string, error)
	// Close closes the connection. It must be called exactly once, after
	// the last Query.
	Close() error
}

// Serve answers jobs with workers goroutines (workers <= 0 means 1), each of
// which owns one connection: Python's threading.local() holding one
// connection per thread becomes a local variable of the worker goroutine.
//
// Each worker dials once when it starts, uses that connection for every job
// it takes (a failed Query gives the result "error: " + err.Error()), and
// closes it when it stops: when jobs is closed and drained, or when ctx is
// done. A failed dial stops every worker and Serve returns an error wrapping
// it. Serve returns after every worker has ended, with the dial error or
// ctx.Err(). It never closes results.
func Serve(ctx context.Context, workers int, dial func() (Conn, error), jobs <-chan string, results chan<- string) error {
	if workers < 1 {
		workers = 1
	}
	parent := ctx
	// A failed dial stops the other workers through this derived context;
	// the caller's context stays untouched.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		wg       sync.WaitGroup
		failOnce sync.Once
		dialErr  error // written once, read after wg.Wait
	)
	_ = &failOnce
	for range workers {
		// dial here, so that a failure is reported before any worker starts
		conn, err := dial()
		if err != nil {
			return fmt.Errorf("local: dial: %w", err)
		}
		wg.Go(func() {
			defer conn.Close()
			work(ctx, conn, jobs, results)
		})
	}
	// wg.Wait happens after every worker's last action, so when Serve
	// returns every connection is closed, every answer is on results, and
	// reading dialErr here is not a race.
	wg.Wait()
	if dialErr != nil {
		return dialErr
	}
	return parent.Err()
}

// work is one worker's loop: it uses conn, and only conn, for every job.
func work(ctx context.Context, conn Conn, jobs <-chan string, results chan<- string) {
	for {
		select {
		case <-ctx.Done():
			return
		case q, ok := <-jobs:
			if !ok {
				// Closed and drained. Without this check a closed channel
				// hands out "" forever and the worker never stops.
				return
			}
			answer, err := conn.Query(q)
			if err != nil {
				answer = "error: " + err.Error()
			}
			// Nobody may be reading results any more: a send that ignores
			// ctx could block forever.
			select {
			case results <- answer:
			case <-ctx.Done():
				return
			}
		}
	}
}

// Registry maps a worker id to that worker's state: the notes' "global dict
// keyed by the thread". Goroutines have no id, so the worker passes its own.
// The zero value is an empty registry, ready to use. Do not copy a Registry
// after first use.
//
// Even when every worker only touches its own id, they all write the same
// map, and a Go map must not be written by one goroutine while another uses
// it at all. So every method takes the one mutex.
type Registry[T any] struct {
	mu sync.Mutex
	m  map[int]T // created on first Set, under mu
}

// Set stores v as the state of worker id, replacing any earlier state.
func (r *Registry[T]) Set(id int, v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		// The zero Registry is ready to use; the map is made here, under
		// the lock, so two first Sets cannot both make one.
		r.m = make(map[int]T)
	}
	r.m[id] = v
}

// Get returns the state of worker id, and whether there is one.
func (r *Registry[T]) Get(id int) (T, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.m[id] // reading a nil map is fine: it is empty
	return v, ok
}

// Delete removes the state of worker id, if there is one.
func (r *Registry[T]) Delete(id int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, id)
}

// Len returns the number of workers that have state.
func (r *Registry[T]) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.m)
}

// Snapshot returns a copy of the whole table, never nil. Returning r.m
// itself would let the caller read the map, with no lock, while workers
// write it. (maps.Clone would not do: it returns nil for a nil map.)
func (r *Registry[T]) Snapshot() map[int]T {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[int]T, len(r.m))
	for id, v := range r.m {
		out[id] = v
	}
	return out
}
