package formatstest

import (
	"github.com/concurrency-kit/kit/grader/event"
	"github.com/concurrency-kit/kit/grader/internal/report"
)

// Forged is output a student's code might print to take over a CI step:
// workflow commands of GitHub's, XML and Markdown that would break the
// files they land in, and bytes XML cannot hold.
const Forged = "::error file=queue.go,line=1::forged by the student\n" +
	"::set-output name=score::100\n" +
	"::add-mask::secret\n" +
	"]]></system-out></testcase><testcase name=\"forged\">\n" +
	"| forged | table | row |\n" +
	"\x1b[31mred\x1b[0m \x00 nul\n"

// Document is a hand-made result of two exercises with every kind of
// result (pass, fail, race, timeout, panic, build), messages that need
// escaping in every format, and Forged in the failed tests' output.
func Document() *report.Document {
	doc := &report.Document{
		Sandbox: "sandboxed",
		Exercises: []report.Exercise{
			{
				Name: "tickets", Path: "exercises/09_tickets", MaxScore: 10,
				Tests: []report.Test{
					{Name: "TestSold", Weight: 2, Status: report.Pass, DurationMS: 120},
					{Name: "TestRace", Weight: 2, Status: report.Fail, Cause: event.CauseRace, DurationMS: 1500,
						Message: "data race at tickets.go:41 and tickets.go:38", File: "exercises/09_tickets/tickets.go", Line: 41,
						Output: "=== RUN   TestRace\n" + Forged + "WARNING: DATA RACE\n"},
					{Name: "TestFail", Weight: 1, Status: report.Fail, Cause: event.CauseFail, DurationMS: 3,
						Message: "got 50%, want 100%: a, b <c> | d (tickets_test.go:9)", Output: Forged},
					{Name: "TestHang", Weight: 1, Status: report.Fail, Cause: event.CauseTimeout, DurationMS: 10000,
						Message: "did not finish within 10s; stuck at tickets.go:12", File: "exercises/09_tickets/tickets.go", Line: 12,
						Output: "goroutine 7 [chan receive]:\n"},
					{Name: "TestPanic", Weight: 1, Status: report.Fail, Cause: event.CausePanic, DurationMS: 2,
						Message: "panic: a:b,c%0A::error::x\nsecond line at tickets.go:7", File: "exercises/09_tickets/tickets.go", Line: 7},
				},
			},
			{
				Name: "queue", Path: "exercises/14_queue", MaxScore: 20,
				Tests: []report.Test{
					{Name: "TestPut", Weight: 1, Status: report.Fail, Cause: event.CauseBuild,
						Message: "./queue.go:4:29: cannot use \"42\" as int value", File: "exercises/14_queue/queue.go", Line: 4,
						Output: "# queue\n./queue.go:4:29: cannot use \"42\" as int value\n"},
					{Name: "TestGet", Weight: 3, Status: report.Fail, Cause: event.CauseBuild,
						Message: "./queue.go:4:29: cannot use \"42\" as int value", File: "exercises/14_queue/queue.go", Line: 4},
				},
			},
		},
	}
	for i := range doc.Exercises {
		doc.Exercises[i].Finish()
	}
	doc.Finish()
	return doc
}
