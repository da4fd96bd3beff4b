// Package class grades a whole class (grader class): a folder of
// submissions, one per student (a checkout of their fork, a .zip or a
// .tar.gz), each graded in the clean room with the kit's own tests, into a
// gradebook (grades.csv), a result document and a feedback page per student,
// and a report to open in a browser (index.html).
//
// Work that many students share is done once: results are kept by content
// (package cache), so an exercise that many students left as the stub, or
// submitted with the same files, is built and run once, and a second run
// grades only what changed.
package class

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/event"
	"github.com/concurrency-kit/kit/grader/internal/grade"
	"github.com/concurrency-kit/kit/grader/internal/report"
)

// Options say how to grade the class.
type Options struct {
	// Grade are the grading options every submission is graded with:
	// the kit's files, the sandbox, the cache, jobs, CPUs and count. Root
	// and Exercises are set here.
	Grade grade.Options
	// Exercises are the kit's exercises, in order.
	Exercises []catalog.Exercise
	// Deadline, when set, grades a git checkout's last commit made at or
	// before it, and counts the commits made after it.
	Deadline time.Time
	// Stubs are the kit's stubs by path (exercises/01_goroutines/x.go):
	// an exercise whose files are the stub's is left out of the
	// comparison of submissions.
	Stubs map[string][]byte
	// Solutions is the folder that holds the kit's solutions/ ("" when
	// there is none): submissions that copy a reference solution are
	// noted.
	Solutions string
	// Work is a scratch folder for unpacked submissions.
	Work string
	// Progress, when set, is called after each student.
	Progress func(Progress)
	// Now gives the time of grading (time.Now when nil).
	Now func() time.Time
}

// Progress says how far the class has got.
type Progress struct {
	Done, Total int
	Student     string // the student just graded
}

// Statuses of a record.
const (
	StatusGraded = "graded"
	// statusNotGraded starts the status of a submission that could not be
	// graded at all; the reason follows.
	statusNotGraded = "not graded: "
)

// Record is one student's result: the result document of their grade
// (version 1, its fields inline), with where it came from.
type Record struct {
	report.Document
	Student string `json:"student"`
	// Submission is the entry's name in the submissions folder.
	Submission string `json:"submission"`
	// Commit is the git commit graded, when the submission is a checkout.
	Commit string `json:"commit,omitempty"`
	// LateCommits is the number of commits made after the deadline (nil
	// when no deadline was given or there is no history to look at).
	LateCommits *int      `json:"late_commits,omitempty"`
	GradedAt    time.Time `json:"graded_at"`
	// Status is "graded", "graded; ..." with what stopped some exercises
	// from building, or "not graded: " and the reason.
	Status string `json:"status"`
	// Fingerprints are, per exercise name, a hash of the student's files
	// with comments and formatting taken away; exercises left as the stub
	// are not listed. Equal fingerprints of two students mean the same
	// program.
	Fingerprints map[string]string `json:"fingerprints,omitempty"`
	// SolutionCopies are the exercises whose files are the reference
	// solution's, once comments and formatting are taken away.
	SolutionCopies []string `json:"solution_copies,omitempty"`
}

// Late is the number of commits made after the deadline (0 when unknown).
func (r Record) Late() int {
	if r.LateCommits == nil {
		return 0
	}
	return *r.LateCommits
}

// Graded reports whether the submission was graded.
func (r Record) Graded() bool { return !strings.HasPrefix(r.Status, statusNotGraded) }

// Grade grades the submissions one after another (each grade runs its
// exercises in parallel), and returns a record per submission, in order. A
// submission that cannot be graded is a record that says why; an error is
// returned only when grading itself fails or ctx ends.
func Grade(ctx context.Context, opts Options, subs []Submission) ([]Record, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	refs := readReferences(opts)
	records := make([]Record, 0, len(subs))
	for i, sub := range subs {
		rec, err := gradeOne(ctx, opts, refs, sub)
		if err != nil {
			return records, fmt.Errorf("student %s: %w", sub.Student, err)
		}
		rec.GradedAt = now().UTC().Truncate(time.Second)
		records = append(records, rec)
		if opts.Progress != nil {
			opts.Progress(Progress{Done: i + 1, Total: len(subs), Student: sub.Student})
		}
	}
	return records, nil
}

