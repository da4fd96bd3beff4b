// Package lifopriority has two blocking queues that share one engine: a
// LIFO queue (a stack: the newest item comes out first, like Python's
// queue.LifoQueue) and a priority queue (the lowest priority number comes
// out first, equal priorities in the order they went in, like Python's
// queue.PriorityQueue with a tie-breaking counter).
package lifopriority

// Mistake: Priority.Put numbers its item when it is called, before it waits for room: a Put that waited jumps ahead of equal items that went in meanwhile
// Fails: TestPriorityTiesKeepInsertionOrder:fail

import (
	"container/heap"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Errors returned by both queues. Compare with errors.Is.
var (
	// ErrEmpty: no item was available (TryGet, or GetTimeout ran out of time).
	ErrEmpty = errors.New("lifopriority: empty")
	// ErrFull: there was no room (TryPut, or PutTimeout ran out of time).
	ErrFull = errors.New("lifopriority: full")
	// ErrClosed: the queue is closed (Put after Close, or Get on a closed,
	// drained queue).
	ErrClosed = errors.New("lifopriority: closed")
)

// Python's queue module does exactly this: Queue holds the lock, the
// condition variables and maxsize, and calls four hooks (_init, _qsize,
// _put, _get) to touch the items. LifoQueue and PriorityQueue are
// subclasses that override only the hooks. Go has no subclasses, so the
// hooks become an interface (store), the shared engine (core) holds one, and
// the public types embed the engine to get Len, Empty, Full, MaxSize and
// Close for free.

// store is an ordering policy: it holds the items and decides which one
// comes out next. It does no locking and never blocks: the core calls it
// only while holding its lock, and calls pop only when len() > 0.
type store[T any] interface {
	push(v T)
	pop() T
	len() int
}

// core is the blocking machinery, written once for any ordering policy.
type core[T any] struct {
	mu sync.Mutex // guards every field below

	// notEmpty is signalled when an item is added, notFull when one is
	// removed. Both use mu as their lock.
	notEmpty *sync.Cond
	notFull  *sync.Cond

	items   store[T]
	maxsize int // 0 means unbounded; never changes after newCore
	closed  bool
}

func newCore[T any](maxsize int, items store[T]) *core[T] {
	if maxsize < 0 {
		maxsize = 0
	}
	c := &core[T]{items: items, maxsize: maxsize}
	c.notEmpty = sync.NewCond(&c.mu)
	c.notFull = sync.NewCond(&c.mu)
	return c
}

// put and get take the same arguments as Python's put(item, block, timeout):
// block == false never waits; block == true with d <= 0 waits as long as it
// takes; block == true with d > 0 waits at most d.
func (c *core[T]) put(v T, block bool, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()

	w := c.newWaiter(c.notFull, block, d)
	defer w.stop()
	// Check again after every wake-up: another Put may have taken the slot.
	for c.maxsize > 0 && c.items.len() >= c.maxsize && !c.closed {
		if !w.wait() {
			return ErrFull
		}
	}
	if c.closed {
		return ErrClosed
	}
	c.items.push(v)
	// One new item can satisfy one Get: wake one. Every Put signals, not
	// only the one that makes the queue non-empty, so no wake-up is lost.
	c.notEmpty.Signal()
	return nil
}

func (c *core[T]) get(block bool, d time.Duration) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()

	var zero T
	w := c.newWaiter(c.notEmpty, block, d)
	defer w.stop()
	for c.items.len() == 0 {
		if c.closed {
			return zero, ErrClosed // closed and drained
		}
		if !w.wait() {
			return zero, ErrEmpty
		}
	}
	v := c.items.pop()
	c.notFull.Signal() // one free slot: wake one waiting Put
	return v, nil
}

// waiter sleeps on a condition for put or get, within their time limit.
type waiter struct {
	cond     *sync.Cond
	block    bool
	deadline time.Time // zero: no limit
	timer    *time.Timer
}

