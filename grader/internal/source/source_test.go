package source

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/catalog"
)

const kitTests = `package queue_test

import (
	"testing"
)

type suite struct{}

func (suite) TestMethod(t *testing.T) {}

func TestMain(m *testing.M) { m.Run() }

func TestPushPop(t *testing.T) {}

func Testlower(t *testing.T) {}

func helper(t *testing.T) {}

func TestTwoParams(t *testing.T, n int) {}

func TestNoParams() {}

func BenchmarkPush(b *testing.B) {}

func Test(t *testing.T) {}

func Test_Closed(t *testing.T) {}

func TestÉtat(t *testing.T) {}

func Testétat(t *testing.T) {}

func TestByValue(t testing.T) {}

func TestFIFO(t *testing.T) {}
`

const studentOK = `package queue

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

var _ = errors.New
var _ = fmt.Sprint
var _ sync.Mutex
var _ = time.Second
`

// folder writes files (base name to content) into a new temporary folder.
func folder(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	return dir
}

func rules() Rules {
	return Rules{TestFile: "queue_test.go", AllowedImports: catalog.DefaultAllowedImports}
}

func TestInspectFindsTestsInSourceOrder(t *testing.T) {
	dir := folder(t, map[string]string{
		"queue_test.go": kitTests,
		"queue.go":      studentOK,
		"more.go":       "package queue\n",
		"README.md":     "# queue\n",
		"notes.txt":     "import \"os\"\n",
	})
	require.NoError(t, os.Mkdir(filepath.Join(dir, "testdata"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "testdata", "x_test.go"), []byte("package x\n"), 0o644))

	f, err := Inspect(dir, rules())
	require.NoError(t, err)
	assert.Equal(t, []string{"TestPushPop", "Test", "Test_Closed", "TestÉtat", "TestFIFO"}, f.Tests)
	assert.Equal(t, []string{filepath.Join(dir, "more.go"), filepath.Join(dir, "queue.go")}, f.StudentFiles)
}

func TestIsTestName(t *testing.T) {
	tests := map[string]bool{
		"Test": true, "TestX": true, "Test1": true, "Test_x": true, "TestÉ": true,
		"Testx": false, "Testé": false, "Testσ": false, "Tes": false, "testX": false, "BenchmarkX": false, "": false,
	}
	for name, want := range tests {
		assert.Equal(t, want, isTestName(name), name)
	}
}

