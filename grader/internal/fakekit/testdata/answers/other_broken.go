// An answer to the second fake exercise that does not compile.
package other

func Answer() int { return "42" }
