package class

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/internal/cache"
	"github.com/concurrency-kit/kit/grader/internal/fakekit"
	"github.com/concurrency-kit/kit/grader/internal/grade"
	"github.com/concurrency-kit/kit/grader/internal/kitfiles"
	"github.com/concurrency-kit/kit/grader/internal/report"
	"github.com/concurrency-kit/kit/grader/internal/sandbox"
)

func TestMain(m *testing.M) {
	sandbox.MainIfRequested()
	os.Exit(m.Run())
}

// catalogJSON stands in for the kit's catalog in the fake kit, so that a
// submission's edited catalog shows as a changed kit file.
const catalogJSON = `{"exercises": []}` + "\n"

// kitFS is the fake kit's own files, with a catalog.
func kitFS(t *testing.T) fs.FS {
	files := fstest.MapFS{}
	require.NoError(t, fs.WalkDir(fakekit.FS(t), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fakekit.FS(t), name)
		files[name] = &fstest.MapFile{Data: data}
		return err
	}))
	files["exercises/catalog.json"] = &fstest.MapFile{Data: []byte(catalogJSON)}
	return files
}

// The same program twice, apart from comments and layout.
const (
	twinA = "package fake\n\n// Answer is mine.\nfunc Answer(test string) int { return 6 * 7 }\n"
	twinB = "package fake\nfunc Answer(test string) int {\n\treturn 6*7 // my own work\n}\n"
)

// submissions writes a folder of submissions of the fake kit, one of each
// kind the issue names, and returns it with the deadline of the late one.
func submissions(t *testing.T, kit fs.FS) (string, time.Time) {
	dir := t.TempDir()
	place := func(name, root string) {
		require.NoError(t, os.Rename(root, filepath.Join(dir, name)))
	}
	correct := map[string]string{fakekit.FakeFile: "correct.go", fakekit.OtherFile: "other_correct.go"}
	place("full", fakekit.Checkout(t, kit, correct))
	place("empty", fakekit.Checkout(t, kit, nil))

	edited := fakekit.Checkout(t, kit, correct)
	write(t, edited, "exercises/90_fake/fake_test.go", "package fake_test\n\nimport \"testing\"\n\nfunc TestPass(t *testing.T) {}\n")
	write(t, edited, "exercises/catalog.json", `{"exercises": [{"dir": "90_fake", "points": 100}]}`)
	place("edited", edited)

	place("broken", fakekit.Checkout(t, kit, map[string]string{fakekit.FakeFile: "broken.go", fakekit.OtherFile: "other_correct.go"}))

	zipped := fakekit.Checkout(t, kit, correct)
	writeZip(t, filepath.Join(dir, "zipped.zip"), zipped, "kit-main/")
	tarred := fakekit.Checkout(t, kit, map[string]string{fakekit.OtherFile: "other_correct.go"})
	writeTarGz(t, filepath.Join(dir, "tarred.tar.gz"), tarred)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "garbled.zip"), []byte("not a zip"), 0o644))

	deadline := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
	late := fakekit.Checkout(t, kit, nil)
	commit(t, late, deadline.Add(-time.Hour))
	write(t, late, fakekit.FakeFile, readAnswer(t, "correct.go"))
	commit(t, late, deadline.Add(time.Hour))
	place("late", late)

	for name, src := range map[string]string{"twin1": twinA, "twin2": twinB} {
		root := fakekit.Checkout(t, kit, nil)
		write(t, root, fakekit.FakeFile, src)
		place(name, root)
	}
	notKit := filepath.Join(dir, "not-a-kit")
	require.NoError(t, os.Mkdir(notKit, 0o755))
	write(t, notKit, "notes.txt", "my homework\n")
	return dir, deadline
}

