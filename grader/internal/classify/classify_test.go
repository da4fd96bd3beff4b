package classify

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/concurrency-kit/kit/grader/event"
)

// The snippets below are real output of go 1.26 test binaries (go test -v,
// with and without -race), with the package folder renamed to dir.
const dir = "/kit/exercises/90_fake"

var c = Classifier{Dir: dir}

const raceOutput = `=== RUN   TestSell
==================
WARNING: DATA RACE
Read at 0x0000007f42a8 by goroutine 9:
  github.com/concurrency-kit/kit/exercises/90_fake.(*Office).Sell()
      /kit/exercises/90_fake/fake.go:41 +0x24
  github.com/concurrency-kit/kit/exercises/90_fake_test.TestSell.func1()
      /kit/exercises/90_fake/fake_test.go:30 +0x3c

Previous write at 0x0000007f42a8 by goroutine 10:
  github.com/concurrency-kit/kit/exercises/90_fake.(*Office).Sell()
      /kit/exercises/90_fake/fake.go:38 +0x3c

Goroutine 9 (running) created at:
  sync.(*WaitGroup).Go()
      /usr/local/go/src/sync/waitgroup.go:238 +0x72
  testing.tRunner()
      /usr/local/go/src/testing/testing.go:2036 +0x21c

Goroutine 10 (finished) created at:
  sync.(*WaitGroup).Go()
      /usr/local/go/src/sync/waitgroup.go:238 +0x72
==================
    testing.go:1712: race detected during execution of test
--- FAIL: TestSell (0.00s)
`

const raceInLibraryOutput = `=== RUN   TestSell
==================
WARNING: DATA RACE
Write at 0x00c000012345 by goroutine 8:
  runtime.mapassign_faststr()
      /usr/local/go/src/internal/runtime/maps/runtime_faststr.go:263 +0x0
  github.com/concurrency-kit/kit/exercises/90_fake_test.TestSell.func1()
      /kit/exercises/90_fake/fake_test.go:30 +0x3c
==================
    testing.go:1712: race detected during execution of test
--- FAIL: TestSell (0.00s)
`

const panicOutput = `=== RUN   TestSell
--- FAIL: TestSell (0.00s)
panic: boom [recovered, repanicked]

goroutine 20 [running]:
testing.tRunner.func1.2({0x611940, 0x6583d0})
	/usr/local/go/src/testing/testing.go:1974 +0x419
testing.tRunner.func1()
	/usr/local/go/src/testing/testing.go:1977 +0x67f
panic({0x611940?, 0x6583d0?})
	/usr/local/go/src/runtime/panic.go:860 +0x13a
github.com/concurrency-kit/kit/exercises/90_fake.Boom(...)
	/kit/exercises/90_fake/fake.go:7
github.com/concurrency-kit/kit/exercises/90_fake_test.TestSell(0xc0000aa488?)
	/kit/exercises/90_fake/fake_test.go:17 +0x2b
testing.tRunner(0xc0000aa488, 0x656ae0)
	/usr/local/go/src/testing/testing.go:2036 +0x21d
created by testing.(*T).Run in goroutine 1
	/usr/local/go/src/testing/testing.go:2101 +0xb13
`

// A panic recovered and replaced by another one (older runtimes print every
// panic recovered this way).
const panicRecoveredOutput = `=== RUN   TestSell
--- FAIL: TestSell (0.00s)
panic: index out of range [3] with length 3 [recovered]
	panic: cleanup failed

goroutine 7 [running]:
github.com/concurrency-kit/kit/exercises/90_fake.(*Office).Sell(0xc000010000)
	/kit/exercises/90_fake/fake.go:52 +0x1d
`

const timedOutOutput = `=== RUN   TestSell
panic: test timed out after 1s
	running tests:
		TestSell (1s)

goroutine 18 [running]:
testing.(*M).startAlarm.func1()
	/usr/local/go/src/testing/testing.go:2802 +0x354
created by time.goFunc
	/usr/local/go/src/time/sleep.go:215 +0x2d

goroutine 7 [chan receive]:
github.com/concurrency-kit/kit/exercises/90_fake.(*Office).Wait(...)
	/kit/exercises/90_fake/fake.go:60
`

