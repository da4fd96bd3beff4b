package race

// Mistake: Counter locks around the write only; Value reads c.n without the lock
// Fails: TestCounterReadsWhileWriting:race

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

// "Reading an int64 cannot do any harm": it is still a data race.
func (c *Counter) Value() int64 { return c.n }

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
