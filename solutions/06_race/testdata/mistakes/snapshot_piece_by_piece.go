// Package race is about state that several goroutines share: a counter and a
// word tally. Without synchronization, updates get lost, reads see values that
// are not guaranteed to exist, and a Go map written by two goroutines at once
// crashes the whole program. The cure is to make every access, reads included,
// go through one synchronization point: a mutex or an atomic operation.
package race

// Mistake: Snapshot lists the words under the lock, then reads each count with Count, in a critical section of its own: the snapshot is not one moment, and a later word can overtake an earlier one
// Fails: TestTallyReadsWhileWriting:fail

import (
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
	if t.counts == nil {
		// Lazy creation happens under the write lock, like any other write.
		t.counts = make(map[string]int)
	}
	t.counts[word]++
}

// Count returns how many times word was added (0 for a word never added).
func (t *Tally) Count(word string) int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.counts[word] // reading a nil map is fine and gives 0
}

// Snapshot returns a new map holding every word and its count at one moment.
// The map belongs to the caller: it may read and modify it at any time
// without any lock and without affecting the tally, and later Adds do not
// change it. It is never nil, even for an empty tally.
func (t *Tally) Snapshot() map[string]int {
	// Collect the words under the lock, then read each count through Count,
	// which takes the lock itself: no lock is held for long.
	t.mu.RLock()
	words := make([]string, 0, len(t.counts))
	for w := range t.counts {
		words = append(words, w)
	}
	t.mu.RUnlock()
	out := make(map[string]int, len(words))
	for _, w := range words {
		out[w] = t.Count(w)
	}
	return out
}
