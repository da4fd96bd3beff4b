// Mistake: Answer is off by one for TestFail
// Fails: TestFail:fail
package fake

func Answer(test string) int {
	if test == "TestFail" {
		return 41
	}
	return 42
}
