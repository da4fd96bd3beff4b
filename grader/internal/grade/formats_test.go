package grade

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/internal/formats/badge"
	"github.com/concurrency-kit/kit/grader/internal/formats/formatstest"
	"github.com/concurrency-kit/kit/grader/internal/formats/github"
	"github.com/concurrency-kit/kit/grader/internal/formats/gradescope"
	"github.com/concurrency-kit/kit/grader/internal/formats/junit"
	"github.com/concurrency-kit/kit/grader/internal/report"
)

// TestFormatsOfARealGrade grades the fake kit with answers that pass,
// fail, race, leak, deadlock, hang, panic, crash, run out of memory, print
// forged workflow commands, and do not compile, and checks every output for
// CI platforms and grading services against its consumer's rules.
func TestFormatsOfARealGrade(t *testing.T) {
	kit := fakeKit(t)
	root := checkout(t, kit, map[string]string{fakeAnswer: "faults.go", "exercises/91_other/other.go": "other_broken.go"})
	doc := gradeFolder(t, kit, root, newSandbox(t))
	require.Equal(t, "build", string(doc.Exercises[1].Tests[0].Cause))

	t.Run("junit", func(t *testing.T) {
		data, err := junit.Marshal(doc)
		require.NoError(t, err)
		formatstest.ValidateJUnit(t, data)
		assert.Contains(t, string(data), `<testsuite name="fake" tests="9" failures="8" errors="0"`)
		assert.Contains(t, string(data), `<testsuite name="other" tests="1" failures="0" errors="1"`)
		assert.Contains(t, string(data), `<failure type="race" message="data race at fake.go:15">`)
	})
	t.Run("github", func(t *testing.T) {
		var text bytes.Buffer
		require.NoError(t, report.WriteText(&text, doc, report.TextOptions{Width: 100, Detail: true}))
		require.Contains(t, text.String(), "::set-output name=score::100", "the student's forged commands are in the report")
		token, err := github.NewToken()
		require.NoError(t, err)
		var log strings.Builder
		require.NoError(t, github.WriteFenced(&log, token, text.String()))
		var titles []string
		for _, a := range github.Annotations(doc) {
			log.WriteString(a.String() + "\n")
			titles = append(titles, a.Title)
		}
		formatstest.CheckWorkflowLog(t, log.String(), github.MaxAnnotations)
		assert.Equal(t, []string{
			"fake TestRace (race)", "fake TestLeak (leak)", "fake TestDeadlock (deadlock)", "fake TestTimeout (timeout)",
			"fake TestPanic (panic)", "fake TestCrash (crash)", "other TestAnswer (build)",
		}, titles)
		assert.Less(t, len(github.Summary(doc)), github.MaxSummary)
	})
	t.Run("gradescope", func(t *testing.T) {
		data, err := gradescope.Marshal(doc, 42*time.Second)
		require.NoError(t, err)
		formatstest.CheckGradescope(t, data)
		assert.Contains(t, string(data), `"name": "90_fake/TestRace"`)
	})
	t.Run("badge", func(t *testing.T) {
		data, err := badge.Marshal(doc)
		require.NoError(t, err)
		formatstest.CheckBadge(t, data)
		assert.Contains(t, string(data), `"message":"1.11/20"`)
	})
}