const mapWritesOutput = `=== RUN   TestSell
fatal error: concurrent map writes

goroutine 11 [running]:
internal/runtime/maps.fatal({0x58c08b?, 0x0?})
	/usr/local/go/src/runtime/panic.go:1181 +0x18
github.com/concurrency-kit/kit/exercises/90_fake.(*Office).Record(...)
	/kit/exercises/90_fake/fake.go:9
github.com/concurrency-kit/kit/exercises/90_fake_test.TestSell.func1()
	/kit/exercises/90_fake/fake_test.go:41 +0x45
`

const fatalOtherOutput = `=== RUN   TestSell
fatal error: sync: unlock of unlocked mutex

goroutine 6 [running]:
sync.fatal({0x5a1b2c?, 0x0?})
	/usr/local/go/src/runtime/panic.go:1181 +0x18
sync.(*Mutex).Unlock(...)
	/usr/local/go/src/sync/mutex.go:229 +0x45
github.com/concurrency-kit/kit/exercises/90_fake.(*Office).Sell(0xc000010000)
	/kit/exercises/90_fake/fake.go:44 +0x1d
`

const allAsleepOutput = `=== RUN   TestSell
fatal error: all goroutines are asleep - deadlock!

goroutine 1 [chan receive]:
github.com/concurrency-kit/kit/exercises/90_fake.(*Office).Wait(...)
	/kit/exercises/90_fake/fake.go:60
`

const bubbleLeakOutput = `=== RUN   TestSell
--- FAIL: TestSell (0.00s)
panic: deadlock: main bubble goroutine has exited but blocked goroutines remain [recovered, repanicked]

goroutine 4 [running]:
testing.tRunner.func1.2({0x62d0a0, 0xc0000160f0})
	/usr/local/go/src/testing/testing.go:1974 +0x419
internal/synctest.Run(0xc000114180)
	/usr/local/go/src/runtime/synctest.go:251 +0x2f4

goroutine 7 [chan receive (durable), synctest bubble 1]:
github.com/concurrency-kit/kit/exercises/90_fake.(*Office).worker()
	/kit/exercises/90_fake/fake.go:24 +0x31
`

const bubbleBlockedOutput = `=== RUN   TestSell
--- FAIL: TestSell (0.00s)
panic: deadlock: all goroutines in bubble are blocked [recovered, repanicked]

goroutine 20 [running]:
testing.tRunner.func1.2({0x62d0a0, 0xc0000a40c0})
	/usr/local/go/src/testing/testing.go:1974 +0x419
internal/synctest.Run(0xc0000aa180)
	/usr/local/go/src/runtime/synctest.go:251 +0x2f4

goroutine 5 [chan receive (durable), synctest bubble 1]:
github.com/concurrency-kit/kit/exercises/90_fake.(*Office).Wait(0xc00001c248?)
	/kit/exercises/90_fake/fake.go:31 +0x2d
github.com/concurrency-kit/kit/exercises/90_fake_test.TestSell.func1(0xc00001c248?)
	/kit/exercises/90_fake/fake_test.go:31 +0x2d
`

const goexitOutput = `=== RUN   TestSell
panic: test executed panic(nil) or runtime.Goexit: subtest may have called FailNow on a parent test

goroutine 8 [running]:
github.com/concurrency-kit/kit/exercises/90_fake.(*Office).Stop(0xc000010000)
	/kit/exercises/90_fake/fake.go:70 +0x1d
`

const errorfOutput = `=== RUN   TestSell
    fake_test.go:19: sold 11 tickets, want 10
    fake_test.go:20: second message
--- FAIL: TestSell (0.00s)
`

// testify's assert.Equal with a message, and assert.True without one.
const testifyOutput = "=== RUN   TestSell\n" +
	"    fake_test.go:9: \n" +
	"        \tError Trace:\t/kit/exercises/90_fake/fake_test.go:9\n" +
	"        \tError:      \tNot equal: \n" +
	"        \t            \texpected: 1\n" +
	"        \t            \tactual  : 2\n" +
	"        \tTest:       \tTestSell\n" +
	"        \tMessages:   \tthe count after 3 calls\n" +
	"--- FAIL: TestSell (0.00s)\n"

