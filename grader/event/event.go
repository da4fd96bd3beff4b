// Package event defines the records a test process sends to the grader on its
// private result channel.
//
// The channel is a file descriptor that the grader opens and hands to the test
// process; its number travels in the environment variable named by FDEnv. The
// harness (exercises/internal/harness) writes one JSON object per line. Student
// code cannot reach the descriptor (the grader refuses student files that
// import os, syscall, unsafe or use //go:linkname), so nothing the code under
// test prints can create or change a result.
package event

import "embed"

// Environment variables shared by the grader and the harness.
const (
	// FDEnv names the variable holding the result channel's descriptor number.
	FDEnv = "KIT_RESULT_FD"
	// LockOrderEnv is set to "1" for the lock-order run: the harness then turns
	// on go-deadlock's detection and reports its findings as test failures.
	LockOrderEnv = "KIT_LOCK_ORDER"
	// LimitEnv holds the per-test time limit as a time.Duration string.
	LimitEnv = "KIT_TEST_LIMIT"
)

// Kinds of records.
const (
	Start = "start" // a top-level test began
	End   = "end"   // a top-level test finished (its cleanups have run)
)

// Record is one line on the result channel.
type Record struct {
	Kind    string `json:"kind"`
	Test    string `json:"test"`
	Failed  bool   `json:"failed,omitempty"`
	Skipped bool   `json:"skipped,omitempty"`
	// Cause is set when the harness knows why the test failed.
	Cause Cause `json:"cause,omitempty"`
	// Message is a one-line explanation for Cause.
	Message string `json:"message,omitempty"`
	// Detail is longer evidence: a goroutine dump or a go-deadlock report.
	Detail string `json:"detail,omitempty"`
	// LockNesting is set on an end record when, while the test ran, a
	// goroutine took a watched lock while it held another (see lockcheck.Nested).
	// Without it, a lock-order run has no lock order to look at.
	LockNesting bool `json:"lock_nesting,omitempty"`
}

// Sources are this package's own files. The grader writes them into the clean
// room it builds every grade in, because the harness imports this package.
//
//go:embed *.go
var Sources embed.FS
