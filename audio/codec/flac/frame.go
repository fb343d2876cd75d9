package flac

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"runtime"
)

// wide is set where 64-bit integer arithmetic is faster than 32-bit (under
// WebAssembly, Go sign-extends every 32-bit result; 64-bit LPC loops run
// 2.7 times faster there).
const wide = runtime.GOARCH == "wasm"

// frameDecoder decodes frames into per-channel int32 samples.
type frameDecoder struct {
	r      *bitReader
	bps    int // the stream's bits per sample
	ch     int
	rate   int
	buf    []int32   // backing store of samples
	wbuf   []int64   // backing store of samples over 24 bits
	tmp    []int32   // residuals of samples over 24 bits
	chans  [][]int32 // per channel, blockSize long after a decode
	coefs  [32]int32
	header frameHeader
	start  int64 // source offset of the last frame decoded
}

// decode decodes the frame at the reader's (byte-aligned) position.
func (d *frameDecoder) decode() error {
	r := d.r
	r.align()
	r.mark = r.pos
	start := r.offset()
	d.start = start
	if r.ensure(maxHeaderBytes) < 6 {
		if r.err != nil {
			return r.err
		}
		return errEndOfStream
	}
	h, err := parseHeader(r.buf[r.pos:min(r.n, r.pos+maxHeaderBytes)])
	if err != nil {
		return fmt.Errorf("frame at byte %d: %w", start, err)
	}
	if err := d.check(h); err != nil {
		return fmt.Errorf("frame at byte %d: %w", start, err)
	}
	d.header = h
	r.pos += h.size
	n := h.blockSize
	if cap(d.buf) < n*d.ch {
		d.buf = make([]int32, n*d.ch)
	}
	d.chans = d.chans[:0]
	for c := range d.ch {
		d.chans = append(d.chans, d.buf[c*n:(c+1)*n:(c+1)*n])
	}
	if d.bps > 24 {
		return d.decodeWide(h, start)
	}
	for c := range d.ch {
		if err := d.subframe(d.chans[c], d.sampleBits(h, c)); err != nil {
			return fmt.Errorf("frame at byte %d, channel %d: %w", start, c, err)
		}
	}
	if err := d.frameEnd(start); err != nil {
		return err
	}
	switch h.assign {
	case chanLeftSide:
		left, side := d.chans[0], d.chans[1][:len(d.chans[0])]
		for i, l := range left {
			side[i] = int32(int64(l) - int64(side[i]))
		}
	case chanRightSide:
		side, right := d.chans[0], d.chans[1][:len(d.chans[0])]
		for i, s := range side {
			side[i] = int32(int64(s) + int64(right[i]))
		}
	case chanMidSide:
		mid, side := d.chans[0], d.chans[1][:len(d.chans[0])]
		for i, m := range mid {
			s := int64(side[i])
			m := int64(m)<<1 | s&1
			mid[i] = int32((m + s) >> 1)
			side[i] = int32((m - s) >> 1)
		}
	}
	return nil
}

// sampleBits is the sample width of channel c of a frame: one more for a
// side channel.
func (d *frameDecoder) sampleBits(h frameHeader, c int) int {
	switch {
	case h.assign == chanLeftSide && c == 1,
		h.assign == chanRightSide && c == 0,
		h.assign == chanMidSide && c == 1:
		return d.bps + 1
	}
	return d.bps
}

// frameEnd reads the frame's CRC-16 and checks it.
func (d *frameDecoder) frameEnd(start int64) error {
	r := d.r
	r.align()
	if r.ensure(2) < 2 {
		if r.err != nil {
			return fmt.Errorf("frame at byte %d: %w", start, r.err)
		}
		return fmt.Errorf("frame at byte %d: %w: cut short", start, errMalformed)
	}
	want := binary.BigEndian.Uint16(r.buf[r.pos:])
	if got := crc16(r.buf[r.mark:r.pos]); got != want {
		return fmt.Errorf("frame at byte %d: %w: CRC-16 mismatch; expected %#04x, got %#04x", start, errMalformed, want, got)
	}
	r.pos += 2
	r.mark = r.pos
	return nil
}

// check refuses frames whose layout differs from the stream's.
func (d *frameDecoder) check(h frameHeader) error {
	if h.channels != d.ch {
		return fmt.Errorf("%w: %d channels in a %d-channel stream (changing channel counts are not supported)", errUnsupported, h.channels, d.ch)
	}
	if h.bps != 0 && h.bps != d.bps {
		return fmt.Errorf("%w: %d bits per sample in a %d-bit stream (changing bit depths are not supported)", errUnsupported, h.bps, d.bps)
	}
	if h.rate != 0 && h.rate != d.rate {
		return fmt.Errorf("%w: %d Hz in a %d Hz stream (changing sample rates are not supported)", errUnsupported, h.rate, d.rate)
	}
	return nil
}

