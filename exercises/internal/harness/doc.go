// Package harness gives every exercise test the checks the grader relies on.
//
// A test author writes one line at the top of each top-level test:
//
//	func TestSomething(t *testing.T) {
//		harness.Setup(t)
//		...
//	}
//
// Setup then provides, for that test only:
//
//   - a leak check scoped to the goroutines the test started (goleak with
//     IgnoreCurrent, so one test's leak never fails another);
//   - in the grader's lock-order run, go-deadlock's reports (lock-order
//     inversion, recursive locking, a lock waited on past its limit) turned into
//     a failure of the test that caused them, never an os.Exit;
//   - a time limit after which the test fails with a dump of where its
//     goroutines are stuck;
//   - a record of the test's start and end on the grader's private result
//     channel (see package grader/event), which student code cannot reach.
//
// The package also has helpers for deterministic concurrency tests: Bubble
// runs a test body in a testing/synctest bubble with fake time, Together
// starts goroutines that are released at the same moment, Eventually lets
// fake time pass until a condition holds, and Go runs a call in a goroutine
// of its own so that the test can see whether it returned (Call,
// CountReturned, RequireWaiting). GoroutineID and Closed answer small
// questions the tests often ask. Rounds sizes a stress loop: the full count
// in the race run, two rounds in the lock-order run.
package harness
