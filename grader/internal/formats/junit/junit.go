// Package junit renders a result document as JUnit XML, the test report
// format that Jenkins, GitLab (artifacts:reports:junit), GitHub test
// reporters and gotestsum's --junitfile readers take.
//
// Each exercise is one <testsuite>; each test one <testcase> whose
// classname is the exercise's folder. A failed test holds a <failure>
// whose type is its cause, or an <error> when the exercise did not build,
// and its output is in the testcase's <system-out>, where GitLab shows it.
package junit

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/concurrency-kit/kit/grader/event"
	"github.com/concurrency-kit/kit/grader/internal/report"
)

type testSuites struct {
	XMLName  xml.Name    `xml:"testsuites"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Time     string      `xml:"time,attr"`
	Suites   []testSuite `xml:"testsuite"`
}

type testSuite struct {
	Name     string     `xml:"name,attr"`
	Tests    int        `xml:"tests,attr"`
	Failures int        `xml:"failures,attr"`
	Errors   int        `xml:"errors,attr"`
	Time     string     `xml:"time,attr"`
	Cases    []testCase `xml:"testcase"`
}

type testCase struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Time      string   `xml:"time,attr"`
	File      string   `xml:"file,attr,omitempty"`
	Line      string   `xml:"line,attr,omitempty"`
	Failure   *problem `xml:"failure"`
	Error     *problem `xml:"error"`
	SystemOut string   `xml:"system-out,omitempty"`
}

// problem is a <failure> or an <error>.
type problem struct {
	Type    string `xml:"type,attr"`
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// Marshal renders the document as a JUnit XML file, with its XML
// declaration. Characters that XML 1.0 cannot hold (terminal escapes, NUL
// in a student's output) become U+FFFD.
func Marshal(doc *report.Document) ([]byte, error) {
	all := testSuites{Name: "grade"}
	var total int64
	for _, e := range doc.Exercises {
		suite := testSuite{Name: e.Name, Tests: len(e.Tests)}
		var ms int64
		for _, t := range e.Tests {
			ms += t.DurationMS
			c := testCase{Name: t.Name, Classname: e.Path, Time: seconds(t.DurationMS), File: t.File}
			if t.Line > 0 {
				c.Line = strconv.Itoa(t.Line)
			}
			if t.Status != report.Pass {
				p := &problem{Type: string(t.Cause), Message: oneLine(t.Message), Text: t.Output}
				if t.Cause == event.CauseBuild {
					c.Error = p
					suite.Errors++
				} else {
					c.Failure = p
					suite.Failures++
				}
				c.SystemOut = t.Output
			}
			suite.Cases = append(suite.Cases, c)
		}
		suite.Time = seconds(ms)
		total += ms
		all.Tests += suite.Tests
		all.Failures += suite.Failures
		all.Errors += suite.Errors
		all.Suites = append(all.Suites, suite)
	}
	all.Time = seconds(total)
	out, err := xml.MarshalIndent(all, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("render JUnit XML: %w", err)
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

// seconds writes milliseconds as seconds, the unit JUnit's time takes.
func seconds(ms int64) string {
	return strconv.FormatFloat(float64(ms)/1000, 'f', 3, 64)
}

// oneLine joins a message's lines: the message attribute is one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
