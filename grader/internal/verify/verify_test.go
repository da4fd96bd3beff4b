package verify

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/exercises"
	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/internal/fakekit"
	"github.com/concurrency-kit/kit/grader/internal/grade"
	"github.com/concurrency-kit/kit/grader/internal/kitfiles"
	"github.com/concurrency-kit/kit/grader/internal/sandbox"
)

func TestMain(m *testing.M) {
	sandbox.MainIfRequested()
	os.Exit(m.Run())
}

// verifier checks the fake kit checked out at root.
func verifier(t *testing.T, root string, log *bytes.Buffer) Verifier {
	t.Helper()
	box, err := sandbox.New()
	require.NoError(t, err)
	t.Cleanup(func() { box.Close() })
	return Verifier{
		Root:    root,
		Catalog: &catalog.Catalog{Exercises: fakekit.Exercises()},
		Options: grade.Options{Root: root, Kit: fakekit.FS(t), Module: kitfiles.Module, Sandbox: box},
		Log:     log,
	}
}

func write(t *testing.T, root, name, content string) {
	t.Helper()
	full := filepath.Join(root, filepath.FromSlash(name))
	require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
	require.NoError(t, os.WriteFile(full, []byte(content), 0o644))
}

// TestVerify checks the fake kit as it is (sound), and with one defect put
// in at a time that only grading finds: each must be found and named.
func TestVerify(t *testing.T) {
	tests := []struct {
		name   string
		breaks func(t *testing.T, root string)
		defect string // "" for a sound kit
		note   string // a note a sound kit prints
	}{
		{name: "a sound kit"},
		{
			name: "a stub that passes a test",
			breaks: func(t *testing.T, root string) {
				write(t, root, fakekit.OtherFile, "package other\n\nfunc Answer() int { return 42 }\n")
			},
			defect: "stub exercises/91_other: TestAnswer passes",
		},
		{
			name: "a solution that fails",
			breaks: func(t *testing.T, root string) {
				write(t, root, "solutions/91_other/other.go", "package other\n\nfunc Answer() int { return 41 }\n")
			},
			defect: "solution exercises/91_other: TestAnswer fails with fail",
		},
		{
			name: "a mistake that loses points only where its header does not say",
			breaks: func(t *testing.T, root string) {
				write(t, root, "solutions/90_fake/testdata/mistakes/wrong_header.go",
					"// Mistake: wrong for TestPass\n// Fails: TestFail\npackage fake\n\nfunc Answer(test string) int {\n\tif test == \"TestPass\" {\n\t\treturn 0\n\t}\n\treturn 42\n}\n")
			},
			defect: "none of the tests its header names fails",
		},
		{
			name: "a mistake that is not wrong",
			breaks: func(t *testing.T, root string) {
				write(t, root, "solutions/91_other/testdata/mistakes/not_wrong.go",
					"// Mistake: none\n// Fails: TestAnswer\npackage other\n\nfunc Answer() int { return 42 }\n")
			},
			defect: "loses no points; TestAnswer passed this time",
		},
		{
			name: "a catch that varies is a note, not a defect",
			breaks: func(t *testing.T, root string) {
				write(t, root, "solutions/90_fake/testdata/mistakes/varies.go",
					"// Mistake: wrong everywhere\n// Fails: TestFail:race TestPass\npackage fake\n\nfunc Answer(test string) int {\n\tif test == \"TestPass\" {\n\t\treturn 42\n\t}\n\treturn 0\n}\n")
			},
			note: "TestPass passed this time",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := fakekit.Checkout(t, fakekit.FS(t), nil)
			if tt.breaks != nil {
				tt.breaks(t, root)
			}
			var log bytes.Buffer
			ok, err := verifier(t, root, &log).Run(context.Background(), nil)
			require.NoError(t, err)
			if tt.defect == "" {
				assert.True(t, ok, log.String())
				assert.Contains(t, log.String(), "verify: the kit is sound (2 exercises)")
				if tt.note != "" {
					assert.Contains(t, log.String(), "note  mistake solutions/90_fake/testdata/mistakes/varies.go: "+tt.note)
					assert.Contains(t, log.String(), "TestFail failed with fail, not race, this time")
					assert.Contains(t, log.String(), "note(s) on catches that varied")
				}
				return
			}
			assert.False(t, ok, log.String())
			assert.Contains(t, log.String(), tt.defect)
		})
	}
}