// testify's require.ErrorIs with a message, in a subtest, with a diff
// after it and a second assertion that must not be read.
const testifyErrorIsOutput = "=== RUN   TestSell/round_3\n" +
	"    fake_test.go:42: \n" +
	"        \tError Trace:\t/kit/exercises/90_fake/fake_test.go:42\n" +
	"        \tError:      \tTarget error should be in err chain:\n" +
	"        \t            \texpected: \"lock: closed\"\n" +
	"        \t            \tin chain: \"context deadline exceeded\"\n" +
	"        \t            \tDiff:\n" +
	"        \t            \texpected: nothing\n" +
	"        \tTest:       \tTestSell/round_3\n" +
	"        \tMessages:   \tAcquire on a closed lock\n" +
	"    fake_test.go:43: \n" +
	"        \tError Trace:\t/kit/exercises/90_fake/fake_test.go:43\n" +
	"        \tError:      \tShould be true\n" +
	"        \tTest:       \tTestSell/round_3\n" +
	"--- FAIL: TestSell (0.00s)\n"

const testifyNoMessageOutput = "=== RUN   TestSell\n" +
	"    fake_test.go:10: \n" +
	"        \tError Trace:\t/kit/exercises/90_fake/fake_test.go:10\n" +
	"        \tError:      \tShould be true\n" +
	"        \tTest:       \tTestSell\n" +
	"--- FAIL: TestSell (0.00s)\n"