// TestClassEndToEnd grades a class of every kind of submission and checks
// the gradebook exactly, the feedback, the documents and the page.
func TestClassEndToEnd(t *testing.T) {
	kit := kitFS(t)
	dir, deadline := submissions(t, kit)
	subs, err := Find(dir)
	require.NoError(t, err)
	box, err := sandbox.New()
	require.NoError(t, err)
	t.Cleanup(func() { box.Close() })
	solutions := fakekit.Checkout(t, kit, nil)
	opts := Options{
		Grade: grade.Options{
			Kit: kit, Module: kitfiles.Module, Sandbox: box,
			Cache: cache.Open(t.TempDir()), CacheSalt: "test",
		},
		Exercises: fakekit.Exercises(),
		Deadline:  deadline,
		Stubs: map[string][]byte{
			fakekit.FakeFile:  []byte(readFile(t, filepath.Join(solutions, fakekit.FakeFile))),
			fakekit.OtherFile: []byte(readFile(t, filepath.Join(solutions, fakekit.OtherFile))),
		},
		Solutions: solutions,
		Work:      t.TempDir(),
		Now:       func() time.Time { return time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC) },
	}
	var steps []Progress
	opts.Progress = func(p Progress) { steps = append(steps, p) }
	records, err := Grade(context.Background(), opts, subs)
	require.NoError(t, err)
	require.Len(t, steps, len(subs))
	assert.Equal(t, Progress{Done: len(subs), Total: len(subs), Student: "zipped"}, steps[len(steps)-1])

	out := t.TempDir()
	require.NoError(t, Write(out, opts.Exercises, records))
	lateCommit := gitOutput(t, filepath.Join(dir, "late"), "rev-list", "-1", "HEAD~1")
	want := strings.Join([]string{
		"student,fake,other,total,max,commit,late,changed_kit_files,status",
		"broken,0,10,10,20,,,,graded; does not build: fake",
		"edited,10,10,20,20,,,exercises/90_fake/fake_test.go exercises/catalog.json,graded",
		"empty,0,0,0,20,,,,graded",
		"full,10,10,20,20,,,,graded",
		"garbled,,,,20,,,,not graded: the zip archive does not unpack: zip: not a valid zip file",
		"late,0,0,0,20," + lateCommit + ",1,,graded",
		"not-a-kit,,,,20,,,,not graded: not a kit: no exercises folder and no go.mod",
		"tarred,0,10,10,20,,,,graded",
		"twin1,10,0,10,20,,,,graded",
		"twin2,10,0,10,20,,,,graded",
		"zipped,10,10,20,20,,,,graded",
	}, "\n") + "\n"
	assert.Equal(t, want, readFile(t, filepath.Join(out, GradesFile)))

	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(readFile(t, filepath.Join(out, StudentsDir, "late.json"))), &doc))
	assert.Equal(t, "late", doc["student"])
	assert.Equal(t, lateCommit, doc["commit"])
	assert.Equal(t, "2026-12-06T09:30:00Z", doc["graded_at"])
	assert.EqualValues(t, 1, doc["version"])
	assert.EqualValues(t, 1, doc["late_commits"])

	feedback := readFile(t, filepath.Join(out, StudentsDir, "broken.md"))
	assert.Contains(t, feedback, "# Feedback: broken")
	assert.Contains(t, feedback, "| fake | 0 / 10 |")
	assert.Contains(t, feedback, "(build)")
	assert.Contains(t, readFile(t, filepath.Join(out, StudentsDir, "edited.md")), "- `exercises/90_fake/fake_test.go`")
	assert.Contains(t, readFile(t, filepath.Join(out, StudentsDir, "late.md")), "1 commit(s) made after the deadline were not graded")
	assert.Contains(t, readFile(t, filepath.Join(out, StudentsDir, "garbled.md")), "could not be graded: the zip archive does not unpack")

	twins := FindTwins([]string{"fake", "other"}, records)
	assert.Equal(t, []Twins{
		{Exercise: "fake", Students: []string{"edited", "full", "zipped"}, Solution: true},
		{Exercise: "fake", Students: []string{"twin1", "twin2"}},
		{Exercise: "other", Students: []string{"broken", "edited", "full", "tarred", "zipped"}},
	}, twins)

	page := readFile(t, filepath.Join(out, IndexFile))
	for _, part := range []string{`<table class="class" id="grades">`, `id="histogram"`, `id="pass-rates"`, "<svg", "twin1, twin2", `id="student-10-twin2"`} {
		assert.Contains(t, page, part)
	}
	assert.NotContains(t, page, "http://")
	assert.NotContains(t, page, "https://")
}

// TestMergeOfShardsIsTheWhole: the shards' reports, merged, are the report
// of the whole class.
func TestMergeOfShardsIsTheWhole(t *testing.T) {
	var records []Record
	for i, name := range []string{"ann", "ben", "cat", "dan", "eve"} {
		r := Record{Student: name, Status: StatusGraded, GradedAt: time.Unix(int64(i), 0).UTC()}
		r.Version = report.Version
		records = append(records, r)
	}
	whole, shards := t.TempDir(), []string{t.TempDir(), t.TempDir()}
	exercises := fakekit.Exercises()
	require.NoError(t, Write(whole, exercises, records))
	subs := make([]Submission, len(records))
	for i, r := range records {
		subs[i] = Submission{Student: r.Student}
	}
	for i, dir := range shards {
		var part []Record
		for _, s := range Shard(subs, i+1, len(shards)) {
			for _, r := range records {
				if r.Student == s.Student {
					part = append(part, r)
				}
			}
		}
		require.NoError(t, Write(dir, exercises, part))
	}
	var merged []Record
	for _, dir := range shards {
		part, err := Read(dir)
		require.NoError(t, err)
		merged = append(merged, part...)
	}
	SortRecords(merged)
	out := t.TempDir()
	require.NoError(t, Write(out, exercises, merged))
	for _, name := range []string{GradesFile, IndexFile, "students/cat.json", "students/cat.md"} {
		assert.Equal(t, readFile(t, filepath.Join(whole, name)), readFile(t, filepath.Join(out, name)), name)
	}
}

