package github

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/event"
	"github.com/concurrency-kit/kit/grader/internal/formats/formatstest"
	"github.com/concurrency-kit/kit/grader/internal/report"
)

func TestEscape(t *testing.T) {
	tests := []struct {
		in, data, property string
	}{
		{"plain", "plain", "plain"},
		{"50%", "50%25", "50%25"},
		{"a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"},
		{"a:b,c", "a:b,c", "a%3Ab%2Cc"},
		{"%0A", "%250A", "%250A"},
		{"::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.data, EscapeData(tt.in))
			assert.Equal(t, tt.property, EscapeProperty(tt.in))
		})
	}
}

func TestAnnotation(t *testing.T) {
	a := Annotation{File: "exercises/09_tickets/tickets.go", Line: 41, Title: "tickets TestRace (race)", Message: "data race at tickets.go:41, 100%\nthen"}
	assert.Equal(t, "::error file=exercises/09_tickets/tickets.go,line=41,title=tickets TestRace (race)::data race at tickets.go:41, 100%25%0Athen", a.String())
	formatstest.CheckWorkflowLog(t, a.String()+"\n", MaxAnnotations)
}

// TestWarnings: go vet's notes are warning annotations, at most
// MaxAnnotations, in the document's order.
func TestWarnings(t *testing.T) {
	doc := &report.Document{}
	for i := range 3 {
		e := report.Exercise{Name: fmt.Sprintf("ex%d", i)}
		for j := range 5 {
			e.Notes = append(e.Notes, report.Note{File: fmt.Sprintf("exercises/ex%d/ex.go", i), Line: j + 1, Check: "copylocks", Message: "passes lock by value"})
		}
		doc.Exercises = append(doc.Exercises, e)
	}
	got := Warnings(doc)
	require.Len(t, got, MaxAnnotations)
	assert.Equal(t, "::warning file=exercises/ex0/ex.go,line=1,title=ex0 go vet (copylocks)::passes lock by value", got[0].String())
	assert.Equal(t, "exercises/ex1/ex.go", got[9].File)
	var log strings.Builder
	for _, a := range got {
		log.WriteString(a.String() + "\n")
	}
	formatstest.CheckWorkflowLog(t, log.String(), MaxAnnotations)
}

// failures makes a document of exercises with n failed tests each, every
// one at a known line except the last of each exercise.
func failures(exercises, n int) *report.Document {
	doc := &report.Document{}
	for i := range exercises {
		e := report.Exercise{Name: fmt.Sprintf("ex%d", i), Path: fmt.Sprintf("exercises/%02d_ex%d", i+1, i), MaxScore: 10}
		for j := range n {
			test := report.Test{Name: fmt.Sprintf("Test%d", j), Weight: 1, Status: report.Fail, Cause: event.CauseFail, Message: "wrong"}
			if j < n-1 {
				test.File, test.Line = e.Path+"/ex.go", j+1
			}
			e.Tests = append(e.Tests, test)
		}
		e.Finish()
		doc.Exercises = append(doc.Exercises, e)
	}
	doc.Finish()
	return doc
}

func TestAnnotationsRankEarlierExercisesFirst(t *testing.T) {
	tests := []struct {
		name       string
		doc        *report.Document
		wantTitles []string
	}{
		{"none", failures(0, 0), nil},
		{"a test without a line gets none", failures(1, 1), nil},
		{"fewer than the cap", failures(2, 3), []string{"ex0 Test0 (fail)", "ex0 Test1 (fail)", "ex1 Test0 (fail)", "ex1 Test1 (fail)"}},
		{"capped at 10, in course order", failures(4, 5), []string{
			"ex0 Test0 (fail)", "ex0 Test1 (fail)", "ex0 Test2 (fail)", "ex0 Test3 (fail)",
			"ex1 Test0 (fail)", "ex1 Test1 (fail)", "ex1 Test2 (fail)", "ex1 Test3 (fail)",
			"ex2 Test0 (fail)", "ex2 Test1 (fail)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var titles []string
			for _, a := range Annotations(tt.doc) {
				titles = append(titles, a.Title)
			}
			assert.Equal(t, tt.wantTitles, titles)
		})
	}
}

