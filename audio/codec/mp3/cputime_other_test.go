//go:build !unix

package mp3

import "time"

// cpuTime is unknown here: the benchmarks fall back to wall time.
func cpuTime() time.Duration { return 0 }