// TestVerifyFiles: the checks of the kit's files, which need no grading.
func TestVerifyFiles(t *testing.T) {
	tests := []struct {
		name   string
		breaks func(t *testing.T, root string)
		check  func(v Verifier, c *checker)
		defect string
	}{
		{
			name: "a README table that does not match the catalog",
			breaks: func(t *testing.T, root string) {
				write(t, root, "README.md", "| # | exercise |\n|---|---|\n| 90 | [fake](exercises/90_fake) | x |\n")
			},
			check:  func(v Verifier, c *checker) { v.checkReadme(c) },
			defect: "README.md's exercise table does not match the catalog",
		},
		{
			name:   "an exercise folder without a catalog entry",
			breaks: func(t *testing.T, root string) { write(t, root, "exercises/92_extra/extra.go", "package extra\n") },
			check:  func(v Verifier, c *checker) { v.checkFolders(c) },
			defect: "exercises/92_extra has no catalog entry",
		},
		{
			name:   "a missing README",
			breaks: func(t *testing.T, root string) { os.Remove(filepath.Join(root, "exercises/91_other/README.md")) },
			check:  func(v Verifier, c *checker) { v.checkEntry(c, fakekit.Other()) },
			defect: "other: missing exercises/91_other/README.md",
		},
		{
			name: "a weight for a test that does not exist",
			check: func(v Verifier, c *checker) {
				ex := fakekit.Other()
				ex.Weights = map[string]float64{"TestGone": 2}
				v.checkEntry(c, ex)
			},
			defect: "the catalog weighs TestGone, which is not a test",
		},
		{
			name:   "a missing translation",
			breaks: func(t *testing.T, root string) { os.Remove(filepath.Join(root, "exercises/91_other/README.zh-CN.md")) },
			check:  func(v Verifier, c *checker) { v.checkTranslations(c) },
			defect: "exercises/91_other/README.zh-CN.md is missing: translate exercises/91_other/README.md",
		},
		{
			name: "a stale translation",
			breaks: func(t *testing.T, root string) {
				write(t, root, "exercises/90_fake/README.md", "# fake\n\nA tiny exercise for the grader's own tests, and more.\n")
			},
			check:  func(v Verifier, c *checker) { v.checkTranslations(c) },
			defect: "exercises/90_fake/README.zh-CN.md is stale: it translates another revision of exercises/90_fake/README.md",
		},
		{
			name: "a translation without a section of the English",
			breaks: func(t *testing.T, root string) {
				english := "# fake\n\nA tiny exercise.\n\n## More\n\nText.\n"
				write(t, root, "exercises/90_fake/README.md", english)
				write(t, root, "exercises/90_fake/README.zh-CN.md",
					"<!-- translation of README.md, sha256 "+EnglishHash([]byte(english))+" -->\n# fake\n\n小练习。\n\n```\n## 不算标题\n```\n")
			},
			check:  func(v Verifier, c *checker) { v.checkTranslations(c) },
			defect: "exercises/90_fake/README.zh-CN.md does not have the sections of exercises/90_fake/README.md: heading levels [1], the English [1 2]",
		},
		{
			name:   "a top-level README without a translation line",
			breaks: func(t *testing.T, root string) { write(t, root, "README.zh-CN.md", "# 假课程包\n") },
			check:  func(v Verifier, c *checker) { v.checkTranslations(c) },
			defect: "README.zh-CN.md: the first line must name the English revision it translates",
		},
		{
			name: "a missing Chinese hint",
			check: func(v Verifier, c *checker) {
				v.Catalog = &catalog.Catalog{Exercises: []catalog.Exercise{fakekit.Fake(), fakekit.Other()}}
				v.Catalog.Exercises[1].HintZH = ""
				v.checkTranslations(c)
			},
			defect: "other: no Chinese hint (hint_zh in exercises/catalog.json)",
		},
		{
			name: "a mistake without a header",
			breaks: func(t *testing.T, root string) {
				write(t, root, "solutions/90_fake/testdata/mistakes/no_header.go", "package fake\n\nfunc Answer(test string) int { return 0 }\n")
			},
			check: func(v Verifier, c *checker) {
				if _, err := v.mistakes(fakekit.Fake()); err != nil {
					c.defect("%v", err)
				}
			},
			defect: "needs a header",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := fakekit.Checkout(t, fakekit.FS(t), nil)
			var log bytes.Buffer
			v := verifier(t, root, &log)
			c := &checker{log: &log}
			if tt.breaks != nil {
				tt.check(v, c)
				assert.Zero(t, c.defects, "the fake kit is sound: %s", log.String())
				tt.breaks(t, root)
			}
			tt.check(v, c)
			assert.Equal(t, 1, c.defects, log.String())
			assert.Contains(t, log.String(), tt.defect)
		})
	}
}

// TestMutants: a mutant the tests cannot catch (in three grades) fails the
// check, with its diff, unless the equivalents file lists it; a listed
// mutant that no longer exists fails it too.
func TestMutants(t *testing.T) {
	const equivalents = "solutions/91_other/testdata/equivalent-mutants.txt"
	tests := []struct {
		name  string
		list  string // the equivalents file; "-" to keep the fake kit's
		ok    bool
		inLog string
	}{
		{name: "listed", list: "-", ok: true, inLog: "other drop-lock Answer#1: equivalent (one goroutine takes the lock: it guards nothing)"},
		{name: "not listed", list: "", ok: false, inLog: "-\tmu.Lock()"},
		// Graded twice more first: a catch that varies is still a catch.
		{name: "not listed, graded again", list: "", ok: false, inLog: "mutant survived 3 grades"},
		{name: "a stale entry", list: "drop-lock Answer#1 — x\ndrop-close Answer#1 — gone\n", ok: false, inLog: `lists "drop-close Answer#1", which is not a mutant`},
		{name: "an entry without a reason", list: "drop-lock Answer#1\n", ok: false, inLog: "equivalent-mutants.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := fakekit.Checkout(t, fakekit.FS(t), nil)
			if tt.list != "-" {
				write(t, root, equivalents, tt.list)
			}
			var log bytes.Buffer
			ok, err := verifier(t, root, &log).Mutants(context.Background(), []string{"other"})
			require.NoError(t, err)
			assert.Equal(t, tt.ok, ok, log.String())
			assert.Contains(t, log.String(), tt.inLog)
		})
	}
}

// TestTheKitsChineseEdition checks the real kit's Chinese edition, the
// check grader verify makes, without grading anything: quick feedback for a
// translator.
func TestTheKitsChineseEdition(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	require.NoError(t, err)
	cat, err := catalog.Parse(exercises.CatalogJSON)
	require.NoError(t, err)
	var log bytes.Buffer
	c := &checker{log: &log}
	Verifier{Root: root, Catalog: cat, Log: &log}.checkTranslations(c)
	assert.Zero(t, c.defects, log.String())
}
