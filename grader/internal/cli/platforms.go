package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/concurrency-kit/kit/grader/internal/formats/atomicfile"
	"github.com/concurrency-kit/kit/grader/internal/formats/badge"
	"github.com/concurrency-kit/kit/grader/internal/formats/github"
	"github.com/concurrency-kit/kit/grader/internal/formats/gradescope"
	"github.com/concurrency-kit/kit/grader/internal/formats/junit"
	"github.com/concurrency-kit/kit/grader/internal/report"
)

// writeLog prints the text report. In GitHub mode it is fenced with
// ::stop-commands:: and a fresh random token, since it holds what the
// student's code printed, so that none of it is taken as a workflow
// command.
func (a *App) writeLog(text string, githubMode bool) error {
	if !githubMode {
		_, err := io.WriteString(a.Stdout, text)
		return err
	}
	token, err := github.NewToken()
	for err == nil && strings.Contains(text, token) {
		token, err = github.NewToken()
	}
	if err != nil {
		return err
	}
	if err := github.WriteFenced(a.Stdout, token, text); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// writeGitHub does GitHub Actions mode's work after the report: an error
// annotation per failed test at a known line (on stdout, unless stdout is
// the JSON document), the job summary appended to $GITHUB_STEP_SUMMARY and
// the score to $GITHUB_OUTPUT, when the runner set them.
func (a *App) writeGitHub(doc *report.Document, annotate bool) error {
	if annotate {
		for _, an := range append(github.Annotations(doc), github.Warnings(doc)...) {
			if _, err := fmt.Fprintln(a.Stdout, an.String()); err != nil {
				return fmt.Errorf("write annotations: %w", err)
			}
		}
	}
	if name := os.Getenv("GITHUB_STEP_SUMMARY"); name != "" {
		if err := github.AppendFile(name, github.Summary(doc)); err != nil {
			return fmt.Errorf("write the job summary: %w", err)
		}
	}
	if name := os.Getenv("GITHUB_OUTPUT"); name != "" {
		if err := github.AppendFile(name, github.Outputs(doc)); err != nil {
			return fmt.Errorf("write the step outputs: %w", err)
		}
	}
	return nil
}

// writeFiles writes the files asked for with --junit, --gradescope and
// --badge, each whole or not at all.
func writeFiles(doc *report.Document, o *options) error {
	elapsed := time.Duration(0)
	if !o.started.IsZero() {
		elapsed = time.Since(o.started)
	}
	outputs := []struct {
		name   string
		render func() ([]byte, error)
	}{
		{o.junit, func() ([]byte, error) { return junit.Marshal(doc) }},
		{o.gradescope, func() ([]byte, error) { return gradescope.Marshal(doc, elapsed) }},
		{o.badge, func() ([]byte, error) { return badge.Marshal(doc) }},
	}
	for _, out := range outputs {
		if out.name == "" {
			continue
		}
		data, err := out.render()
		if err != nil {
			return err
		}
		if err := atomicfile.WriteFile(out.name, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
