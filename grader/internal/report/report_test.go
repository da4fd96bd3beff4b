package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExerciseFinish(t *testing.T) {
	tests := []struct {
		name        string
		points      float64
		tests       []Test
		score       float64
		passed, tot int
		done        bool
	}{
		{
			name:   "all passed",
			points: 10,
			tests:  []Test{{Name: "A", Weight: 1, Status: Pass}, {Name: "B", Weight: 2, Status: Pass}},
			score:  10, passed: 2, tot: 2, done: true,
		},
		{
			name:   "none passed",
			points: 10,
			tests:  []Test{{Name: "A", Weight: 1, Status: Fail, Cause: "fail"}},
			score:  0, passed: 0, tot: 1,
		},
		{
			name:   "weighted",
			points: 10,
			tests:  []Test{{Name: "A", Weight: 3, Status: Pass}, {Name: "B", Weight: 1, Status: Fail, Cause: "race"}},
			score:  7.5, passed: 1, tot: 2,
		},
		{
			name:   "rounded to two decimals",
			points: 10,
			tests:  []Test{{Name: "A", Weight: 1, Status: Pass}, {Name: "B", Weight: 1, Status: Pass}, {Name: "C", Weight: 1, Status: Fail, Cause: "fail"}},
			score:  6.67, passed: 2, tot: 3,
		},
		{
			name:   "rounded down",
			points: 10,
			tests:  []Test{{Name: "A", Weight: 1, Status: Pass}, {Name: "B", Weight: 2, Status: Fail}},
			score:  3.33, passed: 1, tot: 2,
		},
		{
			name:   "no tests",
			points: 10,
			score:  0, passed: 0, tot: 0,
		},
		{
			name:   "zero weights",
			points: 10,
			tests:  []Test{{Name: "A", Weight: 0, Status: Pass}},
			score:  0, passed: 1, tot: 1, done: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Stale counts are replaced, not added to.
			e := Exercise{MaxScore: tt.points, Tests: tt.tests, Score: 99, Passed: 99, Total: 99}
			e.Finish()
			assert.Equal(t, tt.score, e.Score)
			assert.Equal(t, tt.passed, e.Passed)
			assert.Equal(t, tt.tot, e.Total)
			assert.Equal(t, tt.done, e.Done())
		})
	}
}

func TestDocumentFinish(t *testing.T) {
	d := Document{Version: 7, Score: 1, MaxScore: 1, Exercises: []Exercise{
		{Score: 6.67, MaxScore: 10},
		{Score: 3.33, MaxScore: 10},
		{Score: 0.1, MaxScore: 0.2},
		{Score: 0.2, MaxScore: 0.1},
	}}
	d.Finish()
	assert.Equal(t, Version, d.Version)
	assert.Equal(t, 10.3, d.Score)
	assert.Equal(t, 20.3, d.MaxScore)

	empty := Document{}
	empty.Finish()
	assert.Equal(t, Document{Version: Version}, empty)
}

func sample() *Document {
	d := &Document{Exercises: []Exercise{
		{
			Name: "goroutines", Path: "exercises/01_goroutines", MaxScore: 10,
			Tests: []Test{{Name: "TestAll", Weight: 1, Status: Pass}},
		},
		{
			Name: "tickets", Path: "exercises/09_tickets", MaxScore: 10,
			Tests: []Test{
				{Name: "TestSoldOnce", Weight: 2, Status: Fail, Cause: "race",
					Message: "data race at tickets.go:41 and tickets.go:38", Output: "=== RUN   TestSoldOnce\nWARNING: DATA RACE\n"},
				{Name: "TestRemaining", Weight: 1, Status: Pass},
				{Name: "TestPrint", Weight: 1, Status: Pass},
			},
		},
		{
			Name: "transfer", Path: "exercises/12_transfer", MaxScore: 10,
			Tests: []Test{{Name: "TestOpposite", Weight: 1, Status: Fail, Cause: "deadlock",
				Message: "go-deadlock: POTENTIAL DEADLOCK\nsecond line"}},
		},
	}}
	for i := range d.Exercises {
		d.Exercises[i].Finish()
	}
	d.Finish()
	return d
}