func end(failed bool) *event.Record {
	return &event.Record{Kind: event.End, Test: "TestSell", Failed: failed}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name    string
		ev      Evidence
		pass    bool
		cause   event.Cause
		message string // the exact message, or
		prefix  string // its beginning
	}{
		{
			name: "pass",
			ev:   Evidence{End: end(false), Confirmed: true, Output: "=== RUN   TestSell\n--- PASS: TestSell (0.00s)\n"},
			pass: true,
		},
		{
			name:    "pass not confirmed",
			ev:      Evidence{End: end(false), ExitCode: 2},
			cause:   event.CauseCrash,
			message: "the test process ended right after this test (exit status 2)",
		},
		{
			name:    "pass not confirmed, killed",
			ev:      Evidence{End: end(false), Killed: true, ExitCode: -1},
			cause:   event.CauseTimeout,
			message: "the test did not finish within its time limit; the grader stopped it",
		},
		{
			name:    "skipped",
			ev:      Evidence{End: &event.Record{Kind: event.End, Test: "TestSell", Skipped: true}, Confirmed: true},
			cause:   event.CauseFail,
			message: "the test was skipped; only a test that runs to its end can pass",
		},
		{
			name:    "no end record",
			ev:      Evidence{ExitCode: 2, Output: "=== RUN   TestSell\n"},
			cause:   event.CauseCrash,
			message: "the test process ended during this test (exit status 2)",
		},
		{
			name:    "killed without an end record",
			ev:      Evidence{Killed: true, ExitCode: -1, Output: "=== RUN   TestSell\nSIGQUIT: quit\n"},
			cause:   event.CauseTimeout,
			message: "the test did not finish within its time limit; the grader stopped it",
		},
		{
			name:    "data race",
			ev:      Evidence{End: end(true), Confirmed: true, Output: raceOutput},
			cause:   event.CauseRace,
			message: "data race at fake.go:41 and fake.go:38",
		},
		{
			name:    "data race outside the student's code",
			ev:      Evidence{End: end(true), Confirmed: true, Output: raceInLibraryOutput},
			cause:   event.CauseRace,
			message: "data race detected during the test",
		},
		{
			name:    "race noticed by testing only",
			ev:      Evidence{End: end(true), Confirmed: true, Output: "=== RUN   TestSell\n    testing.go:1712: race detected during execution of test\n"},
			cause:   event.CauseRace,
			message: "data race detected during the test",
		},
		{
			name:    "panic",
			ev:      Evidence{ExitCode: 2, Output: panicOutput},
			cause:   event.CausePanic,
			message: "panic: boom at fake.go:7",
		},
		{
			name:    "panic recovered and replaced",
			ev:      Evidence{ExitCode: 2, Output: panicRecoveredOutput},
			cause:   event.CausePanic,
			message: "panic: index out of range [3] with length 3 at fake.go:52",
		},
		{
			name:    "runtime.Goexit",
			ev:      Evidence{ExitCode: 2, Output: goexitOutput},
			cause:   event.CausePanic,
			message: "the test was stopped by runtime.Goexit at fake.go:70",
		},
		{
			name:    "go test timeout",
			ev:      Evidence{ExitCode: 2, Output: timedOutOutput},
			cause:   event.CauseTimeout,
			message: "test timed out after 1s",
		},
		{
			name:    "concurrent map writes",
			ev:      Evidence{ExitCode: 2, Output: mapWritesOutput},
			cause:   event.CauseRace,
			message: "concurrent map writes at fake.go:9",
		},
		{
			name:    "other fatal error",
			ev:      Evidence{ExitCode: 2, Output: fatalOtherOutput},
			cause:   event.CauseCrash,
			message: "sync: unlock of unlocked mutex at fake.go:44",
		},
		{
			name:    "all goroutines asleep",
			ev:      Evidence{ExitCode: 2, Output: allAsleepOutput},
			cause:   event.CauseDeadlock,
			message: "all goroutines are asleep - deadlock!",
		},
		{
			name:    "synctest bubble leak",
			ev:      Evidence{ExitCode: 2, Output: bubbleLeakOutput},
			cause:   event.CauseLeak,
			message: "goroutines started in the test were still blocked when it ended",
		},
		{
			name:    "synctest bubble blocked",
			ev:      Evidence{ExitCode: 2, Output: bubbleBlockedOutput},
			cause:   event.CauseDeadlock,
			message: "every goroutine is blocked: a deadlock at fake.go:31",
		},
		{
			name: "harness deadlock outranks the race",
			ev: Evidence{
				End: &event.Record{Kind: event.End, Test: "TestSell", Failed: true, Cause: event.CauseDeadlock,
					Message: "go-deadlock: POTENTIAL DEADLOCK: Inconsistent locking at fake.go:50"},
				Confirmed: true, Output: raceOutput,
			},
			cause:   event.CauseDeadlock,
			message: "go-deadlock: POTENTIAL DEADLOCK: Inconsistent locking at fake.go:50",
		},
		{
			name: "race outranks a harness leak",
			ev: Evidence{
				End:       &event.Record{Kind: event.End, Test: "TestSell", Failed: true, Cause: event.CauseLeak, Message: "goroutines started by the test are still running after it"},
				Confirmed: true, Output: raceOutput,
			},
			cause:   event.CauseRace,
			message: "data race at fake.go:41 and fake.go:38",
		},
		{
			name: "harness timeout",
			ev: Evidence{
				End:      &event.Record{Kind: event.End, Test: "TestSell", Failed: true, Cause: event.CauseTimeout, Message: "did not finish within 10s; stuck at fake.go:60"},
				ExitCode: 3, Output: "=== RUN   TestSell\n\n--- FAIL: TestSell (timeout: did not finish within 10s)\ngoroutine 1 [running]:\n",
			},
			cause:   event.CauseTimeout,
			message: "did not finish within 10s; stuck at fake.go:60",
		},
		{
			name:    "a kill outranks the crash it caused",
			ev:      Evidence{Killed: true, ExitCode: -1, Output: fatalOtherOutput},
			cause:   event.CauseTimeout,
			message: "the test did not finish within its time limit; the grader stopped it",
		},
		{
			name:    "t.Errorf",
			ev:      Evidence{End: end(true), Confirmed: true, Output: errorfOutput},
			cause:   event.CauseFail,
			message: "sold 11 tickets, want 10 (fake_test.go:19)",
		},
		{
			name:    "testify with a message",
			ev:      Evidence{End: end(true), Confirmed: true, Output: testifyOutput},
			cause:   event.CauseFail,
			message: "the count after 3 calls: expected 1, actual 2 (fake_test.go:9)",
		},
		{
			name:    "testify's ErrorIs in a subtest",
			ev:      Evidence{End: end(true), Confirmed: true, Output: testifyErrorIsOutput},
			cause:   event.CauseFail,
			message: `round_3: Acquire on a closed lock: expected "lock: closed", in chain "context deadline exceeded" (fake_test.go:42)`,
		},
		{
			name:    "testify without a message",
			ev:      Evidence{End: end(true), Confirmed: true, Output: testifyNoMessageOutput},
			cause:   event.CauseFail,
			message: "Should be true (fake_test.go:10)",
		},
		{
			name:    "failed without output",
			ev:      Evidence{End: end(true), Confirmed: true, Output: "=== RUN   TestSell\n--- FAIL: TestSell (0.00s)\n"},
			cause:   event.CauseFail,
			message: "the test failed",
		},
		{
			name:    "failed, the process ended afterwards",
			ev:      Evidence{End: end(true), ExitCode: 1, Output: errorfOutput},
			cause:   event.CauseFail,
			message: "sold 11 tickets, want 10 (fake_test.go:19)",
		},
		{
			name:    "student prints a fake PASS",
			ev:      Evidence{ExitCode: 2, Output: "=== RUN   TestSell\n--- PASS: TestSell (0.00s)\nPASS\nok\n"},
			cause:   event.CauseCrash,
			message: "the test process ended during this test (exit status 2)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.ev.Test = "TestSell"
			got := c.Classify(tt.ev)
			assert.Equal(t, tt.ev.Output, got.Output)
			if tt.pass {
				assert.True(t, got.Passed)
				assert.Empty(t, got.Cause)
				assert.Empty(t, got.Message)
				return
			}
			assert.False(t, got.Passed)
			assert.Equal(t, tt.cause, got.Cause)
			assert.Equal(t, tt.message, got.Message)
			assert.NotContains(t, got.Message, "\n")
		})
	}
}

