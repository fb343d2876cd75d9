package flac

import "fmt"

// decodeWide decodes the subframes of a frame of more than 24 bits per
// sample (up to 32, whose side channels take 33) in 64-bit arithmetic,
// then stores the decorrelated samples in d.chans.
func (d *frameDecoder) decodeWide(h frameHeader, start int64) error {
	n := h.blockSize
	if cap(d.wbuf) < 2*n {
		d.wbuf = make([]int64, 2*n)
	}
	if cap(d.tmp) < n {
		d.tmp = make([]int32, n)
	}
	// Independent channels go through one 64-bit buffer each in turn;
	// the two of a stereo pair are decorrelated together.
	w := [2][]int64{d.wbuf[:n:n], d.wbuf[n : 2*n : 2*n]}
	for c := range d.ch {
		if err := d.subframeWide(w[c%2], d.sampleBits(h, c)); err != nil {
			return fmt.Errorf("frame at byte %d, channel %d: %w", start, c, err)
		}
		if h.assign == chanIndependent {
			for i, v := range w[c%2] {
				d.chans[c][i] = int32(v)
			}
		}
	}
	if err := d.frameEnd(start); err != nil {
		return err
	}
	if h.assign == chanIndependent {
		return nil
	}
	switch h.assign {
	case chanLeftSide:
		for i, l := range w[0] {
			w[1][i] = l - w[1][i]
		}
	case chanRightSide:
		for i, s := range w[0] {
			w[0][i] = s + w[1][i]
		}
	case chanMidSide:
		for i, m := range w[0] {
			s := w[1][i]
			m = m<<1 | s&1
			w[0][i] = (m + s) >> 1
			w[1][i] = (m - s) >> 1
		}
	}
	for c := range 2 {
		for i, v := range w[c] {
			d.chans[c][i] = int32(v)
		}
	}
	return nil
}

// subframeWide decodes one channel's subframe into s in 64-bit
// arithmetic.
func (d *frameDecoder) subframeWide(s []int64, bps int) error {
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
		v := r.readSigned(ubps)
		for i := range s {
			s[i] = v
		}
	case typ == 1:
		for i := range s {
			s[i] = r.readSigned(ubps)
		}
	case typ >= 8 && typ <= 12 || typ >= 32:
		order := typ - 8
		if typ >= 32 {
			order = typ - 31
		}
		if order > len(s) {
			return fmt.Errorf("%w: predictor of order %d in a block of %d", errMalformed, order, len(s))
		}
		for i := range order {
			s[i] = r.readSigned(ubps)
		}
		var c []int32
		var shift uint
		if typ >= 32 {
			prec := uint(r.read(4)) + 1
			if prec == 16 {
				return fmt.Errorf("%w: invalid LPC coefficient precision code 15", errMalformed)
			}
			sh := r.readSigned(5)
			if sh < 0 {
				return fmt.Errorf("%w: negative LPC shift %d", errMalformed, sh)
			}
			shift = uint(sh)
			c = d.coefs[:order]
			for i := range c {
				c[i] = int32(r.readSigned(prec))
			}
		} else {
			c = fixedCoefs[order]
		}
		res := d.tmp[:len(s)]
		if err := d.residual(res, order); err != nil {
			return err
		}
		for i := order; i < len(s); i++ {
			var sum int64
			for j, cj := range c {
				sum += int64(cj) * s[i-1-j]
			}
			s[i] = int64(res[i]) + sum>>shift
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

// fixedCoefs are the fixed predictors as LPC coefficients (shift 0).
var fixedCoefs = [5][]int32{{}, {1}, {2, -1}, {3, -3, 1}, {4, -6, 4, -1}}
