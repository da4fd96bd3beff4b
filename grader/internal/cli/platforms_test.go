package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/internal/formats/formatstest"
	"github.com/concurrency-kit/kit/grader/internal/formats/github"
	"github.com/concurrency-kit/kit/grader/internal/report"
)

// platformEnv sets up a GitHub Actions step's environment: the summary
// and output files, as the runner makes them.
func platformEnv(t *testing.T, actions string) (summary, outputs string) {
	t.Helper()
	dir := t.TempDir()
	summary, outputs = filepath.Join(dir, "summary.md"), filepath.Join(dir, "output")
	require.NoError(t, os.WriteFile(summary, nil, 0o644))
	require.NoError(t, os.WriteFile(outputs, []byte("earlier=1\n"), 0o644))
	t.Setenv("GITHUB_ACTIONS", actions)
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	t.Setenv("GITHUB_OUTPUT", outputs)
	return summary, outputs
}

// TestWriteResultForPlatforms: after a grade, every file asked for is
// written and passes its consumer's checks, and GitHub mode (by flag or by
// GITHUB_ACTIONS) fences the report and annotates.
func TestWriteResultForPlatforms(t *testing.T) {
	tests := []struct {
		name    string
		actions string // GITHUB_ACTIONS
		flag    bool   // --github
		json    bool
		github  bool // GitHub mode expected
	}{
		{name: "GITHUB_ACTIONS=true", actions: "true", github: true},
		{name: "--github", flag: true, github: true},
		{name: "--github --json", flag: true, json: true, github: true},
		{name: "no GitHub", actions: "false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			summary, outputs := platformEnv(t, tt.actions)
			dir := t.TempDir()
			o := newOptions()
			o.github, o.json = tt.flag, tt.json
			o.junit, o.gradescope, o.badge = filepath.Join(dir, "junit.xml"), filepath.Join(dir, "results.json"), filepath.Join(dir, "badge.json")
			var stdout bytes.Buffer
			a := &App{Stdout: &stdout, Stderr: &bytes.Buffer{}, Width: 100}
			require.NoError(t, a.writeResult(formatstest.Document(), o, true))

			log := stdout.String()
			switch {
			case tt.json:
				assert.True(t, json.Valid(stdout.Bytes()), "stdout stays the JSON document")
				assert.Empty(t, formatstest.ProcessedCommands(log))
			case tt.github:
				assert.True(t, strings.HasPrefix(log, "::stop-commands::"), log)
				assert.Len(t, formatstest.CheckWorkflowLog(t, log, github.MaxAnnotations), 5)
			default:
				// Outside GitHub mode nothing is fenced: the check sees the
				// forged commands (which is why GitHub mode fences).
				assert.NotContains(t, log, "::stop-commands::")
				assert.NotEmpty(t, formatstest.ProcessedCommands(log))
			}
			got, err := os.ReadFile(summary)
			require.NoError(t, err)
			out, err := os.ReadFile(outputs)
			require.NoError(t, err)
			if tt.github {
				assert.Contains(t, string(got), "## Grade: 2.86 / 30")
				assert.Equal(t, "earlier=1\nscore=2.86\nmax_score=30\n", string(out))
			} else {
				assert.Empty(t, got)
				assert.Equal(t, "earlier=1\n", string(out))
			}
			t.Run("junit", func(t *testing.T) {
				data, err := os.ReadFile(o.junit)
				require.NoError(t, err)
				formatstest.ValidateJUnit(t, data)
			})
			data, err := os.ReadFile(o.gradescope)
			require.NoError(t, err)
			formatstest.CheckGradescope(t, data)
			data, err = os.ReadFile(o.badge)
			require.NoError(t, err)
			formatstest.CheckBadge(t, data)
		})
	}
}

// A score below --min-score still writes the files (CI uploads them), and
// a file that cannot be written is the grader's failure, said in one line.
func TestWriteResultFiles(t *testing.T) {
	platformEnv(t, "false")
	dir := t.TempDir()
	a := &App{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}

	o := newOptions()
	o.minScore, o.badge = 10, filepath.Join(dir, "badge.json")
	err := a.writeResult(formatstest.Document(), o, false)
	var shortfall *shortfallError
	assert.ErrorAs(t, err, &shortfall)
	assert.FileExists(t, o.badge)

	o = newOptions()
	o.junit = filepath.Join(dir, "absent", "junit.xml")
	err = a.writeResult(&report.Document{}, o, false)
	require.Error(t, err)
	var stderr bytes.Buffer
	a.Stderr = &stderr
	assert.Equal(t, ExitInternal, a.exit(t.Context(), err))
	assert.Contains(t, stderr.String(), "grader: write "+o.junit)
}
