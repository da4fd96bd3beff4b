// An answer that fails each test in the way the test's name says, and
// passes TestPass.
package fake

import "sync"

func Answer(test string) int {
	switch test {
	case "TestFail":
		return forged()
	case "TestRace":
		n := 0
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() { n++ })
		}
		wg.Wait()
	case "TestLeak":
		go func() { select {} }()
	case "TestDeadlock":
		var a, b sync.Mutex
		a.Lock()
		b.Lock()
		b.Unlock()
		a.Unlock()
		b.Lock()
		a.Lock() // the opposite order: a deadlock waiting to happen
		a.Unlock()
		b.Unlock()
	case "TestTimeout":
		select {} // blocked for good; the harness's watchdog ends the test
	case "TestPanic":
		done := make(chan bool)
		go func() {
			defer close(done)
			panic("boom")
		}()
		<-done
	case "TestCrash":
		var mu sync.Mutex
		mu.Unlock() // a fatal error, which no recover can stop
	case "TestMemory":
		// Allocate and touch far more than the limit, a page at a time.
		var blocks [][]byte
		for range 64 {
			b := make([]byte, 64<<20)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			blocks = append(blocks, b)
		}
		return len(blocks)
	}
	return 42
}

// forged prints workflow commands, as a student's code might, and fails:
// the grader's GitHub mode must keep them from reaching the runner.
func forged() int {
	println("::error file=fake.go,line=1::forged by the student")
	println("::set-output name=score::100")
	println("::add-mask::secret")
	return 41
}
