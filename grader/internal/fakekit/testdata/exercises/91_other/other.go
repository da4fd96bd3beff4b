// The stub of the second fake exercise.
package other

// Answer returns 42.
func Answer() int { return 0 }