func TestInspectRefuses(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		allowed []string // nil: the default allow-list
		file    string
		line    int
		reason  string
	}{
		{
			name:   "extra test file",
			files:  map[string]string{"mine_test.go": "package queue\n"},
			file:   "mine_test.go",
			reason: "extra test file",
		},
		{
			name:   "assembly",
			files:  map[string]string{"fast_amd64.s": "TEXT ·f(SB),0,$0\n"},
			file:   "fast_amd64.s",
			reason: "only Go files are allowed",
		},
		{
			name:   "C source",
			files:  map[string]string{"helper.c": "int f(void) { return 1; }\n"},
			file:   "helper.c",
			reason: "only Go files are allowed",
		},
		{
			name:   "syso object",
			files:  map[string]string{"blob.syso": "\x7fELF"},
			file:   "blob.syso",
			reason: "only Go files are allowed",
		},
		{
			name:   "import os",
			files:  map[string]string{"queue.go": "package queue\n\nimport (\n\t\"sync\"\n\t\"os\"\n)\n"},
			file:   "queue.go",
			line:   5,
			reason: `import "os" is not allowed in this exercise`,
		},
		{
			name:   "import unsafe",
			files:  map[string]string{"queue.go": "package queue\n\nimport \"unsafe\"\n"},
			file:   "queue.go",
			line:   3,
			reason: `import "unsafe" is not allowed`,
		},
		{
			name:   "import syscall under another name",
			files:  map[string]string{"queue.go": "package queue\n\nimport (\n\tsc \"syscall\"\n)\n"},
			file:   "queue.go",
			line:   4,
			reason: `import "syscall" is not allowed`,
		},
		{
			name:   "blank import of reflect",
			files:  map[string]string{"queue.go": "package queue\n\nimport _ \"reflect\"\n"},
			file:   "queue.go",
			line:   3,
			reason: `import "reflect" is not allowed`,
		},
		{
			name:   "cgo",
			files:  map[string]string{"queue.go": "package queue\n\n// int x;\nimport \"C\"\n"},
			file:   "queue.go",
			line:   4,
			reason: "cgo is not allowed",
		},
		{
			name:   "linkname",
			files:  map[string]string{"queue.go": "package queue\n\nimport \"sync\"\n\nvar _ sync.Mutex\n\n//go:linkname now runtime.nanotime\nfunc now() int64\n"},
			file:   "queue.go",
			line:   7,
			reason: "//go:linkname is not allowed",
		},
		{
			name:   "indented linkname inside a function",
			files:  map[string]string{"queue.go": "package queue\n\nfunc f() {\n\t//go:linkname x y\n}\n"},
			file:   "queue.go",
			line:   4,
			reason: "//go:linkname is not allowed",
		},
		{
			name:   "embed",
			files:  map[string]string{"queue.go": "package queue\n\n//go:embed answers.txt\nvar answers string\n"},
			file:   "queue.go",
			line:   3,
			reason: "//go:embed is not allowed",
		},
		{
			name:   "export",
			files:  map[string]string{"queue.go": "package queue\n\n//export F\nfunc F() {}\n"},
			file:   "queue.go",
			line:   3,
			reason: "//export is not allowed",
		},
		{
			name:    "exercise allow-list is exact",
			files:   map[string]string{"queue.go": "package queue\n\nimport \"math/rand\"\n"},
			allowed: []string{"math/rand/v2"},
			file:    "queue.go",
			line:    3,
			reason:  `import "math/rand" is not allowed in this exercise (allowed: math/rand/v2)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"queue_test.go": kitTests}
			for name, content := range tt.files {
				files[name] = content
			}
			r := rules()
			if tt.allowed != nil {
				r.AllowedImports = tt.allowed
			}
			f, err := Inspect(folder(t, files), r)
			assert.Nil(t, f)
			var refusal *Refusal
			require.True(t, errors.As(err, &refusal), "want a *Refusal, got %v", err)
			assert.Equal(t, tt.file, refusal.File)
			assert.Equal(t, tt.line, refusal.Line)
			assert.Contains(t, refusal.Reason, tt.reason)
			if tt.line > 0 {
				assert.True(t, strings.HasPrefix(err.Error(), tt.file+":"), err.Error())
			}
		})
	}
}

func TestInspectAcceptsAllowedImports(t *testing.T) {
	var b strings.Builder
	b.WriteString("package queue\n\nimport (\n")
	for _, p := range catalog.DefaultAllowedImports {
		b.WriteString("\t_ \"" + p + "\"\n")
	}
	b.WriteString("\t\"bufio\"\n)\n\nvar _ = bufio.NewReader\n")
	dir := folder(t, map[string]string{"queue_test.go": kitTests, "queue.go": b.String()})

	r := rules()
	r.AllowedImports = catalog.Exercise{Imports: []string{"bufio"}}.AllowedImports()
	f, err := Inspect(dir, r)
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, "queue.go")}, f.StudentFiles)

	// The same file is refused under the default list, which lacks bufio.
	_, err = Inspect(dir, rules())
	var refusal *Refusal
	require.ErrorAs(t, err, &refusal)
	assert.Contains(t, refusal.Reason, `"bufio"`)
}

// A file that does not parse is the compiler's to report: Inspect lets it
// through.
func TestInspectLeavesSyntaxErrorsToTheCompiler(t *testing.T) {
	dir := folder(t, map[string]string{"queue_test.go": kitTests, "queue.go": "package queue\n\nimport \"sync\n"})
	f, err := Inspect(dir, rules())
	require.NoError(t, err)
	assert.Len(t, f.StudentFiles, 1)
}

func TestInspectFolderErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"missing test file", map[string]string{"queue.go": studentOK}, "test file queue_test.go is missing"},
		{"no tests", map[string]string{"queue_test.go": "package queue_test\n\nfunc TestMain(m *testing.M) {}\n"}, "has no tests"},
		{"test file does not parse", map[string]string{"queue_test.go": "package queue_test\n\nfunc Test(\n"}, "parse kit test file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Inspect(folder(t, tt.files), rules())
			require.Error(t, err)
			var refusal *Refusal
			assert.False(t, errors.As(err, &refusal), "not a refusal: %v", err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	_, err := Inspect(filepath.Join(t.TempDir(), "absent"), rules())
	assert.ErrorContains(t, err, "read exercise folder")
}

func TestInspectReplace(t *testing.T) {
	elsewhere := folder(t, map[string]string{
		"good.go":  studentOK,
		"bad.go":   "package queue\n\nimport \"os\"\n\nvar _ = os.Exit\n",
		"extra.go": "package queue\n\nimport \"sync\"\n\nvar _ sync.Once\n",
	})
	good, bad, extra := filepath.Join(elsewhere, "good.go"), filepath.Join(elsewhere, "bad.go"), filepath.Join(elsewhere, "extra.go")
	badOnDisk := "package queue\n\nimport \"unsafe\"\n\nvar _ = unsafe.Sizeof(0)\n"

	tests := []struct {
		name    string
		replace func(dir string) map[string]string
		files   []string // base names of the student files
		refused string   // reason of the refusal expected
		line    int
	}{
		{
			name:    "no replacement: the disk file is checked",
			replace: func(dir string) map[string]string { return nil },
			refused: `import "unsafe"`,
			line:    3,
		},
		{
			name:    "a good replacement hides a bad disk file",
			replace: func(dir string) map[string]string { return map[string]string{filepath.Join(dir, "queue.go"): good} },
			files:   []string{"other.go", "queue.go"},
		},
		{
			name:    "a bad replacement is refused under the disk file's name",
			replace: func(dir string) map[string]string { return map[string]string{filepath.Join(dir, "other.go"): bad} },
			refused: `import "os"`,
			line:    3,
		},
		{
			name:    "an empty replacement deletes the file",
			replace: func(dir string) map[string]string { return map[string]string{filepath.Join(dir, "queue.go"): ""} },
			files:   []string{"other.go"},
		},
		{
			name: "a replacement for a file not on disk adds it",
			replace: func(dir string) map[string]string {
				return map[string]string{filepath.Join(dir, "queue.go"): good, filepath.Join(dir, "added.go"): extra}
			},
			files: []string{"added.go", "other.go", "queue.go"},
		},
		{
			name: "an added file is checked too",
			replace: func(dir string) map[string]string {
				return map[string]string{filepath.Join(dir, "queue.go"): "", filepath.Join(dir, "added.go"): bad}
			},
			refused: `import "os"`,
			line:    3,
		},
		{
			name: "replacements for other folders are ignored",
			replace: func(dir string) map[string]string {
				return map[string]string{filepath.Join(dir, "queue.go"): "", filepath.Join(elsewhere, "sub", "x.go"): bad}
			},
			files: []string{"other.go"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := folder(t, map[string]string{"queue_test.go": kitTests, "queue.go": badOnDisk, "other.go": studentOK})
			r := rules()
			r.Replace = tt.replace(dir)
			f, err := Inspect(dir, r)
			if tt.refused != "" {
				var refusal *Refusal
				require.ErrorAs(t, err, &refusal)
				assert.Contains(t, refusal.Reason, tt.refused)
				assert.Equal(t, tt.line, refusal.Line)
				return
			}
			require.NoError(t, err)
			var want []string
			for _, name := range tt.files {
				want = append(want, filepath.Join(dir, name))
			}
			assert.Equal(t, want, f.StudentFiles)
			assert.Equal(t, []string{"TestPushPop", "Test", "Test_Closed", "TestÉtat", "TestFIFO"}, f.Tests)
		})
	}
}

func TestRefusalError(t *testing.T) {
	assert.Equal(t, "a.go:3: no", (&Refusal{File: "a.go", Line: 3, Reason: "no"}).Error())
	assert.Equal(t, "a.s: no", (&Refusal{File: "a.s", Reason: "no"}).Error())
}
