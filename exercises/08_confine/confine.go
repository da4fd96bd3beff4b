// Package confine computes word counts and sums with several goroutines that
// share nothing while they work: each goroutine counts into data that only it
// can reach, hands its partial result over when it is done, and one goroutine
// merges the partial results once, after every worker has finished. No lock
// is needed, because no two goroutines ever touch the same data at once.
package confine

// WordCount counts how many times each word occurs in docs, using workers
// goroutines. A word is what strings.Fields returns: a run of characters
// between white space, case and punctuation kept ("Go", "go" and "go." are
// three different words).
//
// WordCount(docs, workers) is WordCountFunc(docs, workers, strings.Fields);
// see WordCountFunc for the whole contract.
func WordCount(docs []string, workers int) map[string]int {
	// TODO: one line, calling WordCountFunc.
	return nil
}

// WordCountFunc counts how many times each word occurs in docs, where the
// words of a doc are the strings split(doc) returns (nil split means
// strings.Fields). It spreads the docs over workers goroutines:
//
//   - Every doc is counted exactly once: split is called once per doc, by one
//     of the workers.
//   - workers <= 0 is treated as 1. At most workers goroutines call split,
//     and none of them waits for another to start: if split blocks,
//     min(workers, len(docs)) calls of split are in progress at the same
//     time. With fewer docs than workers, the extra workers have nothing to
//     do (you need not start them).
//   - Each worker counts its docs into a map of its own, which no other
//     goroutine reads or writes while the worker uses it. When the worker is
//     done it hands the map over (send it on a channel, or store it in a slot
//     of a slice that belongs to that worker alone) and never touches it
//     again.
//   - One goroutine merges the partial maps into the result, and it reads a
//     partial map only after the worker that filled it has handed it over.
//     The workers never write into the result.
//   - split may be called from several goroutines at the same time. Do not
//     hold a lock while calling it (the tests give a split that blocks).
//   - WordCountFunc returns only after every worker has handed over its
//     partial result and every goroutine it started is finishing; it leaves
//     no goroutine behind.
//
// The result is never nil (empty when there are no words), holds only words
// that occur at least once, and belongs to the caller. docs is not modified.
// No sync.Mutex is needed anywhere.
func WordCountFunc(docs []string, workers int, split func(doc string) []string) map[string]int {
	// TODO: divide docs into min(workers, len(docs)) shares, count each share
	// in its own goroutine into its own map, merge the partial maps once.
	return nil
}

// Sum returns the sum of nums, computed by workers goroutines in the same way
// as WordCountFunc: each worker adds up its own share of nums into a local
// total, hands that partial sum over, and one goroutine adds the partial
// sums once every worker has finished. workers <= 0 is treated as 1; at most
// workers goroutines are started; an empty or nil nums sums to 0. Sum leaves
// no goroutine behind and does not modify nums.
//
// The sum overflows like any Go int64 addition (it wraps around). Wrapping
// addition is associative, so the result does not depend on how nums is
// split.
func Sum(nums []int64, workers int) int64 {
	// TODO: the same pattern as WordCountFunc, with an int64 per worker.
	return 0
}
