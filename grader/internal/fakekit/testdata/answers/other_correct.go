// A correct answer to the second fake exercise.
package other

func Answer() int { return 42 }
