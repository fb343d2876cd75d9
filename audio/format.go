package audio

import (
	"errors"
	"fmt"
	"math"
)

// Limits that every decoder enforces on what a header may claim. They bound
// allocations and arithmetic, not legitimate use.
const (
	MaxChannels   = 32
	MaxSampleRate = 1 << 22 // 4 194 304 Hz
	MinSampleRate = 1
)

// ErrFormat is wrapped by every error that reports an invalid format.
var ErrFormat = errors.New("invalid audio format")

// Format describes interleaved PCM samples: the sample rate, the channel count
// and how each sample is stored.
type Format struct {
	// Rate is the sample rate in frames per second.
	Rate int `json:"sampleRate"`
	// Channels is the number of interleaved channels.
	Channels int `json:"channels"`
	// Bits is the stored size of one sample in bits: 8, 16, 24 or 32 for
	// integers, 32 or 64 for floats.
	Bits int `json:"bitDepth"`
	// Float is true for IEEE-754 samples, false for integers (8-bit integer
	// samples are unsigned, as in WAV; all others are signed).
	Float bool `json:"float"`
}

// BytesPerSample is the stored size of one sample.
func (f Format) BytesPerSample() int { return f.Bits / 8 }

// BytesPerFrame is the stored size of one frame (one sample per channel).
func (f Format) BytesPerFrame() int { return f.Bits / 8 * f.Channels }

// Validate reports whether f describes a sample layout the engine handles.
func (f Format) Validate() error {
	switch {
	case f.Channels < 1 || f.Channels > MaxChannels:
		return fmt.Errorf("%w: %d channels (want 1 to %d)", ErrFormat, f.Channels, MaxChannels)
	case f.Rate < MinSampleRate || f.Rate > MaxSampleRate:
		return fmt.Errorf("%w: sample rate %d Hz (want %d to %d)", ErrFormat, f.Rate, MinSampleRate, MaxSampleRate)
	case f.Float && f.Bits != 32 && f.Bits != 64:
		return fmt.Errorf("%w: %d-bit float samples (want 32 or 64)", ErrFormat, f.Bits)
	case !f.Float && f.Bits != 8 && f.Bits != 16 && f.Bits != 24 && f.Bits != 32:
		return fmt.Errorf("%w: %d-bit integer samples (want 8, 16, 24 or 32)", ErrFormat, f.Bits)
	}
	return nil
}

// String describes f the way people read it, e.g. "44100 Hz, 2 ch, 16-bit".
func (f Format) String() string {
	kind := "-bit"
	if f.Float {
		kind = "-bit float"
	}
	return fmt.Sprintf("%d Hz, %d ch, %d%s", f.Rate, f.Channels, f.Bits, kind)
}

// FormatTime shows frames at rate as people read a time or a length,
// h:mm:ss.fff (or m:ss.fff below an hour), as the app does.
func FormatTime(frames int64, rate int) string {
	if rate <= 0 {
		return "0:00.000"
	}
	ms := int64(math.Round(float64(frames) * 1000 / float64(rate)))
	h, m, sec, milli := ms/3600000, ms/60000%60, ms/1000%60, ms%1000
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d.%03d", h, m, sec, milli)
	}
	return fmt.Sprintf("%d:%02d.%03d", m, sec, milli)
}

// Frames is a position or length in frames; Duration converts frames at a
// sample rate to seconds.
func Duration(frames int64, rate int) float64 {
	if rate <= 0 {
		return 0
	}
	return float64(frames) / float64(rate)
}
