// An answer that does not compile.
package fake

func Answer(test string) int { return "42" }
