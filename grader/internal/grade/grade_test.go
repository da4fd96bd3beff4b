package grade

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/event"
	"github.com/concurrency-kit/kit/grader/internal/cache"
	"github.com/concurrency-kit/kit/grader/internal/fakekit"
	"github.com/concurrency-kit/kit/grader/internal/kitfiles"
	"github.com/concurrency-kit/kit/grader/internal/report"
	"github.com/concurrency-kit/kit/grader/internal/sandbox"
)

// TestMain lets the test binary serve as the sandbox's setup program, as
// the grader's own main does.
func TestMain(m *testing.M) {
	sandbox.MainIfRequested()
	os.Exit(m.Run())
}

// The grader's tests grade the fake kit of package fakekit: the real
// harness and module files, with two tiny exercises in place of the course.
var (
	fakeExercise  = fakekit.Fake()
	otherExercise = fakekit.Other()
)

func fakeKit(t *testing.T) fs.FS { return fakekit.FS(t) }

func checkout(t *testing.T, kit fs.FS, answers map[string]string) string {
	return fakekit.Checkout(t, kit, answers)
}

// gradeFolder grades both fake exercises of the folder root.
func gradeFolder(t *testing.T, kit fs.FS, root string, box *sandbox.Sandbox) *report.Document {
	t.Helper()
	return gradeInRooms(t, kit, root, box, "")
}

// gradeInRooms grades both fake exercises of the folder root, in a clean
// room under rooms ("": the default).
func gradeInRooms(t *testing.T, kit fs.FS, root string, box *sandbox.Sandbox, rooms string) *report.Document {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	doc, err := Grade(ctx, Options{
		Root: root, Kit: kit, Module: kitfiles.Module, Sandbox: box, Rooms: rooms,
		Exercises: []catalog.Exercise{fakeExercise, otherExercise},
	})
	require.NoError(t, err)
	require.Len(t, doc.Exercises, 2)
	return doc
}

func newSandbox(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	box, err := sandbox.New()
	require.NoError(t, err)
	t.Cleanup(func() { box.Close() })
	return box
}

// statuses maps test name -> "pass" or the failure's cause.
func statuses(e report.Exercise) map[string]string {
	out := map[string]string{}
	for _, t := range e.Tests {
		if t.Status == report.Pass {
			out[t.Name] = report.Pass
		} else {
			out[t.Name] = string(t.Cause)
		}
	}
	return out
}

const fakeAnswer = fakekit.FakeFile

// TestGradeTellsEveryCauseApart grades an answer that fails each test in
// its own way: each test gets its own cause, and the faults cost nothing to
// the test that passes or to the other exercise. It runs with the sandbox
// and without: the memory limit holds either way.
func TestGradeTellsEveryCauseApart(t *testing.T) {
	kit := fakeKit(t)
	root := checkout(t, kit, map[string]string{fakeAnswer: "faults.go", "exercises/91_other/other.go": "other_correct.go"})
	for _, box := range []*sandbox.Sandbox{newSandbox(t), sandbox.Disabled("test")} {
		t.Run("sandboxed="+boolWord(box.Enabled()), func(t *testing.T) {
			doc := gradeFolder(t, kit, root, box)
			assert.Equal(t, map[string]string{
				"TestPass": report.Pass, "TestFail": "fail", "TestRace": "race", "TestLeak": "leak",
				"TestDeadlock": "deadlock", "TestTimeout": "timeout", "TestPanic": "panic",
				"TestCrash": "crash", "TestMemory": "memory",
			}, statuses(doc.Exercises[0]))
			assert.True(t, doc.Exercises[1].Done(), "the other exercise keeps its marks")
			assert.Empty(t, doc.ChangedKitFiles)
			for _, test := range doc.Exercises[0].Tests {
				if test.Cause == "memory" {
					assert.Contains(t, test.Message, "more than 256 MiB")
				}
				if test.Cause == "timeout" {
					// Measured from when the grader read the start record, which
					// on a loaded machine can be a little after the test began.
					assert.GreaterOrEqual(t, test.DurationMS, int64(1800), "a hang runs to its 2 s limit")
				}
			}
			if box.Enabled() {
				checkGolden(t, doc)
			}
		})
	}
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// checkGolden compares the document, as JSON and as text (plain and in
// colour), with the golden files: what a student or a program reading the
// grade sees. Test output (timings, goroutine addresses) and durations are
// left out.
func checkGolden(t *testing.T, doc *report.Document) {
	t.Helper()
	stable := *doc
	stable.Exercises = slices.Clone(doc.Exercises)
	for i := range stable.Exercises {
		stable.Exercises[i].Tests = slices.Clone(stable.Exercises[i].Tests)
		for j := range stable.Exercises[i].Tests {
			stable.Exercises[i].Tests[j].Output = ""
			stable.Exercises[i].Tests[j].DurationMS = 0
		}
	}
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(&stable))
	outputs := map[string][]byte{"faults.json": js.Bytes()}
	for name, color := range map[string]bool{"faults.txt": false, "faults-color.txt": true} {
		var text bytes.Buffer
		require.NoError(t, report.WriteText(&text, &stable, report.TextOptions{Color: color, Width: 100}))
		outputs[name] = text.Bytes()
	}
	for name, got := range outputs {
		golden := filepath.Join("testdata", "golden", name)
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
			require.NoError(t, os.WriteFile(golden, got, 0o644))
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%s (go test ./grader/internal/grade -update rewrites it)", name)
	}
}

