package templates

import (
	"archive/zip"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/internal/formats/formatstest"
)

// TestGradescopeZip: make gradescope's script packs setup.sh and
// run_autograder at the zip's root, executable, with the kit's files
// beside them, as Gradescope unpacks them into /autograder/source.
func TestGradescopeZip(t *testing.T) {
	if _, err := exec.LookPath("zip"); err != nil {
		t.Skip("zip is not installed (Debian: apt-get install zip), so make gradescope cannot be checked")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	root := kitRoot(t)
	out := filepath.Join(t.TempDir(), "autograder.zip")
	cmd := exec.Command("bash", filepath.Join(root, ".gradescope", "build.sh"))
	cmd.Env = append(os.Environ(), "OUT="+out)
	log, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", log)

	z, err := zip.OpenReader(out)
	require.NoError(t, err)
	defer z.Close()
	files := map[string]os.FileMode{}
	for _, f := range z.File {
		files[f.Name] = f.Mode()
	}
	for _, script := range []string{"setup.sh", "run_autograder"} {
		require.Contains(t, files, script)
		assert.NotZero(t, files[script]&0o100, "%s is executable", script)
	}
	for _, name := range []string{"go.mod", "go.sum", "grader/main.go", "exercises/catalog.json", "exercises/01_goroutines/goroutines_test.go", "solutions/01_goroutines/goroutines.go"} {
		assert.Contains(t, files, name)
	}
}

// TestRunAutograder runs run_autograder end to end against a fake
// /autograder tree: the kit as the source, a submission with one exercise
// solved (uploaded as a bare file) and one whose file is a symbolic link to
// the reference solution (which must not be followed), and checks the
// results.json it writes.
func TestRunAutograder(t *testing.T) {
	if testing.Short() {
		t.Skip("grades two exercises of the kit")
	}
	root := kitRoot(t)
	tmp := t.TempDir()
	grader := filepath.Join(tmp, "grader")
	build := exec.Command("go", "build", "-o", grader, "./grader")
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	auto := filepath.Join(tmp, "autograder")
	submission := filepath.Join(auto, "submission")
	require.NoError(t, os.MkdirAll(filepath.Join(submission, "repo", "exercises", "06_race"), 0o755))
	require.NoError(t, os.Symlink(root, filepath.Join(auto, "source")))
	solution, err := os.ReadFile(filepath.Join(root, "solutions", "01_goroutines", "goroutines.go"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(submission, "goroutines.go"), solution, 0o644))
	require.NoError(t, os.Symlink(filepath.Join(root, "solutions", "06_race", "race.go"), filepath.Join(submission, "repo", "exercises", "06_race", "race.go")))

	run := func(t *testing.T, graderPath string) (results []byte, log string) {
		cmd := exec.Command("bash", filepath.Join(root, ".gradescope", "run_autograder"), "goroutines", "race")
		cmd.Env = append(os.Environ(), "AUTOGRADER_ROOT="+auto, "GRADER="+graderPath, "GITHUB_ACTIONS=")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "run_autograder always exits 0: %s", out)
		results, err = os.ReadFile(filepath.Join(auto, "results", "results.json"))
		require.NoError(t, err, "%s", out)
		return results, string(out)
	}

	t.Run("grades the submission", func(t *testing.T) {
		data, log := run(t, grader)
		formatstest.CheckGradescope(t, data)
		var r struct {
			Score    float64 `json:"score"`
			MaxScore float64 `json:"max_score"`
			Tests    []struct {
				Name   string `json:"name"`
				Status string `json:"status"`
			} `json:"tests"`
		}
		require.NoError(t, json.Unmarshal(data, &r))
		assert.Equal(t, 10.0, r.Score, "%s", log)
		assert.Equal(t, 20.0, r.MaxScore)
		require.NotEmpty(t, r.Tests)
		for _, test := range r.Tests {
			want := "failed"
			if strings.HasPrefix(test.Name, "01_goroutines/") {
				want = "passed"
			}
			assert.Equal(t, want, test.Status, test.Name)
		}
		assert.Contains(t, log, "graded: exercises/01_goroutines/goroutines.go (from goroutines.go)")
		assert.NotContains(t, log, "graded: exercises/06_race", "a symbolic link is not taken")
	})
	t.Run("says why when it cannot grade", func(t *testing.T) {
		data, _ := run(t, filepath.Join(tmp, "no-grader"))
		var r map[string]any
		require.NoError(t, json.Unmarshal(data, &r), "%s", data)
		assert.Equal(t, 0.0, r["score"])
		assert.Contains(t, r["output"], "the autograder is not set up")
	})
}
