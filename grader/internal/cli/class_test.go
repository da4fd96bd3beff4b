package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/internal/class"
)

// TestClassUsage: every wrong use of grader class is one line on stderr and
// the usage exit status, before anything is graded.
func TestClassUsage(t *testing.T) {
	subs := t.TempDir()
	notReport := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no folder", []string{"class"}, "class needs SUBMISSIONS (grader class -h)"},
		{"two folders", []string{"class", subs, subs}, "class needs one folder of submissions (got 2 arguments)"},
		{"a missing folder", []string{"class", filepath.Join(subs, "absent")}, "read the submissions folder"},
		{"a shard out of range", []string{"class", "--shard", "3/2", subs}, `invalid value "3/2" for flag -shard: must be I/N with 1 ≤ I ≤ N`},
		{"a shard that is not I/N", []string{"class", "--shard", "half", subs}, "must be I/N"},
		{"a deadline that is not a time", []string{"class", "--deadline", "friday", subs}, `invalid value "friday" for flag -deadline`},
		{"merge of nothing", []string{"class", "merge"}, "class merge needs the report folders of the shards"},
		{"merge of a folder that is no report", []string{"class", "merge", notReport}, "is not a class report"},
		{"a flag class does not take", []string{"class", "--json", subs}, "flag provided but not defined: -json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.args...)
			assert.Equal(t, ExitUsage, code)
			assertOneLineError(t, stdout, stderr, tt.want)
		})
	}
}

func TestParseDeadline(t *testing.T) {
	local := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04:05", s, time.Local)
		require.NoError(t, err)
		return tm
	}
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2026-12-24T18:00:00+01:00", time.Date(2026, 12, 24, 17, 0, 0, 0, time.UTC)},
		{"2026-12-24 18:00", local("2026-12-24 18:00:00")},
		{"2026-12-24", local("2026-12-24 23:59:59")},
	}
	for _, tt := range tests {
		got, err := parseDeadline(tt.in)
		require.NoError(t, err, tt.in)
		assert.True(t, tt.want.Equal(got), "%s: got %v, want %v", tt.in, got, tt.want)
	}
}

// TestClassEmptyFolder: an empty folder of submissions is a class of no
// one: an empty report, exit 0.
func TestClassEmptyFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report")
	code, stdout, stderr := run(t, "class", "--out", out, "--no-sandbox", t.TempDir())
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "graded 0 of 0 submissions")
	data, err := os.ReadFile(filepath.Join(out, "grades.csv"))
	require.NoError(t, err)
	assert.Equal(t, "student,fake,other,total,max,commit,late,changed_kit_files,status\n", string(data))
}

// TestClassProgress: on a terminal one line that fits 80 columns, with a bar
// and the time left; elsewhere a plain line per student.
func TestClassProgress(t *testing.T) {
	var term bytes.Buffer
	p := newClassProgress(&term, true, 40)
	p.start = time.Now().Add(-10 * time.Second)
	p.update(class.Progress{Done: 10, Total: 40, Student: "a-student-with-a-very-long-name-indeed-that-goes-on-and-on"})
	p.stop()
	lines := strings.Split(term.String(), "\r\x1b[K")
	last := lines[len(lines)-2]
	assert.True(t, strings.HasPrefix(last, "[#####---------------] 10/40 students, about 30s left"), last)
	assert.LessOrEqual(t, len([]rune(last)), 79)
	assert.Equal(t, "", lines[len(lines)-1], "the line is cleared at the end")

	var plain bytes.Buffer
	p = newClassProgress(&plain, false, 2)
	p.update(class.Progress{Done: 1, Total: 2, Student: "ann"})
	p.update(class.Progress{Done: 2, Total: 2, Student: "ben"})
	p.stop()
	assert.Equal(t, "grader: graded ann (1 of 2)\ngrader: graded ben (2 of 2)\n", plain.String())
}