// TestForgedCommandsAreNeutralised: the log the grader prints in GitHub
// mode (the report fenced, then the annotations) carries out only the
// grader's own commands, whatever the student printed.
func TestForgedCommandsAreNeutralised(t *testing.T) {
	doc := formatstest.Document()
	token, err := NewToken()
	require.NoError(t, err)
	var log strings.Builder
	report := "report\n" + formatstest.Forged + "   " + formatstest.Forged + "::stop-commands::other\n::other::\n" + formatstest.Forged
	require.NoError(t, WriteFenced(&log, token, report))
	for _, a := range Annotations(doc) {
		log.WriteString(a.String() + "\n")
	}
	annotations := formatstest.CheckWorkflowLog(t, log.String(), MaxAnnotations)
	assert.Len(t, annotations, 5, "one per failed test with a line: TestRace, TestHang, TestPanic, TestPut, TestGet")
	assert.Contains(t, annotations[2].Line, "title=tickets TestPanic (panic)::panic: a:b,c%250A::error::x%0Asecond line")
}

func TestWriteFencedRefusesAKnownToken(t *testing.T) {
	var b strings.Builder
	assert.Error(t, WriteFenced(&b, "abc", "text with abc in it"))
	assert.Error(t, WriteFenced(&b, "", "text"))
	assert.Empty(t, b.String())
	require.NoError(t, WriteFenced(&b, "tok", "no newline"))
	assert.Equal(t, "::stop-commands::tok\nno newline\n::tok::\n", b.String())
}

func TestNewTokenIsRandom(t *testing.T) {
	a, err := NewToken()
	require.NoError(t, err)
	b, err := NewToken()
	require.NoError(t, err)
	assert.Len(t, a, 32)
	assert.NotEqual(t, a, b)
}

func TestSummary(t *testing.T) {
	s := Summary(formatstest.Document())
	for _, want := range []string{
		"## Grade: 2.86 / 30\n",
		"### ✗ exercises/09_tickets — 2.86 / 10 (1/5 tests)",
		"| TestSold | ✓ pass | | |",
		"| TestRace | ✗ race | `exercises/09_tickets/tickets.go:41` | data race at tickets.go:41 and tickets.go:38 |",
		"| TestFail | ✗ fail |  | got 50%, want 100%: a, b &lt;c&gt; \\| d (tickets_test.go:9) |",
		"| TestPanic | ✗ panic | `exercises/09_tickets/tickets.go:7` | panic: a:b,c%0A::error::x second line at tickets.go:7 |",
		"### ✗ exercises/14_queue — 0 / 20 (0/2 tests)",
	} {
		assert.Contains(t, s, want)
	}
	assert.NotContains(t, s, "forged", "output is not in the summary")
}

// TestSummaryStaysUnderTheLimit: a huge document (many exercises, long
// messages) still makes a summary GitHub takes, which says what it left
// out.
func TestSummaryStaysUnderTheLimit(t *testing.T) {
	doc := failures(400, 60)
	long := strings.Repeat("é|<x>", 2000)
	for i := range doc.Exercises {
		for j := range doc.Exercises[i].Tests {
			doc.Exercises[i].Tests[j].Message = long
		}
	}
	s := Summary(doc)
	assert.Less(t, len(s), MaxSummary)
	assert.True(t, utf8.ValidString(s))
	assert.Contains(t, s, "more tests are left out of this summary")
	assert.Contains(t, s, "### ✗ exercises/01_ex0")
}

func TestOutputs(t *testing.T) {
	assert.Equal(t, "score=2.86\nmax_score=30\n", Outputs(formatstest.Document()))
}

func TestAppendFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "summary.md")
	require.NoError(t, os.WriteFile(name, []byte("earlier step\n"), 0o644))
	require.NoError(t, AppendFile(name, "score=1\n"))
	require.NoError(t, AppendFile(name, "max_score=2\n"))
	got, err := os.ReadFile(name)
	require.NoError(t, err)
	assert.Equal(t, "earlier step\nscore=1\nmax_score=2\n", string(got))
	assert.ErrorContains(t, AppendFile(filepath.Join(name, "x"), "y"), "append to")
}
