// Package confine computes word counts and sums with several goroutines.
//
// This alternative does NOT confine: the workers share one map guarded by a
// sync.Mutex, and one total updated with sync/atomic. It is correct (no data
// race, nothing lost), so it scores full marks, but every word of every doc
// goes through the one lock, so the workers spend their time waiting for each
// other instead of counting. The exercise is about the version that needs no
// lock at all.
package confine

import (
	"strings"
	"sync"
	"sync/atomic"
)

// WordCount counts the words of docs with workers goroutines.
func WordCount(docs []string, workers int) map[string]int {
	return WordCountFunc(docs, workers, strings.Fields)
}

// WordCountFunc counts into one shared map under a mutex. split is called
// outside the lock: holding a lock while calling code you do not control
// serializes the workers (and here would make them wait on each other).
func WordCountFunc(docs []string, workers int, split func(doc string) []string) map[string]int {
	if split == nil {
		split = strings.Fields
	}
	var mu sync.Mutex
	counts := make(map[string]int) // guarded by mu
	var wg sync.WaitGroup
	for _, s := range shares(len(docs), workers) {
		wg.Go(func() {
			for _, doc := range docs[s.lo:s.hi] {
				words := split(doc)
				mu.Lock()
				for _, w := range words {
					counts[w]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait() // happens after every Unlock: counts is safe to hand out
	return counts
}

// Sum adds into one shared atomic total.
func Sum(nums []int64, workers int) int64 {
	var total atomic.Int64
	var wg sync.WaitGroup
	for _, s := range shares(len(nums), workers) {
		wg.Go(func() {
			for _, n := range nums[s.lo:s.hi] {
				total.Add(n)
			}
		})
	}
	wg.Wait()
	return total.Load()
}

type span struct{ lo, hi int }

func shares(n, workers int) []span {
	k := min(max(workers, 1), n)
	spans := make([]span, 0, k)
	lo := 0
	for i := range k {
		size := n / k
		if i < n%k {
			size++
		}
		spans = append(spans, span{lo, lo + size})
		lo += size
	}
	return spans
}
