//go:build unix

package audiotest

import (
	"syscall"
	"time"
)

// CPUTime is the user and system CPU time this process has used so far (0
// where unknown), so that a benchmark on a shared machine can compare CPU
// time with CPU time: steadier than the wall clock when other work takes a
// core.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
