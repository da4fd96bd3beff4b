package race

// Mistake: Tally uses a plain map with no lock (fine in CPython thanks to the GIL, a data race and a crash in Go)
// Fails: TestTallyConcurrentAdds TestTallyReadsWhileWriting

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

type AtomicCounter struct{ n atomic.Int64 }

func (a *AtomicCounter) Inc()         { a.n.Add(1) }
func (a *AtomicCounter) Add(n int64)  { a.n.Add(n) }
func (a *AtomicCounter) Value() int64 { return a.n.Load() }

type Tally struct {
	counts map[string]int
}

func (t *Tally) Add(word string) {
	if t.counts == nil {
		t.counts = make(map[string]int)
	}
	t.counts[word]++
}

func (t *Tally) Count(word string) int { return t.counts[word] }

func (t *Tally) Snapshot() map[string]int {
	out := make(map[string]int, len(t.counts))
	maps.Copy(out, t.counts)
	return out
}
