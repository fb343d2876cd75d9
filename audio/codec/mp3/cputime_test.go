//go:build unix

package mp3

import (
	"syscall"
	"time"
)

// cpuTime is the user+sys CPU time of this process so far (0 where
// unknown), so that a benchmark can compare CPU time with CPU time on a
// loaded machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
