package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/internal/cache"
	"github.com/concurrency-kit/kit/grader/internal/class"
	"github.com/concurrency-kit/kit/grader/internal/grade"
	"github.com/concurrency-kit/kit/grader/internal/sandbox"
)

// classCacheDir is the folder, in the class report's folder, that keeps
// results by content, so that a second run grades only what changed.
const classCacheDir = ".cache"

// runClass is grader class SUBMISSIONS and grader class merge DIR....
func runClass(ctx context.Context, a *App, o *options, args []string) error {
	course, err := a.course()
	if err != nil {
		return err
	}
	cat := course.Catalog
	if args[0] == "merge" {
		return mergeClass(a, o, cat, args[1:])
	}
	if len(args) != 1 {
		return usageErrorf("class needs one folder of submissions (got %d arguments); to join shards, use grader class merge DIR...", len(args))
	}
	subs, err := class.Find(args[0])
	if err != nil {
		return asUsage(err)
	}
	if o.shardCount > 0 {
		subs = class.Shard(subs, o.shard, o.shardCount)
	}
	files := course.Files
	if altered := files.Altered; len(altered) > 0 {
		return fmt.Errorf("this grader was built from a kit whose own files were edited (%s); a class is graded only with the kit's own files: restore them with git checkout and build the grader again",
			strings.Join(altered, ", "))
	}
	box, err := openSandbox(o)
	if err != nil {
		return err
	}
	defer box.Close()
	work, err := os.MkdirTemp("", "kit-class-")
	if err != nil {
		return fmt.Errorf("make a scratch folder: %w", err)
	}
	defer os.RemoveAll(work)
	opts, err := classOptions(o, course, box, work)
	if err != nil {
		return err
	}
	view := newClassProgress(a.Stderr, a.StderrTerminal, len(subs))
	opts.Progress = view.update
	records, err := class.Grade(ctx, opts, subs)
	view.stop()
	if err != nil {
		return err
	}
	if err := class.Write(o.out, cat.Exercises, records); err != nil {
		return fmt.Errorf("write the class report: %w", err)
	}
	return a.classSummary(o.out, records)
}

// classOptions are the options a class is graded with: the course's kit
// files, the results kept in the report folder (cleared by --force), and
// the flags.
func classOptions(o *options, course *Course, box *sandbox.Sandbox, work string) (class.Options, error) {
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return class.Options{}, fmt.Errorf("make the report folder: %w", err)
	}
	results := cache.Open(filepath.Join(o.out, classCacheDir))
	if o.force {
		if err := results.Clear(); err != nil {
			return class.Options{}, fmt.Errorf("clear the results kept from the last run: %w", err)
		}
	}
	salt, err := cacheSalt()
	if err != nil {
		return class.Options{}, fmt.Errorf("identify the grader for its results cache: %w", err)
	}
	return class.Options{
		Grade: grade.Options{
			Kit: course.Files.FS, Module: Module, CPUs: o.cpus, Count: o.count, Jobs: o.jobs, Sandbox: box,
			Cache: results, CacheSalt: salt,
		},
		Exercises: course.Catalog.Exercises,
		Deadline:  o.deadline,
		Stubs:     stubs(course.Stubs),
		Solutions: solutionsRoot(o.dir),
		Work:      work,
	}, nil
}

// mergeClass joins the class reports of shards into one.
func mergeClass(a *App, o *options, cat *catalog.Catalog, dirs []string) error {
	if len(dirs) == 0 {
		return usageErrorf("class merge needs the report folders of the shards")
	}
	var all []class.Record
	from := map[string]string{}
	for _, dir := range dirs {
		records, err := class.Read(dir)
		if err != nil {
			return asUsage(err)
		}
		for _, r := range records {
			if other, dup := from[r.Student]; dup {
				return usageErrorf("student %s is in two shards, %s and %s", r.Student, other, dir)
			}
			from[r.Student] = dir
		}
		all = append(all, records...)
	}
	class.SortRecords(all)
	if err := class.Write(o.out, cat.Exercises, all); err != nil {
		return fmt.Errorf("write the class report: %w", err)
	}
	return a.classSummary(o.out, all)
}

