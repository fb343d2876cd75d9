//go:build unix

package resample

import (
	"syscall"
	"time"
)

// cpuTime is the user+system CPU time used by this process so far: under
// a loaded machine it measures work more fairly than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
