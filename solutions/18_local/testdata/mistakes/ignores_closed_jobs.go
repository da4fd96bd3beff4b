// Package local gives goroutines and requests data of their own: the Go
// versions of the three ways the Python notes give each thread its own data
// (pass it as a parameter, a global dict keyed by the thread, and
// threading.local).
package local

// Mistake: the worker receives from jobs without checking ok, so after jobs is closed it keeps taking "" jobs and never stops (only ctx stops it)
// Fails: TestServeReturnsWhenJobsClosed:fail TestServeWaitsForBusyWorkers:fail TestServeAnswersEveryJob?

import (
	"context"
	"fmt"
	"sync"
)

type (
	requestIDKey struct{}
	userKey      struct{}
)

// WithRequestID returns a copy of ctx that carries id as its request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id that ctx carries, and whether it carries one.
func RequestID(ctx context.Context) (string, bool) {
	id, ok := ctx.Value(requestIDKey{}).(string)
	return id, ok
}

// WithUser returns a copy of ctx that carries user as its user.
func WithUser(ctx context.Context, user string) context.Context {
	return context.WithValue(ctx, userKey{}, user)
}

// User returns the user that ctx carries, and whether it carries one.
func User(ctx context.Context) (string, bool) {
	user, ok := ctx.Value(userKey{}).(string)
	return user, ok
}

// Conn is a connection to a database. It is NOT safe for concurrent use.
type Conn interface {
	Query(q string) (string, error)
	Close() error
}

// Serve answers jobs with workers goroutines, each with its own connection.
func Serve(ctx context.Context, workers int, dial func() (Conn, error), jobs <-chan string, results chan<- string) error {
	if workers < 1 {
		workers = 1
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		failOnce sync.Once
		dialErr  error
	)
	for range workers {
		wg.Go(func() {
			conn, err := dial()
			if err != nil {
				failOnce.Do(func() {
					dialErr = fmt.Errorf("local: dial: %w", err)
					cancel()
				})
				return
			}
			defer conn.Close()
			work(ctx, conn, jobs, results)
		})
	}
	wg.Wait()
	if dialErr != nil {
		return dialErr
	}
	return parent.Err()
}

// work is one worker's loop.
func work(ctx context.Context, conn Conn, jobs <-chan string, results chan<- string) {
	for {
		select {
		case <-ctx.Done():
			return
		case q := <-jobs: // a closed channel gives "" at once, forever
			answer, err := conn.Query(q)
			if err != nil {
				answer = "error: " + err.Error()
			}
			select {
			case results <- answer:
			case <-ctx.Done():
				return
			}
		}
	}
}

// Registry maps a worker id to that worker's state.
type Registry[T any] struct {
	mu sync.Mutex
	m  map[int]T
}

// Set stores v as the state of worker id.
func (r *Registry[T]) Set(id int, v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = make(map[int]T)
	}
	r.m[id] = v
}

// Get returns the state of worker id, and whether there is one.
func (r *Registry[T]) Get(id int) (T, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.m[id]
	return v, ok
}

// Delete removes the state of worker id.
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

// Snapshot returns a copy of the whole table.
func (r *Registry[T]) Snapshot() map[int]T {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[int]T, len(r.m))
	for id, v := range r.m {
		out[id] = v
	}
	return out
}
