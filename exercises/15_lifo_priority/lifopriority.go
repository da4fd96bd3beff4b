// Package lifopriority has two blocking queues that share one engine: a
// LIFO queue (a stack: the newest item comes out first, like Python's
// queue.LifoQueue) and a priority queue (the lowest priority number comes
// out first, equal priorities in the order they went in, like Python's
// queue.PriorityQueue with a tie-breaking counter).
package lifopriority

import (
	"errors"
	"time"
)

// Errors returned by both queues. Callers compare them with errors.Is, so
// return these exact values (or wrap them).
var (
	// ErrEmpty means no item was available: TryGet on an empty queue, or
	// GetTimeout that ran out of time.
	ErrEmpty = errors.New("lifopriority: empty")
	// ErrFull means there was no room: TryPut on a full queue, or
	// PutTimeout that ran out of time.
	ErrFull = errors.New("lifopriority: full")
	// ErrClosed means the queue is closed: any Put after Close, or a Get on
	// a closed queue that has no items left.
	ErrClosed = errors.New("lifopriority: closed")

	// ErrNotImplemented is what the unfinished stub returns. Your solution
	// must not return it.
	ErrNotImplemented = errors.New("lifopriority: not implemented")
)

// The plan: write the blocking machinery ONCE, and make the two queues thin
// layers over it.
//
//   - A core[T] type (yours to write) holds the lock, whatever you wait on
//     (sync.Cond, or channels), maxsize, the closed flag, and a store[T].
//     It does all the waiting: put and get, blocking, with a timeout or not
//     at all, plus Len, Empty, Full, MaxSize and Close. It never looks at
//     the order of the items: it only calls the store.
//   - A store decides the order. Write two: a stack for Lifo, and a heap
//     (container/heap) or a sorted slice for Priority.
//   - Lifo[T] and Priority[T] hold a core and translate their methods to
//     it. Embedding the core (type Lifo[T any] struct{ *core[T] }) gives
//     them the core's exported methods for free.
//
// This is how Python's queue module is built: Queue does the locking and
// waiting and calls _put, _get and _qsize; LifoQueue and PriorityQueue
// override only those three.

// store is an ordering policy: it holds the items and decides which one
// comes out next. It does no locking and never blocks: the core calls it
// only while holding its lock, and calls pop only when len() > 0.
//
//lint:ignore U1000 the stub leaves store for the student's code to use.
type store[T any] interface {
	push(v T) // add v
	pop() T   // remove and return the item that must come out next
	len() int // how many items are held
}

// ---- the LIFO queue ----

// Lifo is a last-in first-out queue (a stack) of T values that any number
// of goroutines may use at the same time. Create one with NewLifo; the zero
// value is not used.
//
// Waiting must be real waiting: a goroutine blocked in Put or Get sleeps
// until another goroutine changes the queue (or its timeout ends, or the
// queue is closed), and is woken by that change itself. Do not poll in a
// loop with time.Sleep, and do not spin.
type Lifo[T any] struct {
	// TODO: add fields
}

// NewLifo returns an empty, open LIFO queue that holds at most maxsize
// items. maxsize <= 0 means unbounded: Put never waits and Full is never
// true.
func NewLifo[T any](maxsize int) *Lifo[T] {
	// TODO
	return &Lifo[T]{}
}

// Put adds v on top of the queue. If the queue is full it waits until a Get
// makes room; Len never goes above MaxSize. It returns nil once v is in the
// queue. If the queue is closed, before the call or while Put is waiting,
// Put returns ErrClosed and v is not added.
func (q *Lifo[T]) Put(v T) error {
	// TODO
	return ErrNotImplemented
}

// TryPut adds v on top without waiting (Python's put_nowait). It returns
// ErrFull, and adds nothing, if the queue is full, and ErrClosed if the
// queue is closed (even when it is also full).
func (q *Lifo[T]) TryPut(v T) error {
	// TODO
	return ErrNotImplemented
}

// PutTimeout is Put that waits at most d for room. If there is still no
// room after exactly d, it returns ErrFull and v is not added. It returns as
// soon as there is room, without waiting out d. d <= 0 means do not wait at
// all (same as TryPut). A closed queue gives ErrClosed at once.
func (q *Lifo[T]) PutTimeout(v T, d time.Duration) error {
	// TODO
	return ErrNotImplemented
}

// Get removes and returns the newest item (the one put last). If the queue
// is empty it waits until a Put adds an item; it never returns a made-up
// zero value.
//
// After Close, Get still returns the items left in the queue, and then
// returns (zero value, ErrClosed) without waiting. A Get waiting on an empty
// queue when Close is called returns (zero value, ErrClosed).
func (q *Lifo[T]) Get() (T, error) {
	// TODO
	var zero T
	return zero, ErrNotImplemented
}

// TryGet removes and returns the newest item without waiting (Python's
// get_nowait). On an empty queue it returns (zero value, ErrEmpty), or
// (zero value, ErrClosed) if the queue is also closed.
func (q *Lifo[T]) TryGet() (T, error) {
	// TODO
	var zero T
	return zero, ErrNotImplemented
}

