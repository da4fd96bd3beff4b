package race

// Mistake: AtomicCounter increments with a plain a.n++ next to a correctly locked Counter and Tally
// Fails: TestAtomicCounterConcurrentIncrements:race TestAtomicCounterReadsWhileWriting:race

import (
	"maps"
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

type AtomicCounter struct{ n int64 }

// Only the read is atomic; the writes are plain read-modify-writes.
func (a *AtomicCounter) Inc()         { a.n++ }
func (a *AtomicCounter) Add(n int64)  { a.n += n }
func (a *AtomicCounter) Value() int64 { return atomic.LoadInt64(&a.n) }

type Tally struct {
	mu     sync.RWMutex
	counts map[string]int
}

func (t *Tally) Add(word string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counts == nil {
		t.counts = make(map[string]int)
	}
	t.counts[word]++
}

func (t *Tally) Count(word string) int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.counts[word]
}

func (t *Tally) Snapshot() map[string]int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make(map[string]int, len(t.counts))
	maps.Copy(out, t.counts)
	return out
}
