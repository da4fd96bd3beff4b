// Package lockcheck holds the mutex types that the grader's lock-order run
// puts in place of sync.Mutex and sync.RWMutex in student files.
//
// The grader rewrites student code for that run only (as a compiler overlay;
// nothing on disk changes). Lock and Unlock go through go-deadlock, which
// remembers the order in which locks are taken and reports an inversion even
// when the run did not hang, and reports recursive locking. The harness turns
// its reports into a test failure with cause "deadlock".
//
// TryLock never waits, so it cannot take part in a deadlock: Mutex.TryLock
// bypasses the order check, and a try-lock with back-off (a correct answer to
// the deadlock exercise) is not reported.
package lockcheck

import (
	"sync"

	deadlock "github.com/sasha-s/go-deadlock"
)

// Mutex is a sync.Mutex whose Lock is watched by go-deadlock.
type Mutex struct {
	order deadlock.Mutex // held while locked through Lock: go-deadlock sees waits and order
	held  sync.Mutex     // held while locked by any means: the real exclusion
	tried bool           // the current holder came through TryLock; guarded by held
}

// Lock locks m, reporting lock-order inversions and recursive locking.
func (m *Mutex) Lock() {
	m.order.Lock()
	m.held.Lock()
	m.tried = false
}

// TryLock tries to lock m without waiting and reports whether it did.
func (m *Mutex) TryLock() bool {
	if !m.held.TryLock() {
		return false
	}
	m.tried = true
	return true
}

// Unlock unlocks m. As with sync.Mutex, unlocking an unlocked Mutex is a
// run-time error.
func (m *Mutex) Unlock() {
	tried := m.tried
	m.held.Unlock()
	if !tried {
		m.order.Unlock()
	}
}

// RWMutex is a sync.RWMutex watched by go-deadlock, TryLock included.
type RWMutex = deadlock.RWMutex
