package mp4

import (
	"fmt"
	"sync"

	"offcut/audio/codec"
)

// AACConfig describes an AAC track to a decoder, from the track's
// AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1, carried in the esds box).
type AACConfig struct {
	// ASC is the AudioSpecificConfig bytes, as WebCodecs' "description" and
	// FFmpeg's extradata want them.
	ASC []byte
	// ObjectType is the audio object type (2 is AAC-LC, 5 SBR, 29 PS).
	ObjectType int
	// Rate is the output sample rate (with SBR, the extension rate).
	Rate int
	// CoreRate is the rate of the AAC core (the rate of an ADTS header).
	CoreRate int
	// Channels is the output channel count.
	Channels int
	// FrameLength is the number of output frames of one access unit (1024,
	// 960, or twice that with SBR).
	FrameLength int
}

// AACDecoder decodes AAC access units. It is provided from outside the
// engine (the browser's WebCodecs in the web app), since there is no
// usable pure-Go AAC decoder.
type AACDecoder interface {
	// Decode decodes a run of consecutive access units of the track,
	// starting from a fresh decoder state (each call is independent), and
	// returns their samples interleaved: FrameLength frames per access
	// unit, in order. The caller decodes one access unit before the first
	// one it needs (pre-roll) and discards its output.
	Decode(aus [][]byte) ([]float32, error)
}

// AACDecoderFactory returns a decoder for a track.
type AACDecoderFactory func(cfg AACConfig) (AACDecoder, error)

var (
	aacMu      sync.Mutex
	aacFactory AACDecoderFactory
)

// SetAACDecoderFactory installs the AAC decoder used by tracks opened from
// now on (nil removes it). The web app installs one backed by WebCodecs at
// start-up; the native CLI has none, and AAC tracks then open for their
// Info but fail to Stream with an error wrapping codec.ErrUnsupported.
func SetAACDecoderFactory(f AACDecoderFactory) {
	aacMu.Lock()
	aacFactory = f
	aacMu.Unlock()
}

func currentAACFactory() AACDecoderFactory {
	aacMu.Lock()
	defer aacMu.Unlock()
	return aacFactory
}

// ErrNoAACDecoder is wrapped by Stream errors of AAC tracks when no AAC
// decoder is installed; it wraps codec.ErrUnsupported.
var ErrNoAACDecoder = fmt.Errorf("%w: AAC audio needs the browser's decoder (open it in the Offcut web app)", codec.ErrUnsupported)

var aacRates = [...]int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350}

// parseASC decodes the start of an AudioSpecificConfig.
func parseASC(b []byte) (AACConfig, error) {
	c := AACConfig{ASC: b}
	r := bitReader{b: b}
	objectType := func() int {
		t := r.read(5)
		if t == 31 {
			t = 32 + r.read(6)
		}
		return t
	}
	rate := func() int {
		i := r.read(4)
		if i == 15 {
			return r.read(24)
		}
		if i < len(aacRates) {
			return aacRates[i]
		}
		return 0
	}
	c.ObjectType = objectType()
	c.CoreRate = rate()
	c.Rate = c.CoreRate
	chanConfig := r.read(4)
	sbr := false
	if c.ObjectType == 5 || c.ObjectType == 29 {
		sbr = true
		c.Rate = rate()
		c.ObjectType = objectType()
	}
	c.FrameLength = 1024
	switch c.ObjectType {
	case 1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23:
		if r.read(1) == 1 { // frameLengthFlag
			c.FrameLength = 960
		}
	default:
		return c, fmt.Errorf("%w: mp4: AAC audio object type %d", codec.ErrUnsupported, c.ObjectType)
	}
	if r.err {
		return c, fmt.Errorf("%w: mp4: AudioSpecificConfig of %d bytes is truncated", codec.ErrMalformed, len(b))
	}
	if sbr {
		c.FrameLength *= 2
	}
	switch {
	case chanConfig >= 1 && chanConfig <= 6:
		c.Channels = chanConfig
	case chanConfig == 7:
		c.Channels = 8
	}
	if c.CoreRate == 0 || c.Rate == 0 {
		return c, fmt.Errorf("%w: mp4: AudioSpecificConfig has a reserved sample rate index", codec.ErrMalformed)
	}
	return c, nil
}

// bitReader reads big-endian bit fields; reads past the end give 0 and set
// err.
type bitReader struct {
	b   []byte
	pos int
	err bool
}

func (r *bitReader) read(n int) int {
	v := 0
	for range n {
		if r.pos >= 8*len(r.b) {
			r.err = true
			return 0
		}
		v = v<<1 | int(r.b[r.pos>>3]>>(7-r.pos&7)&1)
		r.pos++
	}
	return v
}
