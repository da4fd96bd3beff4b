// Package pipeline builds data pipelines out of goroutines joined by
// channels: a source (Generate), a stage that fans its work out over several
// goroutines and fans the results back in (Map), a fan-in of many channels
// into one (Merge), and a consumer that takes the first few results (Take).
// One context cancels the whole pipeline.
//
// The rules every stage (Generate, Map, Merge) follows:
//
//   - It returns its output channel at once. The work happens in goroutines
//     the stage starts; calling a stage never waits for anyone to read.
//   - Its goroutines end when the input is used up or when ctx is done,
//     whichever comes first. "Done" includes a consumer that stopped reading
//     and then cancelled: a goroutine waiting to send a value nobody will
//     ever read must notice ctx.Done() and return. So must a goroutine
//     waiting for input that never comes.
//   - Its output channel is always closed in the end, exactly once: after
//     the last value was sent, or after ctx is done.
package pipeline

import (
	"context"
)

// closed returns a channel that is already closed. The stub returns it so
// that the tests fail fast instead of waiting forever. Your solution does
// not need it.
func closed[T any]() <-chan T {
	ch := make(chan T)
	close(ch)
	return ch
}

// Generate returns a channel on which the items are sent, in the order
// given, and which is closed after the last one. It returns at once; a
// goroutine it starts does the sending.
//
// If ctx is done before every item was sent, the goroutine stops sending
// (even while nobody reads the channel), closes the channel and returns.
// With no items the channel is simply closed.
func Generate[T any](ctx context.Context, items ...T) <-chan T {
	// TODO
	return closed[T]()
}

// Map applies f to every value received from in and sends the results on
// the channel it returns. It returns at once.
//
// Fan-out: exactly workers goroutines receive from in and call f, so up to
// workers calls of f run at the same time, never more. workers <= 0 is
// treated as 1. Fan-in: all the workers send their results on the one
// output channel, in no particular order. Every value from in gives exactly
// one call of f and exactly one result: nothing lost, nothing twice.
//
// The output channel is closed once all the workers are done: after in is
// closed and every result has been sent, or after ctx is done. Workers stop
// when ctx is done, also while they wait for input or wait to send a result
// (a call of f already running is not interrupted; its result may be
// dropped).
func Map[T, R any](ctx context.Context, in <-chan T, workers int, f func(T) R) <-chan R {
	// TODO
	return closed[R]()
}

// Merge sends every value received from any of the channels in ins on the
// one channel it returns (fan-in). It returns at once.
//
// Merge reads all its inputs at the same time: a value sent on one input
// comes out even while the other inputs are idle. Every value comes out
// exactly once; values from different inputs may interleave in any way.
//
// The output channel is closed once every input is closed (with no inputs,
// it is closed right away), or after ctx is done: Merge stops, also while
// it waits for input or waits to send.
func Merge[T any](ctx context.Context, ins ...<-chan T) <-chan T {
	// TODO
	return closed[T]()
}

// Take receives up to n values from in and returns them in the order they
// arrived. Unlike the stages, Take blocks: it is the consumer at the end of
// a pipeline.
//
// Take never receives more than n values: whatever it does not take stays
// in in. It returns early, with the values it has, when in is closed or ctx
// is done. n <= 0 returns an empty slice without receiving anything.
//
// Take does not stop the pipeline. The caller cancels ctx after Take to
// make the stages upstream stop.
func Take[T any](ctx context.Context, in <-chan T, n int) []T {
	// TODO
	return nil
}