// A pass needs all three: an end record, no failure, and confirmation.
func TestClassifyPassNeedsEveryCondition(t *testing.T) {
	for _, end := range []*event.Record{nil, end(false), end(true), {Kind: event.End, Skipped: true}} {
		for _, confirmed := range []bool{false, true} {
			got := c.Classify(Evidence{Test: "TestSell", End: end, Confirmed: confirmed})
			want := end != nil && !end.Failed && !end.Skipped && confirmed
			assert.Equal(t, want, got.Passed, "end %+v, confirmed %v", end, confirmed)
			if !got.Passed {
				assert.NotEmpty(t, got.Cause)
				assert.NotEmpty(t, got.Message)
			}
		}
	}
}

func TestClassifyStudentFrames(t *testing.T) {
	// Frames in the test file, in another folder or in a subfolder are not
	// the student's.
	out := "=== RUN   TestSell\npanic: boom\n\ngoroutine 1 [running]:\n" +
		"\t/kit/exercises/90_fake/fake_test.go:10 +0x1\n" +
		"\t/kit/exercises/90_fake/sub/helper.go:11 +0x1\n" +
		"\t/kit/exercises/06_race/race.go:12 +0x1\n" +
		"\t/kit/exercises/90_fake/office.go:13 +0x1\n"
	got := c.Classify(Evidence{Test: "TestSell", Output: out, ExitCode: 2})
	assert.Equal(t, "panic: boom at office.go:13", got.Message)

	got = Classifier{Dir: "/elsewhere"}.Classify(Evidence{Test: "TestSell", Output: raceOutput, End: end(true), Confirmed: true})
	assert.Equal(t, "data race detected during the test", got.Message)
}

// LockNesting comes from the harness's end record; without one nobody knows
// whether locks nested, so it is set, and the lock-order run happens.
func TestLockNesting(t *testing.T) {
	c := Classifier{Dir: "/kit/exercises/90_fake"}
	tests := []struct {
		name string
		ev   Evidence
		want bool
	}{
		{"a pass without nesting", Evidence{Test: "TestA", End: &event.Record{Kind: event.End, Test: "TestA"}, Confirmed: true}, false},
		{"a pass with nesting", Evidence{Test: "TestA", End: &event.Record{Kind: event.End, Test: "TestA", LockNesting: true}, Confirmed: true}, true},
		{"a failure without nesting", Evidence{Test: "TestA", End: &event.Record{Kind: event.End, Test: "TestA", Failed: true}, Confirmed: true}, false},
		{"a failure with nesting", Evidence{Test: "TestA", End: &event.Record{Kind: event.End, Test: "TestA", Failed: true, LockNesting: true}, Confirmed: true}, true},
		{"no end record", Evidence{Test: "TestA", Output: "panic: boom\n", ExitCode: 2}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, c.Classify(tt.ev).LockNesting)
		})
	}
}
