package cache

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGetPut(t *testing.T) {
	c := Open(filepath.Join(t.TempDir(), "results"))
	key := Key([]byte("student"), []byte("kit"))
	var got map[string]int
	assert.False(t, c.Get(key, &got), "empty cache")

	require.NoError(t, c.Put(key, map[string]int{"score": 7}))
	require.True(t, c.Get(key, &got))
	assert.Equal(t, map[string]int{"score": 7}, got)

	require.NoError(t, os.WriteFile(c.path(key), []byte("{half"), 0o600))
	assert.False(t, c.Get(key, &got), "a damaged entry is a miss")

	require.NoError(t, c.Clear())
	assert.False(t, c.Get(key, &got))
}

func TestKey(t *testing.T) {
	assert.Equal(t, Key([]byte("a"), []byte("b")), Key([]byte("a"), []byte("b")))
	assert.NotEqual(t, Key([]byte("ab"), []byte("")), Key([]byte("a"), []byte("b")), "parts are delimited")
	assert.NotEqual(t, Key([]byte("a")), Key([]byte("a"), nil))
	assert.Len(t, Key(), 64)

	path := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(path, []byte("x"), 0o600))
	k1, err := FileKey(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, []byte("y"), 0o600))
	k2, err := FileKey(path)
	require.NoError(t, err)
	assert.NotEqual(t, k1, k2)
	_, err = FileKey(filepath.Join(t.TempDir(), "absent"))
	assert.Error(t, err)
}
