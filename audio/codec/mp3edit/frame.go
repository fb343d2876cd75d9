package mp3edit

import "fmt"

// hdr is a 4-byte MPEG audio frame header.
type hdr uint32

func (h hdr) version() int { // 1, 2 or 25 (MPEG-2.5)
	switch h >> 19 & 3 {
	case 3:
		return 1
	case 2:
		return 2
	}
	return 25
}
func (h hdr) layer() int       { return 4 - int(h>>17&3) }
func (h hdr) protected() bool  { return h>>16&1 == 0 }
func (h hdr) bitrateIdx() int  { return int(h >> 12 & 15) }
func (h hdr) rateIdx() int     { return int(h >> 10 & 3) }
func (h hdr) mono() bool       { return h>>6&3 == 3 }
func (h hdr) channelMode() int { return int(h >> 6 & 3) }

var rates = map[int][3]int{1: {44100, 48000, 32000}, 2: {22050, 24000, 16000}, 25: {11025, 12000, 8000}}

var bitrates = map[bool][15]int{
	true:  {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}, // MPEG-1 layer III
	false: {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},     // MPEG-2/2.5 layer III
}

func (h hdr) sampleRate() int { return rates[h.version()][h.rateIdx()] }

// samplesPerFrame is 1152 for MPEG-1 and 576 for MPEG-2/2.5 layer III.
func (h hdr) samplesPerFrame() int {
	if h.version() == 1 {
		return 1152
	}
	return 576
}

// sideInfoLen is the size of layer III side information.
func (h hdr) sideInfoLen() int {
	switch {
	case h.version() == 1 && h.mono():
		return 17
	case h.version() == 1:
		return 32
	case h.mono():
		return 9
	default:
		return 17
	}
}

// payloadStart is where main data starts, from the frame's first byte.
func (h hdr) payloadStart() int {
	n := 4 + h.sideInfoLen()
	if h.protected() {
		n += 2
	}
	return n
}

// frameSize is the byte size of a layer III frame with bitrate index bi.
func (h hdr) frameSize(bi int, padded bool) int {
	br := bitrates[h.version() == 1][bi] * 1000
	coef := 144
	if h.version() != 1 {
		coef = 72
	}
	n := coef * br / h.sampleRate()
	if padded {
		n++
	}
	return n
}

// with returns h with the bitrate index, no CRC and no padding.
func (h hdr) with(bi int) hdr {
	h &^= 0xF<<12 | 1<<9
	h |= hdr(bi) << 12
	h |= 1 << 16 // protection bit set: no CRC
	return h
}

// smallestFrame returns the bitrate index of the smallest frame whose size
// is at least n bytes.
func (h hdr) smallestFrame(n int) (int, error) {
	for bi := 1; bi < 15; bi++ {
		if h.frameSize(bi, false) >= n {
			return bi, nil
		}
	}
	return 0, fmt.Errorf("mp3edit: no %d Hz frame holds %d bytes", h.sampleRate(), n)
}

func (h hdr) bytes() []byte { return []byte{byte(h >> 24), byte(h >> 16), byte(h >> 8), byte(h)} }

// compatible reports whether frames with headers h and g can follow each
// other in one stream (same version, layer, rate and channel mode).
func (h hdr) compatible(g hdr) bool {
	const mask = 0xFFFE0C00 | 3<<6 // sync, version, layer, rate, mode
	return h&(mask&^(1<<16)) == g&(mask&^(1<<16))
}

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
