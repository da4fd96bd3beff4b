//go:build !race

package harness

// Without the race detector there is nothing to hide from.
func raceDisable() {}
func raceEnable()  {}
