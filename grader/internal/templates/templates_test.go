package templates

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// kitRoot is the nearest folder above the working directory with a go.mod.
func kitRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "no go.mod above the working directory")
		dir = parent
	}
}

// readYAML parses a YAML file of the kit into generic maps.
func readYAML(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(kitRoot(t), filepath.FromSlash(name)))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(data, &doc), name)
	return doc
}

// get walks a path of keys through nested maps.
func get(t *testing.T, doc any, keys ...string) any {
	t.Helper()
	for _, k := range keys {
		m, ok := doc.(map[string]any)
		require.True(t, ok, "%s: not a mapping above it", strings.Join(keys, "."))
		doc, ok = m[k]
		require.True(t, ok, "%s is missing", strings.Join(keys, "."))
	}
	return doc
}

// gitlabJobKeywords are the keywords GitLab allows in a job
// (docs.gitlab.com/ci/yaml); anything else in a job is an error there.
var gitlabJobKeywords = []string{
	"after_script", "allow_failure", "artifacts", "before_script", "cache", "coverage", "dast_configuration",
	"dependencies", "environment", "except", "extends", "hooks", "id_tokens", "identity", "image", "inherit",
	"interruptible", "manual_confirmation", "needs", "only", "pages", "parallel", "release", "resource_group",
	"retry", "rules", "run", "script", "secrets", "services", "stage", "tags", "timeout", "trigger", "variables", "when",
}

// gitlabGlobalKeywords are the top-level keywords that are not jobs.
var gitlabGlobalKeywords = []string{"default", "include", "stages", "variables", "workflow", "spec"}

// TestGitLabTemplate: the GitLab template is valid YAML with what GitLab
// requires of a job (a script, a known stage, only known keywords) and
// what the kit needs of it (the JUnit report, kept when the job fails).
func TestGitLabTemplate(t *testing.T) {
	doc := readYAML(t, ".gitlab/grade.gitlab-ci.yml")
	stages, _ := get(t, doc, "stages").([]any)
	require.NotEmpty(t, stages)
	jobs := 0
	for name, raw := range doc {
		if slices.Contains(gitlabGlobalKeywords, name) {
			continue
		}
		jobs++
		job, ok := raw.(map[string]any)
		require.True(t, ok, "job %s is not a mapping", name)
		for key := range job {
			assert.Contains(t, gitlabJobKeywords, key, "job %s: unknown keyword", name)
		}
		script, ok := job["script"].([]any)
		require.True(t, ok, "job %s: script must be a list", name)
		require.NotEmpty(t, script)
		for _, line := range script {
			assert.IsType(t, "", line, "job %s: every script line is a string", name)
		}
		assert.Contains(t, stages, get(t, job, "stage"), "job %s: its stage is declared", name)
		assert.Contains(t, script[0], "make grade")
		assert.Contains(t, script[0], "--junit grade-junit.xml")
		assert.Equal(t, "grade-junit.xml", get(t, job, "artifacts", "reports", "junit"))
		assert.Equal(t, "always", get(t, job, "artifacts", "when"), "the report is kept when the grade fails")
	}
	assert.Equal(t, 1, jobs)
}

// TestGitHubWorkflow: the fork workflow does what the README promises
// (actionlint, run by make lint-ci, checks the syntax).
func TestGitHubWorkflow(t *testing.T) {
	doc := readYAML(t, ".github/workflows/grade.yml")
	on, ok := doc["on"].(map[string]any)
	require.True(t, ok, "on: is a mapping")
	assert.Contains(t, on, "push")
	assert.Contains(t, on, "pull_request")
	steps, ok := get(t, doc, "jobs", "grade", "steps").([]any)
	require.True(t, ok)
	uses := map[string]map[string]any{}
	var runs []string
	minScore := ""
	for _, raw := range steps {
		step := raw.(map[string]any)
		if u, ok := step["uses"].(string); ok {
			action, _, _ := strings.Cut(u, "@")
			with, _ := step["with"].(map[string]any)
			uses[action] = with
		}
		if r, ok := step["run"].(string); ok {
			runs = append(runs, r)
			env, _ := step["env"].(map[string]any)
			minScore, _ = env["MIN_SCORE"].(string)
		}
	}
	require.Contains(t, uses, "actions/setup-go")
	assert.Equal(t, "go.sum", uses["actions/setup-go"]["cache-dependency-path"])
	require.Contains(t, uses, "actions/upload-artifact")
	assert.Equal(t, "grade-junit.xml", uses["actions/upload-artifact"]["path"])
	require.Len(t, runs, 1)
	for _, want := range []string{"make grade", "--github", "--junit grade-junit.xml", "--min-score $MIN_SCORE"} {
		assert.Contains(t, runs[0], want)
	}
	assert.Equal(t, "${{ vars.MIN_SCORE }}", minScore, "the minimum score is the repository variable's")
}

// TestKitTopLevel: the kit's top level holds only what the README lays
// out; everything for other platforms lives in dot-folders.
func TestKitTopLevel(t *testing.T) {
	root := kitRoot(t)
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	out, err := exec.Command(git, "-C", root, "ls-files").Output()
	if err != nil {
		t.Skip("not a git checkout")
	}
	// README.zh-CN.md: the Chinese edition of the README (the issue that
	// asked for it is newer than the layout).
	allowed := []string{"exercises", "solutions", "grader", "go.mod", "go.sum", "Makefile", "README.md", "README.zh-CN.md", "LICENSE"}
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		top, _, _ := strings.Cut(f, "/")
		if !strings.HasPrefix(top, ".") {
			assert.Contains(t, allowed, top, "%s is not allowed at the kit's top level", f)
		}
	}
}

// TestClassMatrix: the class workflow's matrix, the shard count given to
// grader class and the shards merged all agree, so that every student is
// graded exactly once (that shards merge into the whole class is tested in
// package class).
func TestClassMatrix(t *testing.T) {
	doc := readYAML(t, ".github/class-matrix.yml")
	shards, ok := get(t, doc, "jobs", "shard", "strategy", "matrix", "shard").([]any)
	require.True(t, ok)
	n := len(shards)
	var reports []string
	for i, s := range shards {
		assert.Equal(t, i+1, s, "the shards are numbered 1 to %d", n)
		reports = append(reports, fmt.Sprintf("report-%d", i+1))
	}
	runs := func(job string) string {
		var all []string
		for _, raw := range get(t, doc, "jobs", job, "steps").([]any) {
			if r, ok := raw.(map[string]any)["run"].(string); ok {
				all = append(all, r)
			}
		}
		return strings.Join(all, "\n")
	}
	assert.Contains(t, runs("shard"), fmt.Sprintf(`bin/grader class --shard "$SHARD/%d"`, n))
	assert.Contains(t, runs("merge"), "bin/grader class merge --out class-report "+strings.Join(reports, " ")+"\n")
}
