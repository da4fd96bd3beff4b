// Package contention is a map of int64 counters split into shards, each with
// its own lock, so that goroutines working on different keys do not wait for
// each other. Operations that span shards (Move, Total, Len) still see and
// leave a consistent state.
package contention

// Mistake: ShardOf hashes only the first 16 bytes of the key: keys with a long common prefix all land in one shard
// Fails: TestShardOfIsConsistent:fail

import "sync"

// DefaultShards is the number of shards NewMap uses when asked for zero or
// fewer.
const DefaultShards = 16

// Why shards?
//
// One mutex around one big map is correct, but it lets only one goroutine in
// at a time: on a machine with many cores, all but one goroutine wait, and
// the lock itself (one word of memory that every core keeps writing) bounces
// between the cores' caches. Splitting the map into N shards, each with its
// own mutex, turns one queue of waiting goroutines into N short ones: two
// goroutines wait for each other only when their keys hash to the same shard.
//
// The price is paid by operations that span shards. Total must see every
// shard at the same instant, so it holds all N locks at once; Move must
// change two shards as one step, so it holds both. Whenever a goroutine holds
// more than one lock, every goroutine must take them in the same order (here:
// by shard index), or two of them can each hold the lock the other needs.

// shard is one part of the Map: a plain Go map and the mutex that guards it.
type shard struct {
	mu     sync.Mutex
	values map[string]int64 // guarded by mu
	// Padding: the shards sit next to each other in one slice. Without it,
	// two shards' mutexes would share a 64-byte cache line, and two cores
	// locking "independent" shards would still fight over that line (false
	// sharing).
	_ [48]byte
}

// Map maps string keys to int64 counters, split into shards. Safe for use by
// many goroutines at once. Create one with NewMap.
type Map struct {
	// shards never changes after NewMap (only what is inside each shard
	// does), so reading the slice itself needs no lock. It holds values,
	// not pointers: each shard must never be copied, so always take
	// &m.shards[i].
	shards []shard
}

// NewMap returns an empty Map with the given number of shards (DefaultShards
// when shards <= 0).
func NewMap(shards int) *Map {
	if shards <= 0 {
		shards = DefaultShards
	}
	m := &Map{shards: make([]shard, shards)}
	for i := range m.shards {
		m.shards[i].values = make(map[string]int64)
	}
	return m
}

// Shards returns the number of shards.
func (m *Map) Shards() int {
	return len(m.shards)
}

// ShardOf returns the index of the shard that holds key.
//
// The shard must depend on the key alone. A hash with a random seed per call
// (or a random or round-robin choice "to spread the load") would put the same
// key in different shards on different calls: an Add would land in one shard
// and the Get would look in another.
func (m *Map) ShardOf(key string) int {
	return int(fnv1a(key) % uint64(len(m.shards)))
}

// fnv1a is the 64-bit FNV-1a hash: simple, fixed (no seed), and it spreads
// short similar keys ("key-1", "key-2", ...) well. Go's hash/maphash is the
// usual choice in real code (with one seed per Map, made in NewMap).
func fnv1a(s string) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	for i := 0; i < len(s) && i < 16; i++ {

		h ^= uint64(s[i])
		h *= prime
	}
	return h
}

// shardFor returns the shard that holds key.
func (m *Map) shardFor(key string) *shard {
	return &m.shards[m.ShardOf(key)]
}

// Add adds delta to the value of key, creating it if needed.
func (m *Map) Add(key string, delta int64) {
	s := m.shardFor(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	// Read, add and write under one lock. Get then a separate write would
	// lose updates: two goroutines could read the same old value.
	s.values[key] += delta
}

// Get returns the value of key, or 0 if key does not exist.
func (m *Map) Get(key string) int64 {
	s := m.shardFor(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.values[key]
}

// Update replaces the value of key with f(value) while holding the key's
// shard, and returns the new value.
func (m *Map) Update(key string, f func(value int64) int64) int64 {
	s := m.shardFor(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	v := f(s.values[key])
	s.values[key] = v
	return v
}

// Move moves amount from the value of from to the value of to, atomically.
func (m *Map) Move(from, to string, amount int64) {
	if from == to {
		return // nothing changes; locking the shard twice would deadlock
	}
	i, j := m.ShardOf(from), m.ShardOf(to)
	if i == j {
		// Two different keys in one shard: one lock covers both. Locking
		// it "for from" and again "for to" would block forever, because
		// a Go mutex is not re-entrant.
		s := &m.shards[i]
		s.mu.Lock()
		defer s.mu.Unlock()
		s.values[from] -= amount
		s.values[to] += amount
		return
	}
	// Lower index first, whatever the direction of the move. If Move(a, b)
	// locked a then b and Move(b, a) locked b then a, each could hold the
	// lock the other is waiting for.
	lo, hi := min(i, j), max(i, j)
	m.shards[lo].mu.Lock()
	defer m.shards[lo].mu.Unlock()
	m.shards[hi].mu.Lock()
	defer m.shards[hi].mu.Unlock()
	// Both changes happen while both locks are held: nobody can look at
	// either shard between them. Unlocking from's shard before locking
	// to's would let Get or Total see the amount gone from from and not yet
	// in to.
	m.shards[i].values[from] -= amount
	m.shards[j].values[to] += amount
}

// lockAll locks every shard in index order (the same order Move uses), and
// returns a function that unlocks them all.
func (m *Map) lockAll() (unlock func()) {
	for i := range m.shards {
		m.shards[i].mu.Lock()
	}
	return func() {
		for i := range m.shards {
			m.shards[i].mu.Unlock()
		}
	}
}

// Total returns the sum of all values at one instant.
func (m *Map) Total() int64 {
	// All locks at once, not one shard at a time: while Total holds shard
	// 0..k and waits for k+1, a Move from shard 2 to shard 9 must not be
	// able to run, or Total would count its amount in shard 2 (before) and
	// again in shard 9 (after). This is the "cost of a lock" at its
	// highest: for a moment Total stops every other goroutine, so call it
	// rarely.
	unlock := m.lockAll()
	defer unlock()
	var sum int64
	for i := range m.shards {
		for _, v := range m.shards[i].values {
			sum += v
		}
	}
	return sum
}

// Len returns the number of keys, counted with every shard locked.
func (m *Map) Len() int {
	unlock := m.lockAll()
	defer unlock()
	// The count lives in the shards' own maps. A separate counter field
	// in Map changed under a shard's lock would be a data race: two shards'
	// locks do not exclude each other.
	n := 0
	for i := range m.shards {
		n += len(m.shards[i].values)
	}
	return n
}
