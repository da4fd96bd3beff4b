package scaffold

// The templates use [[ ]] as delimiters, so that Go code can use braces.

const readmeTemplate = `# [[.Name]]

TODO: the idea this exercise teaches, in a few paragraphs, and the
section of the notes it follows.

## Coming from Python

| Python | Go |
|---|---|
| TODO | TODO |

## The task

Fill in [[.Package]].go. Every function's doc comment says what it must do.

## Grade it

    go run ./grader run [[.Name]]
`

// readmeZHTemplate is the Chinese README, with the English one's sections;
// New puts the translation line on top.
const readmeZHTemplate = `# [[.Name]]

TODO：这个练习教的思想（几段话），以及它对应的笔记章节。

## 从 Python 到 Go

| Python | Go |
|---|---|
| TODO | TODO |

## 任务

完成 [[.Package]].go。每个函数的文档注释都说明了它必须做什么。

## 评分

    go run ./grader run [[.Name]]
`

const stubTemplate = `// Package [[.Package]] is TODO: what the student builds.
package [[.Package]]

import "errors"

// ErrNotImplemented is what the unfinished stub returns. Remove it when you
// are done.
var ErrNotImplemented = errors.New("[[.Package]]: not implemented")

// Run calls every task in a goroutine of its own and returns once all have
// returned. TODO: replace with the exercise's API.
func Run(tasks ...func()) error {
	return ErrNotImplemented
}
`

const testTemplate = `package [[.Package]]_test

import (
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"

	[[.Package]] "github.com/concurrency-kit/kit/exercises/[[.Dir]]"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// TODO: tests that catch every mistake the curriculum lists for this
// exercise, each as a fixture in solutions/[[.Dir]]/testdata/mistakes.

func TestRunWaitsForEveryTask(t *testing.T) {
	harness.Setup(t)
	harness.Bubble(t, func(t *testing.T) {
		release := make(chan struct{})
		done := make(chan error, 1)
		go func() { done <- [[.Package]].Run(func() { <-release }) }()
		synctest.Wait() // every goroutine of the bubble is blocked
		returnedEarly := len(done) > 0
		close(release)
		err := <-done
		assert.False(t, returnedEarly, "Run returned while a task was still running")
		assert.NoError(t, err)
	})
}
`

const solutionTemplate = `// Package [[.Package]] is TODO: what the student builds.
package [[.Package]]

import "sync"

// Run calls every task in a goroutine of its own and returns once all have
// returned.
func Run(tasks ...func()) error {
	var wg sync.WaitGroup
	for _, task := range tasks {
		wg.Go(task)
	}
	wg.Wait()
	return nil
}
`

const mistakeTemplate = `// Package [[.Package]] is TODO: what the student builds.
package [[.Package]]

// Mistake: Run starts the tasks but does not wait for them
// Fails: TestRunWaitsForEveryTask:fail

// Run calls every task in a goroutine of its own and returns at once.
func Run(tasks ...func()) error {
	for _, task := range tasks {
		go task()
	}
	return nil
}
`
