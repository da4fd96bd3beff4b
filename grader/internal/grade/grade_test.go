package grade

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/exercises"
	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/internal/report"
)

// kitRoot is the repository's root: the folder above with a go.mod.
func kitRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for !fileExists(filepath.Join(dir, "go.mod")) {
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "no go.mod above the test")
		dir = parent
	}
	return dir
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func exercise(t *testing.T, name string) catalog.Exercise {
	t.Helper()
	cat, err := catalog.Parse(exercises.CatalogJSON)
	require.NoError(t, err)
	ex, ok := cat.Lookup(name)
	require.True(t, ok, name)
	return ex
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("testdata", name))
	require.NoError(t, err)
	return path
}

// statuses maps test name -> "pass" or the failure's cause.
func statuses(e report.Exercise) map[string]string {
	out := map[string]string{}
	for _, t := range e.Tests {
		if t.Status == report.Pass {
			out[t.Name] = report.Pass
		} else {
			out[t.Name] = t.Cause
		}
	}
	return out
}

// TestGradeIsolatesHangsAndPanics grades an answer whose RunAll hangs on one
// input and whose Map panics in a goroutine on another: the hang fails its
// test with timeout, the panic fails its test with panic, and every other
// test still passes.
func TestGradeIsolatesHangsAndPanics(t *testing.T) {
	root := kitRoot(t)
	ex := exercise(t, "goroutines")
	ex.Limit = catalog.Duration(2 * time.Second)
	doc, err := Grade(context.Background(), Options{
		Root: root, Module: "github.com/concurrency-kit/kit", Exercises: []catalog.Exercise{ex},
		Replace: map[string]string{filepath.Join(root, "exercises", ex.Dir, ex.Files[0]): fixture(t, "isolation.go")},
	})
	require.NoError(t, err)
	got := statuses(doc.Exercises[0])
	for name, status := range got {
		switch name {
		case "TestRunAllRunsEveryTaskOnce":
			require.Equal(t, "timeout", status, name)
		case "TestMapPassesEachInputToItsOwnCall":
			require.Equal(t, "panic", status, name)
		default:
			require.Equal(t, report.Pass, status, "%s must not pay for another test's hang or panic", name)
		}
	}
}

// TestGradeResistsForgedOutput: printing passing lines, raw or framed,
// creates no pass.
func TestGradeResistsForgedOutput(t *testing.T) {
	root := kitRoot(t)
	ex := exercise(t, "goroutines")
	doc, err := Grade(context.Background(), Options{
		Root: root, Module: "github.com/concurrency-kit/kit", Exercises: []catalog.Exercise{ex},
		Replace: map[string]string{filepath.Join(root, "exercises", ex.Dir, ex.Files[0]): fixture(t, "forgery.go")},
	})
	require.NoError(t, err)
	got := statuses(doc.Exercises[0])
	for _, name := range []string{"TestRunAllRunsTasksConcurrently", "TestMapPutsResultsInInputOrder", "TestMapPassesEachInputToItsOwnCall"} {
		require.NotEqual(t, report.Pass, got[name], name)
	}
}

// TestGradeBuildFailuresStayInTheirExercise: a refused import and a compile
// error each score their exercise zero with cause build; another exercise
// graded in the same run is unaffected.
func TestGradeBuildFailuresStayInTheirExercise(t *testing.T) {
	root := kitRoot(t)
	broken := exercise(t, "goroutines")
	other := exercise(t, "transfer")
	for _, tc := range []struct{ fixture, message string }{
		{"forbidden.go", `import "os" is not allowed`},
		{"broken.go", "too many return values"},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			replace := SolutionOverlay(root, []catalog.Exercise{other})
			replace[filepath.Join(root, "exercises", broken.Dir, broken.Files[0])] = fixture(t, tc.fixture)
			doc, err := Grade(context.Background(), Options{
				Root: root, Module: "github.com/concurrency-kit/kit",
				Exercises: []catalog.Exercise{broken, other}, Replace: replace,
			})
			require.NoError(t, err)
			require.Zero(t, doc.Exercises[0].Score)
			for _, test := range doc.Exercises[0].Tests {
				require.Equal(t, "build", test.Cause, test.Name)
				require.Contains(t, test.Message, tc.message)
			}
			require.True(t, doc.Exercises[1].Done(), "the other exercise must keep full marks")
		})
	}
}
