package project

import (
	"errors"
	"fmt"
)

// MaxOutputBytes is the largest output Render plans unless Options.Force is
// set: 64 GiB is over 97 hours of 48 kHz stereo 16-bit audio (and 2^40
// frames of the smallest output, 8-bit mono, is far beyond it), while a
// typo in a document (a gap of 2^40 frames is 180 bytes of JSON) would
// otherwise start writing terabytes.
const MaxOutputBytes = 64 << 30

// ErrTooLarge is wrapped by Render's error for an output over
// MaxOutputBytes when Options.Force is not set.
var ErrTooLarge = errors.New("output too large")

// checkSize refuses an output of n bytes (frames long at rate) over
// MaxOutputBytes unless force.
func checkSize(n, frames int64, rate int, force bool) error {
	if force || n <= MaxOutputBytes {
		return nil
	}
	return fmt.Errorf("%w: the output would be %s (%d frames, %.0f hours), over the %d GiB limit",
		ErrTooLarge, byteSize(n), frames, float64(frames)/float64(rate)/3600, MaxOutputBytes>>30)
}

// outBytes is frames×bytesPerFrame, saturating instead of overflowing.
func outBytes(frames int64, bytesPerFrame int) int64 {
	if frames > (1<<62)/int64(bytesPerFrame) {
		return 1 << 62
	}
	return frames * int64(bytesPerFrame)
}

func byteSize(n int64) string {
	const unit = 1024
	v, i := float64(n), 0
	for v >= unit && i < 4 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", v, []string{"bytes", "KiB", "MiB", "GiB", "TiB"}[i])
}
