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

const kitTests = `package fake_test

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

const studentOK = `package fake

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

func TestTestFunctionsInSourceOrder(t *testing.T) {
	tests, err := TestFunctions("fake_test.go", []byte(kitTests))
	require.NoError(t, err)
	assert.Equal(t, []string{"TestPushPop", "Test", "Test_Closed", "TestÉtat", "TestFIFO"}, tests)

	_, err = TestFunctions("fake_test.go", []byte("package fake_test\n\nfunc TestMain(m *testing.M) {}\n"))
	assert.ErrorContains(t, err, "has no tests")
	_, err = TestFunctions("fake_test.go", []byte("package fake_test\n\nfunc Test(\n"))
	assert.ErrorContains(t, err, "parse kit test file")
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

func TestCheckRefuses(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		allowed []string // nil: the default allow-list
		file    string
		line    int
		reason  string
	}{
		{
			name:   "import os",
			files:  map[string]string{"fake.go": "package fake\n\nimport (\n\t\"sync\"\n\t\"os\"\n)\n"},
			file:   "fake.go",
			line:   5,
			reason: `import "os" is not allowed in this exercise`,
		},
		{
			name:   "import unsafe",
			files:  map[string]string{"fake.go": "package fake\n\nimport \"unsafe\"\n"},
			file:   "fake.go",
			line:   3,
			reason: `import "unsafe" is not allowed`,
		},
		{
			name:   "import syscall under another name",
			files:  map[string]string{"fake.go": "package fake\n\nimport (\n\tsc \"syscall\"\n)\n"},
			file:   "fake.go",
			line:   4,
			reason: `import "syscall" is not allowed`,
		},
		{
			name:   "blank import of reflect",
			files:  map[string]string{"fake.go": "package fake\n\nimport _ \"reflect\"\n"},
			file:   "fake.go",
			line:   3,
			reason: `import "reflect" is not allowed`,
		},
		{
			name:   "cgo",
			files:  map[string]string{"fake.go": "package fake\n\n// int x;\nimport \"C\"\n"},
			file:   "fake.go",
			line:   4,
			reason: "cgo is not allowed",
		},
		{
			name:   "linkname",
			files:  map[string]string{"fake.go": "package fake\n\nimport \"sync\"\n\nvar _ sync.Mutex\n\n//go:linkname now runtime.nanotime\nfunc now() int64\n"},
			file:   "fake.go",
			line:   7,
			reason: "//go:linkname is not allowed",
		},
		{
			name:   "norace hides races from the race detector",
			files:  map[string]string{"fake.go": "package fake\n\n//go:norace\nfunc f() {}\n"},
			file:   "fake.go",
			line:   3,
			reason: "//go:norace is not allowed",
		},
		{
			name:   "nosplit after code on the same line",
			files:  map[string]string{"fake.go": "package fake\n\nvar x int //go:nosplit\n"},
			file:   "fake.go",
			line:   3,
			reason: "//go:nosplit is not allowed",
		},
		{
			name:   "line directive",
			files:  map[string]string{"fake.go": "package fake\n\n//line other.go:1\nfunc f() {}\n"},
			file:   "fake.go",
			line:   3,
			reason: "//line is not allowed",
		},
		{
			name:   "block line directive",
			files:  map[string]string{"fake.go": "package fake\n\nfunc f() { /*line other.go:1:1*/ }\n"},
			file:   "fake.go",
			line:   3,
			reason: "/*line is not allowed",
		},
		{
			name:   "directive in a file that does not parse",
			files:  map[string]string{"fake.go": "package fake\n\nfunc f( {\n//go:norace\n"},
			file:   "fake.go",
			line:   4,
			reason: "//go:norace is not allowed",
		},
		{
			name:   "indented linkname inside a function",
			files:  map[string]string{"fake.go": "package fake\n\nfunc f() {\n\t//go:linkname x y\n}\n"},
			file:   "fake.go",
			line:   4,
			reason: "//go:linkname is not allowed",
		},
		{
			name:   "embed",
			files:  map[string]string{"fake.go": "package fake\n\n//go:embed answers.txt\nvar answers string\n"},
			file:   "fake.go",
			line:   3,
			reason: "//go:embed is not allowed",
		},
		{
			name:   "export",
			files:  map[string]string{"fake.go": "package fake\n\n//export F\nfunc F() {}\n"},
			file:   "fake.go",
			line:   3,
			reason: "//export is not allowed",
		},
		{
			name:    "exercise allow-list is exact",
			files:   map[string]string{"fake.go": "package fake\n\nimport \"math/rand\"\n"},
			allowed: []string{"math/rand/v2"},
			file:    "fake.go",
			line:    3,
			reason:  `import "math/rand" is not allowed in this exercise (allowed: math/rand/v2)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			allowed := catalog.DefaultAllowedImports
			if tt.allowed != nil {
				allowed = tt.allowed
			}
			err := Check(tt.file, []byte(tt.files[tt.file]), allowed)
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

func TestCheckAccepts(t *testing.T) {
	var b strings.Builder
	b.WriteString("//go:build !windows\n\npackage fake\n\nimport (\n")
	for _, p := range catalog.DefaultAllowedImports {
		b.WriteString("\t_ \"" + p + "\"\n")
	}
	b.WriteString("\t\"bufio\"\n)\n\n// goes: a comment, not a directive\n// line up the results\nvar _ = bufio.NewReader\n")
	src := []byte(b.String())

	allowed := catalog.Exercise{Imports: []string{"bufio"}}.AllowedImports()
	require.NoError(t, Check("fake.go", src, allowed))

	// The same file is refused under the default list, which lacks bufio.
	var refusal *Refusal
	require.ErrorAs(t, Check("fake.go", src, catalog.DefaultAllowedImports), &refusal)
	assert.Contains(t, refusal.Reason, `"bufio"`)

	// A syntax error is the compiler's to report, with its own message.
	assert.NoError(t, Check("fake.go", []byte("package fake\n\nimport \"sync\n"), allowed))
	assert.NoError(t, Check("fake.go", []byte(studentOK), allowed))
}

func TestReadStudentFile(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "fake.go")
	require.NoError(t, os.WriteFile(regular, []byte(studentOK), 0o644))
	big := filepath.Join(dir, "big.go")
	require.NoError(t, os.WriteFile(big, make([]byte, MaxFileSize+1), 0o644))
	link := filepath.Join(dir, "link.go")
	require.NoError(t, os.Symlink(regular, link))
	zero := filepath.Join(dir, "zero.go")
	require.NoError(t, os.Symlink("/dev/zero", zero))

	data, err := ReadStudentFile(regular, "fake.go")
	require.NoError(t, err)
	assert.Equal(t, studentOK, string(data))

	tests := []struct {
		path, reason string
	}{
		{filepath.Join(dir, "absent.go"), "missing"},
		{big, "larger than 1024 KiB"},
		{link, "symbolic link"},
		{zero, "symbolic link"},
		{"/dev/zero", "not a regular file"},
		{dir, "not a regular file"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			_, err := ReadStudentFile(tt.path, "fake.go")
			var refusal *Refusal
			require.ErrorAs(t, err, &refusal)
			assert.Equal(t, "fake.go", refusal.File)
			assert.Contains(t, refusal.Reason, tt.reason)
		})
	}
}

func TestRefusalError(t *testing.T) {
	assert.Equal(t, "a.go:3: no", (&Refusal{File: "a.go", Line: 3, Reason: "no"}).Error())
	assert.Equal(t, "a.s: no", (&Refusal{File: "a.s", Reason: "no"}).Error())
}
