// Package local gives goroutines and requests data of their own: the Go
// versions of the three ways the Python notes give each thread its own data
// (pass it as a parameter, a global dict keyed by the thread, and
// threading.local).
//
// Go has no goroutine-local storage and no goroutine ids, on purpose. So:
//
//   - a value that belongs to one request (its id, its user) travels with the
//     request in a context.Context, under a key of a type that no other
//     package can name, so no other package can overwrite it by accident;
//   - a resource that must not be shared (a connection) is a local variable of
//     the goroutine that opened it, and that goroutine alone uses and closes it;
//   - a table of per-worker state, if you want one, is keyed by an explicit
//     worker id and guarded by a mutex.
package local

import (
	"context"
	"errors"
)

// ErrNotImplemented is what the unfinished stub returns. Your solution must
// not return it.
var ErrNotImplemented = errors.New("local: not implemented")

// WithRequestID returns a copy of ctx that carries id as its request id
// (ctx itself is not changed). Anything derived from the copy, for example
// with context.WithCancel, carries it too, and a later WithRequestID on the
// copy replaces it for the contexts derived from that call only.
//
// Store id with context.WithValue under a key whose type is an unexported
// type of this package, not a string or any other built-in type: values that
// other packages store, under whatever key, must never hide or replace it,
// and neither may the user stored by WithUser.
func WithRequestID(ctx context.Context, id string) context.Context {
	// TODO
	return ctx
}

// RequestID returns the request id that ctx carries and true, or "" and
// false if it carries none. An id set to "" is found: ("", true). RequestID
// never panics, and it finds only what WithRequestID stored.
func RequestID(ctx context.Context) (string, bool) {
	// TODO
	return "", false
}

// WithUser returns a copy of ctx that carries user as its user. It follows
// the same rules as WithRequestID, with a key of its own: a request id and a
// user stored in the same context never overwrite each other.
func WithUser(ctx context.Context, user string) context.Context {
	// TODO
	return ctx
}

// User returns the user that ctx carries and true, or "" and false if it
// carries none. Like RequestID, it finds only what WithUser stored.
func User(ctx context.Context) (string, bool) {
	// TODO
	return "", false
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

// Serve answers jobs with a pool of workers, each of which owns one
// connection.
//
// Serve starts workers goroutines (workers <= 0 means 1). Each worker, as soon
// as it starts and before it takes any job, calls dial once to open a
// connection of its own. It then uses that connection, and no other, for every
// job it takes, and no other goroutine ever uses it (so a Conn needs no lock):
//
//   - it takes a query q from jobs, calls Query(q) on its connection and sends
//     the answer on results. If Query returns an error, it sends
//     "error: " + err.Error() instead and goes on with its next job;
//   - it stops when jobs is closed and every job has been taken, or when ctx
//     is done: then it waits for no more jobs, gives up a send on results
//     that cannot go through, and closes its connection (exactly once).
//
// dial may be called from several goroutines at once. If a dial fails, Serve
// stops every worker as if ctx had been cancelled (each closes the connection
// it opened) and returns an error that wraps the dial's error, so errors.Is
// finds it.
//
// Serve returns only after every worker has ended: no goroutine it started is
// still running, every connection is closed, and every answer it produced is
// already on results. It then returns the dial error if a dial failed, and
// ctx.Err() otherwise (nil when the workers stopped because jobs was closed).
// Serve never closes results.
func Serve(ctx context.Context, workers int, dial func() (Conn, error), jobs <-chan string, results chan<- string) error {
	// TODO
	return ErrNotImplemented
}

// Registry maps a worker id to that worker's state of type T: the Go version
// of the notes' "global dict keyed by the thread". Goroutines have no id, so
// each worker passes its own id.
//
// The zero value is an empty registry, ready to use, so a Registry can be a
// package-level variable. Any number of goroutines may call its methods at the
// same time, also when each of them uses only its own id. Do not copy a
// Registry after first use.
type Registry[T any] struct {
	// TODO: add fields
}

// Set stores v as the state of worker id, replacing any earlier state.
func (r *Registry[T]) Set(id int, v T) {
	// TODO
}

// Get returns the state of worker id and true, or the zero value and false
// if worker id has no state.
func (r *Registry[T]) Get(id int) (T, bool) {
	// TODO
	var zero T
	return zero, false
}

// Delete removes the state of worker id. Deleting an id that has no state
// does nothing.
func (r *Registry[T]) Delete(id int) {
	// TODO
}

// Len returns the number of workers that have state.
func (r *Registry[T]) Len() int {
	// TODO
	return 0
}

// Snapshot returns a copy of the whole table, id -> state. It is never nil
// (an empty registry gives an empty map), and it is the caller's own: later
// changes to the registry do not show in it, and changes to it do not show
// in the registry.
func (r *Registry[T]) Snapshot() map[int]T {
	// TODO
	return nil
}
