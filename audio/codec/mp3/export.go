package mp3

import (
	"encoding/binary"
	"fmt"
)

// Header is a 32-bit MPEG audio frame header as stored (most significant
// byte first), as Frame.Header holds it. Its methods read the fields other
// packages need (lossless editing builds and checks frames with them).
type Header uint32

// Valid reports whether h is a frame header the other methods can read:
// the sync bits, a layer, a bitrate index other than 15 and a sample
// rate.
func (h Header) Valid() bool { return header(h).valid() }

// Layer is 1, 2 or 3.
func (h Header) Layer() int { return h.layer() }

// MPEG1 is true for MPEG-1, false for MPEG-2 and 2.5 (low sample rates).
func (h Header) MPEG1() bool { return h.mpeg1() }

// SampleRate in Hz.
func (h Header) SampleRate() int { return h.sampleRate() }

// Channels is 1 (single channel mode) or 2.
func (h Header) Channels() int { return h.channels() }

// Protected is true when a CRC-16 follows the header.
func (h Header) Protected() bool { return h.crc() }

// BitrateIndex is the 4-bit bitrate index (0 is free format).
func (h Header) BitrateIndex() int { return int(h >> 12 & 15) }

// Samples is the number of samples per channel in one frame.
func (h Header) Samples() int { return h.samples() }

// SideInfoSize is the size of layer III side information in bytes.
func (h Header) SideInfoSize() int { return h.sideInfoSize() }

// Size is the frame's size in bytes, padding included; 0 for free format.
func (h Header) Size() int { return h.frameBytes(0) + h.padding() }

// Compatible reports whether a frame with header g may follow one with h
// in a stream: same version, layer and sample rate, both free format or
// both not.
func (h Header) Compatible(g Header) bool { return h.compatible(g) }

// Windows reads a layer III frame's side information (frame is the whole
// frame, header first): its main_data_begin, and the window of each
// granule and channel: the block type (0 normal, 1 start, 2 short, 3
// stop), plus 4 for a mixed block. A decoder overlaps each granule's
// window with the one before it in the same channel, so where frames from
// two encoders meet, those two must agree. MPEG-2 and 2.5 frames have one
// granule; w[1] is then zero.
func Windows(frame []byte) (mainDataBegin int, w [2][2]uint8, err error) {
	if len(frame) < 4 {
		return 0, w, fmt.Errorf("mp3: a frame of %d bytes has no header", len(frame))
	}
	h := header(binary.BigEndian.Uint32(frame))
	if h.layer() != 3 {
		return 0, w, fmt.Errorf("mp3: a layer %d frame has no layer III side information", h.layer())
	}
	off := 4
	if h.crc() {
		off += 2
	}
	size := h.frameBytes(0) + h.padding()
	if size > len(frame) {
		size = len(frame)
	}
	if off+h.sideInfoSize() > size {
		return 0, w, fmt.Errorf("mp3: a %d-byte frame cannot hold its %d bytes of side information", size, h.sideInfoSize())
	}
	var si sideInfo
	if err := parseSideInfo(h, frame[off:], &si, size-off-h.sideInfoSize()); err != nil {
		return 0, w, fmt.Errorf("mp3: %w", err)
	}
	for g := range si.ngr {
		for ch := range si.nch {
			w[g][ch] = uint8(si.gr[g][ch].blockType)
			if si.gr[g][ch].mixed {
				w[g][ch] |= 4
			}
		}
	}
	return si.mainDataBegin, w, nil
}