// subframe decodes one channel's subframe into s.
func (d *frameDecoder) subframe(s []int32, bps int) error {
	r := d.r
	hdr := r.read(8)
	if hdr&0x80 != 0 {
		return fmt.Errorf("%w: subframe padding bit set", errMalformed)
	}
	typ := int(hdr>>1) & 0x3F
	wasted := 0
	if hdr&1 != 0 {
		wasted = int(r.unary(32)) + 1
		if wasted >= bps {
			return fmt.Errorf("%w: %d wasted bits of %d", errMalformed, wasted, bps)
		}
		bps -= wasted
	}
	ubps := uint(bps)
	switch {
	case typ == 0:
		v := int32(r.readSigned(ubps))
		for i := range s {
			s[i] = v
		}
	case typ == 1:
		for i := range s {
			s[i] = int32(r.readSigned(ubps))
		}
	case typ >= 8 && typ <= 12:
		order := typ - 8
		if order > len(s) {
			return fmt.Errorf("%w: fixed predictor of order %d in a block of %d", errMalformed, order, len(s))
		}
		for i := range order {
			s[i] = int32(r.readSigned(ubps))
		}
		if err := d.residual(s, order); err != nil {
			return err
		}
		fixedRestore(s, order)
	case typ >= 32:
		order := typ - 31
		if order > len(s) {
			return fmt.Errorf("%w: LPC of order %d in a block of %d", errMalformed, order, len(s))
		}
		for i := range order {
			s[i] = int32(r.readSigned(ubps))
		}
		prec := uint(r.read(4)) + 1
		if prec == 16 {
			return fmt.Errorf("%w: invalid LPC coefficient precision code 15", errMalformed)
		}
		shift := r.readSigned(5)
		if shift < 0 {
			return fmt.Errorf("%w: negative LPC shift %d", errMalformed, shift)
		}
		c := d.coefs[:order]
		var abs int64
		for i := range c {
			c[i] = int32(r.readSigned(prec))
			abs += int64(max(c[i], -c[i]))
		}
		if err := d.residual(s, order); err != nil {
			return err
		}
		if abs<<(bps-1) < 1<<31 && !wide {
			lpcRestore32(s, c, uint(shift))
		} else {
			lpcRestore64(s, c, uint(shift))
		}
	default:
		return fmt.Errorf("%w: reserved subframe type %d", errMalformed, typ)
	}
	if r.err != nil {
		return r.err
	}
	if wasted > 0 {
		for i := range s {
			s[i] <<= wasted
		}
	}
	return nil
}

// residual decodes the Rice-coded residual of a predicted subframe into
// s[order:].
func (d *frameDecoder) residual(s []int32, order int) error {
	r := d.r
	method := r.read(2)
	if method > 1 {
		return fmt.Errorf("%w: reserved residual coding method %d", errMalformed, method)
	}
	paramBits, escape := uint(4), uint64(15)
	if method == 1 {
		paramBits, escape = 5, 31
	}
	po := uint(r.read(4))
	parts := 1 << po
	if len(s)%parts != 0 || len(s)>>po < order {
		return fmt.Errorf("%w: Rice partition order %d does not fit a block of %d with predictor order %d", errMalformed, po, len(s), order)
	}
	per := len(s) >> po
	at := order
	for p := range parts {
		end := (p + 1) * per
		dst := s[at:end]
		at = end
		k := r.read(paramBits)
		if k == escape {
			n := uint(r.read(5))
			for i := range dst {
				dst[i] = int32(r.readSigned(n))
			}
		} else {
			r.rice(dst, uint(k))
		}
		if r.err != nil {
			return r.err
		}
	}
	return nil
}

// rice decodes len(dst) Rice codes of parameter k.
func (r *bitReader) rice(dst []int32, k uint) {
	cache, nb, pos := r.cache, r.nb, r.pos
	buf := r.buf[:r.n]
	for i := range dst {
		if nb < 32 {
			if pos+8 <= len(buf) {
				cache |= binary.BigEndian.Uint64(buf[pos:]) >> nb
				m := (64 - nb) >> 3
				pos += int(m)
				nb += m << 3
			} else {
				r.cache, r.nb, r.pos = cache, nb, pos
				r.refill()
				buf = r.buf[:r.n]
				cache, nb, pos = r.cache, r.nb, r.pos
			}
		}
		z := uint(bits.LeadingZeros64(cache))
		if z+1+k > nb {
			r.cache, r.nb, r.pos = cache, nb, pos
			q := r.unary(1 << 32)
			u := uint64(q)<<k | r.read(k)
			dst[i] = int32(int64(u>>1) ^ -int64(u&1))
			if r.err != nil {
				return
			}
			buf = r.buf[:r.n]
			cache, nb, pos = r.cache, r.nb, r.pos
			continue
		}
		cache <<= z + 1
		u := uint64(z)<<k | cache>>(64-k)
		cache <<= k
		nb -= z + 1 + k
		dst[i] = int32(int64(u>>1) ^ -int64(u&1))
	}
	r.cache, r.nb, r.pos = cache, nb, pos
}

// fixedRestore applies a fixed predictor of the given order to s in place
// (in 64-bit arithmetic, as fast natively and faster under WebAssembly).
func fixedRestore(s []int32, order int) {
	switch order {
	case 1:
		for i := 1; i < len(s); i++ {
			x := s[i-1 : i+1 : i+1]
			x[1] = int32(int64(x[1]) + int64(x[0]))
		}
	case 2:
		for i := 2; i < len(s); i++ {
			x := s[i-2 : i+1 : i+1]
			x[2] = int32(int64(x[2]) + 2*int64(x[1]) - int64(x[0]))
		}
	case 3:
		for i := 3; i < len(s); i++ {
			x := s[i-3 : i+1 : i+1]
			x[3] = int32(int64(x[3]) + 3*(int64(x[2])-int64(x[1])) + int64(x[0]))
		}
	case 4:
		for i := 4; i < len(s); i++ {
			x := s[i-4 : i+1 : i+1]
			x[4] = int32(int64(x[4]) + 4*(int64(x[3])+int64(x[1])) - 6*int64(x[2]) - int64(x[0]))
		}
	}
}
