// Package race is about state that several goroutines share: a counter and a
// word tally. Without synchronization, updates get lost, reads see values that
// are not guaranteed to exist, and a Go map written by two goroutines at once
// crashes the whole program. The cure is to make every access, reads included,
// go through one synchronization point: a mutex or an atomic operation.
package race

// Mistake: Count and Snapshot make the map on first use while holding only the read lock: two readers of a zero Tally, let in together, both write the field
// Fails: TestTallyReadsWhileWriting:race

import (
	"maps"
	"sync"
	"sync/atomic"
)

// Counter is a count protected by a mutex. Its zero value is a counter at 0,
// ready to use. It is safe for concurrent use by many goroutines, and must
// not be copied after first use (pass *Counter around instead).
type Counter struct {
	// mu guards n. Keeping the lock next to the data it guards, unexported,
	// means nobody outside this file can touch n without it.
	mu sync.Mutex
	n  int64
}

// Inc adds 1 to the counter.
//
// The receiver is a pointer: with a value receiver every call would lock
// and increment its own private copy of the Counter (mutex included), and
// the increment would be lost as soon as the method returned.
func (c *Counter) Inc() {
	c.Add(1)
}

// Add adds n to the counter; n may be negative.
func (c *Counter) Add(n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// c.n += n is a read, an add and a write. Without the lock two goroutines
	// can both read the same old value and one of the two updates is lost.
	c.n += n
}

// Value returns the current count.
func (c *Counter) Value() int64 {
	// Reads need the lock too: a read that is not ordered with a write is a
	// data race, whatever the CPU happens to do with an int64.
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// AtomicCounter is a count updated with atomic operations instead of a lock.
// Its zero value is a counter at 0, ready to use. It is safe for concurrent
// use by many goroutines, and must not be copied after first use.
type AtomicCounter struct {
	// atomic.Int64 can only be used through its methods, so nobody can
	// forget and write n++ somewhere; go vet also flags copies of it.
	n atomic.Int64
}

// Inc adds 1 to the counter.
func (a *AtomicCounter) Inc() {
	a.n.Add(1)
}

// Add adds n to the counter; n may be negative. The read-modify-write is one
// indivisible hardware operation, so no update is ever lost.
func (a *AtomicCounter) Add(n int64) {
	a.n.Add(n)
}

// Value returns the current count. An atomic load, never a plain read: a plain
// read racing with an atomic write is still a data race.
func (a *AtomicCounter) Value() int64 {
	return a.n.Load()
}

// Tally counts how many times each word was added. Its zero value is an empty
// tally, ready to use. It is safe for concurrent use by many goroutines, and
// must not be copied after first use.
type Tally struct {
	// An RWMutex lets many readers (Count, Snapshot) in at once while a
	// writer (Add) gets the map to itself.
	mu     sync.RWMutex
	counts map[string]int // created on first Add, so the zero value works
}

// Add counts one more occurrence of word.
func (t *Tally) Add(word string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	t.counts[word]++
}

// init creates the map on first use. Every method calls it with the lock held.
func (t *Tally) init() {
	if t.counts == nil {
		t.counts = make(map[string]int)
	}
}

// Count returns how many times word was added (0 for a word never added).
func (t *Tally) Count(word string) int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	t.init()
	return t.counts[word]
}

// Snapshot returns a new map holding every word and its count at one moment.
// The map belongs to the caller: it may read and modify it at any time
// without any lock and without affecting the tally, and later Adds do not
// change it. It is never nil, even for an empty tally.
func (t *Tally) Snapshot() map[string]int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	t.init()
	// Returning t.counts itself would hand out the guarded map: the caller
	// would then read it with no lock while Add writes to it.
	// The copy is made while the lock is held, so it is consistent.
	out := make(map[string]int, len(t.counts)) // maps.Clone(nil) would be nil
	maps.Copy(out, t.counts)
	return out
}
