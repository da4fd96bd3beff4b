package grade

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/concurrency-kit/kit/grader/event"
	"github.com/concurrency-kit/kit/grader/internal/classify"
)

func TestStudentPlace(t *testing.T) {
	files := []string{"other.go", "a.go", "x.go", "fake.go"}
	tests := []struct {
		message string
		file    string
		line    int
	}{
		{"panic: boom at other.go:41", "other.go", 41},
		{"data race at a.go:3 and a.go:9", "a.go", 3},
		{"did not finish within 2s; stuck at x.go:12", "x.go", 12},
		{"Answer(\"TestFail\") = 41, want 42 (fake_test.go:22)", "", 0},
		{"want 42 (fake_test.go:22) after fake.go:7", "fake.go", 7},
		{"./fake.go:4:29: cannot use \"42\" (untyped string constant) as int value", "fake.go", 4},
		{"fake.go:7: //go:norace is not allowed", "fake.go", 7},
		{"at /root/.cache/rooms/0/exercises/91_other/other.go:88", "other.go", 88},
		{"at helper.go:5, which is not the student's", "", 0},
		{"at other.go:0", "", 0},
		{"the test used more than 256 MiB of memory", "", 0},
		{"", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.message, func(t *testing.T) {
			file, line := studentPlace(tt.message, files)
			assert.Equal(t, tt.file, file)
			assert.Equal(t, tt.line, line)
		})
	}
}

// TestMergeKeepsTheLongestRun: whichever run decides the outcome, the
// duration is the longest run's.
func TestMergeKeepsTheLongestRun(t *testing.T) {
	tests := []struct {
		name   string
		runs   []classify.Outcome
		passed bool
		want   time.Duration
	}{
		{"one run", []classify.Outcome{{Passed: true, Duration: time.Second}}, true, time.Second},
		{"a slow pass, then a quick failure", []classify.Outcome{{Passed: true, Duration: 3 * time.Second}, {Cause: event.CauseFail, Duration: time.Second}}, false, 3 * time.Second},
		{"a quick failure, then a slow pass", []classify.Outcome{{Cause: event.CauseFail, Duration: time.Second}, {Passed: true, Duration: 2 * time.Second}}, false, 2 * time.Second},
		{"a quick pass, then a slow hang", []classify.Outcome{{Passed: true}, {Cause: event.CauseTimeout, Duration: 10 * time.Second}}, false, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			final := map[string]classify.Outcome{}
			for _, o := range tt.runs {
				merge(final, map[string]classify.Outcome{"TestX": o})
			}
			assert.Equal(t, tt.passed, final["TestX"].Passed)
			assert.Equal(t, tt.want, final["TestX"].Duration)
		})
	}
}
