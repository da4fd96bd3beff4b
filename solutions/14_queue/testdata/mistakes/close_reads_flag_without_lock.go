// Package queue is a generic, bounded, blocking FIFO queue with the whole
// API of Python's queue.Queue: blocking Put and Get, timeouts, no-wait
// variants, size queries, TaskDone/Join, and Close.
package queue

// Mistake: Close reads the closed flag without the lock as a fast path: two Close calls at once race on it
// Fails: TestClose:race

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Errors returned by the queue. Compare with errors.Is.
var (
	// ErrEmpty: no item was available (TryGet, or GetTimeout ran out of time).
	ErrEmpty = errors.New("queue: empty")
	// ErrFull: there was no room (TryPut, or PutTimeout ran out of time).
	ErrFull = errors.New("queue: full")
	// ErrClosed: the queue is closed (Put after Close, or Get on a closed,
	// drained queue).
	ErrClosed = errors.New("queue: closed")
	// ErrTooManyTaskDone: TaskDone was called more times than items were put.
	ErrTooManyTaskDone = errors.New("queue: TaskDone called more times than items were put")
)

// Why sync.Cond and not channels?
//
// A buffered channel looks like a queue, but it cannot be unbounded
// (maxsize 0), closing it while a sender is blocked panics the sender, and
// "wait until every task is done" (Join) is not something a channel can
// express. Python's own queue.Queue is one lock plus three condition
// variables (not_empty, not_full, all_tasks_done), and Go's sync.Cond is the
// same tool: the state lives in plain fields guarded by one mutex, and a
// goroutine that must wait for the state to change sleeps in Cond.Wait,
// which releases the mutex while sleeping and takes it back before
// returning. Nobody polls, and nobody burns CPU while waiting.
//
// sync.Cond has no timeout, so the timed and context variants use
// context.AfterFunc to broadcast on the condition when the context is done.
// The waiter then wakes up, sees ctx.Err() != nil and leaves.

// Queue is a FIFO queue of T values, safe for use by many goroutines at once.
// Create one with New.
type Queue[T any] struct {
	mu sync.Mutex // guards every field below

	// notEmpty is signalled when an item is added, notFull when one is
	// removed, allDone when the count of unfinished tasks drops to zero.
	// All three use mu as their lock.
	notEmpty *sync.Cond
	notFull  *sync.Cond
	allDone  *sync.Cond

	items      []T // items[0] is the oldest
	maxsize    int // 0 means unbounded
	unfinished int // items put and not yet marked done with TaskDone
	closed     bool
}

// New returns an empty queue that holds at most maxsize items. maxsize <= 0
// means unbounded.
func New[T any](maxsize int) *Queue[T] {
	if maxsize < 0 {
		maxsize = 0
	}
	q := &Queue[T]{maxsize: maxsize}
	q.notEmpty = sync.NewCond(&q.mu)
	q.notFull = sync.NewCond(&q.mu)
	q.allDone = sync.NewCond(&q.mu)
	return q
}

// Put adds v at the back of the queue, waiting while the queue is full.
// It returns ErrClosed if the queue is closed, before or while waiting.
func (q *Queue[T]) Put(v T) error {
	return q.put(context.Background(), v, true)
}

// TryPut adds v without waiting: ErrFull if there is no room, ErrClosed if
// the queue is closed.
func (q *Queue[T]) TryPut(v T) error {
	return q.put(context.Background(), v, false)
}