func TestWriteTextPlain(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, sample(), TextOptions{Width: 120}))
	out := b.String()
	for _, want := range []string{
		"✓ exercises/01_goroutines",
		"10 / 10",
		"1/1 tests",
		"~ exercises/09_tickets",
		"5 / 10",
		"2/3 tests",
		"✗ exercises/12_transfer",
		"0 / 10",
		"TestSoldOnce",
		"race",
		"data race at tickets.go:41 and tickets.go:38",
		"TestOpposite",
		"deadlock",
		"go-deadlock: POTENTIAL DEADLOCK",
		"Total: 15 / 30",
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "\x1b[")
	assert.NotContains(t, out, "second line", "messages are cut to one line")
	assert.NotContains(t, out, "TestRemaining", "passed tests are listed only with Detail")
	assert.NotContains(t, out, "WARNING: DATA RACE", "output is shown only with Detail")

	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	assert.Len(t, lines, 6)
	for _, line := range lines {
		if strings.Contains(line, "TestSoldOnce") {
			assert.Regexp(t, `^    ✗ TestSoldOnce +race +data race at tickets.go:41 and tickets.go:38$`, line)
		}
	}
}

func TestWriteTextDetail(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, sample(), TextOptions{Detail: true}))
	out := b.String()
	assert.Contains(t, out, "✓ TestRemaining")
	assert.Contains(t, out, "        === RUN   TestSoldOnce\n        WARNING: DATA RACE\n")
}

func TestWriteTextColor(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, sample(), TextOptions{Color: true}))
	out := b.String()
	assert.Contains(t, out, "\x1b[32m✓ exercises/01_goroutines")
	assert.Contains(t, out, "\x1b[31m")
	assert.Contains(t, out, "\x1b[0m")
	assert.Contains(t, out, "\x1b[1mTotal: 15 / 30\x1b[0m")
}

func TestWriteTextCutsLongMessages(t *testing.T) {
	d := &Document{Exercises: []Exercise{{Path: "exercises/09_tickets", MaxScore: 10, Tests: []Test{
		{Name: "TestA", Weight: 1, Status: Fail, Cause: "fail", Message: strings.Repeat("é", 200)},
	}}}}
	d.Exercises[0].Finish()
	d.Finish()
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, d, TextOptions{Width: 80}))
	for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		assert.LessOrEqual(t, len([]rune(line)), 80, line)
	}
	assert.Contains(t, b.String(), "é…\n")
}

func TestNum(t *testing.T) {
	tests := map[float64]string{0: "0", 10: "10", 100: "100", 7.5: "7.5", 6.67: "6.67", 0.05: "0.05", 3.333: "3.33", 20: "20"}
	for x, want := range tests {
		assert.Equal(t, want, num(x), "%v", x)
	}
}

func TestFit(t *testing.T) {
	assert.Equal(t, "short", fit("short", 40))
	assert.Equal(t, "first", fit("first\nsecond", 40))
	assert.Equal(t, "abcdefghi…", fit(strings.Repeat("abcdefghij", 3), 10))
	assert.Equal(t, "abcdefghi…", fit(strings.Repeat("abcdefghij", 3), 2), "at least 10 columns")
}

func TestJSONRoundTrip(t *testing.T) {
	d := sample()
	data, err := json.Marshal(d)
	require.NoError(t, err)

	var back Document
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, *d, back)

	// The document's fields, as grader/README.md names them.
	var raw struct {
		Version   int     `json:"version"`
		Score     float64 `json:"score"`
		MaxScore  float64 `json:"max_score"`
		Exercises []struct {
			Tests []map[string]any `json:"tests"`
		} `json:"exercises"`
	}
	require.NoError(t, json.Unmarshal(data, &raw))
	assert.Equal(t, 1, raw.Version)
	assert.Equal(t, 15.0, raw.Score)
	assert.Equal(t, 30.0, raw.MaxScore)
	require.Len(t, raw.Exercises, 3)
	for _, e := range raw.Exercises {
		for _, test := range e.Tests {
			_, hasCause := test["cause"]
			assert.Equal(t, test["status"] == Fail, hasCause, "cause present exactly when failed: %v", test)
			if test["status"] == Pass {
				assert.NotContains(t, test, "message")
				assert.NotContains(t, test, "output")
			}
			assert.Contains(t, test, "name")
			assert.Contains(t, test, "weight")
		}
	}
	assert.Contains(t, string(data), `"max_score":10`)
	assert.Contains(t, string(data), `"passed":2`)
	assert.Contains(t, string(data), `"total":3`)
}
