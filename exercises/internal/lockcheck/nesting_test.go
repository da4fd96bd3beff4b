package lockcheck_test

import (
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/concurrency-kit/kit/exercises/internal/lockcheck"
)

// touched is what the critical sections below do.
var touched atomic.Int64

func TestNested(t *testing.T) {
	tests := []struct {
		name   string
		locks  func(a, b *lockcheck.Mutex, rw *lockcheck.RWMutex)
		nested bool
	}{
		{"one lock at a time", func(a, b *lockcheck.Mutex, rw *lockcheck.RWMutex) {
			a.Lock()
			touched.Add(1)
			a.Unlock()
			b.Lock()
			touched.Add(1)
			b.Unlock()
			rw.RLock()
			touched.Add(1)
			rw.RUnlock()
			rw.Lock()
			touched.Add(1)
			rw.Unlock()
		}, false},
		{"Lock while holding a Lock", func(a, b *lockcheck.Mutex, _ *lockcheck.RWMutex) {
			a.Lock()
			b.Lock()
			touched.Add(1)
			b.Unlock()
			a.Unlock()
		}, true},
		{"RLock while holding a Lock", func(a, _ *lockcheck.Mutex, rw *lockcheck.RWMutex) {
			a.Lock()
			rw.RLock()
			touched.Add(1)
			rw.RUnlock()
			a.Unlock()
		}, true},
		{"Lock while holding an RLock", func(a, _ *lockcheck.Mutex, rw *lockcheck.RWMutex) {
			rw.RLock()
			a.Lock()
			touched.Add(1)
			a.Unlock()
			rw.RUnlock()
		}, true},
		{"RWMutex TryLock while holding a Lock", func(a, _ *lockcheck.Mutex, rw *lockcheck.RWMutex) {
			a.Lock()
			if rw.TryLock() {
				rw.Unlock()
			}
			a.Unlock()
		}, true},
		{"RLocker's Lock while holding a Lock", func(a, _ *lockcheck.Mutex, rw *lockcheck.RWMutex) {
			a.Lock()
			rw.RLocker().Lock()
			touched.Add(1)
			rw.RLocker().Unlock()
			a.Unlock()
		}, true},
		// go-deadlock does not watch a Mutex's TryLock: it cannot wait, so
		// it takes no part in a lock order.
		{"Mutex TryLock while holding a Lock", func(a, b *lockcheck.Mutex, _ *lockcheck.RWMutex) {
			a.Lock()
			if b.TryLock() {
				b.Unlock()
			}
			a.Unlock()
		}, false},
		{"Lock while holding a Mutex taken with TryLock", func(a, b *lockcheck.Mutex, _ *lockcheck.RWMutex) {
			if a.TryLock() {
				b.Lock()
				touched.Add(1)
				b.Unlock()
				a.Unlock()
			}
		}, false},
		{"a failed TryLock leaves nothing held", func(a, _ *lockcheck.Mutex, rw *lockcheck.RWMutex) {
			rw.Lock()
			done := make(chan struct{})
			go func() {
				defer close(done)
				if !rw.TryRLock() && !rw.TryLock() {
					a.Lock()
					touched.Add(1)
					a.Unlock()
				}
			}()
			<-done
			rw.Unlock()
		}, false},
		{"a Mutex unlocked by another goroutine", func(a, b *lockcheck.Mutex, _ *lockcheck.RWMutex) {
			a.Lock()
			done := make(chan struct{})
			go func() { a.Unlock(); close(done) }()
			<-done
			b.Lock()
			touched.Add(1)
			b.Unlock()
		}, false},
		{"a reader released by another goroutine", func(a, _ *lockcheck.Mutex, rw *lockcheck.RWMutex) {
			rw.RLock()
			done := make(chan struct{})
			go func() {
				defer close(done)
				rw.RUnlock()
				a.Lock() // this goroutine's count went below zero
				touched.Add(1)
				a.Unlock()
			}()
			<-done
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan struct{})
			lockcheck.ResetNesting()
			go func() { // a goroutine of its own, with counts of its own
				defer close(done)
				var a, b lockcheck.Mutex
				var rw lockcheck.RWMutex
				tt.locks(&a, &b, &rw)
			}()
			<-done
			assert.Equal(t, tt.nested, lockcheck.Nested())
		})
	}
}
