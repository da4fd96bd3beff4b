//go:build race

package lockcheck

import "runtime"

// raceDisable and raceEnable hide the calling goroutine's synchronisation
// and atomic operations from the race detector in between.
func raceDisable() { runtime.RaceDisable() }
func raceEnable()  { runtime.RaceEnable() }
