package mp3

// header is the package's name for Header: one type, whose unexported
// methods decode every field and whose exported ones (export.go) are the
// view other packages use.
type header = Header

var bitrates = [2][3][16]uint16{
	{ // MPEG-1: layer I, II, III
		{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
		{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},
	},
	{ // MPEG-2 and 2.5
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
	},
}

// sampleRates by rate index: MPEG-1 0..2, MPEG-2 3..5, MPEG-2.5 6..8.
var sampleRates = [9]int{44100, 48000, 32000, 22050, 24000, 16000, 11025, 12000, 8000}

// valid reports whether h is a usable frame header: sync, a known version
// (MPEG-2.5 only with layer III), a known layer, and bitrate and sample
// rate indexes that are not reserved.
func (h header) valid() bool {
	b1 := byte(h >> 16)
	if byte(h>>24) != 0xff || (b1&0xf0 != 0xf0 && b1&0xfe != 0xe2) {
		return false
	}
	return h>>17&3 != 0 && h>>12&15 != 15 && h>>10&3 != 3
}

// compatible reports whether g may follow h in one stream: same version,
// layer and sample rate, and both free format or both not.
func (h header) compatible(g header) bool {
	return (h^g)>>16&0xfe == 0 && (h^g)>>8&0x0c == 0 && h.free() == g.free()
}

func (h header) layer() int     { return 4 - int(h>>17&3) }
func (h header) mpeg1() bool    { return h>>19&1 == 1 }
func (h header) lsf() bool      { return h>>19&1 == 0 }
func (h header) mpeg25() bool   { return h>>20&1 == 0 }
func (h header) crc() bool      { return h>>16&1 == 0 }
func (h header) free() bool     { return h>>12&15 == 0 }
func (h header) padded() bool   { return h>>9&1 == 1 }
func (h header) mode() int      { return int(h >> 6 & 3) }
func (h header) modeExt() int   { return int(h >> 4 & 3) }
func (h header) channels() int  { return 1 + b2i(h.mode() != 3) }
func (h header) msStereo() bool { return h>>4&0xe == 0x6 } // joint and ms bit
func (h header) msBit() bool    { return h&0x20 != 0 }
func (h header) isBit() bool    { return h&0x10 != 0 }

// rateIndex is 0..8 into sampleRates.
func (h header) rateIndex() int {
	i := int(h >> 10 & 3)
	switch {
	case h.mpeg1():
		return i
	case h.mpeg25():
		return 6 + i
	}
	return 3 + i
}

func (h header) sampleRate() int { return sampleRates[h.rateIndex()] }

func (h header) kbps() int {
	return int(bitrates[b2i(h.lsf())][h.layer()-1][h>>12&15])
}

// samples is the number of samples per channel in one frame.
func (h header) samples() int {
	switch {
	case h.layer() == 1:
		return 384
	case h.layer() == 3 && h.lsf():
		return 576
	}
	return 1152
}

// padding is the size of the padding slot in bytes (0 if unpadded).
func (h header) padding() int {
	if !h.padded() {
		return 0
	}
	if h.layer() == 1 {
		return 4
	}
	return 1
}

// frameBytes is the frame size without padding; freeBytes is used for free
// format frames.
func (h header) frameBytes(freeBytes int) int {
	n := h.samples() * h.kbps() * 125 / h.sampleRate()
	if h.layer() == 1 {
		n &^= 3
	}
	if n == 0 {
		return freeBytes
	}
	return n
}

// sideInfoSize is the size of layer III side information in bytes.
func (h header) sideInfoSize() int {
	mono := h.mode() == 3
	switch {
	case h.mpeg1() && mono:
		return 17
	case h.mpeg1():
		return 32
	case mono:
		return 9
	}
	return 17
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
