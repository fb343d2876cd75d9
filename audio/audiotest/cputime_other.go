//go:build !unix

package audiotest

import "time"

// CPUTime is unknown here (0): benchmarks fall back to wall time.
func CPUTime() time.Duration { return 0 }
