package flac

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

// rice appends the Rice codes of parameter k of res.
func (w *bitWriter) rice(res []int32, k uint) {
	for _, v := range res {
		u := uint64(int64(v)<<1) ^ uint64(int64(v)>>63)
		u &= 1<<33 - 1
		q := uint(u >> k)
		if q+1+k <= 32 {
			w.write(1<<k|u&(1<<k-1), q+1+k)
			continue
		}
		w.zeros(q)
		w.write(1<<k|u&(1<<k-1), 1+k)
	}
}
