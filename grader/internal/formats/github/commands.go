// Package github renders a result document for GitHub Actions: error
// annotations on the student's lines, a job summary in Markdown, and the
// score as step outputs. It also fences what the student's code printed so
// that it can never issue workflow commands of its own.
//
// The workflow-command syntax is GitHub's
// (docs.github.com/actions/reference/workflow-commands-for-github-actions):
// a line "::name key=value,key=value::data", where data escapes %, \r and
// \n, and property values also escape : and ,.
package github

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/concurrency-kit/kit/grader/internal/report"
)

// MaxAnnotations is how many error annotations GitHub keeps for one step;
// Annotations returns at most this many.
const MaxAnnotations = 10

// maxMessage bounds an annotation's message, in bytes before escaping.
const maxMessage = 1000

// EscapeData escapes the data part of a workflow command (after the
// closing "::"): % as %25, \r as %0D and \n as %0A, so that the data stays
// on its one line.
func EscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// EscapeProperty escapes a property value of a workflow command: as
// EscapeData, and also : as %3A and , as %2C, which end a value.
func EscapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// Annotation is one ::error workflow command (a failed test) or ::warning
// (a go vet note), shown on the student's file and line.
type Annotation struct {
	// Warning makes it a ::warning; it is an ::error otherwise.
	Warning bool
	File    string // relative to the repository's root
	Line    int
	Title   string // "<exercise> <test> (<cause>)", "<exercise> go vet (<check>)"
	Message string
}

// String is the annotation as a workflow command line, without the
// newline.
func (a Annotation) String() string {
	level := "error"
	if a.Warning {
		level = "warning"
	}
	return fmt.Sprintf("::%s file=%s,line=%d,title=%s::%s",
		level, EscapeProperty(a.File), a.Line, EscapeProperty(a.Title), EscapeData(a.Message))
}

// Warnings makes a warning annotation for each go vet note, at most
// MaxAnnotations (GitHub keeps that many warnings per step too), in the
// document's order.
func Warnings(doc *report.Document) []Annotation {
	var out []Annotation
	for _, e := range doc.Exercises {
		for _, n := range e.Notes {
			if len(out) == MaxAnnotations {
				return out
			}
			out = append(out, Annotation{Warning: true, File: n.File, Line: n.Line, Message: n.Message,
				Title: fmt.Sprintf("%s go vet (%s)", e.Name, n.Check)})
		}
	}
	return out
}

// Annotations makes an annotation for each failed test whose student line
// is known. GitHub keeps only MaxAnnotations errors per step, so the
// earlier exercises (the document's order: the course's) come first, and
// within an exercise the tests in source order; the rest are left out.
func Annotations(doc *report.Document) []Annotation {
	var out []Annotation
	for _, e := range doc.Exercises {
		for _, t := range e.Tests {
			if t.Status == report.Pass || t.File == "" || t.Line < 1 {
				continue
			}
			if len(out) == MaxAnnotations {
				return out
			}
			msg := t.Message
			if len(msg) > maxMessage {
				msg = strings.ToValidUTF8(msg[:maxMessage], "") + " …"
			}
			out = append(out, Annotation{
				File: t.File, Line: t.Line, Message: msg,
				Title: fmt.Sprintf("%s %s (%s)", e.Name, t.Name, t.Cause),
			})
		}
	}
	return out
}

// NewToken returns a random token to stop workflow commands with: 128
// bits, which the student's code cannot guess, so it cannot print the line
// that turns commands back on.
func NewToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a stop-commands token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// WriteFenced writes text inside "::stop-commands::token" and "::token::"
// lines: the runner processes no workflow command in between, so nothing
// the student's code printed (a forged ::error, ::set-output or
// ::add-mask) takes effect. The token must not occur in text.
func WriteFenced(w io.Writer, token, text string) error {
	if token == "" || strings.Contains(text, token) {
		return fmt.Errorf("the stop-commands token is empty or occurs in the text it fences")
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	_, err := fmt.Fprintf(w, "::stop-commands::%s\n%s::%s::\n", token, text, token)
	return err
}

// Outputs is what goes to $GITHUB_OUTPUT: the score and the most it can
// be, as score=X and max_score=Y lines.
func Outputs(doc *report.Document) string {
	return "score=" + number(doc.Score) + "\nmax_score=" + number(doc.MaxScore) + "\n"
}

// number writes a score in its shortest form: 37.5, 50, 11.11.
func number(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
