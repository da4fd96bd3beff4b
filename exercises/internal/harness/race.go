//go:build race

package harness

import "runtime"

// raceDisable and raceEnable hide the calling goroutine's synchronisation
// from the race detector in between (its memory accesses are still checked).
func raceDisable() { runtime.RaceDisable() }
func raceEnable()  { runtime.RaceEnable() }
