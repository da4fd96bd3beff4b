package class

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concurrency-kit/kit/grader/internal/source"
)

// Kinds of submission.
const (
	KindFolder = "folder"
	KindZip    = "zip"
	KindTarGz  = "tar.gz"
)

// Submission is one entry of the submissions folder: one student's work.
type Submission struct {
	Student string // the entry's name without its archive extension
	Path    string // the entry, absolute
	Kind    string // KindFolder, KindZip or KindTarGz
	// Problem is why the entry cannot be a submission ("" when it can):
	// another entry has the same student name, or it is neither a folder
	// nor an archive the grader reads.
	Problem string
}

// Find lists the submissions in dir, sorted by student. Hidden entries
// (a leading dot) are skipped.
func Find(dir string) ([]Submission, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read the submissions folder: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("find %s: %w", dir, err)
	}
	var subs []Submission
	seen := map[string]int{}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		sub := Submission{Path: filepath.Join(abs, name)}
		info, err := os.Stat(sub.Path) // a link to a student's folder is fine here: nothing is built from it
		switch {
		case err != nil:
			sub.Student, sub.Problem = name, fmt.Sprintf("cannot be read: %v", err)
		case info.IsDir():
			sub.Student, sub.Kind = name, KindFolder
		case strings.HasSuffix(name, ".zip"):
			sub.Student, sub.Kind = strings.TrimSuffix(name, ".zip"), KindZip
		case strings.HasSuffix(name, ".tar.gz"):
			sub.Student, sub.Kind = strings.TrimSuffix(name, ".tar.gz"), KindTarGz
		case strings.HasSuffix(name, ".tgz"):
			sub.Student, sub.Kind = strings.TrimSuffix(name, ".tgz"), KindTarGz
		default:
			sub.Student, sub.Problem = name, "not a submission: neither a folder nor a .zip or .tar.gz archive"
		}
		if i, dup := seen[sub.Student]; dup {
			sub.Problem = fmt.Sprintf("another entry, %s, is the same student", filepath.Base(subs[i].Path))
		} else {
			seen[sub.Student] = len(subs)
		}
		subs = append(subs, sub)
	}
	slices.SortStableFunc(subs, func(a, b Submission) int { return strings.Compare(a.Student, b.Student) })
	return subs, nil
}

// Shard keeps every n-th submission, starting with the i-th (1 ≤ i ≤ n).
func Shard(subs []Submission, i, n int) []Submission {
	var out []Submission
	for j, s := range subs {
		if j%n == i-1 {
			out = append(out, s)
		}
	}
	return out
}

// Limits on what an archive may hold: the grader unpacks only what a kit
// needs, and never more than this.
const (
	maxArchiveFiles = 10000
	maxArchiveBytes = 64 << 20
)

// wanted reports whether a file of a submission, by its path relative to
// the kit's root, is one the grader reads: the exercises' files, and the
// kit's other own files (to tell the student which of them they changed).
func wanted(name string) bool {
	return strings.HasPrefix(name, "exercises/") || strings.HasPrefix(name, "grader/event/") || name == "go.mod" || name == "go.sum"
}

// unpacked is an archive's files, by path relative to the archive's root.
type unpacked map[string][]byte

// errNotAKit says that a submission has no kit in it.
var errNotAKit = errors.New("not a kit: no exercises folder and no go.mod")

// writeTo writes the files under dir, after taking away one leading folder
// that holds everything (a GitHub download unpacks to "repo-main/").
func (u unpacked) writeTo(dir string) error {
	u = u.rooted()
	for name, data := range u {
		if !wanted(name) {
			continue
		}
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// rooted returns the files relative to the kit's root: when the files have
// no exercises folder or go.mod at the top, but one folder that does, that
// folder is the root.
func (u unpacked) rooted() unpacked {
	if u.isKit() {
		return u
	}
	tops := map[string]bool{}
	for name := range u {
		top, _, _ := strings.Cut(name, "/")
		tops[top] = true
	}
	if len(tops) != 1 {
		return u
	}
	out := unpacked{}
	for name, data := range u {
		_, rest, _ := strings.Cut(name, "/")
		out[rest] = data
	}
	return out
}

func (u unpacked) isKit() bool {
	for name := range u {
		if wanted(name) {
			return true
		}
	}
	return false
}

// clean returns an archive entry's name relative to the archive's root:
// a name that would climb out of it ("../../x", "/x") is taken as if the
// root were the top of the file system, so nothing lands outside. ok is
// false for a name that is no file at all.
func clean(name string) (string, bool) {
	name = strings.TrimPrefix(path.Clean("/"+strings.ReplaceAll(name, `\`, "/")), "/")
	return name, name != "" && name != "."
}

// add takes one regular file of an archive, within the limits.
func (u unpacked) add(name string, size int64, r io.Reader, total *int64) error {
	rel, ok := clean(name)
	if !ok {
		return nil
	}
	if len(u) >= maxArchiveFiles {
		return fmt.Errorf("the archive holds more than %d files", maxArchiveFiles)
	}
	// Only the files a kit needs are kept; the others are only counted.
	keep := wanted(rel) || wanted(afterFirst(rel))
	if !keep {
		u[rel] = nil
		return nil
	}
	if size > source.MaxFileSize {
		u[rel] = make([]byte, 0) // too large: graded as a refused file would be, by its absence
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(r, source.MaxFileSize+1))
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	*total += int64(len(data))
	if *total > maxArchiveBytes {
		return fmt.Errorf("the archive's kit files are larger than %d MiB", maxArchiveBytes>>20)
	}
	u[rel] = data
	return nil
}

func afterFirst(name string) string {
	_, rest, _ := strings.Cut(name, "/")
	return rest
}

// unzip reads a zip archive. Only regular files are taken: links and
// devices in an archive are left out.
func unzip(file string) (unpacked, error) {
	r, err := zip.OpenReader(file)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	u := unpacked{}
	var total int64
	for _, f := range r.File {
		if !f.Mode().IsRegular() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f.Name, err)
		}
		err = u.add(f.Name, int64(f.UncompressedSize64), rc, &total)
		rc.Close()
		if err != nil {
			return nil, err
		}
	}
	return u, nil
}

// untar reads a tar archive (gzipped when gz). Only regular files are
// taken.
func untar(r io.Reader, gz bool) (unpacked, error) {
	if gz {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	}
	tr := tar.NewReader(r)
	u := unpacked{}
	var total int64
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return u, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if err := u.add(h.Name, h.Size, tr, &total); err != nil {
			return nil, err
		}
	}
}

// untarFile reads a .tar.gz file.
func untarFile(file string) (unpacked, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return untar(f, true)
}

// isKitFolder reports whether dir looks like a checkout of the kit.
func isKitFolder(dir string) bool {
	for _, name := range []string{"exercises", "go.mod"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}
