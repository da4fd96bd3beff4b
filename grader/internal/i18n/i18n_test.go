package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/event"
)

// translated are the calls whose first argument is a message to translate:
// a Printer's Tr and Trf, and the cli's usageErrorf (said by exit through a
// Printer).
var translated = []string{"Tr", "Trf", "usageErrorf"}

// messages collects every message the grader's code (grader/, but not its
// tests) passes to a translated call, with where it is.
func messages(t *testing.T) map[string]string {
	t.Helper()
	found := map[string]string{}
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.Contains(path, "testdata") {
			return err
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			name := ""
			switch f := call.Fun.(type) {
			case *ast.SelectorExpr:
				name = f.Sel.Name
			case *ast.Ident:
				name = f.Name
			}
			if !slices.Contains(translated, name) {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				// The Printer's own methods, and exit, which says a
				// usageErrorf's format (checked at the usageErrorf), pass
				// formats on.
				if sel, isSel := call.Args[0].(*ast.SelectorExpr); isSel && sel.Sel.Name == "format" {
					return true
				}
				if path != filepath.Join(root, "internal", "i18n", "i18n.go") {
					t.Errorf("%s: %s's message is not a string literal, so it cannot be checked", fset.Position(call.Pos()), name)
				}
				return true
			}
			text, err := strconv.Unquote(lit.Value)
			require.NoError(t, err)
			found[text] = fset.Position(call.Pos()).String()
			return true
		})
		return nil
	})
	require.NoError(t, err)
	return found
}

// TestEveryMessageIsTranslated: every message of the grader has a Chinese
// text with the same verbs in the same order, and every Chinese text still
// has its message.
func TestEveryMessageIsTranslated(t *testing.T) {
	found := messages(t)
	require.NotEmpty(t, found)
	for text, where := range found {
		zh, ok := chinese[text]
		if !assert.True(t, ok, "%s: no Chinese text for %q (add it to zh.go)", where, text) {
			continue
		}
		assert.Equal(t, verbs(text), verbs(zh), "%s: the Chinese text of %q takes other arguments", where, text)
	}
	for text := range chinese {
		_, ok := found[text]
		assert.True(t, ok, "zh.go translates %q, which the grader no longer says", text)
	}
	for _, c := range []string{"fail", "race", "leak", "deadlock", "timeout", "panic", "crash", "memory", "build"} {
		assert.NotEqual(t, c, Printer{Lang: Chinese}.Cause(event.Cause(c)), "cause %s has no Chinese meaning", c)
	}
}

// verbs lists a format's verbs in order (%s, %d, %q, %v; %% is not one).
func verbs(format string) []string {
	var out []string
	for i := 0; i < len(format)-1; i++ {
		if format[i] == '%' {
			if format[i+1] != '%' {
				out = append(out, format[i:i+2])
			}
			i++
		}
	}
	return out
}

func TestFromEnv(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want Lang
	}{
		{map[string]string{}, English},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, Chinese},
		{map[string]string{"LANG": "en_US.UTF-8"}, English},
		{map[string]string{"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, English},
		{map[string]string{"LANG": "C", "LC_MESSAGES": "zh_TW.UTF-8"}, Chinese},
		{map[string]string{"LC_ALL": "zh_CN", "LC_MESSAGES": "en_US"}, Chinese},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, FromEnv(func(k string) string { return tt.env[k] }), "%v", tt.env)
	}
}

func TestWidth(t *testing.T) {
	assert.Equal(t, 5, Width("hello"))
	assert.Equal(t, 4, Width("总分"))
	assert.Equal(t, 8, Width("总分：10"), "the full-width colon takes two columns")
	head, rest := Cut("总分abc", 3)
	assert.Equal(t, "总", head)
	assert.Equal(t, "分abc", rest)
}