// gradeOne grades one submission.
func gradeOne(ctx context.Context, opts Options, refs references, sub Submission) (Record, error) {
	rec := Record{Student: sub.Student, Submission: filepath.Base(sub.Path)}
	if sub.Problem != "" {
		rec.Status = statusNotGraded + sub.Problem
		return rec, nil
	}
	root, cleanup, why, err := materialize(ctx, opts, sub, &rec)
	if err != nil {
		return rec, err
	}
	defer cleanup()
	if why != "" {
		rec.Status = statusNotGraded + why
		return rec, nil
	}
	g := opts.Grade
	g.Root, g.Exercises, g.Replace = root, opts.Exercises, nil
	doc, err := grade.Grade(ctx, g)
	switch {
	case ctx.Err() != nil:
		return rec, ctx.Err()
	case err != nil:
		// Whatever it was (a file that cannot be read, say), it stops
		// this submission, not the class.
		rec.Status = statusNotGraded + "the grader could not grade it: " + oneLine(err)
		return rec, nil
	}
	rec.Document = *doc
	rec.Status = status(doc)
	rec.Fingerprints, rec.SolutionCopies = fingerprints(opts, refs, root)
	return rec, nil
}

// status says what stopped exercises from building, if anything.
func status(doc *report.Document) string {
	var broken []string
	for _, e := range doc.Exercises {
		for _, t := range e.Tests {
			if t.Cause == event.CauseBuild {
				broken = append(broken, e.Name)
				break
			}
		}
	}
	if len(broken) == 0 {
		return StatusGraded
	}
	return StatusGraded + "; does not build: " + strings.Join(broken, ", ")
}

// materialize returns the folder to grade the submission from: the
// student's folder itself, or a scratch folder with the files of an
// archive or of the commit at the deadline. why is set when the submission
// cannot be graded.
func materialize(ctx context.Context, opts Options, sub Submission, rec *Record) (root string, cleanup func(), why string, err error) {
	cleanup = func() {}
	var files unpacked
	switch sub.Kind {
	case KindFolder:
		if isGitCheckout(sub.Path) {
			if !opts.Deadline.IsZero() {
				commit, late, err := atDeadline(ctx, sub.Path, opts.Deadline)
				if err != nil {
					return "", cleanup, "its git history cannot be read: " + oneLine(err), nil
				}
				rec.LateCommits = &late
				if commit == "" {
					return "", cleanup, "every commit was made after the deadline", nil
				}
				rec.Commit = commit
				if files, err = filesAt(ctx, sub.Path, commit); err != nil {
					return "", cleanup, "its commit " + commit + " cannot be read: " + oneLine(err), nil
				}
				break
			}
			if commit, err := headCommit(ctx, sub.Path); err == nil {
				rec.Commit = commit
			}
		}
		if !isKitFolder(sub.Path) {
			return "", cleanup, errNotAKit.Error(), nil
		}
		return sub.Path, cleanup, "", nil
	case KindZip:
		if files, err = unzip(sub.Path); err != nil {
			return "", cleanup, "the zip archive does not unpack: " + oneLine(err), nil
		}
	case KindTarGz:
		if files, err = untarFile(sub.Path); err != nil {
			return "", cleanup, "the tar.gz archive does not unpack: " + oneLine(err), nil
		}
	}
	if !files.rooted().isKit() {
		return "", cleanup, errNotAKit.Error(), nil
	}
	dir, err := os.MkdirTemp(opts.Work, "submission-")
	if err != nil {
		return "", cleanup, "", fmt.Errorf("make a scratch folder: %w", err)
	}
	cleanup = func() { os.RemoveAll(dir) }
	if err := files.writeTo(dir); err != nil {
		cleanup()
		return "", func() {}, "", fmt.Errorf("unpack: %w", err)
	}
	return dir, cleanup, "", nil
}

// oneLine is an error's text on one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