// newWaiter is called with c.mu held.
func (c *core[T]) newWaiter(cond *sync.Cond, block bool, d time.Duration) *waiter {
	w := &waiter{cond: cond, block: block}
	if block && d > 0 {
		w.deadline = time.Now().Add(d)
		// sync.Cond has no timeout: a timer wakes the sleepers instead. It
		// takes the lock before broadcasting, and we hold the lock from our
		// deadline check until Wait releases it, so the broadcast cannot
		// fall between the check and the sleep (that would be a lost
		// wake-up, and we would sleep past our deadline). The others it
		// wakes find nothing new and go back to sleep.
		w.timer = time.AfterFunc(d, func() {
			c.mu.Lock()
			cond.Broadcast()
			c.mu.Unlock()
		})
	}
	return w
}

// wait sleeps until the condition is signalled and reports true, or reports
// false at once if the caller may not wait (any more). The lock is held
// before and after.
func (w *waiter) wait() bool {
	if !w.block {
		return false
	}
	if !w.deadline.IsZero() && !time.Now().Before(w.deadline) {
		return false
	}
	w.cond.Wait()
	return true
}

func (w *waiter) stop() {
	if w.timer != nil {
		w.timer.Stop()
	}
}

// Len returns the number of items in the queue right now.
func (c *core[T]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.items.len()
}

// Empty reports whether the queue holds no items right now.
func (c *core[T]) Empty() bool {
	return c.Len() == 0
}

// Full reports whether the queue is bounded and holds MaxSize items right
// now. An unbounded queue is never full.
func (c *core[T]) Full() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.maxsize > 0 && c.items.len() >= c.maxsize
}

// MaxSize returns the bound given to the constructor, or 0 for an unbounded
// queue.
func (c *core[T]) MaxSize() int {
	return c.maxsize // never changes: no lock needed
}

// Close closes the queue: later Puts fail with ErrClosed, Gets drain what
// is left and then fail with ErrClosed, and every goroutine waiting in the
// queue wakes up. Closing twice is harmless.
func (c *core[T]) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	// Broadcast, not Signal: every waiter must see the change.
	c.notEmpty.Broadcast()
	c.notFull.Broadcast()
}

// ---- the LIFO queue ----

// stack is the LIFO policy: push and pop at the same end of a slice.
type stack[T any] struct{ s []T }

func (s *stack[T]) push(v T) { s.s = append(s.s, v) }

func (s *stack[T]) pop() T {
	n := len(s.s) - 1
	v := s.s[n]
	var zero T
	s.s[n] = zero // do not keep the item alive through the backing array
	s.s = s.s[:n]
	return v
}

func (s *stack[T]) len() int { return len(s.s) }

// Lifo is a last-in first-out queue (a stack) of T values, safe for use by
// many goroutines at once. Create one with NewLifo.
type Lifo[T any] struct {
	*core[T] // Len, Empty, Full, MaxSize, Close
}

// NewLifo returns an empty LIFO queue that holds at most maxsize items.
// maxsize <= 0 means unbounded.
func NewLifo[T any](maxsize int) *Lifo[T] {
	return &Lifo[T]{newCore[T](maxsize, &stack[T]{})}
}

// Put adds v on top, waiting while the queue is full.
func (q *Lifo[T]) Put(v T) error { return q.put(v, true, 0) }

// TryPut adds v without waiting: ErrFull if there is no room.
func (q *Lifo[T]) TryPut(v T) error { return q.put(v, false, 0) }

// PutTimeout is Put that waits at most d for room, then returns ErrFull.
// d <= 0 does not wait at all.
func (q *Lifo[T]) PutTimeout(v T, d time.Duration) error { return q.put(v, d > 0, d) }

// Get removes and returns the newest item, waiting while the queue is empty.
func (q *Lifo[T]) Get() (T, error) { return q.get(true, 0) }

// TryGet is Get without waiting: ErrEmpty if there is no item.
func (q *Lifo[T]) TryGet() (T, error) { return q.get(false, 0) }

// GetTimeout is Get that waits at most d for an item, then returns ErrEmpty.
// d <= 0 does not wait at all.
func (q *Lifo[T]) GetTimeout(d time.Duration) (T, error) { return q.get(d > 0, d) }

// ---- the priority queue ----

