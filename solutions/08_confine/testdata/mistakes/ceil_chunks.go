// Package confine computes word counts and sums with several goroutines that
// share nothing while they work: each goroutine counts into data that only it
// can reach, hands its partial result over when it is done, and one goroutine
// merges the partial results once, after every worker has finished. No lock
// is needed, because no two goroutines ever touch the same data at once.
package confine

// Mistake: the docs are cut into chunks of ceil(len/workers), so with a ragged split some workers get nothing (9 docs, 4 workers: 3+3+3 and an idle worker)
// Fails: TestWordCountUsesWorkers:fail TestWordCountBasics? TestWordCountSplits? TestSumBasics? TestSumSplits?

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
	spans := shares(len(nums), workers)
	partial := make([]int64, len(spans))
	var wg sync.WaitGroup
	for i, s := range spans {
		wg.Go(func() {
			// Add into a local variable and write the slot once at the end:
			// neighbouring slots share a cache line, and a worker that wrote
			// its slot on every step would slow the others down (false
			// sharing), although the result would still be right.
			var sum int64
			for _, n := range nums[s.lo:s.hi] {
				sum += n
			}
			partial[i] = sum
		})
	}
	wg.Wait() // every slot is written and handed over

	var total int64
	for _, p := range partial {
		total += p
	}
	return total
}

// span is the half-open range [lo, hi) of indexes that one worker handles.
type span struct{ lo, hi int }

// shares cuts n items into chunks of ceil(n/workers): "round up so that
// nothing is left over". But then the chunks run out before the workers do:
// 9 docs for 4 workers are 3+3+3, and the fourth worker gets nothing.
func shares(n, workers int) []span {
	workers = max(workers, 1)
	size := (n + workers - 1) / workers
	var spans []span
	for lo := 0; lo < n; lo += size {
		spans = append(spans, span{lo, min(lo+size, n)})
	}
	return spans
}
