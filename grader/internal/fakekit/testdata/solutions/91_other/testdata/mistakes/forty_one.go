// Mistake: Answer returns 41
// Fails: TestAnswer:fail
package other

func Answer() int { return 41 }