// PutTimeout is Put that waits at most d for room, then returns ErrFull.
// d <= 0 does not wait at all (like TryPut).
func (q *Queue[T]) PutTimeout(v T, d time.Duration) error {
	if d <= 0 {
		return q.TryPut(v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	err := q.put(ctx, v, true)
	if errors.Is(err, context.DeadlineExceeded) {
		return ErrFull // our own deadline passed: report it the queue way
	}
	return err
}

// PutContext is Put that gives up with ctx.Err() when ctx is done first.
func (q *Queue[T]) PutContext(ctx context.Context, v T) error {
	return q.put(ctx, v, true)
}

// Get removes and returns the item at the front of the queue, waiting while
// the queue is empty. Once the queue is closed, Get still returns the items
// left in it, then ErrClosed.
func (q *Queue[T]) Get() (T, error) {
	return q.get(context.Background(), true)
}

// TryGet is Get without waiting: ErrEmpty if there is no item, ErrClosed if
// the queue is closed and drained.
func (q *Queue[T]) TryGet() (T, error) {
	return q.get(context.Background(), false)
}

// GetTimeout is Get that waits at most d for an item, then returns ErrEmpty.
// d <= 0 does not wait at all (like TryGet).
func (q *Queue[T]) GetTimeout(d time.Duration) (T, error) {
	if d <= 0 {
		return q.TryGet()
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	v, err := q.get(ctx, true)
	if errors.Is(err, context.DeadlineExceeded) {
		return v, ErrEmpty
	}
	return v, err
}

// GetContext is Get that gives up with ctx.Err() when ctx is done first.
func (q *Queue[T]) GetContext(ctx context.Context) (T, error) {
	return q.get(ctx, true)
}

// put is the one implementation behind every Put variant. block == false
// means "do not wait" (TryPut).
func (q *Queue[T]) put(ctx context.Context, v T, block bool) error {
	q.mu.Lock()
	defer q.mu.Unlock()

	// Always re-check in a loop: being woken up only means "the state may
	// have changed". Another Put may have taken the free slot first.
	for {
		if q.closed {
			return ErrClosed
		}
		if q.maxsize == 0 || len(q.items) < q.maxsize {
			break
		}
		if !block {
			return ErrFull
		}
		// The state is checked before ctx: if a slot is free, we take it
		// even if ctx has just expired, so a wake-up meant for us is never
		// wasted.
		if err := ctx.Err(); err != nil {
			return err
		}
		q.wait(ctx, q.notFull)
	}

	q.items = append(q.items, v)
	q.unfinished++
	// One new item can satisfy one getter: wake one. The getter re-checks
	// the queue itself, so no wake-up is lost even if another goroutine
	// takes the item first (then the queue is empty again and nobody needed
	// waking).
	q.notEmpty.Signal()
	return nil
}

// get is the one implementation behind every Get variant.
func (q *Queue[T]) get(ctx context.Context, block bool) (T, error) {
	q.mu.Lock()
	defer q.mu.Unlock()

	var zero T
	for len(q.items) == 0 {
		if q.closed {
			return zero, ErrClosed
		}
		if !block {
			return zero, ErrEmpty
		}
		if err := ctx.Err(); err != nil {
			return zero, err
		}
		q.wait(ctx, q.notEmpty)
	}

	v := q.items[0]
	q.items[0] = zero // do not keep the item alive through the backing array
	q.items = q.items[1:]
	q.notFull.Signal() // one free slot: wake one waiting Put
	return v, nil
}

// wait sleeps on c until it is signalled, or until ctx is done. The caller
// holds q.mu, and holds it again when wait returns.
func (q *Queue[T]) wait(ctx context.Context, c *sync.Cond) {
	if ctx.Done() == nil { // context.Background(): can never be done
		c.Wait()
		return
	}
	// When ctx is done, wake every waiter on c; ours then sees ctx.Err()
	// and leaves, the others find nothing new and go back to sleep.
	// The callback takes q.mu before broadcasting. We hold q.mu from our
	// check of ctx.Err() until Wait releases it, so the broadcast cannot
	// slip in between the check and the sleep (that would be a lost
	// wake-up: we would sleep past our deadline).
	stop := context.AfterFunc(ctx, func() {
		q.mu.Lock()
		c.Broadcast()
		q.mu.Unlock()
	})
	c.Wait()
	stop()
}

// Len returns the number of items in the queue right now. Other goroutines
// may change it as soon as it returns, so use it for reporting, not to
// decide whether Get would block (use TryGet for that).
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// Empty reports whether the queue holds no items right now.
func (q *Queue[T]) Empty() bool {
	return q.Len() == 0
}

// Full reports whether the queue is bounded and holds maxsize items right
// now. An unbounded queue is never full.
func (q *Queue[T]) Full() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.maxsize > 0 && len(q.items) >= q.maxsize
}

// MaxSize returns the bound given to New, or 0 for an unbounded queue.
func (q *Queue[T]) MaxSize() int {
	return q.maxsize // never changes after New: no lock needed
}

// TaskDone marks one item taken from the queue as fully processed. It
// returns ErrTooManyTaskDone, and changes nothing, when every item put so
// far has already been marked done.
func (q *Queue[T]) TaskDone() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.unfinished == 0 {
		return ErrTooManyTaskDone
	}
	q.unfinished--
	if q.unfinished == 0 {
		q.allDone.Broadcast() // every Join is waiting for this: wake them all
	}
	return nil
}

// Join waits until every item ever put has been marked done with TaskDone.
func (q *Queue[T]) Join() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.unfinished > 0 {
		q.allDone.Wait()
	}
}

// Close closes the queue: later Puts fail with ErrClosed, Gets drain what is
// left and then fail with ErrClosed, and every goroutine blocked in a Put or
// Get wakes up. Closing twice is harmless.
func (q *Queue[T]) Close() {
	if q.closed {
		return
	}
	q.mu.Lock()

	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.closed = true
	// Broadcast, not Signal: every waiter must see the change.
	q.notEmpty.Broadcast()
	q.notFull.Broadcast()
}
