package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/internal/i18n"
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
			Name: "fake", Path: "exercises/90_fake", MaxScore: 10,
			Tests: []Test{{Name: "TestAll", Weight: 1, Status: Pass}},
		},
		{
			Name: "other", Path: "exercises/91_other", MaxScore: 10,
			Tests: []Test{
				{Name: "TestSoldOnce", Weight: 2, Status: Fail, Cause: "race",
					Message: "data race at other.go:41 and other.go:38", Output: "=== RUN   TestSoldOnce\nWARNING: DATA RACE\n"},
				{Name: "TestRemaining", Weight: 1, Status: Pass},
				{Name: "TestPrint", Weight: 1, Status: Pass},
			},
		},
		{
			Name: "third", Path: "exercises/92_third", MaxScore: 10,
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

// lines splits a rendering into its lines and checks that none is wider
// than width.
func lines(t *testing.T, out string, width int) []string {
	t.Helper()
	ls := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for _, l := range ls {
		assert.LessOrEqual(t, i18n.Width(l), width, "%q is wider than %d columns", l, width)
	}
	return ls
}

func TestWriteTextFocused(t *testing.T) {
	d := sample()
	d.Exercises = append(d.Exercises, Exercise{Name: "fourth", Path: "exercises/93_fourth", MaxScore: 10,
		Tests: []Test{{Name: "TestFIFO", Weight: 1, Status: Fail, Cause: "fail", Message: "nothing"}}})
	d.Exercises[3].Finish()
	d.Finish()
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, d, TextOptions{}))
	got := lines(t, b.String(), 80)
	assert.Equal(t, []string{
		"✓ exercises/90_fake                10 / 10   1/1 tests",
		"~ exercises/91_other                5 / 10   2/3 tests",
		"    ✗ TestSoldOnce (race)",
		"      data race at other.go:41 and other.go:38",
		"  2 more exercises not started yet (--all shows every exercise)",
		"Total: 15 / 40",
	}, got, "finished exercises in one line, the first unfinished one in full, the rest counted")

	b.Reset()
	require.NoError(t, WriteText(&b, d, TextOptions{All: true}))
	out := b.String()
	assert.Contains(t, out, "    ✗ TestOpposite (deadlock)\n      go-deadlock: POTENTIAL DEADLOCK\n      second line\n")
	assert.Contains(t, out, "✗ exercises/93_fourth")
	assert.NotContains(t, out, "TestRemaining", "passed tests are listed only with Detail")
	assert.NotContains(t, out, "WARNING: DATA RACE", "output is shown only with Detail")
	assert.NotContains(t, out, "\x1b[")
}

func TestWriteTextDetail(t *testing.T) {
	var b bytes.Buffer
	d := sample()
	long := strings.Repeat("output line\n", 100)
	d.Exercises[1].Tests[0].Output += long
	require.NoError(t, WriteText(&b, d, TextOptions{Detail: true}))
	out := b.String()
	assert.Contains(t, out, "✓ TestRemaining")
	assert.Contains(t, out, "        === RUN   TestSoldOnce\n        WARNING: DATA RACE\n")
	assert.Contains(t, out, "[62 more lines: --json shows the whole output]", "output is bounded")
	lines(t, out, 80)
}

func TestWriteTextColor(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, sample(), TextOptions{Color: true}))
	out := b.String()
	assert.Contains(t, out, "\x1b[32m✓ exercises/90_fake")
	assert.Contains(t, out, "\x1b[31m")
	assert.Contains(t, out, "\x1b[0m")
	assert.Contains(t, out, "\x1b[1mTotal: 15 / 30\x1b[0m")
}

// Long messages are wrapped to the width, never cut.
func TestWriteTextWrapsLongMessages(t *testing.T) {
	message := "Get returned before Put: " + strings.Repeat("word ", 40) + strings.Repeat("é", 200)
	d := &Document{Exercises: []Exercise{{Path: "exercises/90_fake", MaxScore: 10, Tests: []Test{
		{Name: "TestA", Weight: 1, Status: Fail, Cause: "fail", Message: message},
	}}}}
	d.Exercises[0].Finish()
	d.Finish()
	for _, width := range []int{80, 50} {
		var b bytes.Buffer
		require.NoError(t, WriteText(&b, d, TextOptions{Width: width}))
		got := lines(t, b.String(), width)
		var text []string
		for _, l := range got[2 : len(got)-1] {
			text = append(text, strings.TrimSpace(l))
		}
		assert.Equal(t, strings.ReplaceAll(message, " ", ""), strings.ReplaceAll(strings.Join(text, ""), " ", ""), "every character is kept")
	}
}

