// Package race is about state that several goroutines share: a counter and a
// word tally. Without synchronization, updates get lost, reads see values that
// are not guaranteed to exist, and a Go map written by two goroutines at once
// crashes the whole program. Make every access, reads included, go through a
// mutex or an atomic operation.
//
// Every type here must work as its zero value (var c Counter is ready to use),
// must be safe for concurrent use by many goroutines, and must not be copied
// once used: declare every method on the pointer receiver.
package race

// Counter is a count protected by a sync.Mutex.
//
// Its zero value is a counter at 0, ready to use: no constructor. All methods
// are safe to call from many goroutines at once. A Counter must not be copied
// after first use; its methods have pointer receivers.
type Counter struct {
	// TODO: add fields (a mutex and the count it guards).
}

// Inc adds 1 to the counter. No increment may ever be lost, however many
// goroutines call Inc and Add at the same time.
func (c *Counter) Inc() {
	// TODO: implement.
}

// Add adds n to the counter; n may be negative. Like Inc, it must never lose
// an update under concurrent use.
func (c *Counter) Add(n int64) {
	// TODO: implement.
}

// Value returns the current count. It may be called while other goroutines
// call Inc and Add, so it must read the count under the same lock that the
// writers hold: a read that is not synchronized with the writes is a data race.
func (c *Counter) Value() int64 {
	// TODO: implement.
	return 0
}

// AtomicCounter is a count updated with sync/atomic instead of a lock.
//
// Its zero value is a counter at 0, ready to use. All methods are safe to call
// from many goroutines at once. An AtomicCounter must not be copied after first
// use; its methods have pointer receivers.
type AtomicCounter struct {
	// TODO: add fields (an atomic integer).
}

// Inc adds 1 to the counter atomically; no increment may ever be lost.
func (a *AtomicCounter) Inc() {
	// TODO: implement.
}

// Add adds n to the counter atomically; n may be negative.
func (a *AtomicCounter) Add(n int64) {
	// TODO: implement.
}

// Value returns the current count. It may be called while other goroutines
// call Inc and Add, so it must be an atomic read, never a plain one.
func (a *AtomicCounter) Value() int64 {
	// TODO: implement.
	return 0
}

// Tally counts how many times each word was added: a map[string]int guarded
// by a sync.Mutex or a sync.RWMutex.
//
// Its zero value is an empty tally, ready to use (create the map on first
// Add). All methods are safe to call from many goroutines at once. A Tally must
// not be copied after first use; its methods have pointer receivers.
type Tally struct {
	// TODO: add fields (a lock and the map it guards).
}

// Add counts one more occurrence of word. Concurrent Adds must neither lose a
// count nor write the map at the same time (Go stops the program with
// "fatal error: concurrent map writes" when they do).
func (t *Tally) Add(word string) {
	// TODO: implement.
}

// Count returns how many times word was added, 0 for a word never added. It
// may be called while other goroutines call Add, so it reads under the lock.
func (t *Tally) Count(word string) int {
	// TODO: implement.
	return 0
}

// Snapshot returns a new map holding every word and its count at one moment.
//
// The returned map belongs to the caller: the caller may read and modify it at
// any time, without a lock, and neither its changes affect the tally nor later
// Adds change the snapshot. Snapshot never returns nil, not even for an empty
// tally, so the caller can always write into the result.
func (t *Tally) Snapshot() map[string]int {
	// TODO: implement.
	return nil
}
