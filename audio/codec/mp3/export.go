package mp3

// Header is a 32-bit MPEG audio frame header as stored (most significant
// byte first), as Frame.Header holds it. Its methods read the fields other
// packages need (lossless editing builds and checks frames with them).
type Header uint32

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
