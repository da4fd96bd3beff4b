// Package philosophers seats n philosophers at a round table with one fork
// between each pair of neighbours. A philosopher needs both of its forks to
// eat, so neighbours can never eat at the same time, and the philosophers
// must share the forks without ever deadlocking.
package philosophers

// Mistake: the waiter checks the forks with if instead of a loop around Wait: a philosopher woken by a Broadcast takes the forks without checking again that they are free
// Fails: TestNonNeighboursEatTogether:fail TestForkNeverHasTwoHolders? TestEatWaitsForBusyForks?

import "sync"

// Fork is one fork on the table. In this design the waiter hands forks out,
// so a fork only needs to know whether it is in someone's hands. inUse is
// guarded by the table's mutex.
type Fork struct {
	inUse bool
}

// Table is a round table with n philosophers and n forks, both numbered 0 to
// n-1. Philosopher p's left fork is fork p and its right fork is fork
// (p+1)%n.
//
// A Table is safe for use by many goroutines at once.
type Table struct {
	mu      sync.Mutex // the waiter: guards every fork's inUse
	changed *sync.Cond // signalled (on mu) whenever forks are put down
	forks   []Fork
}

// NewTable returns a table for n philosophers (n >= 2) with its n forks.
func NewTable(n int) *Table {
	t := &Table{forks: make([]Fork, n)}
	t.changed = sync.NewCond(&t.mu)
	return t
}

// Eat lets philosopher p eat one meal. This alternative asks a waiter: a
// philosopher takes both forks in one step, under the table's one mutex,
// and only when both are free. Nobody ever holds one fork while waiting for
// the other, so no cycle of waiting philosophers can form. The forks are
// not mutexes here; the one mutex guards the notes of who holds what, and
// eating happens outside it, so non-neighbours still eat at the same time.
func (t *Table) Eat(p int, eat func(left, right int)) {
	n := len(t.forks)
	left, right := p, (p+1)%n

	t.mu.Lock()
	if t.forks[left].inUse || t.forks[right].inUse {
		t.changed.Wait()
	}
	t.forks[left].inUse, t.forks[right].inUse = true, true
	t.mu.Unlock()

	defer func() {
		t.mu.Lock()
		t.forks[left].inUse, t.forks[right].inUse = false, false
		t.mu.Unlock()
		// Broadcast, not Signal: the two neighbours may each be waiting for
		// a different one of these forks.
		t.changed.Broadcast()
	}()
	eat(left, right)
}

// Dine starts one goroutine per philosopher; each eats meals meals. It
// returns when all of them have finished.
func (t *Table) Dine(meals int, eat func(philosopher, left, right int)) {
	var wg sync.WaitGroup
	for p := range len(t.forks) {
		wg.Go(func() {
			for range meals {
				t.Eat(p, func(left, right int) { eat(p, left, right) })
			}
		})
	}
	// Waiting here is what makes "Dine returns when dinner is over" true,
	// and it is also why no goroutine outlives the call.
	wg.Wait()
}
