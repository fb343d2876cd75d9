package opus

import (
	"encoding/binary"
	"fmt"

	"github.com/thesyncim/gopus"

	"offcut/audio/codec"
	"offcut/audio/codec/internal/packet"
)

// Rate is the output sample rate.
const Rate = 48000

// maxFrames is the longest an Opus packet decodes to: 120 ms at 48 kHz.
const maxFrames = 5760

// Head is the OpusHead identification header.
type Head struct {
	Channels int
	PreSkip  int
	// InputRate is the original sample rate (informative only).
	InputRate int
	// Gain is the output gain in Q7.8 dB.
	Gain int
	// Family is the channel mapping family; Streams, Coupled and Mapping
	// its table (filled in for family 0 too).
	Family, Streams, Coupled int
	Mapping                  []byte
}

// ParseHead reads an OpusHead packet.
func ParseHead(b []byte) (Head, error) {
	if len(b) < 19 || string(b[:8]) != "OpusHead" {
		return Head{}, fmt.Errorf("opus: no OpusHead: %w", codec.ErrMalformed)
	}
	if b[8]>>4 != 0 {
		return Head{}, fmt.Errorf("opus: OpusHead version %d: %w", b[8], codec.ErrUnsupported)
	}
	le := binary.LittleEndian
	h := Head{
		Channels:  int(b[9]),
		PreSkip:   int(le.Uint16(b[10:])),
		InputRate: int(le.Uint32(b[12:])),
		Gain:      int(int16(le.Uint16(b[16:]))),
		Family:    int(b[18]),
	}
	if h.Channels == 0 {
		return Head{}, fmt.Errorf("opus: OpusHead declares zero channels: %w", codec.ErrMalformed)
	}
	switch h.Family {
	case 0:
		if h.Channels > 2 {
			return Head{}, fmt.Errorf("opus: %d channels in mapping family 0: %w", h.Channels, codec.ErrMalformed)
		}
		h.Streams, h.Coupled = 1, h.Channels-1
		h.Mapping = []byte{0, 1}[:h.Channels]
	case 1:
		if h.Channels > 8 {
			return Head{}, fmt.Errorf("opus: %d channels in mapping family 1: %w", h.Channels, codec.ErrMalformed)
		}
		if len(b) < 21+h.Channels {
			return Head{}, fmt.Errorf("opus: OpusHead too short for its channel mapping: %w", codec.ErrMalformed)
		}
		h.Streams, h.Coupled = int(b[19]), int(b[20])
		h.Mapping = append([]byte(nil), b[21:21+h.Channels]...)
		if h.Streams == 0 || h.Coupled > h.Streams || h.Streams+h.Coupled > 255 {
			return Head{}, fmt.Errorf("opus: %d streams, %d coupled: %w", h.Streams, h.Coupled, codec.ErrMalformed)
		}
		for _, m := range h.Mapping {
			if m != 255 && int(m) >= h.Streams+h.Coupled {
				return Head{}, fmt.Errorf("opus: channel mapped to stream channel %d of %d: %w", m, h.Streams+h.Coupled, codec.ErrMalformed)
			}
		}
	default:
		return Head{}, fmt.Errorf("opus: channel mapping family %d (only 0 and 1 are decoded): %w", h.Family, codec.ErrUnsupported)
	}
	return h, nil
}

// Packets decodes Opus packets at 48 kHz (package internal/packet's
// Decoder).
type Packets struct {
	h   Head
	d   *gopus.MultistreamDecoder
	buf []float32
}

// NewPackets returns a decoder for the streams head describes, with its
// output gain applied.
func NewPackets(h Head) (*Packets, error) {
	d, err := gopus.NewMultistreamDecoder(Rate, h.Channels, h.Streams, h.Coupled, h.Mapping)
	if err != nil {
		return nil, fmt.Errorf("opus: %v: %w", err, codec.ErrMalformed)
	}
	if h.Gain != 0 {
		if err := d.SetGain(h.Gain); err != nil {
			return nil, fmt.Errorf("opus: output gain %d/256 dB: %v: %w", h.Gain, err, codec.ErrMalformed)
		}
	}
	return &Packets{h: h, d: d, buf: make([]float32, maxFrames*h.Channels)}, nil
}

// Rate is 48000.
func (p *Packets) Rate() int { return Rate }

// Channels is the channel count.
func (p *Packets) Channels() int { return p.h.Channels }

// Decode decodes one packet, appending its samples (WAV channel order) to
// dst.
func (p *Packets) Decode(dst []float32, pkt []byte) ([]float32, error) {
	if len(pkt) == 0 {
		return dst, fmt.Errorf("opus: empty packet: %w", codec.ErrMalformed)
	}
	n, err := p.d.Decode(pkt, p.buf)
	if err != nil {
		return dst, fmt.Errorf("opus: %v: %w", err, codec.ErrMalformed)
	}
	out := p.buf[:n*p.h.Channels]
	packet.VorbisToWAV(out, p.h.Channels)
	return append(dst, out...), nil
}

// Reset returns the decoder to its initial state.
func (p *Packets) Reset() { p.d.Reset() }

// PacketFrames returns how many samples (at 48 kHz) a packet decodes to,
// from its TOC byte and frame count (RFC 6716 §3.1). For a multistream
// packet the first stream's TOC tells.
func PacketFrames(pkt []byte) (int, error) {
	if len(pkt) == 0 {
		return 0, fmt.Errorf("opus: empty packet: %w", codec.ErrMalformed)
	}
	toc := pkt[0]
	cfg := int(toc >> 3)
	var size int // in 1/400 s (2.5 ms = 120 samples)
	switch {
	case cfg < 12: // SILK: 10, 20, 40, 60 ms
		size = []int{4, 8, 16, 24}[cfg&3]
	case cfg < 16: // hybrid: 10, 20 ms
		size = []int{4, 8}[cfg&1]
	default: // CELT: 2.5, 5, 10, 20 ms
		size = []int{1, 2, 4, 8}[cfg&3]
	}
	frames := 1
	switch toc & 3 {
	case 1, 2:
		frames = 2
	case 3:
		if len(pkt) < 2 {
			return 0, fmt.Errorf("opus: code 3 packet without frame count: %w", codec.ErrMalformed)
		}
		frames = int(pkt[1] & 0x3f)
	}
	n := frames * size * 120
	if n == 0 || n > maxFrames {
		return 0, fmt.Errorf("opus: packet of %d frames of %d samples: %w", frames, size*120, codec.ErrMalformed)
	}
	return n, nil
}
