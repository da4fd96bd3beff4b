package runner

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// go vet -json's output: an object per package (the package with its tests
// repeats the package's findings), and the go command's own lines.
const vetOutput = `# github.com/concurrency-kit/kit/exercises/14_queue
{
	"github.com/concurrency-kit/kit/exercises/14_queue": {
		"copylocks": [
			{
				"posn": "/room/exercises/14_queue/queue.go:11:16",
				"end": "/room/exercises/14_queue/queue.go:11:19",
				"message": "byValue passes lock by value: queue.box contains sync.Mutex"
			}
		]
	}
}
{
	"github.com/concurrency-kit/kit/exercises/14_queue [github.com/concurrency-kit/kit/exercises/14_queue.test]": {
		"copylocks": [
			{
				"posn": "/room/exercises/14_queue/queue.go:11:16",
				"message": "byValue passes lock by value: queue.box contains sync.Mutex"
			}
		],
		"lostcancel": [
			{
				"posn": "/room/exercises/14_queue/queue.go:14:7",
				"message": "the cancel function returned by context.WithCancel should be called"
			}
		]
	}
}
{}
github.com/concurrency-kit/kit/exercises/01_goroutines: no non-test Go files in /room/exercises/01_goroutines
`

func TestParseVet(t *testing.T) {
	got := parseVet([]byte(vetOutput))
	assert.Equal(t, map[string][]Finding{
		"github.com/concurrency-kit/kit/exercises/14_queue": {
			{File: "/room/exercises/14_queue/queue.go", Line: 11, Analyzer: "copylocks", Message: "byValue passes lock by value: queue.box contains sync.Mutex"},
			{File: "/room/exercises/14_queue/queue.go", Line: 14, Analyzer: "lostcancel", Message: "the cancel function returned by context.WithCancel should be called"},
		},
	}, got)
}
