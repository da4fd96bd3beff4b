// Package gradescope renders a result document as the results.json that a
// Gradescope autograder writes to /autograder/results/results.json
// (gradescope-autograders.readthedocs.io, "Autograder Specifications").
//
// Every test is one entry, named "NN_exercise/TestX", worth its share of
// the exercise's points: points × weight ÷ the exercise's total weight.
package gradescope

import (
	"encoding/json"
	"fmt"
	"math"
	"path"
	"strings"
	"time"

	"github.com/concurrency-kit/kit/grader/internal/report"
)

// Visibility is when students see the results: Gradescope's "visible"
// shows them at once, which is what a practice kit wants.
const Visibility = "visible"

// Statuses of a test, as Gradescope names them.
const (
	Passed = "passed"
	Failed = "failed"
)

// Results is Gradescope's results.json.
type Results struct {
	Score         float64 `json:"score"`
	MaxScore      float64 `json:"max_score"`
	ExecutionTime int64   `json:"execution_time"` // seconds
	Output        string  `json:"output"`
	Visibility    string  `json:"visibility"`
	Tests         []Test  `json:"tests"`
}

// Test is one test's entry in Results.
type Test struct {
	Name       string  `json:"name"`
	Score      float64 `json:"score"`
	MaxScore   float64 `json:"max_score"`
	Status     string  `json:"status"`
	Output     string  `json:"output"`
	Visibility string  `json:"visibility"`
}

// Convert makes the results from the document; elapsed is how long the
// grade took. The total is the document's (Gradescope takes the top-level
// score over the sum of the tests', which rounding may move by a cent).
func Convert(doc *report.Document, elapsed time.Duration) Results {
	r := Results{
		Score: doc.Score, MaxScore: doc.MaxScore, ExecutionTime: int64(math.Round(elapsed.Seconds())),
		Output: overview(doc), Visibility: Visibility, Tests: []Test{},
	}
	for _, e := range doc.Exercises {
		var weights float64
		for _, t := range e.Tests {
			weights += t.Weight
		}
		for _, t := range e.Tests {
			entry := Test{Name: path.Base(e.Path) + "/" + t.Name, Status: Passed, Visibility: Visibility}
			if weights > 0 {
				entry.MaxScore = round(e.MaxScore * t.Weight / weights)
			}
			if t.Status == report.Pass {
				entry.Score = entry.MaxScore
			} else {
				entry.Status = Failed
				entry.Output = testOutput(t)
			}
			r.Tests = append(r.Tests, entry)
		}
	}
	return r
}

// Marshal renders the results as indented JSON.
func Marshal(doc *report.Document, elapsed time.Duration) ([]byte, error) {
	out, err := json.MarshalIndent(Convert(doc, elapsed), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("render Gradescope results: %w", err)
	}
	return append(out, '\n'), nil
}

// overview is the top-level output: the total, and what the grade left
// out or could not contain.
func overview(doc *report.Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Total: %v / %v\n", doc.Score, doc.MaxScore)
	for _, e := range doc.Exercises {
		fmt.Fprintf(&b, "%s: %v / %v (%d/%d tests)\n", e.Path, e.Score, e.MaxScore, e.Passed, e.Total)
	}
	if len(doc.IgnoredFiles) > 0 {
		fmt.Fprintf(&b, "\nLeft out of the grade (only the exercises' own files are graded): %s\n", strings.Join(doc.IgnoredFiles, ", "))
	}
	if doc.Sandbox == "unsandboxed" {
		b.WriteString("\nThe tests ran without the sandbox.\n")
	}
	return b.String()
}

// testOutput is a failed test's cause, message, place and output.
func testOutput(t report.Test) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", t.Cause, t.Message)
	if t.File != "" {
		fmt.Fprintf(&b, "at %s:%d\n", t.File, t.Line)
	}
	if t.Output != "" {
		b.WriteString("\n" + t.Output)
	}
	return b.String()
}

// round keeps two decimals, as the result document does.
func round(x float64) float64 { return math.Round(x*100) / 100 }
