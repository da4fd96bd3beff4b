package github

import (
	"fmt"
	"strings"

	"github.com/concurrency-kit/kit/grader/internal/report"
)

// MaxSummary is the most GitHub takes in one step's job summary
// ($GITHUB_STEP_SUMMARY): 1 MiB. Summary stays well below it.
const MaxSummary = 1 << 20

// summaryBudget is what Summary may use: below MaxSummary with room for
// whatever else the step appends.
const summaryBudget = MaxSummary - 64<<10

// maxCell bounds one table cell (a test's message), in bytes.
const maxCell = 300

// Summary renders the document as the Markdown of a job summary: the
// total, then a table per exercise with each test's result, and the cause,
// place and message of each failed test. Output is left out (it is in the
// log and the JUnit file); rows past the size budget are counted, not
// shown, so the summary is always under MaxSummary.
func Summary(doc *report.Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Grade: %s / %s\n\n", number(doc.Score), number(doc.MaxScore))
	if doc.Sandbox == "unsandboxed" {
		b.WriteString("The tests ran without the sandbox.\n\n")
	}
	left := 0
	for _, e := range doc.Exercises {
		mark := "✗"
		if e.Done() {
			mark = "✓"
		}
		head := fmt.Sprintf("### %s %s — %s / %s (%d/%d tests)\n\n| test | result | where | message |\n|---|---|---|---|\n",
			mark, cell(e.Path), number(e.Score), number(e.MaxScore), e.Passed, e.Total)
		if b.Len()+len(head) > summaryBudget-1024 {
			left += len(e.Tests)
			continue
		}
		b.WriteString(head)
		for _, t := range e.Tests {
			row := fmt.Sprintf("| %s | ✓ pass | | |\n", cell(t.Name))
			if t.Status != report.Pass {
				where := ""
				if t.File != "" {
					where = fmt.Sprintf("`%s:%d`", cell(t.File), t.Line)
				}
				row = fmt.Sprintf("| %s | ✗ %s | %s | %s |\n", cell(t.Name), cell(string(t.Cause)), where, cell(t.Message))
			}
			if b.Len()+len(row) > summaryBudget-1024 {
				left++
				continue
			}
			b.WriteString(row)
		}
		b.WriteString("\n")
	}
	if left > 0 {
		fmt.Fprintf(&b, "%d more tests are left out of this summary (it would exceed GitHub's limit); the log and the JUnit file have them all.\n", left)
	}
	return b.String()
}

// cell makes text safe in one Markdown table cell: one line, no column
// break, no HTML, at most maxCell bytes.
func cell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxCell {
		s = strings.ToValidUTF8(s[:maxCell], "") + " …"
	}
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;", "`", "'").Replace(s)
}
