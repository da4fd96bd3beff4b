// Package formatstest checks the grader's outputs for CI platforms and
// grading services against the rules of the programs that read them: the
// JUnit schema Jenkins and GitLab document, GitHub's workflow-command
// syntax as its runner reads a step's log, and the fields and types of
// Gradescope's results.json and of a shields.io endpoint badge. The
// formats' own tests and the grade's end-to-end test share these checks.
package formatstest

import (
	_ "embed"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// junitSchema is the Jenkins xUnit plugin's JUnit schema (see the comment
// at its top for its source).
//
//go:embed testdata/junit-10.xsd
var junitSchema []byte

// ValidateJUnit validates a JUnit file against the schema with xmllint
// (Debian's libxml2-utils, which .ci/run installs). Without xmllint the
// test is skipped, saying so; call it in a subtest of its own.
func ValidateJUnit(t testing.TB, data []byte) {
	t.Helper()
	if err := validateJUnit(t, data); err != nil {
		t.Errorf("the JUnit file does not validate against the schema: %v", err)
	}
}

// validateJUnit returns xmllint's complaint, nil when the file is valid.
func validateJUnit(t testing.TB, data []byte) error {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint is not installed (Debian: apt-get install libxml2-utils), so the JUnit file is not validated against the schema")
	}
	dir := t.TempDir()
	schema, file := filepath.Join(dir, "junit.xsd"), filepath.Join(dir, "report.xml")
	if err := os.WriteFile(schema, junitSchema, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", schema, file).CombinedOutput()
	if err != nil {
		return &xmllintError{string(out)}
	}
	return nil
}

type xmllintError struct{ out string }

func (e *xmllintError) Error() string { return strings.TrimSpace(e.out) }

// Command is a workflow command that GitHub's runner would carry out.
type Command struct {
	Name       string // error, stop-commands, set-output, or the token that resumes commands
	Properties string // key=value,key=value (escaped)
	Data       string // after the second "::" (escaped)
	Line       string
}

// commandLine is a workflow command: "::name props::data".
var commandLine = regexp.MustCompile(`^::([A-Za-z0-9_-]+)(?: ([^:]*))?::(.*)$`)

// ProcessedCommands reads a step's log as GitHub's runner does and returns
// the workflow commands it would carry out, in order: every line of the
// command form (leading blanks ignored), except that after
// "::stop-commands::TOKEN" nothing is a command until the line "::TOKEN::".
func ProcessedCommands(log string) []Command {
	var out []Command
	stopped := ""
	for line := range strings.Lines(log) {
		line = strings.TrimLeft(strings.TrimRight(line, "\r\n"), " \t")
		if stopped != "" {
			if line == "::"+stopped+"::" {
				out = append(out, Command{Name: stopped, Line: line})
				stopped = ""
			}
			continue
		}
		m := commandLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		c := Command{Name: m[1], Properties: m[2], Data: m[3], Line: line}
		if c.Name == "stop-commands" {
			stopped = c.Data
		}
		out = append(out, c)
	}
	return out
}

// annotationLine is the one form the grader's annotations take: property
// values escaped (no raw : or ,), data on one line.
var annotationLine = regexp.MustCompile(`^::error file=[^,:\r\n]+,line=[1-9][0-9]*,title=[^,:\r\n]+::[^\r\n]*$`)

// CheckWorkflowLog checks what the grader printed in GitHub mode: the
// commands the runner would carry out are only the grader's own (fences
// with a long random token, and at most max well-formed ::error
// annotations), so nothing a student printed is carried out. It returns
// the annotations.
func CheckWorkflowLog(t testing.TB, log string, max int) []Command {
	t.Helper()
	var errors []Command
	warnings := 0
	for _, c := range ProcessedCommands(log) {
		switch {
		case c.Name == "stop-commands":
			if len(c.Data) < 32 {
				t.Errorf("stop-commands token %q is too short to be unguessable", c.Data)
			}
		case c.Name == "warning":
			if !annotationLine.MatchString(strings.Replace(c.Line, "::warning ", "::error ", 1)) {
				t.Errorf("malformed annotation: %q", c.Line)
			}
			warnings++
		case c.Name == "error":
			if !annotationLine.MatchString(c.Line) {
				t.Errorf("malformed annotation: %q", c.Line)
			}
			if strings.Contains(c.Data, "forged") {
				t.Errorf("a forged command was carried out: %q", c.Line)
			}
			errors = append(errors, c)
		case len(c.Name) >= 32:
			// the token that resumes commands
		default:
			t.Errorf("the runner would carry out a command the grader did not mean: %q", c.Line)
		}
	}
	if len(errors) > max {
		t.Errorf("%d error annotations; GitHub keeps %d per step", len(errors), max)
	}
	if warnings > max {
		t.Errorf("%d warning annotations; GitHub keeps %d per step", warnings, max)
	}
	return errors
}

// gradescopeVisibility are the values Gradescope takes for visibility.
var gradescopeVisibility = []string{"hidden", "after_due_date", "after_published", "visible"}

// CheckGradescope checks a results.json: the fields Gradescope reads, with
// their types, a status of passed or failed, a known visibility, test
// scores within their maximum, and a top-level score within max_score.
func CheckGradescope(t testing.TB, data []byte) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("results.json is not JSON: %v", err)
	}
	number(t, doc, "score")
	max := number(t, doc, "max_score")
	if number(t, doc, "score") > max {
		t.Errorf("score above max_score")
	}
	number(t, doc, "execution_time")
	text(t, doc, "output")
	visibility(t, doc)
	tests, ok := doc["tests"].([]any)
	if !ok {
		t.Fatalf("tests is %T, not an array", doc["tests"])
	}
	for i, raw := range tests {
		test, ok := raw.(map[string]any)
		if !ok {
			t.Fatalf("tests[%d] is %T, not an object", i, raw)
		}
		name := text(t, test, "name")
		if !regexp.MustCompile(`^[0-9]{2}_[a-z0-9_]+/Test\w+$`).MatchString(name) {
			t.Errorf("tests[%d].name %q is not NN_exercise/TestX", i, name)
		}
		score, testMax := number(t, test, "score"), number(t, test, "max_score")
		if score < 0 || score > testMax {
			t.Errorf("tests[%d]: score %v outside 0..%v", i, score, testMax)
		}
		switch status := text(t, test, "status"); status {
		case "passed", "failed":
		default:
			t.Errorf("tests[%d].status is %q, not passed or failed", i, status)
		}
		text(t, test, "output")
		visibility(t, test)
	}
}