// classSummary says where the report is, and how many submissions could
// not be graded.
func (a *App) classSummary(out string, records []class.Record) error {
	notGraded := 0
	for _, r := range records {
		if !r.Graded() {
			notGraded++
		}
	}
	line := fmt.Sprintf("graded %d of %d submissions", len(records)-notGraded, len(records))
	if notGraded > 0 {
		line += fmt.Sprintf(" (%d could not be graded: see their status)", notGraded)
	}
	_, err := fmt.Fprintf(a.Stdout, "%s\n  gradebook: %s\n  report:    %s\n  feedback:  %s\n", line,
		filepath.Join(out, class.GradesFile), filepath.Join(out, class.IndexFile), filepath.Join(out, class.StudentsDir, "<student>.md"))
	return err
}

// stubs are the course's stubs, by path, as bytes.
func stubs(course map[string]string) map[string][]byte {
	out := map[string][]byte{}
	for name, data := range course {
		out[name] = []byte(data)
	}
	return out
}

// solutionsRoot is dir when it holds the kit's reference solutions, so that
// copies of them are noted; "" when it does not.
func solutionsRoot(dir string) string {
	if info, err := os.Stat(filepath.Join(dir, "solutions")); err == nil && info.IsDir() {
		return dir
	}
	return ""
}

// parseShard reads --shard I/N.
func parseShard(v string) (i, n int, err error) {
	a, b, ok := strings.Cut(v, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return 0, 0, fmt.Errorf("must be I/N with 1 ≤ I ≤ N, such as 2/4")
	}
	return i, n, nil
}

// parseDeadline reads --deadline: RFC 3339 (2026-12-24T18:00:00+01:00), or
// a date and time, or a date (the end of that day), in local time.
func parseDeadline(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, v, time.Local); err == nil {
			return t, nil
		}
	}
	if t, err := time.ParseInLocation("2006-01-02", v, time.Local); err == nil {
		return t.Add(24*time.Hour - time.Second), nil
	}
	return time.Time{}, fmt.Errorf("must be a time such as 2026-12-24T18:00:00+01:00, \"2026-12-24 18:00\" or 2026-12-24")
}

// classProgress shows how far a class has got: on a terminal a bar with
// the time left, elsewhere a line per student.
type classProgress struct {
	w        io.Writer
	terminal bool
	total    int
	start    time.Time
	drawn    bool
}

func newClassProgress(w io.Writer, terminal bool, total int) *classProgress {
	p := &classProgress{w: w, terminal: terminal, total: total, start: time.Now()}
	if w != nil && terminal && total > 0 {
		fmt.Fprintf(w, "\r\x1b[K%s", p.bar(0, ""))
		p.drawn = true
	}
	return p
}

func (p *classProgress) update(step class.Progress) {
	if p.w == nil {
		return
	}
	if !p.terminal {
		fmt.Fprintf(p.w, "grader: graded %s (%d of %d)\n", step.Student, step.Done, step.Total)
		return
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s", p.bar(step.Done, step.Student))
	p.drawn = true
}

// bar is the terminal line: [#####-----] 12/40 students, about 2m10s left.
func (p *classProgress) bar(done int, last string) string {
	const width = 20
	filled := width * done / max(p.total, 1)
	line := fmt.Sprintf("[%s%s] %d/%d students", strings.Repeat("#", filled), strings.Repeat("-", width-filled), done, p.total)
	if done > 0 && done < p.total {
		left := time.Since(p.start) / time.Duration(done) * time.Duration(p.total-done)
		line += fmt.Sprintf(", about %s left", left.Round(time.Second))
	}
	if last != "" {
		line += " (last: " + last + ")"
	}
	if r := []rune(line); len(r) > 79 {
		line = string(r[:78]) + "…"
	}
	return line
}

func (p *classProgress) stop() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
