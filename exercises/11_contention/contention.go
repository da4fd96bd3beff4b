// Package contention is a map of int64 counters split into shards, each with
// its own lock, so that goroutines working on different keys do not wait for
// each other. Operations that span shards (Move, Total, Len) still see and
// leave a consistent state.
package contention

// DefaultShards is the number of shards NewMap uses when asked for zero or
// fewer.
const DefaultShards = 16

// Map maps string keys to int64 counters. Any number of goroutines may use
// it at the same time. Create one with NewMap; the zero value is not used.
//
// The keys are split into Shards() shards. Each shard has its own
// sync.Mutex and its own Go map, and every key lives in exactly one shard:
// the shard ShardOf(key) reports, the same on every call, in every goroutine,
// for the whole life of the Map. An operation on one key locks only that
// key's shard, so operations on keys in different shards never wait for each
// other (there is no lock that guards the whole Map).
//
// A key comes into existence the first time Add, Update or a Move between
// two different keys touches it, and then stays, even when its value is 0.
type Map struct {
	// TODO: add fields
}

// NewMap returns an empty Map with the given number of shards. shards <= 0
// means DefaultShards.
func NewMap(shards int) *Map {
	// TODO
	return &Map{}
}

// Shards returns the number of shards.
func (m *Map) Shards() int {
	// TODO
	return 0
}

// ShardOf returns the index, in [0, Shards()), of the shard that holds key.
// It must be computed from the key alone by a fixed hash function: the same
// key gives the same index on every call and in every goroutine. A good hash
// spreads many different keys over all the shards. ShardOf takes no lock.
func (m *Map) ShardOf(key string) int {
	// TODO
	return 0
}

// Add adds delta (which may be negative or zero) to the value of key,
// creating key with value delta if it does not exist yet. It locks only the
// shard of key.
func (m *Map) Add(key string, delta int64) {
	// TODO
}

// Get returns the value of key, or 0 if key does not exist. It locks only the
// shard of key.
func (m *Map) Get(key string) int64 {
	// TODO
	return 0
}

// Update replaces the value of key (0 if key does not exist) with f(value),
// creating key if needed, and returns the new value. Update holds the lock of
// key's shard while it calls f, so the read, f and the write are one atomic
// step: while f runs, every other operation on a key of the same shard waits,
// and operations on keys of other shards do not. Update calls f exactly once.
//
// f must be quick and must not call methods of m (the shard is locked and Go
// mutexes are not re-entrant). If f panics, the panic goes on to the caller
// of Update, the value is not changed, and the shard is unlocked.
func (m *Map) Update(key string, f func(value int64) int64) int64 {
	// TODO
	return 0
}

// Move subtracts amount from the value of from and adds it to the value of
// to, as one atomic step: no other goroutine can ever see (through Get,
// Total or anything else) the value of from changed while the value of to is
// not, or the other way round. Both keys are created if they do not exist;
// values may go negative, and amount may be any number.
//
// Move locks only the shards of from and to. When they are different it
// holds both locks at once, taken in the order of the shard index (lower
// index first), whichever key is from, so that two Moves in opposite
// directions cannot deadlock. When from and to share a shard, that shard is
// locked once. Move(key, key, amount) changes nothing and must not deadlock.
func (m *Map) Move(from, to string, amount int64) {
	// TODO
}

// Total returns the sum of all values in the Map as it was at one instant.
// Moves running at the same time never make Total count an amount twice or
// miss it: Total holds the locks of all shards at once while it adds up,
// taking them in shard index order.
func (m *Map) Total() int64 {
	// TODO
	return 0
}

// Len returns the number of keys in the Map, counted like Total: all shards
// locked at once, in shard index order.
func (m *Map) Len() int {
	// TODO
	return 0
}