// CheckBadge checks a shields.io endpoint file: schemaVersion 1 and the
// label, message and color strings shields.io requires.
func CheckBadge(t testing.TB, data []byte) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the badge is not JSON: %v", err)
	}
	if v := number(t, doc, "schemaVersion"); v != 1 {
		t.Errorf("schemaVersion is %v, not 1", v)
	}
	for _, key := range []string{"label", "message", "color"} {
		if text(t, doc, key) == "" {
			t.Errorf("%s is empty", key)
		}
	}
}

func number(t testing.TB, obj map[string]any, key string) float64 {
	t.Helper()
	v, ok := obj[key].(float64)
	if !ok {
		t.Errorf("%s is %T (%v), not a number", key, obj[key], obj[key])
	}
	return v
}

func text(t testing.TB, obj map[string]any, key string) string {
	t.Helper()
	v, ok := obj[key].(string)
	if !ok {
		t.Errorf("%s is %T (%v), not a string", key, obj[key], obj[key])
	}
	return v
}

func visibility(t testing.TB, obj map[string]any) {
	t.Helper()
	v := text(t, obj, "visibility")
	for _, ok := range gradescopeVisibility {
		if v == ok {
			return
		}
	}
	t.Errorf("visibility %q is not one of %v", v, gradescopeVisibility)
}