// Item is what the priority queue stores and returns: a value and its
// priority. A lower Priority comes out first.
type Item[T any] struct {
	Priority int
	Value    T
}

// entry is an Item plus the number of its push. container/heap is not
// stable: on its own it returns equal priorities in an order that depends
// on the heap's shape. Comparing seq when priorities are equal makes every
// key unique, and the earlier push wins. (Python's heapq documentation
// adds the same counter.)
type entry[T any] struct {
	item Item[T]
	seq  uint64
}

// seqItem is what Priority hands the core: the item and its arrival number.
type seqItem[T any] struct {
	Item[T]
	seq uint64
}

// entries implements heap.Interface; heap.Push and heap.Pop keep it a
// min-heap by Less.
type entries[T any] []entry[T]

func (h entries[T]) Len() int { return len(h) }

func (h entries[T]) Less(i, j int) bool {
	// Compare, do not subtract: a.Priority-b.Priority overflows for
	// priorities near math.MinInt and math.MaxInt.
	if h[i].item.Priority != h[j].item.Priority {
		return h[i].item.Priority < h[j].item.Priority
	}
	return h[i].seq < h[j].seq
}

func (h entries[T]) Swap(i, j int) { h[i], h[j] = h[j], h[i] }

func (h *entries[T]) Push(x any) { *h = append(*h, x.(entry[T])) }

func (h *entries[T]) Pop() any {
	old := *h
	n := len(old) - 1
	e := old[n]
	old[n] = entry[T]{}
	*h = old[:n]
	return e
}

// byPriority is the priority policy.
type byPriority[T any] struct {
	h entries[T]
}

func (p *byPriority[T]) push(it seqItem[T]) {
	heap.Push(&p.h, entry[T]{item: it.Item, seq: it.seq})
}

func (p *byPriority[T]) pop() seqItem[T] {
	e := heap.Pop(&p.h).(entry[T])
	return seqItem[T]{e.item, e.seq}
}

func (p *byPriority[T]) len() int { return len(p.h) }

// Priority is a priority queue of T values, safe for use by many goroutines
// at once: Get returns the item with the lowest priority number, and among
// equal priorities the one put first. Create one with NewPriority.
type Priority[T any] struct {
	*core[seqItem[T]] // Len, Empty, Full, MaxSize, Close
	next              atomic.Uint64
}

func (q *Priority[T]) item(priority int, v T) seqItem[T] {
	return seqItem[T]{Item[T]{priority, v}, q.next.Add(1)}
}

func unwrap[T any](s seqItem[T], err error) (Item[T], error) { return s.Item, err }

// NewPriority returns an empty priority queue that holds at most maxsize
// items. maxsize <= 0 means unbounded.
func NewPriority[T any](maxsize int) *Priority[T] {
	return &Priority[T]{core: newCore[seqItem[T]](maxsize, &byPriority[T]{})}
}

// Put adds v with the given priority, waiting while the queue is full.
func (q *Priority[T]) Put(priority int, v T) error {
	return q.put(q.item(priority, v), true, 0)
}

// TryPut adds v without waiting: ErrFull if there is no room.
func (q *Priority[T]) TryPut(priority int, v T) error {
	return q.put(q.item(priority, v), false, 0)
}

// PutTimeout is Put that waits at most d for room, then returns ErrFull.
// d <= 0 does not wait at all.
func (q *Priority[T]) PutTimeout(priority int, v T, d time.Duration) error {
	return q.put(q.item(priority, v), d > 0, d)
}

// Get removes and returns the item with the lowest priority number (the
// oldest among equals), waiting while the queue is empty.
func (q *Priority[T]) Get() (Item[T], error) { return unwrap(q.get(true, 0)) }

// TryGet is Get without waiting: ErrEmpty if there is no item.
func (q *Priority[T]) TryGet() (Item[T], error) { return unwrap(q.get(false, 0)) }

// GetTimeout is Get that waits at most d for an item, then returns ErrEmpty.
// d <= 0 does not wait at all.
func (q *Priority[T]) GetTimeout(d time.Duration) (Item[T], error) { return unwrap(q.get(d > 0, d)) }
