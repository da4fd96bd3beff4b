// Package confine computes word counts and sums with several goroutines that
// share nothing while they work: each goroutine counts into data that only it
// can reach, hands its partial result over when it is done, and one goroutine
// merges the partial results once, after every worker has finished. No lock
// is needed, because no two goroutines ever touch the same data at once.
package confine

// Mistake: Sum makes a slot (and starts a goroutine) for every worker asked for, not min(workers, len(nums)): Sum(nums, math.MaxInt) cannot even make the slice
// Fails: TestSumBasics:panic TestSumSplits:panic

import (
	"strings"
	"sync"
)

// Confinement in one paragraph
//
// A data race needs two goroutines that reach the same memory, at least one
// of them writing, with nothing ordering the two accesses. A lock fixes that
// by ordering the accesses. Confinement removes the sharing instead: while a
// worker counts, its map is reachable from that worker's goroutine only (it
// is a local variable), so there is nothing to order. When the worker is
// done it hands the map over: a channel send happens before the matching
// receive completes, so everything the worker wrote is visible to the
// receiver, and from then on only the receiver uses the map. Ownership moves
// with the value, and at every moment each map has exactly one owner.

// WordCount counts the words (as strings.Fields splits them) of docs with
// workers goroutines. See WordCountFunc.
func WordCount(docs []string, workers int) map[string]int {
	return WordCountFunc(docs, workers, strings.Fields)
}

// WordCountFunc counts the words of docs, as split returns them, with at
// most workers goroutines that each count into a map of their own. The
// partial maps travel over a channel to the calling goroutine, which merges
// them once.
func WordCountFunc(docs []string, workers int, split func(doc string) []string) map[string]int {
	if split == nil {
		split = strings.Fields
	}
	spans := shares(len(docs), workers)

	// Buffered so that a worker can hand over its map and end even before
	// the merger gets to it. Unbuffered would be correct too: the merger
	// receives exactly len(spans) maps, one from every worker it started.
	partials := make(chan map[string]int, len(spans))
	for _, s := range spans {
		mine := docs[s.lo:s.hi] // this worker's share; nobody writes docs
		go func() {
			counts := make(map[string]int) // local: only this goroutine sees it
			for _, doc := range mine {
				for _, w := range split(doc) {
					counts[w]++
				}
			}
			partials <- counts // hand-off: from here on, counts is not ours
		}()
	}

	// One receive per worker started: not one fewer (a partial result would
	// be lost) and not one more (we would wait forever). The receives are
	// also how we wait for the workers: the merge ends after the last one
	// has handed over its map.
	total := make(map[string]int)
	for range spans {
		for w, n := range <-partials {
			total[w] += n
		}
	}
	return total
}

// Sum adds up nums with at most workers goroutines. Each worker writes its
// partial sum into its own slot of a slice; the calling goroutine waits for
// all of them (WaitGroup) and then adds the slots. This is the other way to
// hand results over: the slot belongs to one worker until wg.Wait returns,
// and wg.Done happens before that return, so the read sees the write.
func Sum(nums []int64, workers int) int64 {
	workers = max(workers, 1)
	partial := make([]int64, workers) // one slot per worker
	var wg sync.WaitGroup
	for i := range workers {
		// worker i takes nums[i*n/workers : (i+1)*n/workers] (possibly empty)
		lo, hi := i*len(nums)/workers, (i+1)*len(nums)/workers
		wg.Go(func() {
			var sum int64
			for _, x := range nums[lo:hi] {
				sum += x
			}
			partial[i] = sum
		})
	}
	wg.Wait()
	var total int64
	for _, p := range partial {
		total += p
	}
	return total
}

// span is the half-open range [lo, hi) of indexes that one worker handles.
type span struct{ lo, hi int }

// shares divides n items into min(workers, n) contiguous, non-empty spans
// whose sizes differ by at most one (workers <= 0 counts as 1). Together the
// spans cover 0..n exactly once: the first n%k spans get one item more, so
// the remainder of the division is not lost.
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
