package race

// Mistake: Tally.Snapshot returns the guarded map itself, so the caller reads and writes it without the lock
// Fails: TestTallySnapshotIsACopy:fail TestTallyReadsWhileWriting

import (
	"sync"
	"sync/atomic"
)

type Counter struct {
	mu sync.Mutex
	n  int64
}

func (c *Counter) Inc() { c.Add(1) }

func (c *Counter) Add(n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += n
}

func (c *Counter) Value() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

type AtomicCounter struct{ n atomic.Int64 }

func (a *AtomicCounter) Inc()         { a.n.Add(1) }
func (a *AtomicCounter) Add(n int64)  { a.n.Add(n) }
func (a *AtomicCounter) Value() int64 { return a.n.Load() }

type Tally struct {
	mu     sync.RWMutex
	counts map[string]int
}

func (t *Tally) Add(word string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ensure()
	t.counts[word]++
}

func (t *Tally) Count(word string) int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.counts[word]
}

// The lock is held while the map is looked up, but released before the
// caller ever reads it.
func (t *Tally) Snapshot() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ensure()
	return t.counts
}

func (t *Tally) ensure() {
	if t.counts == nil {
		t.counts = make(map[string]int)
	}
}
