// Package cache keeps grading results keyed by the content of everything
// that decides them, so that grading what has not changed costs a file
// read: the student's files, the kit's files, the grader itself, the go
// toolchain and the options. A key that any of those change is another key,
// so a stale result is never found; nothing needs to be invalidated.
package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Cache is a folder of results.
type Cache struct {
	dir string
}

// DefaultDir is the results folder under the user's cache folder.
func DefaultDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the cache folder: %w", err)
	}
	return filepath.Join(dir, "concurrency-kit", "results"), nil
}

// Open returns the cache kept in dir.
func Open(dir string) *Cache { return &Cache{dir: dir} }

// Key is a hash of the parts, each length-prefixed so that no two lists of
// parts share a key.
func Key(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:", len(p))
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// FileKey hashes the file at path (the grader's own executable, say).
func FileKey(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (c *Cache) path(key string) string {
	return filepath.Join(c.dir, key[:2], key+".json")
}

// Get reads the result stored under key into v, and reports whether there
// was one. A missing or unreadable entry is a miss.
func (c *Cache) Get(key string, v any) bool {
	data, err := os.ReadFile(c.path(key))
	return err == nil && json.Unmarshal(data, v) == nil
}

// Put stores v under key. The entry is written to a temporary file and
// renamed, so a reader never sees half of it.
func (c *Cache) Put(key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("cache a result: %w", err)
	}
	path := c.path(key)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("cache a result: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "tmp-*")
	if err != nil {
		return fmt.Errorf("cache a result: %w", err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cache a result: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cache a result: %w", err)
	}
	return nil
}

// Clear removes every stored result.
func (c *Cache) Clear() error {
	err := os.RemoveAll(c.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
