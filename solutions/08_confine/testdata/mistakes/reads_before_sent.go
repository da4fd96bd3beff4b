// Package confine computes word counts and sums with several goroutines that
// share nothing while they work: each goroutine counts into data that only it
// can reach, hands its partial result over when it is done, and one goroutine
// merges the partial results once, after every worker has finished. No lock
// is needed, because no two goroutines ever touch the same data at once.
package confine

// Mistake: the merge takes the partial maps that are already in the channel (select with default) and stops at the first empty moment, losing the ones not sent yet
// Fails: TestWordCountBasics:fail TestWordCountSplits:fail TestWordCountUsesWorkers:fail TestWordCountWaitsForEveryWorker:fail TestSameResultForAnyGOMAXPROCS:fail

import (
	"strings"
	"sync"
)

// WordCount counts the words of docs with workers goroutines.
func WordCount(docs []string, workers int) map[string]int {
	return WordCountFunc(docs, workers, strings.Fields)
}

// WordCountFunc: an empty channel does not mean "every worker is done", only
// "nobody has sent yet". The workers do not leak (the channel has room for
// every partial map), but the maps that come late are never merged.
func WordCountFunc(docs []string, workers int, split func(doc string) []string) map[string]int {
	if split == nil {
		split = strings.Fields
	}
	spans := shares(len(docs), workers)
	partials := make(chan map[string]int, len(spans))
	for _, s := range spans {
		go func() {
			counts := make(map[string]int)
			for _, doc := range docs[s.lo:s.hi] {
				for _, w := range split(doc) {
					counts[w]++
				}
			}
			partials <- counts
		}()
	}
	total := make(map[string]int)
	for {
		select {
		case p := <-partials:
			for w, n := range p {
				total[w] += n
			}
		default: // the bug: "nothing there" is taken for "all done"
			return total
		}
	}
}

// Sum adds up nums with workers goroutines (correct).
func Sum(nums []int64, workers int) int64 {
	spans := shares(len(nums), workers)
	partial := make([]int64, len(spans))
	var wg sync.WaitGroup
	for i, s := range spans {
		wg.Go(func() {
			var sum int64
			for _, n := range nums[s.lo:s.hi] {
				sum += n
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
