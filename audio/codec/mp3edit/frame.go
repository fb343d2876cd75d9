package mp3edit

import (
	"fmt"

	"offcut/audio/codec/mp3"
)

// hdr is a layer III frame header; the fields come from mp3.Header, the
// methods here are what building frames needs on top.
type hdr uint32

func (h hdr) m() mp3.Header { return mp3.Header(h) }

func (h hdr) layer() int           { return h.m().Layer() }
func (h hdr) protected() bool      { return h.m().Protected() }
func (h hdr) bitrateIdx() int      { return h.m().BitrateIndex() }
func (h hdr) mono() bool           { return h.m().Channels() == 1 }
func (h hdr) sampleRate() int      { return h.m().SampleRate() }
func (h hdr) samplesPerFrame() int { return h.m().Samples() }
func (h hdr) sideInfoLen() int     { return h.m().SideInfoSize() }

// granules is the number of granules per frame: 2 (MPEG-1) or 1.
func (h hdr) granules() int {
	if h.m().MPEG1() {
		return 2
	}
	return 1
}

// payloadStart is where main data starts, from the frame's first byte.
func (h hdr) payloadStart() int {
	n := 4 + h.sideInfoLen()
	if h.protected() {
		n += 2
	}
	return n
}

// with returns h with the bitrate index bi, no CRC and no padding.
func (h hdr) with(bi int) hdr {
	h &^= 0xF<<12 | 1<<9
	h |= hdr(bi) << 12
	h |= 1 << 16 // protection bit set: no CRC
	return h
}

// frameSize is the byte size of an unpadded frame with bitrate index bi.
func (h hdr) frameSize(bi int) int { return h.with(bi).m().Size() }

// smallestFrame returns the bitrate index of the smallest frame whose size
// is at least n bytes.
func (h hdr) smallestFrame(n int) (int, error) {
	for bi := 1; bi < 15; bi++ {
		if h.frameSize(bi) >= n {
			return bi, nil
		}
	}
	return 0, fmt.Errorf("mp3edit: no %d Hz frame holds %d bytes", h.sampleRate(), n)
}

func (h hdr) bytes() []byte { return []byte{byte(h >> 24), byte(h >> 16), byte(h >> 8), byte(h)} }

// compatible reports whether frames with headers h and g can follow each
// other in one stream: same version, layer and rate, and both mono or both
// not.
func (h hdr) compatible(g hdr) bool { return h.m().Compatible(g.m()) && h.mono() == g.mono() }

// crc16 is the CRC LAME puts in its tag: CRC-16/ARC.
func crc16(b []byte) uint16 {
	var crc uint16
	for _, c := range b {
		crc ^= uint16(c)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0xA001
			} else {
				crc >>= 1
			}
		}
	}
	return crc
}
