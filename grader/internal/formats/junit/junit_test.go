package junit

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/internal/formats/formatstest"
	"github.com/concurrency-kit/kit/grader/internal/report"
)

// parsed is what a JUnit reader takes from the file.
type parsed struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Time     string `xml:"time,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Time      string `xml:"time,attr"`
			File      string `xml:"file,attr"`
			Line      string `xml:"line,attr"`
			Failure   *struct {
				Type    string `xml:"type,attr"`
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Type    string `xml:"type,attr"`
				Message string `xml:"message,attr"`
			} `xml:"error"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestMarshalValidates(t *testing.T) {
	data, err := Marshal(formatstest.Document())
	require.NoError(t, err)
	formatstest.ValidateJUnit(t, data)
}

func TestMarshal(t *testing.T) {
	data, err := Marshal(formatstest.Document())
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(data), xml.Header))
	var got parsed
	require.NoError(t, xml.Unmarshal(data, &got))
	require.Len(t, got.Suites, 2, "one testsuite per exercise")
	assert.Equal(t, []int{7, 4, 2}, []int{got.Tests, got.Failures, got.Errors})

	tickets, queue := got.Suites[0], got.Suites[1]
	assert.Equal(t, "tickets", tickets.Name)
	assert.Equal(t, []int{5, 4, 0}, []int{tickets.Tests, tickets.Failures, tickets.Errors})
	assert.Equal(t, "11.625", tickets.Time)
	require.Len(t, tickets.Cases, 5, "student output that closes the element adds no testcase")
	assert.Equal(t, []int{2, 0, 2}, []int{queue.Tests, queue.Failures, queue.Errors})

	tests := []struct {
		suite, index          int
		name, classname, time string
		file, line            string
		failure, error        string // the type, "" for none
	}{
		{0, 0, "TestSold", "exercises/09_tickets", "0.120", "", "", "", ""},
		{0, 1, "TestRace", "exercises/09_tickets", "1.500", "exercises/09_tickets/tickets.go", "41", "race", ""},
		{0, 2, "TestFail", "exercises/09_tickets", "0.003", "", "", "fail", ""},
		{0, 3, "TestHang", "exercises/09_tickets", "10.000", "exercises/09_tickets/tickets.go", "12", "timeout", ""},
		{1, 0, "TestPut", "exercises/14_queue", "0.000", "exercises/14_queue/queue.go", "4", "", "build"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := got.Suites[tt.suite].Cases[tt.index]
			assert.Equal(t, []string{tt.name, tt.classname, tt.time, tt.file, tt.line}, []string{c.Name, c.Classname, c.Time, c.File, c.Line})
			if tt.failure == "" {
				assert.Nil(t, c.Failure)
			} else {
				require.NotNil(t, c.Failure)
				assert.Equal(t, tt.failure, c.Failure.Type)
				assert.NotContains(t, c.Failure.Message, "\n", "the message is one line")
			}
			if tt.error == "" {
				assert.Nil(t, c.Error)
			} else {
				require.NotNil(t, c.Error)
				assert.Equal(t, tt.error, c.Error.Type)
			}
		})
	}
	race := tickets.Cases[1]
	assert.Contains(t, race.SystemOut, "::set-output name=score::100", "the student's output is kept, as text")
	assert.Contains(t, race.Failure.Text, "WARNING: DATA RACE")
	assert.NotContains(t, race.SystemOut, "\x00", "characters XML cannot hold are replaced")
	assert.Contains(t, tickets.Cases[4].Failure.Message, "panic: a:b,c%0A::error::x second line")
}

func TestMarshalEmpty(t *testing.T) {
	doc := &report.Document{}
	doc.Finish()
	data, err := Marshal(doc)
	require.NoError(t, err)
	formatstest.ValidateJUnit(t, data)
}
