package flac

import (
	"errors"
	"fmt"

	"offcut/audio/codec"
)

var (
	errMalformed   = codec.ErrMalformed
	errUnsupported = codec.ErrUnsupported
	// errNoSync means a frame header was expected and is not there.
	errNoSync = errors.New("no frame sync code")
)

// Channel assignments of a frame (stored codes 8, 9 and 10).
const (
	chanIndependent = iota
	chanLeftSide
	chanRightSide
	chanMidSide
)

// frameHeader is a parsed frame header.
type frameHeader struct {
	variable  bool  // blocking strategy: number is a sample number
	number    int64 // frame number (fixed) or first sample (variable)
	blockSize int
	rate      int // 0: as in STREAMINFO
	channels  int
	assign    int
	bps       int // 0: as in STREAMINFO
	size      int // header length in bytes, CRC-8 included
}

// maxHeaderBytes is the longest frame header: sync and codes (4), a 7-byte
// coded number, 2 bytes of block size, 2 of sample rate and the CRC-8.
const maxHeaderBytes = 16

// parseHeader parses the frame header at the start of b and checks its
// CRC-8.
func parseHeader(b []byte) (frameHeader, error) {
	var h frameHeader
	if len(b) < 6 {
		return h, fmt.Errorf("%w: frame header cut short", errMalformed)
	}
	if b[0] != 0xFF || b[1]&0xFE != 0xF8 {
		return h, errNoSync
	}
	h.variable = b[1]&1 != 0
	bsCode := b[2] >> 4
	rateCode := b[2] & 15
	chCode := b[3] >> 4
	bpsCode := (b[3] >> 1) & 7
	if b[3]&1 != 0 {
		return h, fmt.Errorf("%w: frame header reserved bit set", errMalformed)
	}
	if bsCode == 0 {
		return h, fmt.Errorf("%w: frame header with reserved block size code 0", errMalformed)
	}
	if rateCode == 15 {
		return h, fmt.Errorf("%w: frame header with invalid sample rate code 15", errMalformed)
	}
	switch {
	case chCode < 8:
		h.channels, h.assign = int(chCode)+1, chanIndependent
	case chCode <= 10:
		h.channels, h.assign = 2, int(chCode)-7
	default:
		return h, fmt.Errorf("%w: frame header with reserved channel code %d", errMalformed, chCode)
	}
	switch bpsCode {
	case 0:
	case 3:
		return h, fmt.Errorf("%w: frame header with reserved sample size code 3", errMalformed)
	default:
		h.bps = [8]int{0, 8, 12, 0, 16, 20, 24, 32}[bpsCode]
	}
	// Coded number, UTF-8 style, up to 36 bits.
	p := 4
	c := b[p]
	p++
	var extra int
	var v uint64
	switch {
	case c < 0x80:
		v = uint64(c)
	case c&0xE0 == 0xC0:
		v, extra = uint64(c&0x1F), 1
	case c&0xF0 == 0xE0:
		v, extra = uint64(c&0x0F), 2
	case c&0xF8 == 0xF0:
		v, extra = uint64(c&0x07), 3
	case c&0xFC == 0xF8:
		v, extra = uint64(c&0x03), 4
	case c&0xFE == 0xFC:
		v, extra = uint64(c&0x01), 5
	case c == 0xFE:
		v, extra = 0, 6
	default:
		return h, fmt.Errorf("%w: frame header with invalid coded number byte %#x", errMalformed, c)
	}
	if !h.variable && extra > 5 {
		return h, fmt.Errorf("%w: frame number longer than 31 bits", errMalformed)
	}
	for range extra {
		if p >= len(b) {
			return h, fmt.Errorf("%w: frame header cut short", errMalformed)
		}
		if b[p]&0xC0 != 0x80 {
			return h, fmt.Errorf("%w: frame header with invalid coded number continuation byte %#x", errMalformed, b[p])
		}
		v = v<<6 | uint64(b[p]&0x3F)
		p++
	}
	h.number = int64(v)
	get := func(k int) (int, bool) {
		if p+k > len(b) {
			return 0, false
		}
		x := 0
		for i := range k {
			x = x<<8 | int(b[p+i])
		}
		p += k
		return x, true
	}
	ok := true
	switch {
	case bsCode == 1:
		h.blockSize = 192
	case bsCode <= 5:
		h.blockSize = 576 << (bsCode - 2)
	case bsCode == 6:
		var x int
		x, ok = get(1)
		h.blockSize = x + 1
	case bsCode == 7:
		var x int
		x, ok = get(2)
		h.blockSize = x + 1
	default:
		h.blockSize = 256 << (bsCode - 8)
	}
	if !ok {
		return h, fmt.Errorf("%w: frame header cut short", errMalformed)
	}
	switch rateCode {
	case 0:
	case 12:
		var x int
		x, ok = get(1)
		h.rate = x * 1000
	case 13:
		h.rate, ok = get(2)
	case 14:
		var x int
		x, ok = get(2)
		h.rate = x * 10
	default:
		h.rate = [12]int{0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000}[rateCode]
	}
	if !ok || p >= len(b) {
		return h, fmt.Errorf("%w: frame header cut short", errMalformed)
	}
	if got := crc8(b[:p]); got != b[p] {
		return h, fmt.Errorf("%w: frame header CRC-8 mismatch; expected %#02x, got %#02x", errMalformed, b[p], got)
	}
	h.size = p + 1
	return h, nil
}
