// Package queue is a generic, bounded, blocking FIFO queue with the whole
// API of Python's queue.Queue: blocking Put and Get, timeouts, no-wait
// variants, size queries, TaskDone/Join, and Close.
package queue

import (
	"context"
	"errors"
	"time"
)

// Errors returned by the queue. Callers compare them with errors.Is, so
// return these exact values (or wrap them).
var (
	// ErrEmpty means no item was available: TryGet on an empty queue, or
	// GetTimeout that ran out of time.
	ErrEmpty = errors.New("queue: empty")
	// ErrFull means there was no room: TryPut on a full queue, or
	// PutTimeout that ran out of time.
	ErrFull = errors.New("queue: full")
	// ErrClosed means the queue is closed: any Put after Close, or a Get on
	// a closed queue that has no items left.
	ErrClosed = errors.New("queue: closed")
	// ErrTooManyTaskDone means TaskDone was called more times than items
	// were put.
	ErrTooManyTaskDone = errors.New("queue: TaskDone called more times than items were put")

	// ErrNotImplemented is what the unfinished stub returns. Your solution
	// must not return it.
	ErrNotImplemented = errors.New("queue: not implemented")
)

// Queue is a first-in first-out queue of T values that any number of
// goroutines may use at the same time. Create one with New; the zero value
// is not used.
//
// Waiting must be real waiting: a goroutine blocked in Put or Get sleeps
// until another goroutine changes the queue (or its timeout or context ends,
// or the queue is closed), and is woken by that change itself. Do not poll
// in a loop with time.Sleep, and do not spin.
type Queue[T any] struct {
	// TODO: add fields
}

// New returns an empty, open queue that holds at most maxsize items.
// maxsize <= 0 means unbounded: Put never waits and Full is never true.
func New[T any](maxsize int) *Queue[T] {
	// TODO
	return &Queue[T]{}
}

// Put adds v at the back of the queue. If the queue is full it waits until
// a Get makes room; Len never goes above MaxSize.
//
// Put returns nil once v is in the queue. If the queue is closed, before
// the call or while Put is waiting, Put returns ErrClosed and v is not
// added.
func (q *Queue[T]) Put(v T) error {
	// TODO
	return ErrNotImplemented
}

// TryPut adds v at the back of the queue without waiting (Python's
// put_nowait). It returns ErrFull, and adds nothing, if the queue is full,
// and ErrClosed if the queue is closed (even when it is also full).
func (q *Queue[T]) TryPut(v T) error {
	// TODO
	return ErrNotImplemented
}

// PutTimeout is Put that waits at most d for room. If there is still no
// room after exactly d, it returns ErrFull and v is not added. It returns as
// soon as there is room, without waiting out d. d <= 0 means do not wait at
// all (same as TryPut). A closed queue gives ErrClosed at once.
func (q *Queue[T]) PutTimeout(v T, d time.Duration) error {
	// TODO
	return ErrNotImplemented
}

// PutContext is Put that gives up when ctx is done: it then returns
// ctx.Err() and v is not added. A closed queue gives ErrClosed.
func (q *Queue[T]) PutContext(ctx context.Context, v T) error {
	// TODO
	return ErrNotImplemented
}

// Get removes and returns the item at the front of the queue (the oldest
// one). If the queue is empty it waits until a Put adds an item; it never
// returns a made-up zero value.
//
// After Close, Get still returns the items left in the queue, in order, and
// then returns (zero value, ErrClosed) without waiting. A Get waiting on an
// empty queue when Close is called returns (zero value, ErrClosed).
func (q *Queue[T]) Get() (T, error) {
	// TODO
	var zero T
	return zero, ErrNotImplemented
}

// TryGet removes and returns the front item without waiting (Python's
// get_nowait). On an empty queue it returns (zero value, ErrEmpty), or
// (zero value, ErrClosed) if the queue is also closed.
func (q *Queue[T]) TryGet() (T, error) {
	// TODO
	var zero T
	return zero, ErrNotImplemented
}

// GetTimeout is Get that waits at most d for an item. If there is still no
// item after exactly d, it returns (zero value, ErrEmpty). It returns as
// soon as an item arrives, without waiting out d. d <= 0 means do not wait
// at all (same as TryGet). A closed, drained queue gives ErrClosed at once.
func (q *Queue[T]) GetTimeout(d time.Duration) (T, error) {
	// TODO
	var zero T
	return zero, ErrNotImplemented
}

// GetContext is Get that gives up when ctx is done: it then returns
// (zero value, ctx.Err()) and takes nothing from the queue. A closed,
// drained queue gives ErrClosed.
func (q *Queue[T]) GetContext(ctx context.Context) (T, error) {
	// TODO
	var zero T
	return zero, ErrNotImplemented
}

// Len returns the number of items in the queue right now (Python's qsize).
// It is never negative and never above MaxSize for a bounded queue.
func (q *Queue[T]) Len() int {
	// TODO
	return 0
}

// Empty reports whether the queue holds no items right now.
func (q *Queue[T]) Empty() bool {
	// TODO
	return false
}

// Full reports whether the queue holds MaxSize items right now. An
// unbounded queue is never full.
func (q *Queue[T]) Full() bool {
	// TODO
	return false
}

// MaxSize returns the bound given to New, or 0 for an unbounded queue
// (also when New was given a negative number).
func (q *Queue[T]) MaxSize() int {
	// TODO
	return 0
}

// TaskDone tells the queue that one item taken from it has been fully
// processed (Python's task_done). Every successful Put, by any variant,
// adds one unfinished task; failed puts add none. TaskDone removes one.
// When there is no unfinished task, TaskDone returns ErrTooManyTaskDone
// and changes nothing (the count never goes below zero).
func (q *Queue[T]) TaskDone() error {
	// TODO
	return ErrNotImplemented
}

// Join waits until there are no unfinished tasks: every item ever put has
// been marked done with TaskDone. It returns at once if there are none.
// When the last TaskDone happens, every waiting Join returns.
func (q *Queue[T]) Join() {
	// TODO
}

// Close closes the queue. From then on every Put variant returns ErrClosed,
// and Get variants return the items still in the queue, then ErrClosed.
// Every goroutine waiting in a Put or Get variant wakes up at once and
// returns ErrClosed (a waiting Get on an empty queue, a waiting Put on a
// full one). Close does not affect TaskDone and Join. Calling Close again
// does nothing.
func (q *Queue[T]) Close() {
	// TODO
}
