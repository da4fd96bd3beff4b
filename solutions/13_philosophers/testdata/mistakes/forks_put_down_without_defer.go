// Package philosophers seats n philosophers at a round table with one fork
// between each pair of neighbours. A philosopher needs both of its forks to
// eat, so neighbours can never eat at the same time, and the philosophers
// must share the forks without ever deadlocking.
package philosophers

// Mistake: Eat puts the forks down after eat returns, without defer: when eat panics both forks stay locked and the neighbours wait for ever
// Fails: TestEatCallsEatWithBothForks

import "sync"

// Fork is one fork on the table. Holding the fork means holding its mutex.
//
// A Fork must not be copied after creation: a copy has its own mutex, and
// locking the copy does not stop anyone from taking the real fork.
type Fork struct {
	mu sync.Mutex
}

// Table is a round table with n philosophers and n forks, both numbered 0 to
// n-1. Philosopher p's left fork is fork p and its right fork is fork
// (p+1)%n.
//
// A Table is safe for use by many goroutines at once.
type Table struct {
	// forks never changes after NewTable (only the mutexes inside it do), so
	// reading the slice needs no lock. Its elements are used in place,
	// through &t.forks[i]: never copied.
	forks []Fork
}

// NewTable returns a table for n philosophers (n >= 2) with its n forks.
func NewTable(n int) *Table {
	return &Table{forks: make([]Fork, n)}
}

// Eat lets philosopher p eat one meal: it waits until p holds both of its
// forks, calls eat(left, right) while holding them, and puts them down.
func (t *Table) Eat(p int, eat func(left, right int)) {
	n := len(t.forks)
	left, right := p, (p+1)%n

	// Resource ordering: every philosopher picks up the lower-numbered of its
	// two forks first. For philosophers 0 to n-2 that is the left fork; for
	// philosopher n-1 (forks n-1 and 0) it is the right one.
	//
	// A deadlock needs a cycle of philosophers, each holding one fork and
	// waiting for the next. With "left first" the cycle is the table itself:
	// all n hold their left fork and wait for their right. With "lower
	// first", whoever holds a fork only ever waits for a higher-numbered
	// one, so the waits climb one way and can never come back round. Look at
	// the highest-numbered fork in anyone's hands: its holder is either
	// eating already or waiting for a higher fork, which nobody holds, so
	// gets it at once. Someone always makes progress.
	first, second := &t.forks[min(left, right)], &t.forks[max(left, right)]
	first.mu.Lock()
	second.mu.Lock()
	eat(left, right)
	second.mu.Unlock()
	first.mu.Unlock()

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
