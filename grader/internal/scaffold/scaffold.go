// Package scaffold adds a new exercise to the kit (grader new NAME): the
// exercise folder with a README, a stub and a test file, the solution folder
// with a reference solution and a first wrong fixture, an entry at the end
// of the catalog and a row in the README's exercise table. Every file is a
// starting point that already passes the kit's self-check, so the author
// fills in a working exercise rather than a broken one.
package scaffold

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/internal/verify"
)

// validName is a name students can type: lower-case words joined by '-'.
var validName = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Exercise is what New made.
type Exercise struct {
	Name, Dir, Package string
	Files              []string // the files written, relative to the kit's root
}

// New adds the exercise name to the kit at root, whose catalog is cat. It
// refuses a name or folder the kit already has, and writes nothing then.
func New(root string, cat *catalog.Catalog, name string) (*Exercise, error) {
	if !validName.MatchString(name) {
		return nil, fmt.Errorf("%q is not a valid exercise name: use lower-case words joined by '-' (\"bounded-pool\")", name)
	}
	if _, taken := cat.Lookup(name); taken {
		return nil, fmt.Errorf("the kit already has an exercise %q", name)
	}
	next := 1
	for _, ex := range cat.Exercises {
		next = max(next, ex.Row+1)
	}
	pkg := strings.ReplaceAll(name, "-", "")
	ex := &Exercise{Name: name, Dir: fmt.Sprintf("%02d_%s", next, strings.ReplaceAll(name, "-", "_")), Package: pkg}
	files := map[string]string{
		"exercises/" + ex.Dir + "/README.md":                            readmeTemplate,
		"exercises/" + ex.Dir + "/" + verify.ChineseReadme:              readmeZHTemplate,
		"exercises/" + ex.Dir + "/" + pkg + ".go":                       stubTemplate,
		"exercises/" + ex.Dir + "/" + pkg + "_test.go":                  testTemplate,
		"solutions/" + ex.Dir + "/" + pkg + ".go":                       solutionTemplate,
		"solutions/" + ex.Dir + "/testdata/mistakes/forgets_to_wait.go": mistakeTemplate,
	}
	for _, dir := range []string{"exercises/" + ex.Dir, "solutions/" + ex.Dir} {
		if _, err := os.Stat(filepath.Join(root, dir)); !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s already exists", dir)
		}
	}
	// Everything is prepared before anything is written.
	shared, err := sharedFiles(root, next, ex)
	if err != nil {
		return nil, err
	}
	rendered, err := renderAll(files, ex)
	if err != nil {
		return nil, err
	}
	for _, path := range slices.Sorted(maps.Keys(rendered)) {
		full := filepath.Join(root, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return nil, fmt.Errorf("make %s: %w", filepath.Dir(path), err)
		}
		if err := os.WriteFile(full, rendered[path], 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", path, err)
		}
		ex.Files = append(ex.Files, path)
	}
	for _, f := range shared {
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(f.path)), f.data, 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", f.path, err)
		}
		ex.Files = append(ex.Files, f.path)
	}
	return ex, nil
}

// file is a file of the kit to write, by its path relative to the root.
type file struct {
	path string
	data []byte
}

// sharedFiles are the kit's files that New changes: the catalog with the
// exercise's entry, and the README and its Chinese edition with its row (if
// the translation was up to date, it stays so: the English changed by that
// row only).
func sharedFiles(root string, row int, ex *Exercise) ([]file, error) {
	catalogJSON, err := addEntry(filepath.Join(root, "exercises", "catalog.json"), ex)
	if err != nil {
		return nil, err
	}
	readmePath := filepath.Join(root, "README.md")
	readme, err := addReadmeRow(readmePath, row, ex, "TODO: what it teaches")
	if err != nil {
		return nil, err
	}
	readmeZH, err := addReadmeRow(filepath.Join(root, verify.ChineseReadme), row, ex, "TODO：它教什么")
	if err != nil {
		return nil, err
	}
	readmeZH = retranslated(readmeZH, mustReadOld(readmePath), readme)
	return []file{{"exercises/catalog.json", catalogJSON}, {"README.md", readme}, {verify.ChineseReadme, readmeZH}}, nil
}

// renderAll renders the new exercise's files; the Chinese README gets its
// translation line, naming the English README it translates.
func renderAll(files map[string]string, ex *Exercise) (map[string][]byte, error) {
	out := map[string][]byte{}
	for path, text := range files {
		content, err := render(text, ex)
		if err != nil {
			return nil, err
		}
		if strings.HasSuffix(path, "/"+verify.ChineseReadme) {
			english, err := render(readmeTemplate, ex)
			if err != nil {
				return nil, err
			}
			content = append([]byte(verify.TranslationLine(english)+"\n"), content...)
		}
		out[path] = content
	}
	return out, nil
}

func render(text string, ex *Exercise) ([]byte, error) {
	t, err := template.New("file").Delims("[[", "]]").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("scaffold template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, ex); err != nil {
		return nil, fmt.Errorf("scaffold template: %w", err)
	}
	return b.Bytes(), nil
}

// addEntry returns the catalog with the exercise's entry added at the end,
// leaving the other entries as they were written.
func addEntry(path string, ex *Exercise) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the catalog: %w", err)
	}
	var doc struct {
		Exercises []json.RawMessage `json:"exercises"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("read the catalog: %w", err)
	}
	entry, err := json.Marshal(map[string]any{
		"name": ex.Name, "dir": ex.Dir, "section": "TODO: the section of the notes it teaches",
		"files":   []string{ex.Package + ".go"},
		"hint":    "TODO: a hint that helps without giving the answer away.",
		"hint_zh": "TODO：一个有帮助、但不泄露答案的提示。",
	})
	if err != nil {
		return nil, err
	}
	doc.Exercises = append(doc.Exercises, entry)
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// mustReadOld reads the English README as it was before New changed it
// ("" when it cannot: the translation then counts as stale).
func mustReadOld(path string) []byte {
	data, _ := os.ReadFile(path)
	return data
}

// retranslated moves a translation's line from the old English text to the
// new one, when it named the old one: the translation had the same change.
func retranslated(translation, oldEnglish, newEnglish []byte) []byte {
	old := []byte(verify.TranslationLine(oldEnglish))
	if !bytes.HasPrefix(translation, old) {
		return translation
	}
	return append([]byte(verify.TranslationLine(newEnglish)), translation[len(old):]...)
}

// tableRow matches a row of the README's exercise table.
var tableRow = regexp.MustCompile(`(?m)^\| *\d+ *\| *\[[^\]]+\]\(exercises/[^)]+\) *\|.*\n`)

// addReadmeRow adds the exercise's row after the last row of the README's
// exercise table.
func addReadmeRow(path string, row int, ex *Exercise, teaches string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	rows := tableRow.FindAllIndex(data, -1)
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s has no exercise table to add the exercise to", filepath.Base(path))
	}
	end := rows[len(rows)-1][1]
	line := fmt.Sprintf("| %02d | [%s](exercises/%s) | %s |\n", row, ex.Name, ex.Dir, teaches)
	return append(append(append([]byte{}, data[:end]...), line...), data[end:]...), nil
}
