package class

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/internal/formats/atomicfile"
	"github.com/concurrency-kit/kit/grader/internal/report"
)

// The files of a class report, in its folder.
const (
	GradesFile  = "grades.csv"
	IndexFile   = "index.html"
	StudentsDir = "students"
)

// Write writes the class report into dir: grades.csv, index.html, and
// students/<student>.json and .md for every record. Every file is written
// whole or not at all.
func Write(dir string, exercises []catalog.Exercise, records []Record) error {
	if err := os.MkdirAll(filepath.Join(dir, StudentsDir), 0o755); err != nil {
		return fmt.Errorf("make the report folder: %w", err)
	}
	for _, r := range records {
		data, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return fmt.Errorf("student %s: %w", r.Student, err)
		}
		if err := atomicfile.WriteFile(filepath.Join(dir, StudentsDir, r.Student+".json"), append(data, '\n'), 0o644); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(filepath.Join(dir, StudentsDir, r.Student+".md"), Feedback(r), 0o644); err != nil {
			return err
		}
	}
	if err := removeOthers(filepath.Join(dir, StudentsDir), records); err != nil {
		return err
	}
	gradebook, err := Gradebook(exercises, records)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, GradesFile), gradebook, 0o644); err != nil {
		return err
	}
	page, err := Page(exercises, records)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, IndexFile), page, 0o644)
}

// removeOthers removes the feedback and documents of students that are not
// among the records (left by an earlier run over another class), so that
// the folder is the report of this class only.
func removeOthers(dir string, records []Record) error {
	keep := map[string]bool{}
	for _, r := range records {
		keep[r.Student+".json"], keep[r.Student+".md"] = true, true
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if (strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".md")) && !keep[name] {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return fmt.Errorf("remove the stale %s: %w", name, err)
			}
		}
	}
	return nil
}

// validStudent reports whether a student's name can name their files.
func validStudent(name string) bool {
	return name != "" && !strings.HasPrefix(name, ".") && !strings.ContainsAny(name, "/\\\x00")
}

// Read reads the records of a class report folder (students/*.json), in
// student order: a shard's output, for merging.
func Read(dir string) ([]Record, error) {
	files, err := filepath.Glob(filepath.Join(dir, StudentsDir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s does not exist", dir)
		}
		return nil, fmt.Errorf("%s is not a class report: it has no %s/*.json", dir, StudentsDir)
	}
	records := make([]Record, 0, len(files))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		var r Record
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if !validStudent(r.Student) {
			return nil, fmt.Errorf("%s: %q cannot be a student's name", file, r.Student)
		}
		if r.Version != report.Version && r.Graded() {
			return nil, fmt.Errorf("%s: a result document of version %d; this grader reads version %d", file, r.Version, report.Version)
		}
		records = append(records, r)
	}
	SortRecords(records)
	return records, nil
}

// SortRecords puts records in student order.
func SortRecords(records []Record) {
	slices.SortFunc(records, func(a, b Record) int { return strings.Compare(a.Student, b.Student) })
}

// Header is the gradebook's first row for the exercises.
func Header(exercises []catalog.Exercise) []string {
	row := []string{"student"}
	for _, ex := range exercises {
		row = append(row, ex.Name)
	}
	return append(row, "total", "max", "commit", "late", "changed_kit_files", "status")
}

// maxScore is the kit's total.
func maxScore(exercises []catalog.Exercise) float64 {
	total := 0.0
	for _, ex := range exercises {
		total += ex.Points
	}
	return total
}

// Gradebook is grades.csv: a header, then one row per record. Scores are
// plain decimal numbers; a submission that was not graded has empty score
// cells and says why in its status.
func Gradebook(exercises []catalog.Exercise, records []Record) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(Header(exercises)); err != nil {
		return nil, err
	}
	most := number(maxScore(exercises))
	for _, r := range records {
		row := []string{cell(r.Student)}
		scores := map[string]float64{}
		for _, e := range r.Exercises {
			scores[e.Name] = e.Score
		}
		for _, ex := range exercises {
			score, ok := scores[ex.Name]
			if !r.Graded() || !ok {
				row = append(row, "")
				continue
			}
			row = append(row, number(score))
		}
		total := ""
		if r.Graded() {
			total = number(r.Score)
		}
		late := ""
		if r.LateCommits != nil {
			late = strconv.Itoa(*r.LateCommits)
		}
		row = append(row, total, most, r.Commit, late,
			cell(strings.Join(r.ChangedKitFiles, " ")), cell(r.Status))
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// number writes a score as a spreadsheet reads it: 10, 7.5, 2.67.
func number(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// cell keeps a text from being read as a formula by a spreadsheet (a name
// or reason that starts with =, +, - or @).
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Feedback is the Markdown a teacher hands back to the student.
func Feedback(r Record) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Feedback: %s\n\n", r.Student)
	fmt.Fprintf(&b, "Graded %s UTC", r.GradedAt.UTC().Format("2006-01-02 15:04"))
	if r.Commit != "" {
		fmt.Fprintf(&b, " at commit `%s`", short(r.Commit))
	}
	b.WriteString(".")
	if r.LateCommits != nil && *r.LateCommits > 0 {
		fmt.Fprintf(&b, " %d commit(s) made after the deadline were not graded.", *r.LateCommits)
	}
	b.WriteString("\n\n")
	if !r.Graded() {
		fmt.Fprintf(&b, "Your submission could not be graded: %s.\n", strings.TrimPrefix(r.Status, statusNotGraded))
		return []byte(b.String())
	}
	fmt.Fprintf(&b, "**Total: %s of %s**\n\n", number(r.Score), number(r.MaxScore))
	b.WriteString("| exercise | score | tests passed |\n|---|---:|---:|\n")
	for _, e := range r.Exercises {
		fmt.Fprintf(&b, "| %s | %s / %s | %d / %d |\n", e.Name, number(e.Score), number(e.MaxScore), e.Passed, e.Total)
	}
	var failed []report.Exercise
	for _, e := range r.Exercises {
		if !e.Done() {
			failed = append(failed, e)
		}
	}
	if len(failed) > 0 {
		b.WriteString("\n## What failed\n")
		for _, e := range failed {
			fmt.Fprintf(&b, "\n### %s (%s): %s of %s\n\n", e.Name, e.Path, number(e.Score), number(e.MaxScore))
			for _, t := range e.Tests {
				if t.Status == report.Pass {
					continue
				}
				fmt.Fprintf(&b, "- **%s** (%s): %s", t.Name, t.Cause, markdownText(t.Message))
				if t.File != "" {
					fmt.Fprintf(&b, " (`%s:%d`)", t.File, t.Line)
				}
				b.WriteString("\n")
			}
		}
	}
	if len(r.ChangedKitFiles) > 0 {
		b.WriteString("\n## Kit files you changed\n\nThese files differ from the kit's own; the grade used the kit's copies, so your changes to them counted for nothing:\n\n")
		for _, f := range r.ChangedKitFiles {
			fmt.Fprintf(&b, "- `%s`\n", f)
		}
	}
	if len(r.IgnoredFiles) > 0 {
		b.WriteString("\n## Files the grade left out\n\nOnly the files each exercise's README names as yours are graded:\n\n")
		for _, f := range r.IgnoredFiles {
			fmt.Fprintf(&b, "- `%s`\n", f)
		}
	}
	return []byte(b.String())
}

// markdownText puts a message on one line, with Markdown's special
// characters taken literally.
func markdownText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", "|", `\|`).Replace(s)
}

// short is a commit's short form.
func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}
