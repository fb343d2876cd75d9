package mp3

import "encoding/binary"

// bitReader reads big-endian bit fields from b. Reads past the end return
// zero bits.
type bitReader struct {
	b   []byte
	pos int // bit position
}

// peek64 returns the next 64 bits left-aligned (at least 57 are valid;
// bits past the end of b are zero).
func (r *bitReader) peek64() uint64 {
	i := r.pos >> 3
	if i+8 <= len(r.b) {
		return binary.BigEndian.Uint64(r.b[i:]) << (r.pos & 7)
	}
	var tmp [8]byte
	if i < len(r.b) {
		copy(tmp[:], r.b[i:])
	}
	return binary.BigEndian.Uint64(tmp[:]) << (r.pos & 7)
}

// bits reads n bits, 0 <= n <= 32.
func (r *bitReader) bits(n int) uint32 {
	if n == 0 {
		return 0
	}
	v := uint32(r.peek64() >> (64 - n))
	r.pos += n
	return v
}

func (r *bitReader) bit() bool { return r.bits(1) != 0 }
