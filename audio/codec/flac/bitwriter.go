package flac

import "encoding/binary"

// bitWriter appends big-endian bit fields to a byte slice.
type bitWriter struct {
	buf []byte
	acc uint64 // the low n bits are pending
	n   uint
}

// write appends the low k bits of v (k ≤ 32).
func (w *bitWriter) write(v uint64, k uint) {
	if k == 0 {
		return
	}
	w.acc = w.acc<<k | v&(1<<k-1)
	w.n += k
	if w.n >= 32 {
		w.n -= 32
		x := uint32(w.acc >> w.n)
		w.buf = append(w.buf, byte(x>>24), byte(x>>16), byte(x>>8), byte(x))
	}
}

// writeSigned appends v as a k-bit two's complement value.
func (w *bitWriter) writeSigned(v int64, k uint) { w.write(uint64(v), k) }

// zeros appends k zero bits.
func (w *bitWriter) zeros(k uint) {
	for k > 32 {
		w.write(0, 32)
		k -= 32
	}
	w.write(0, k)
}

// align pads with zero bits to a byte boundary and flushes.
func (w *bitWriter) align() {
	if r := w.n % 8; r != 0 {
		w.write(0, 8-r)
	}
	for w.n >= 8 {
		w.n -= 8
		w.buf = append(w.buf, byte(w.acc>>w.n))
	}
}

// rice appends the Rice codes of parameter k of res. The bits are
// gathered in a local 64-bit word, flushed whole when full: a code of up
// to 32 bits (almost all) is a shift, an or and a test.
func (w *bitWriter) rice(res []int32, k uint) {
	acc, n, buf := w.acc, w.n, w.buf // n < 64 pending bits in acc
	k &= 31
	low := uint64(1)<<k - 1
	for i, v := range res {
		u := uint64(int64(v)<<1) ^ uint64(int64(v)>>63)
		q := u >> k
		if q+uint64(k) >= 32 {
			// A long code: write the rest the slow way.
			w.acc, w.n, w.buf = acc, n, buf
			w.riceLong(res[i:], k)
			return
		}
		b := (uint(q) + 1 + k) & 63
		code := 1<<k | u&low
		if n+b < 64 {
			acc = acc<<b | code
			n += b
			continue
		}
		fill := (64 - n) & 63 // 1..b
		buf = binary.BigEndian.AppendUint64(buf, acc<<fill|code>>((b-fill)&63))
		acc, n = code, b-fill
	}
	w.acc, w.n, w.buf = acc, n, buf
	w.flush32()
}

// riceLong appends the Rice codes of parameter k of res one by one,
// codes over 32 bits included.
func (w *bitWriter) riceLong(res []int32, k uint) {
	w.flush32()
	for _, v := range res {
		u := uint64(int64(v)<<1) ^ uint64(int64(v)>>63)
		q := uint(u >> k)
		if q+1+k <= 32 {
			w.write(1<<k|u&(1<<k-1), q+1+k)
			continue
		}
		w.zeros(q)
		w.write(1<<k|u&(1<<k-1), 1+k)
	}
}

// flush32 restores the invariant of write (fewer than 32 bits pending)
// after rice, which keeps up to 63.
func (w *bitWriter) flush32() {
	if w.n >= 32 {
		w.n -= 32
		w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(w.acc>>w.n))
	}
}