// A compile error is shown once, not once per test.
func TestWriteTextBuildFailureOnce(t *testing.T) {
	msg := "fake.go:12:2: undefined: x"
	d := &Document{Exercises: []Exercise{{Path: "exercises/90_fake", MaxScore: 10, Tests: []Test{
		{Name: "TestA", Weight: 1, Status: Fail, Cause: "build", Message: msg},
		{Name: "TestB", Weight: 1, Status: Fail, Cause: "build", Message: msg},
	}}}}
	d.Exercises[0].Finish()
	d.Finish()
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, d, TextOptions{}))
	assert.Equal(t, 1, strings.Count(b.String(), msg))
	assert.Contains(t, b.String(), "does not build")
	assert.NotContains(t, b.String(), "TestA")
}

func TestNum(t *testing.T) {
	tests := map[float64]string{0: "0", 10: "10", 100: "100", 7.5: "7.5", 6.67: "6.67", 0.05: "0.05", 3.333: "3.33", 20: "20"}
	for x, want := range tests {
		assert.Equal(t, want, num(x), "%v", x)
	}
}

func TestWrap(t *testing.T) {
	assert.Equal(t, []string{"short"}, wrap("short", 40))
	assert.Equal(t, []string{"first", "second"}, wrap("first\nsecond", 40))
	assert.Equal(t, []string{"one two", "three"}, wrap("one two three", 10))
	assert.Equal(t, []string{"abcdefghij", "abcdefghij", "abc"}, wrap("abcdefghijabcdefghijabc", 10), "a long word is broken")
	assert.Equal(t, []string{"abcdefghij", "k"}, wrap("abcdefghijk", 2), "at least 10 columns")
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

// TestWrapChinese: Chinese characters take two columns, and Chinese text,
// which has no spaces, is broken between characters to fill each line.
func TestWrapChinese(t *testing.T) {
	text := "测试 TestSell 失败：同一张票被卖了两次，请检查锁是否覆盖了检查和修改两个步骤"
	for _, width := range []int{10, 20, 33} {
		got := wrap(text, width)
		for _, line := range got {
			assert.LessOrEqual(t, i18n.Width(line), width, "%q is wider than %d columns", line, width)
		}
		assert.Equal(t, strings.ReplaceAll(text, " ", ""), strings.ReplaceAll(strings.Join(got, ""), " ", ""), "every character is kept")
	}
	assert.Equal(t, []string{"测试 TestSell 失", "败：同一张票被卖", "了两次"}, wrap("测试 TestSell 失败：同一张票被卖了两次", 16))
}

// TestWriteTextChinese: the view's own words in Chinese, every line within
// the width in display columns (a Chinese character takes two), and the
// cause identifiers as they are, with their meaning.
func TestWriteTextChinese(t *testing.T) {
	d := sample()
	d.Exercises[1].Tests[0].Message = "测试失败：同一张票被卖了两次，请检查锁是否同时覆盖了检查和修改两个步骤，否则两个 goroutine 会同时通过检查"
	d.ChangedKitFiles = []string{"exercises/91_other/other_test.go"}
	d.Finish()
	for _, width := range []int{80, 50} {
		var b bytes.Buffer
		require.NoError(t, WriteText(&b, d, TextOptions{Width: width, All: true, Printer: i18n.Printer{Lang: i18n.Chinese}}))
		out := b.String()
		lines(t, out, width)
		assert.Contains(t, out, "总分：15 / 30")
		assert.Contains(t, out, "注意：")
		assert.Contains(t, out, "(race：数据竞争)")
		if width == 80 {
			assert.Contains(t, out, "2/3 个测试")
		}
	}
}

// TestWriteTextVetNotes: go vet's notes follow the exercise's failed tests.
func TestWriteTextVetNotes(t *testing.T) {
	d := sample()
	d.Exercises[1].Notes = []Note{{File: "exercises/91_other/other.go", Line: 12, Check: "copylocks", Message: "Get passes lock by value: other.Box contains sync.Mutex"}}
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, d, TextOptions{Width: 80}))
	assert.Contains(t, b.String(), "    go vet other.go:12: Get passes lock by value: other.Box contains sync.Mutex\n      (copylocks)\n")
}
