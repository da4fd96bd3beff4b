package formatstest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The schema check rejects what Jenkins would not read: it is a check,
// not a formality.
func TestValidateJUnitRejects(t *testing.T) {
	tests := []struct {
		name  string
		xml   string
		valid bool
	}{
		{"valid", `<testsuites><testsuite name="a" tests="1"><testcase name="T" classname="a"><failure type="fail" message="m">out</failure><system-out>x</system-out></testcase></testsuite></testsuites>`, true},
		{"testcase without a name", `<testsuites><testsuite tests="1"><testcase classname="a"/></testsuite></testsuites>`, false},
		{"testsuite without tests", `<testsuites><testsuite name="a"/></testsuites>`, false},
		{"unknown element", `<testsuites><testsuite tests="0"><result/></testsuite></testsuites>`, false},
		{"not XML", `<testsuites>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validateJUnit(t, []byte(tt.xml))
			if tt.valid {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

func TestProcessedCommands(t *testing.T) {
	token := "0123456789abcdef0123456789abcdef"
	log := "plain line\n" +
		"::error file=a.go,line=3,title=x::real\n" +
		"::stop-commands::" + token + "\n" +
		"::error::forged\n" +
		"  ::set-output name=score::100\n" +
		"::" + token + "::\n" +
		"   ::warning::indented still counts\n" +
		"not ::a command\n"
	var names []string
	for _, c := range ProcessedCommands(log) {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"error", "stop-commands", token, "warning"}, names)
}
