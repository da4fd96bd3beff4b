// Package room keeps the clean rooms grades are built in. A room is a folder
// that holds a Go module made only of the files the grader puts there: the
// kit's own files (compiled into the grader) and the student-owned files the
// catalog lists. Nothing else from the graded folder (edited tests, go.work,
// vendor/, replace directives, extra files) can reach a build.
//
// Rooms are kept between grades, under the user's cache folder, because the
// go command's build cache keys a package by its folder: a room at the same
// path lets an unchanged exercise reuse its compiled package. Each room is
// held with an exclusive lock while it is in use, so graders running at the
// same time (a watch and a grade, or class mode's jobs) never share one.
package room

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// maxRooms bounds how many rooms a cache folder holds; when all are busy,
// Open makes a throwaway one.
const maxRooms = 16

// Room is one clean room, held until Close.
type Room struct {
	// Dir is the room's root folder (absolute): the module's root.
	Dir string
	// Scratch is a folder outside the module that is held with the room and
	// kept with it, for files a build reads through an overlay: the go
	// command's build cache keys an overlaid file by its path too, so an
	// unchanged rewritten file stays cached only at the same path.
	Scratch string

	lock      *os.File // holds the room; nil for a throwaway room
	throwaway bool
}

// DefaultBase is where rooms are kept: the user's cache folder, or the
// temporary folder when there is none.
func DefaultBase() string {
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "concurrency-kit", "rooms")
	}
	return filepath.Join(os.TempDir(), "concurrency-kit-rooms")
}

// Open takes the first free room under base. When base cannot be used or
// every room is busy, it makes a throwaway room in the temporary folder,
// which Close removes.
func Open(base string) (*Room, error) {
	if err := os.MkdirAll(base, 0o700); err == nil {
		for i := range maxRooms {
			if r, ok := tryRoom(filepath.Join(base, strconv.Itoa(i))); ok {
				return r, nil
			}
		}
	}
	dir, err := os.MkdirTemp("", "kit-room-")
	if err != nil {
		return nil, fmt.Errorf("make a clean room: %w", err)
	}
	r := &Room{Dir: filepath.Join(dir, "module"), Scratch: filepath.Join(dir, "scratch"), throwaway: true}
	for _, d := range []string{r.Dir, r.Scratch} {
		if err := os.Mkdir(d, 0o700); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("make a clean room: %w", err)
		}
	}
	return r, nil
}

// tryRoom takes the room at dir if no other grader holds it.
func tryRoom(dir string) (*Room, bool) {
	lock, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, false
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, false
	}
	// Not dir+".scratch": the go command shortens a path that starts with
	// the module's folder as text, and would print ".scratch/...".
	scratch := filepath.Join(filepath.Dir(dir), "scratch-"+filepath.Base(dir))
	for _, d := range []string{dir, scratch} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			lock.Close()
			return nil, false
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		lock.Close()
		return nil, false
	}
	scratch, err = filepath.Abs(scratch)
	if err != nil {
		lock.Close()
		return nil, false
	}
	return &Room{Dir: abs, Scratch: scratch, lock: lock}, true
}

// Close gives the room back (and removes a throwaway room).
func (r *Room) Close() error {
	if r.throwaway {
		return os.RemoveAll(filepath.Dir(r.Dir))
	}
	return r.lock.Close() // closing the descriptor releases the lock
}

// Fill makes the room hold exactly files, given by slash-separated paths
// relative to the room's root: a file whose content already matches is left
// alone (so its build stays cached), the others are written, and every file
// and folder that is not in files is removed.
func (r *Room) Fill(files map[string][]byte) error {
	for name, data := range files {
		path := filepath.Join(r.Dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return fmt.Errorf("fill the clean room: %w", err)
		}
		if err := WriteFile(path, data); err != nil {
			return fmt.Errorf("fill the clean room: %w", err)
		}
	}
	return r.removeOthers(files)
}

// WriteFile makes the file at path hold data. A file that already does is
// left alone, so that the go command's build cache, which notices a file's
// modification time, keeps what it built from it. Whatever was at path is
// removed first, so that writing cannot follow a link elsewhere.
func WriteFile(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	os.Remove(path)
	return os.WriteFile(path, data, 0o600)
}

// removeOthers deletes everything in the room that files does not name.
func (r *Room) removeOthers(files map[string][]byte) error {
	dirs := map[string]bool{".": true}
	for name := range files {
		for d := filepath.Dir(filepath.FromSlash(name)); d != "."; d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	var stale []string
	err := filepath.WalkDir(r.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(r.Dir, path)
		if err != nil {
			return err
		}
		if d.IsDir() && dirs[rel] {
			return nil
		}
		if _, wanted := files[filepath.ToSlash(rel)]; wanted && d.Type().IsRegular() {
			return nil
		}
		stale = append(stale, path)
		if d.IsDir() {
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("clear the clean room: %w", err)
	}
	var errs []error
	for _, path := range stale {
		errs = append(errs, os.RemoveAll(path))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("clear the clean room: %w", err)
	}
	return nil
}
