//go:build !unix

package flac

import "time"

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }
