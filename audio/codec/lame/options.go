package lame

import (
	"fmt"
	"slices"
	"strings"

	"offcut/audio/codec"
)

// Mode is the channel mode of the MP3 stream.
type Mode int

const (
	// ModeAuto is lame's default: joint stereo for two channels, mono for
	// one.
	ModeAuto Mode = iota
	// Stereo codes the two channels separately.
	Stereo
	// JointStereo lets each frame code mid/side instead of left/right.
	JointStereo
	// Mono codes one channel; a stereo input is mixed down.
	Mono
)

func (m Mode) String() string {
	switch m {
	case ModeAuto:
		return "auto"
	case Stereo:
		return "stereo"
	case JointStereo:
		return "joint stereo"
	case Mono:
		return "mono"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Quality is lame's algorithm quality (-q): Q(0) is the best and slowest,
// Q(9) the fastest. The zero value is lame's default (the CLI's: q 3 for
// CBR, and what -V chooses for VBR).
type Quality int8

// Q returns quality n (0..9) as lame's -q n.
func Q(n int) Quality { return Quality(n + 1) }

// Options configure an encoder.
type Options struct {
	// Rate is the sample rate of the input and of the MP3 (one of Rates:
	// lame does not resample here; resample first).
	Rate int
	// Channels is 1 or 2.
	Channels int
	// Mode is the channel mode; ModeAuto as the CLI.
	Mode Mode
	// Bitrate, if not 0, selects constant bitrate in kbit/s (as -b): 32 to
	// 320 for 32, 44.1 and 48 kHz, 8 to 160 for lower rates (see Bitrates).
	Bitrate int
	// VBR selects variable bitrate at VBRQuality 0 (best) to 9 (smallest),
	// as -V. Exactly one of Bitrate and VBR must be set.
	VBR        bool
	VBRQuality int
	// Quality is the algorithm quality (-q); zero is lame's default.
	Quality Quality
}

// Rates are the sample rates an MP3 can have.
var Rates = []int{8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000}

// Bitrates returns the constant bitrates (kbit/s) allowed at a sample rate.
func Bitrates(rate int) []int {
	if rate >= 32000 {
		return []int{32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}
	}
	return []int{8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}
}

// ErrOptions is wrapped by every error about unusable options. It wraps
// codec.ErrUnsupported.
var ErrOptions = fmt.Errorf("lame: unsupported encoder settings: %w", codec.ErrUnsupported)

// Check says whether an encoder can be started with o, as NewEncoder would,
// without starting one.
func (o Options) Check() error {
	if errArch != nil {
		return errArch
	}
	return o.check()
}

func (o Options) check() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrOptions}, a...)...)
	}
	if !slices.Contains(Rates, o.Rate) {
		return bad("sample rate %d Hz; MP3 has %s Hz (resample first)", o.Rate, list(Rates))
	}
	if o.Channels != 1 && o.Channels != 2 {
		return bad("%d channels; MP3 has 1 or 2 (mix down first)", o.Channels)
	}
	if o.Mode < ModeAuto || o.Mode > Mono {
		return bad("channel mode %d", int(o.Mode))
	}
	if o.Channels == 1 && (o.Mode == Stereo || o.Mode == JointStereo) {
		return bad("%s mode for a mono input", o.Mode)
	}
	switch {
	case o.VBR && o.Bitrate != 0:
		return bad("both a constant bitrate (%d kbit/s) and VBR", o.Bitrate)
	case o.VBR:
		if o.VBRQuality < 0 || o.VBRQuality > 9 {
			return bad("VBR quality %d; it is 0 (best) to 9", o.VBRQuality)
		}
	default:
		if br := Bitrates(o.Rate); !slices.Contains(br, o.Bitrate) {
			return bad("bitrate %d kbit/s at %d Hz; allowed: %s kbit/s", o.Bitrate, o.Rate, list(br))
		}
	}
	if o.Quality < 0 || o.Quality > Q(9) {
		return bad("quality %d; it is 0 (best) to 9", int(o.Quality)-1)
	}
	return nil
}

func list(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// Version is the version of the LAME library inside.
const Version = "3.100"
