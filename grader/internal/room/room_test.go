package room

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpen(t *testing.T) {
	tests := []struct {
		name      string
		base      func(t *testing.T) string
		throwaway bool
	}{
		{"a kept room", func(t *testing.T) string { return t.TempDir() }, false},
		{"a throwaway room, when the base cannot be made", func(t *testing.T) string {
			file := filepath.Join(t.TempDir(), "file")
			require.NoError(t, os.WriteFile(file, nil, 0o600))
			return filepath.Join(file, "rooms")
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Open(tt.base(t))
			require.NoError(t, err)
			assert.Equal(t, tt.throwaway, r.throwaway)
			for _, dir := range []string{r.Dir, r.Scratch} {
				assert.True(t, filepath.IsAbs(dir), dir)
				assert.DirExists(t, dir)
			}
			// The go command shortens paths that begin with the module's
			// folder as text, so the scratch folder must not.
			assert.False(t, strings.HasPrefix(r.Scratch, r.Dir), "scratch %s starts with the room %s", r.Scratch, r.Dir)
			require.NoError(t, r.Close())
			if tt.throwaway {
				assert.NoDirExists(t, r.Dir)
				assert.NoDirExists(t, r.Scratch)
			}
		})
	}
}

func TestRoomsAreHeldOneAtATime(t *testing.T) {
	base := t.TempDir()
	first, err := Open(base)
	require.NoError(t, err)
	second, err := Open(base)
	require.NoError(t, err)
	assert.NotEqual(t, first.Dir, second.Dir)
	assert.NotEqual(t, first.Scratch, second.Scratch)
	require.NoError(t, first.Close())
	again, err := Open(base)
	require.NoError(t, err)
	assert.Equal(t, first.Dir, again.Dir, "a room given back is taken again, with its build cache")
	assert.Equal(t, first.Scratch, again.Scratch)
	require.NoError(t, again.Close())
	require.NoError(t, second.Close())
}

// WriteFile leaves a file that already holds the data alone (its build
// stays cached) and replaces a link rather than writing through it.
func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.go")
	require.NoError(t, WriteFile(path, []byte("one")))
	old := time.Now().Add(-time.Hour)
	require.NoError(t, os.Chtimes(path, old, old))
	require.NoError(t, WriteFile(path, []byte("one")))
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.True(t, info.ModTime().Equal(old), "an unchanged file is not written again")

	target := filepath.Join(dir, "elsewhere")
	require.NoError(t, os.WriteFile(target, []byte("keep"), 0o600))
	link := filepath.Join(dir, "link.go")
	require.NoError(t, os.Symlink(target, link))
	require.NoError(t, WriteFile(link, []byte("two")))
	data, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "keep", string(data), "writing did not follow the link")
	data, err = os.ReadFile(link)
	require.NoError(t, err)
	assert.Equal(t, "two", string(data))
}