func boolWord(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// TestGradeUsesOnlyTheStudentsFiles: a fork that edits the tests, the
// harness and the module files, adds go.work, vendor/, a replace directive,
// its own test file and assembly, gets nothing from it: the kit's copies are
// used, the extra files are left out, and the student is told which.
func TestGradeUsesOnlyTheStudentsFiles(t *testing.T) {
	kit := fakeKit(t)
	cheats := map[string]string{
		// Every test returns at once: the unchanged stub would pass them.
		"exercises/90_fake/fake_test.go":        "package fake_test\n\nimport \"testing\"\n\nfunc TestPass(t *testing.T) {}\nfunc TestFail(t *testing.T) {}\n",
		"exercises/internal/harness/harness.go": "package harness\n\nimport \"testing\"\n\nfunc Setup(t *testing.T) {}\n",
		"go.mod":                                "module github.com/concurrency-kit/kit\n\ngo 1.26\n\nreplace github.com/stretchr/testify => ./fakes/testify\n",
		"go.work":                               "go 1.26\n\nuse ./nowhere\n",
		"vendor/modules.txt":                    "# nothing\n",
		"exercises/90_fake/extra_test.go":       "package fake\n\nimport \"testing\"\n\nfunc TestMain(m *testing.M) {}\n",
		"exercises/90_fake/fast_amd64.s":        "TEXT ·f(SB),0,$0\n",
		"exercises/90_fake/helper.go":           "package fake\n\nfunc init() { panic(1) }\n",
	}
	for _, tc := range []struct {
		name   string
		answer string // "" for the stub
		score  float64
	}{
		{"the unchanged stub scores nothing", "", 0},
		{"a correct answer keeps full marks", "correct.go", 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			answers := map[string]string{}
			if tc.answer != "" {
				answers[fakeAnswer] = tc.answer
			}
			root := checkout(t, kit, answers)
			for name, content := range cheats {
				full := filepath.Join(root, filepath.FromSlash(name))
				require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
				require.NoError(t, os.WriteFile(full, []byte(content), 0o644))
			}
			doc := gradeFolder(t, kit, root, newSandbox(t))
			assert.Equal(t, tc.score, doc.Exercises[0].Score)
			assert.Len(t, doc.Exercises[0].Tests, 9, "the kit's tests, all of them")
			assert.Equal(t, []string{"exercises/90_fake/fake_test.go", "exercises/internal/harness/harness.go", "go.mod"}, doc.ChangedKitFiles)
			assert.Equal(t, []string{"exercises/90_fake/extra_test.go", "exercises/90_fake/fast_amd64.s", "exercises/90_fake/helper.go"}, doc.IgnoredFiles)
		})
	}
}

// TestGradeRefusesStudentFiles: a file that breaks the rules, or is not a
// plain file, scores its exercise zero with cause build and a message that
// names the file; the other exercise is not affected. None of them hangs.
func TestGradeRefusesStudentFiles(t *testing.T) {
	kit := fakeKit(t)
	tests := []struct {
		name    string
		answer  string
		link    string // the student file is a symbolic link to this
		message string
	}{
		{name: "go:norace hides races", answer: "norace.go", message: "fake.go:7: //go:norace is not allowed"},
		{name: "forbidden import", answer: "forbidden.go", message: `fake.go:4: import "os" is not allowed`},
		{name: "compile error", answer: "broken.go", message: "exercises/90_fake/fake.go:4:39: cannot use \"42\""},
		{name: "link to an endless device", link: "/dev/zero", message: "fake.go: the file is a symbolic link"},
		{name: "link to another file", link: "/etc/hostname", message: "symbolic link"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answers := map[string]string{"exercises/91_other/other.go": "other_correct.go"}
			if tt.answer != "" {
				answers[fakeAnswer] = tt.answer
			}
			root := checkout(t, kit, answers)
			if tt.link != "" {
				student := filepath.Join(root, filepath.FromSlash(fakeAnswer))
				require.NoError(t, os.Remove(student))
				require.NoError(t, os.Symlink(tt.link, student))
			}
			doc := gradeFolder(t, kit, root, newSandbox(t))
			assert.Zero(t, doc.Exercises[0].Score)
			for _, test := range doc.Exercises[0].Tests {
				assert.Equal(t, event.CauseBuild, test.Cause, test.Name)
				assert.Contains(t, test.Message, tt.message, test.Name)
			}
			assert.True(t, doc.Exercises[1].Done(), "the other exercise keeps its marks")
		})
	}
}

