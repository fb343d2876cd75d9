package flac

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"

	"offcut/audio"
)

// Buffer sizes of a frame reader: it reads readAhead bytes at a time and
// keeps the current frame whole in its buffer (for the CRC-16), growing the
// buffer up to maxFrameBytes, far above the largest frame a valid stream
// holds (65535 samples × 8 channels × 33 bits ≈ 2.2 MB).
const (
	readAhead     = 128 << 10
	maxFrameBytes = 8 << 20
)

// bitReader reads big-endian bit fields from a Source through a buffer.
// cache holds nb valid bits, left-aligned; the bits below them are either
// zero or the stream's next bits (never anything else).
type bitReader struct {
	src  audio.Source
	size int64

	buf  []byte // buf[:n] holds the source's bytes [base, base+n)
	n    int
	base int64
	pos  int // next byte of buf to load into cache
	mark int // first byte that must stay in buf (the frame's start)

	cache uint64
	nb    uint
	err   error // sticky: a read past the end or a read error
}

func newBitReader(src audio.Source) *bitReader {
	return &bitReader{src: src, size: src.Size()}
}

// seek positions the reader at byte offset off, keeping buffered bytes when
// they cover it.
func (r *bitReader) seek(off int64) {
	r.cache, r.nb, r.err = 0, 0, nil
	if off >= r.base && off <= r.base+int64(r.n) {
		r.pos = int(off - r.base)
		r.mark = r.pos
		return
	}
	r.base, r.n, r.pos, r.mark = off, 0, 0, 0
}

// offset is the source offset of the next unread whole byte (the reader
// must be byte-aligned).
func (r *bitReader) offset() int64 { return r.base + int64(r.pos) - int64(r.nb/8) }

// align drops the bits up to the next byte boundary and hands the cached
// whole bytes back to the buffer, so that pos is the next unread byte.
func (r *bitReader) align() {
	r.nb -= r.nb % 8
	r.pos -= int(r.nb / 8)
	r.cache, r.nb = 0, 0
}

// more reads further bytes from the source, keeping buf[mark:]. It reports
// whether any byte was added.
func (r *bitReader) more() bool {
	if r.err != nil {
		return false
	}
	if r.mark > 0 && (r.n == len(r.buf) || r.mark > len(r.buf)/2) {
		copy(r.buf, r.buf[r.mark:r.n])
		r.base += int64(r.mark)
		r.n -= r.mark
		r.pos -= r.mark
		r.mark = 0
	}
	if r.n == len(r.buf) {
		if len(r.buf) >= maxFrameBytes {
			r.err = fmt.Errorf("%w: a frame runs over %d bytes", errMalformed, maxFrameBytes)
			return false
		}
		size := max(readAhead, min(2*len(r.buf), maxFrameBytes))
		if rest := r.size - r.base; int64(size) > rest {
			size = int(max(rest, int64(r.n)+1)) // a small source needs no more
		}
		nb := make([]byte, size)
		copy(nb, r.buf[:r.n])
		r.buf = nb
	}
	want := min(int64(len(r.buf)-r.n), r.size-(r.base+int64(r.n)))
	if want <= 0 {
		return false
	}
	k, err := r.src.ReadAt(r.buf[r.n:r.n+int(want)], r.base+int64(r.n))
	r.n += k
	if k == 0 {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		r.err = err
		return false
	}
	return true
}

// ensure makes at least k bytes available at pos (fewer at the end of the
// source); it returns how many are.
func (r *bitReader) ensure(k int) int {
	for r.n-r.pos < k && r.more() {
	}
	return min(k, r.n-r.pos)
}

// refill tops the cache up to at least 57 bits when the source allows.
func (r *bitReader) refill() {
	if r.pos+8 <= r.n {
		w := binary.BigEndian.Uint64(r.buf[r.pos:])
		r.cache |= w >> r.nb
		k := (64 - r.nb) >> 3
		r.pos += int(k)
		r.nb += k << 3
		return
	}
	for r.nb <= 56 {
		if r.pos == r.n && !r.more() {
			return
		}
		r.cache |= uint64(r.buf[r.pos]) << (56 - r.nb)
		r.pos++
		r.nb += 8
	}
}

// overrun records a read past the end of the data.
func (r *bitReader) overrun() {
	if r.err == nil {
		r.err = io.ErrUnexpectedEOF
	}
}

// read returns the next k bits (k ≤ 56) as an unsigned value.
func (r *bitReader) read(k uint) uint64 {
	if k == 0 {
		return 0
	}
	if r.nb < k {
		r.refill()
		if r.nb < k {
			r.overrun()
			r.cache, r.nb = 0, 0
			return 0
		}
	}
	v := r.cache >> (64 - k)
	r.cache <<= k
	r.nb -= k
	return v
}

// readSigned returns the next k bits (k ≤ 56) as a two's complement value.
func (r *bitReader) readSigned(k uint) int64 {
	if k == 0 {
		return 0
	}
	return int64(r.read(k)<<(64-k)) >> (64 - k)
}

// unary counts zero bits up to the next one bit, consuming both; it gives
// up (with an error) past limit zeros.
func (r *bitReader) unary(limit uint64) uint64 {
	var q uint64
	for {
		if r.nb == 0 {
			r.refill()
			if r.nb == 0 {
				r.overrun()
				return 0
			}
		}
		z := uint(bits.LeadingZeros64(r.cache))
		if z < r.nb {
			q += uint64(z)
			r.cache <<= z + 1
			r.nb -= z + 1
			return q
		}
		q += uint64(r.nb)
		r.cache, r.nb = 0, 0
		if q > limit {
			r.err = fmt.Errorf("%w: a unary code runs over %d bits", errMalformed, limit)
			return 0
		}
	}
}