// GetTimeout is Get that waits at most d for an item. If there is still no
// item after exactly d, it returns (zero value, ErrEmpty). It returns as
// soon as an item arrives, without waiting out d. d <= 0 means do not wait
// at all (same as TryGet). A closed, drained queue gives ErrClosed at once.
func (q *Lifo[T]) GetTimeout(d time.Duration) (T, error) {
	// TODO
	var zero T
	return zero, ErrNotImplemented
}

// Len returns the number of items in the queue right now (Python's qsize).
func (q *Lifo[T]) Len() int {
	// TODO
	return 0
}

// Empty reports whether the queue holds no items right now.
func (q *Lifo[T]) Empty() bool {
	// TODO
	return false
}

// Full reports whether the queue holds MaxSize items right now. An
// unbounded queue is never full.
func (q *Lifo[T]) Full() bool {
	// TODO
	return false
}

// MaxSize returns the bound given to NewLifo, or 0 for an unbounded queue
// (also when NewLifo was given a negative number).
func (q *Lifo[T]) MaxSize() int {
	// TODO
	return 0
}

// Close closes the queue. From then on every Put variant returns ErrClosed,
// and Get variants return the items still in the queue, then ErrClosed.
// Every goroutine waiting in a Put or Get variant wakes up at once and
// returns ErrClosed. Calling Close again does nothing.
func (q *Lifo[T]) Close() {
	// TODO
}

// ---- the priority queue ----

// Item is what the priority queue returns: a value and the priority it was
// put with. A lower Priority comes out first (Python's (priority, value)
// tuple).
type Item[T any] struct {
	Priority int
	Value    T
}

// Priority is a priority queue of T values that any number of goroutines
// may use at the same time. Get returns the item with the LOWEST priority
// number; among items with equal priorities, the one that went into the
// queue first. Any int is a valid priority, negative ones and math.MinInt
// and math.MaxInt included. Create one with NewPriority; the zero value is
// not used.
//
// It waits exactly like Lifo: the same blocking, timeouts, errors and Close.
type Priority[T any] struct {
	// TODO: add fields
}

// NewPriority returns an empty, open priority queue that holds at most
// maxsize items. maxsize <= 0 means unbounded.
func NewPriority[T any](maxsize int) *Priority[T] {
	// TODO
	return &Priority[T]{}
}

// Put adds v with the given priority. If the queue is full it waits until
// a Get makes room. It returns ErrClosed, and adds nothing, if the queue is
// closed before the call or while Put is waiting.
func (q *Priority[T]) Put(priority int, v T) error {
	// TODO
	return ErrNotImplemented
}

// TryPut adds v with the given priority without waiting: ErrFull (nothing
// added) if the queue is full, ErrClosed if it is closed.
func (q *Priority[T]) TryPut(priority int, v T) error {
	// TODO
	return ErrNotImplemented
}

// PutTimeout is Put that waits at most d for room, then returns ErrFull and
// adds nothing. It returns as soon as there is room. d <= 0 means do not
// wait at all (same as TryPut). A closed queue gives ErrClosed at once.
func (q *Priority[T]) PutTimeout(priority int, v T, d time.Duration) error {
	// TODO
	return ErrNotImplemented
}

// Get removes and returns the item with the lowest priority number, the
// oldest one among equals. If the queue is empty it waits until a Put adds
// an item; it never returns a made-up zero Item. After Close it returns the
// items left, then (zero Item, ErrClosed) without waiting; a Get waiting
// when Close is called returns (zero Item, ErrClosed).
func (q *Priority[T]) Get() (Item[T], error) {
	// TODO
	return Item[T]{}, ErrNotImplemented
}

// TryGet is Get without waiting: (zero Item, ErrEmpty) on an empty queue,
// or (zero Item, ErrClosed) if it is also closed.
func (q *Priority[T]) TryGet() (Item[T], error) {
	// TODO
	return Item[T]{}, ErrNotImplemented
}

// GetTimeout is Get that waits at most d for an item, then returns
// (zero Item, ErrEmpty). It returns as soon as an item arrives. d <= 0
// means do not wait at all (same as TryGet). A closed, drained queue gives
// ErrClosed at once.
func (q *Priority[T]) GetTimeout(d time.Duration) (Item[T], error) {
	// TODO
	return Item[T]{}, ErrNotImplemented
}

// Len returns the number of items in the queue right now.
func (q *Priority[T]) Len() int {
	// TODO
	return 0
}

// Empty reports whether the queue holds no items right now.
func (q *Priority[T]) Empty() bool {
	// TODO
	return false
}

// Full reports whether the queue holds MaxSize items right now. An
// unbounded queue is never full.
func (q *Priority[T]) Full() bool {
	// TODO
	return false
}

// MaxSize returns the bound given to NewPriority, or 0 for an unbounded
// queue (also when NewPriority was given a negative number).
func (q *Priority[T]) MaxSize() int {
	// TODO
	return 0
}

// Close closes the queue, exactly like Lifo.Close.
func (q *Priority[T]) Close() {
	// TODO
}