// TestGradeRefusesAnAlteredKitTest: a grader built from a checkout whose
// test file was edited (make grade in a student's own fork) has no honest
// copy of that exercise's tests: the exercise scores zero and says how to
// restore the file; the other exercise is graded as usual.
func TestGradeRefusesAnAlteredKitTest(t *testing.T) {
	kit := fakeKit(t)
	root := checkout(t, kit, map[string]string{fakeAnswer: "correct.go", "exercises/91_other/other.go": "other_correct.go"})
	doc, err := Grade(context.Background(), Options{
		Root: root, Kit: kit, Module: kitfiles.Module, Sandbox: newSandbox(t),
		Exercises:    []catalog.Exercise{fakeExercise, otherExercise},
		AlteredTests: []string{"exercises/90_fake/fake_test.go"},
	})
	require.NoError(t, err)
	assert.Zero(t, doc.Exercises[0].Score)
	for _, test := range doc.Exercises[0].Tests {
		assert.Equal(t, event.CauseBuild, test.Cause)
		assert.Contains(t, test.Message, "git checkout -- exercises/90_fake/fake_test.go")
	}
	assert.True(t, doc.Exercises[1].Done())
}

// TestGradeResistsForgedOutput: printing passing lines, raw, framed or as
// result records, creates no pass.
func TestGradeResistsForgedOutput(t *testing.T) {
	kit := fakeKit(t)
	root := checkout(t, kit, map[string]string{fakeAnswer: "forgery.go"})
	doc := gradeFolder(t, kit, root, newSandbox(t))
	assert.Zero(t, doc.Exercises[0].Passed)
}

// TestGradeCachesByContent: an unchanged exercise is not graded again (its
// result comes from the cache, even after its binary could not be built
// again), and a change to its files, the options or the salt grades it
// again.
func TestGradeCachesByContent(t *testing.T) {
	kit := fakeKit(t)
	root := checkout(t, kit, map[string]string{fakeAnswer: "correct.go", "exercises/91_other/other.go": "other_correct.go"})
	results := cache.Open(filepath.Join(t.TempDir(), "results"))
	opts := Options{
		Root: root, Kit: kit, Module: kitfiles.Module, Cache: results, CacheSalt: "grader-1",
		Exercises: []catalog.Exercise{otherExercise},
	}
	first, err := Grade(context.Background(), opts)
	require.NoError(t, err)
	require.True(t, first.Exercises[0].Done())

	cached, err := Cached(opts)
	require.NoError(t, err)
	require.NotNil(t, cached[0])
	assert.Equal(t, first.Exercises[0], *cached[0])

	// Without the go command the build would fail: a hit needs none.
	t.Setenv("PATH", t.TempDir())
	again, err := Grade(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, first.Exercises, again.Exercises)

	for name, change := range map[string]func(o *Options){
		"another salt":  func(o *Options) { o.CacheSalt = "grader-2" },
		"another count": func(o *Options) { o.Count = 2 },
		"another file": func(o *Options) {
			require.NoError(t, os.WriteFile(filepath.Join(root, filepath.FromSlash(fakekit.OtherFile)), []byte("package other\n\nfunc Answer() int { return 41 }\n"), 0o644))
		},
	} {
		o := opts
		change(&o)
		missed, err := Cached(o)
		require.NoError(t, err)
		assert.Nil(t, missed[0], name)
	}
}

// TestGradeVetNotes: go vet's findings in the student's file are notes of
// the exercise, with the file and line, and cost no points.
func TestGradeVetNotes(t *testing.T) {
	kit := fakeKit(t)
	root := checkout(t, kit, map[string]string{fakekit.OtherFile: "other_vet.go"})
	doc := gradeFolder(t, kit, root, newSandbox(t))
	other := doc.Exercises[1]
	require.True(t, other.Done(), "vet's findings cost no points: %+v", other.Tests)
	assert.Equal(t, []report.Note{
		{File: "exercises/91_other/other.go", Line: 13, Check: "copylocks", Message: "copied passes lock by value: github.com/concurrency-kit/kit/exercises/91_other.box contains sync.Mutex"},
		{File: "exercises/91_other/other.go", Line: 16, Check: "lostcancel", Message: "the cancel function returned by context.WithCancel should be called, not discarded, to avoid a context leak"},
	}, other.Notes)
	assert.Empty(t, doc.Exercises[0].Notes, "the stub of the other exercise has nothing to note")
}

// The binaries of a room are kept for the next grade, which relinks only
// what changed. An exercise that no longer compiles must not be graded with
// the binary its last good version left behind.
func TestAStaleBinaryNeverStandsIn(t *testing.T) {
	kit := fakekit.FS(t)
	rooms := t.TempDir()
	grade := func(answer string) report.Exercise {
		root := checkout(t, kit, map[string]string{fakeAnswer: answer, "exercises/91_other/other.go": "other_correct.go"})
		return gradeInRooms(t, kit, root, nil, rooms).Exercises[0]
	}
	require.NotZero(t, grade("correct.go").Score)
	broken := grade("broken.go")
	assert.Zero(t, broken.Score)
	for _, test := range broken.Tests {
		assert.Equal(t, event.CauseBuild, test.Cause, test.Name)
	}
	assert.NotZero(t, grade("correct.go").Score, "fixed again")
}