// TestArchivesStayInside: an archive cannot write outside the folder it is
// unpacked in, and links in it are left out.
func TestArchivesStayInside(t *testing.T) {
	tests := []struct {
		name    string
		entries map[string]string
		want    []string
	}{
		{name: "a parent path", entries: map[string]string{"../../evil/exercises/a.go": "x", "../../evil/go.mod": "m"}, want: []string{"exercises/a.go", "go.mod"}},
		{name: "one folder around the kit", entries: map[string]string{"kit-main/go.mod": "m", "kit-main/exercises/a.go": "a", "kit-main/README.md": "r"},
			want: []string{"exercises/a.go", "go.mod"}},
		{name: "an absolute path", entries: map[string]string{"/exercises/a.go": "a"}, want: []string{"exercises/a.go"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			for name, content := range tt.entries {
				w, err := zw.Create(name)
				require.NoError(t, err)
				_, err = w.Write([]byte(content))
				require.NoError(t, err)
			}
			require.NoError(t, zw.Close())
			file := filepath.Join(t.TempDir(), "s.zip")
			require.NoError(t, os.WriteFile(file, b.Bytes(), 0o644))
			u, err := unzip(file)
			require.NoError(t, err)
			out := t.TempDir()
			require.NoError(t, u.writeTo(out))
			var got []string
			require.NoError(t, filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(out, p)
					got = append(got, filepath.ToSlash(rel))
				}
				return err
			}))
			assert.Equal(t, tt.want, got)
		})
	}
}

func write(t *testing.T, root, name, content string) {
	t.Helper()
	full := filepath.Join(root, filepath.FromSlash(name))
	require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
	require.NoError(t, os.WriteFile(full, []byte(content), 0o644))
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(data)
}

func readAnswer(t *testing.T, name string) string { return readFile(t, fakekit.Answer(name)) }

// commit commits everything in root at the given time.
func commit(t *testing.T, root string, when time.Time) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(root, ".git")); err != nil {
		gitOutput(t, root, "init", "-q")
	}
	gitOutput(t, root, "add", "-A")
	cmd := exec.Command("git", "-c", "user.name=Student", "-c", "user.email=s@example.org", "commit", "-q", "-m", "work")
	cmd.Dir = root
	stamp := when.Format(time.RFC3339)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE="+stamp, "GIT_COMMITTER_DATE="+stamp)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
}

func gitOutput(t *testing.T, root string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	return strings.TrimSpace(string(out))
}

// writeZip packs root into a zip, every path under prefix.
func writeZip(t *testing.T, file, root, prefix string) {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		w, err := zw.Create(prefix + filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}))
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(file, b.Bytes(), 0o644))
}

// writeTarGz packs root into a .tar.gz.
func writeTarGz(t *testing.T, file, root string) {
	t.Helper()
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	}))
	require.NoError(t, tw.Close())
	require.NoError(t, gz.Close())
	require.NoError(t, os.WriteFile(file, b.Bytes(), 0o644))
}

// TestABrokenSubmissionDoesNotStopTheClass: a submission with a folder in
// place of its file is a row that says it does not build; the next one is
// graded.
func TestABrokenSubmissionDoesNotStopTheClass(t *testing.T) {
	kit := kitFS(t)
	dir := t.TempDir()
	bad := fakekit.Checkout(t, kit, nil)
	require.NoError(t, os.Remove(filepath.Join(bad, fakekit.FakeFile)))
	require.NoError(t, os.Mkdir(filepath.Join(bad, fakekit.FakeFile), 0o755))
	require.NoError(t, os.Rename(bad, filepath.Join(dir, "a-bad")))
	require.NoError(t, os.Rename(fakekit.Checkout(t, kit, nil), filepath.Join(dir, "b-good")))
	subs, err := Find(dir)
	require.NoError(t, err)
	box, err := sandbox.New()
	require.NoError(t, err)
	t.Cleanup(func() { box.Close() })
	records, err := Grade(context.Background(), Options{
		Grade:     grade.Options{Kit: kit, Module: kitfiles.Module, Sandbox: box},
		Exercises: fakekit.Exercises(), Work: t.TempDir(),
	}, subs)
	require.NoError(t, err)
	require.Len(t, records, 2)
	assert.Equal(t, "graded; does not build: fake", records[0].Status, "a folder in place of the file is a refused file")
	assert.Equal(t, StatusGraded, records[1].Status)
}
