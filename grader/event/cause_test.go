package event

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOutranks(t *testing.T) {
	order := []Cause{CauseBuild, CauseMemory, CauseDeadlock, CauseRace, CausePanic, CauseTimeout, CauseCrash, CauseLeak, CauseFail}
	assert.Equal(t, order, Causes())
	for i, a := range order {
		for j, b := range order {
			assert.Equal(t, i < j, a.Outranks(b), "%s.Outranks(%s)", a, b)
		}
		assert.True(t, a.Outranks("unknown"), a)
		assert.False(t, Cause("unknown").Outranks(a), a)
	}
	assert.False(t, Cause("").Outranks(""))
}

func TestFramePattern(t *testing.T) {
	dump := "goroutine 7 [running]:\nkit/x.f()\n\t/room/exercises/09_tickets/tickets.go:41 +0x1d\n"
	m := FramePattern.FindStringSubmatch(dump)
	assert.Equal(t, []string{"\t/room/exercises/09_tickets/tickets.go:41", "/room/exercises/09_tickets/tickets.go", "41"}, m)
}
