// Package fakekit is a tiny course for the grader's own tests, as rustlings
// tests itself on tests/test_exercises: two exercises (testdata/exercises),
// their reference solutions and a wrong fixture (testdata/solutions), and
// answers that pass, fail in every way the grader tells apart, cheat or do
// not build (testdata/answers). The grader's tests grade it instead of the
// real course, so that a change to the course never breaks them.
package fakekit

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/internal/kitfiles"
)

// Fake is the exercise whose tests ask Answer(test) for 42, one test per
// cause of failure.
func Fake() catalog.Exercise {
	return catalog.Exercise{
		Name: "fake", Dir: "90_fake", Row: 90, Section: "test", Points: 10, Hint: "Return 42.", HintZH: "返回 42。",
		Files: []string{"fake.go"}, TestFile: "fake_test.go",
		Limit: catalog.Duration(2 * time.Second), Memory: 256 << 20,
	}
}

// Other is a second exercise with one test.
func Other() catalog.Exercise {
	return catalog.Exercise{
		Name: "other", Dir: "91_other", Row: 91, Section: "test", Points: 10, Hint: "Return 42.", HintZH: "返回 42。",
		Files: []string{"other.go"}, TestFile: "other_test.go",
	}
}

// Exercises is the fake course's catalog.
func Exercises() []catalog.Exercise { return []catalog.Exercise{Fake(), Other()} }

// FakeFile and OtherFile are the student files' paths in a checkout.
const (
	FakeFile  = "exercises/90_fake/fake.go"
	OtherFile = "exercises/91_other/other.go"
)

// dir is this package's testdata folder.
func dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "testdata")
}

// Answer is the path of an answer file in testdata/answers.
func Answer(name string) string { return filepath.Join(dir(), "answers", name) }

// FS is the kit's own files (the real harness and module files) with the
// fake exercises' tests in place of the course's.
func FS(t testing.TB) fs.FS {
	t.Helper()
	kit, err := kitfiles.Load()
	require.NoError(t, err)
	files := fstest.MapFS{}
	require.NoError(t, fs.WalkDir(kit.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || kitfiles.IsExerciseTest(name) || name == "exercises/catalog.json" {
			return err // the real course is left out
		}
		data, err := fs.ReadFile(kit.FS, name)
		files[name] = &fstest.MapFile{Data: data}
		return err
	}))
	for _, ex := range Exercises() {
		data, err := os.ReadFile(filepath.Join(dir(), "exercises", ex.Dir, ex.TestFile))
		require.NoError(t, err)
		files[path.Join(ex.Path(), ex.TestFile)] = &fstest.MapFile{Data: data}
	}
	return files
}

// Stubs are the fake exercises' student files as the kit ships them, by
// path from the kit's root, as exercises.Stubs holds the course's.
func Stubs(t testing.TB) map[string]string {
	t.Helper()
	stubs := map[string]string{}
	for _, ex := range Exercises() {
		for _, name := range ex.Files {
			data, err := os.ReadFile(filepath.Join(dir(), "exercises", ex.Dir, name))
			require.NoError(t, err)
			stubs[path.Join(ex.Path(), name)] = string(data)
		}
	}
	return stubs
}

// Checkout writes a folder as a clone of the fake kit would be: the kit's
// files, the README, the stubs and the solutions, and then answers (a path
// in the folder -> a file of testdata/answers) in place of the stubs.
func Checkout(t testing.TB, kit fs.FS, answers map[string]string) string {
	t.Helper()
	root := t.TempDir()
	write := func(name string, data []byte) {
		full := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, data, 0o644))
	}
	require.NoError(t, fs.WalkDir(kit, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(kit, name)
		write(name, data)
		return err
	}))
	tree := os.DirFS(dir())
	require.NoError(t, fs.WalkDir(tree, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Dir(name) == "answers" {
			return err
		}
		data, err := fs.ReadFile(tree, name)
		write(name, data)
		return err
	}))
	for name, answer := range answers {
		data, err := os.ReadFile(Answer(answer))
		require.NoError(t, err)
		write(name, data)
	}
	return root
}
