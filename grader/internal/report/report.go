// Package report holds the result document of a grading run (the --json
// output, version 1) and renders it as a table for a terminal.
//
// The document's schema is described in grader/README.md. Fields are only
// ever added within a version; a change that breaks readers bumps Version.
package report

import (
	"math"

	"github.com/concurrency-kit/kit/grader/event"
)

// Version is the version of the result document.
const Version = 1

// Document is the result of grading a kit.
type Document struct {
	Version   int        `json:"version"`
	Score     float64    `json:"score"`
	MaxScore  float64    `json:"max_score"`
	Exercises []Exercise `json:"exercises"`
	// ChangedKitFiles are the kit's files (tests, harness, module files,
	// catalog) that the graded folder holds in another version or lacks,
	// relative to its root. The grade used the kit's own copies.
	ChangedKitFiles []string `json:"changed_kit_files,omitempty"`
	// IgnoredFiles are files in the graded exercise folders that the go
	// command would build but the grade left out: only the files the
	// catalog lists as the student's are graded.
	IgnoredFiles []string `json:"ignored_files,omitempty"`
	// Sandbox says how the test processes were contained: "sandbox" or
	// "unsandboxed" (see grader/README.md).
	Sandbox string `json:"sandbox,omitempty"`
}

// Exercise is one exercise's result.
type Exercise struct {
	Name     string  `json:"name"`
	Path     string  `json:"path"`
	Score    float64 `json:"score"`
	MaxScore float64 `json:"max_score"`
	Passed   int     `json:"passed"`
	Total    int     `json:"total"`
	Tests    []Test  `json:"tests"`
	// Notes are go vet's findings in the student's files (a lock copied by
	// value, a lost cancel function, a wrong printf call): advice next to
	// the tests, which costs no points.
	Notes []Note `json:"notes,omitempty"`
}

// Note is one finding of go vet in a student's file.
type Note struct {
	File    string `json:"file"` // relative to the kit's root, with forward slashes
	Line    int    `json:"line"`
	Check   string `json:"check"` // the go vet analyzer: copylocks, lostcancel or printf
	Message string `json:"message"`
}

// Test is one top-level test's result.
type Test struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
	Status string  `json:"status"` // "pass" or "fail"
	// Cause is present exactly when Status is "fail".
	Cause   event.Cause `json:"cause,omitempty"`
	Message string      `json:"message,omitempty"`
	Output  string      `json:"output,omitempty"`
	// File and Line are the student's file (relative to the kit's root,
	// with forward slashes) and line that the failure points at, when the
	// grader knows them.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// DurationMS is how long the test ran, in milliseconds: its longest run
	// when it ran several times (0 when it never started).
	DurationMS int64 `json:"duration_ms"`
}

// Statuses of a test.
const (
	Pass = "pass"
	Fail = "fail"
)

// Done reports whether every test of the exercise passed.
func (e Exercise) Done() bool { return e.Total > 0 && e.Passed == e.Total }

// Finish computes the exercise's score from its tests' weights and counts.
func (e *Exercise) Finish() {
	var total, passed float64
	e.Passed, e.Total = 0, len(e.Tests)
	for _, t := range e.Tests {
		total += t.Weight
		if t.Status == Pass {
			passed += t.Weight
			e.Passed++
		}
	}
	e.Score = 0
	if total > 0 {
		e.Score = round(e.MaxScore * passed / total)
	}
}

// Finish sums the exercises into the document's totals.
func (d *Document) Finish() {
	d.Version = Version
	d.Score, d.MaxScore = 0, 0
	for _, e := range d.Exercises {
		d.Score += e.Score
		d.MaxScore += e.MaxScore
	}
	d.Score, d.MaxScore = round(d.Score), round(d.MaxScore)
}

// round keeps two decimals, so that shares such as 10*2/3 print cleanly.
func round(x float64) float64 { return math.Round(x*100) / 100 }
