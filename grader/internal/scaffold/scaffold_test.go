package scaffold

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/internal/fakekit"
	"github.com/concurrency-kit/kit/grader/internal/grade"
	"github.com/concurrency-kit/kit/grader/internal/kitfiles"
	"github.com/concurrency-kit/kit/grader/internal/sandbox"
	"github.com/concurrency-kit/kit/grader/internal/verify"
)

func TestMain(m *testing.M) {
	sandbox.MainIfRequested()
	os.Exit(m.Run())
}

// fakeCatalog is the fake kit's catalog as its catalog.json file says.
func fakeCatalog(t *testing.T, root string) {
	t.Helper()
	doc := []byte(`{"exercises": [
    {"name": "fake", "dir": "90_fake", "section": "test", "files": ["fake.go"], "hint": "Return 42.", "hint_zh": "返回 42。"},
    {"name": "other", "dir": "91_other", "section": "test", "files": ["other.go"], "hint": "Return 42.", "hint_zh": "返回 42。"}
  ]}
`)
	require.NoError(t, os.WriteFile(filepath.Join(root, "exercises", "catalog.json"), doc, 0o644))
}

// TestNewMakesAnExerciseThatPassesVerify: the scaffold of a new exercise
// passes the kit's self-check as it is (stub at zero, solution at full
// marks, the fixture failing as it says), and its catalog entry and README
// row are where the kit expects them.
func TestNewMakesAnExerciseThatPassesVerify(t *testing.T) {
	kit := fakekit.FS(t)
	root := fakekit.Checkout(t, kit, nil)
	fakeCatalog(t, root)
	cat, err := catalog.Parse(mustRead(t, filepath.Join(root, "exercises", "catalog.json")))
	require.NoError(t, err)

	ex, err := New(root, cat, "bounded-pool")
	require.NoError(t, err)
	assert.Equal(t, "92_bounded_pool", ex.Dir)
	assert.Equal(t, "boundedpool", ex.Package)

	cat, err = catalog.Parse(mustRead(t, filepath.Join(root, "exercises", "catalog.json")))
	require.NoError(t, err, "the catalog stays valid")
	entry, ok := cat.Lookup("bounded-pool")
	require.True(t, ok)
	assert.Equal(t, 92, entry.Row)
	assert.Equal(t, "boundedpool_test.go", entry.TestFile)
	assert.Contains(t, string(mustRead(t, filepath.Join(root, "README.md"))), "| 92 | [bounded-pool](exercises/92_bounded_pool) |")

	// The grader compiles the kit's tests in; here they come from the disk.
	files := fstest.MapFS{}
	require.NoError(t, fs.WalkDir(kit, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files[name] = &fstest.MapFile{Data: mustRead(t, filepath.Join(root, filepath.FromSlash(name)))}
		}
		return err
	}))
	testFile := "exercises/92_bounded_pool/boundedpool_test.go"
	files[testFile] = &fstest.MapFile{Data: mustRead(t, filepath.Join(root, testFile))}
	box, err := sandbox.New()
	require.NoError(t, err)
	defer box.Close()
	var log bytes.Buffer
	v := verify.Verifier{
		Root: root, Catalog: cat, Log: &log,
		Options: grade.Options{Root: root, Kit: files, Module: kitfiles.Module, Sandbox: box},
	}
	sound, err := v.Run(context.Background(), nil)
	require.NoError(t, err)
	assert.True(t, sound, log.String())
}

func TestNewRefuses(t *testing.T) {
	root := fakekit.Checkout(t, fakekit.FS(t), nil)
	fakeCatalog(t, root)
	cat, err := catalog.Parse(mustRead(t, filepath.Join(root, "exercises", "catalog.json")))
	require.NoError(t, err)
	before := mustRead(t, filepath.Join(root, "exercises", "catalog.json"))
	for name, want := range map[string]string{
		"fake":      "already has an exercise",
		"90":        "not a valid exercise name",
		"Queue":     "not a valid exercise name",
		"two words": "not a valid exercise name",
		"trailing-": "not a valid exercise name",
		"../escape": "not a valid exercise name",
		"":          "not a valid exercise name",
	} {
		_, err := New(root, cat, name)
		assert.ErrorContains(t, err, want, name)
	}
	assert.Equal(t, before, mustRead(t, filepath.Join(root, "exercises", "catalog.json")), "nothing written")
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}
