package flac

import (
	"cmp"
	"crypto/md5"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"math/bits"
	"slices"

	"offcut/audio"
	"offcut/audio/codec/vorbiscomment"
)

// EncoderOptions tune the encoder.
type EncoderOptions struct {
	// Level is the compression level, 0 (fastest) to 8 (smallest), with
	// libFLAC's meanings of block size, maximum LPC order, Rice partition
	// order and stereo decorrelation. The default, 0 in the struct, is
	// level 0; use DefaultLevel for libFLAC's default.
	Level int
	// Tags are written as Vorbis comments (keys as in audio.Info.Tags:
	// track and year become TRACKNUMBER and DATE).
	Tags map[string]string
	// Pictures are written as PICTURE blocks.
	Pictures []audio.Picture
	// SeekInterval is the distance between seek points in seconds; 0 means
	// 10 s (as flac), negative means no SEEKTABLE. Seek points need the
	// frame count given to NewEncoder.
	SeekInterval float64
	// Vendor is the comment block's vendor string (default "Offcut").
	Vendor string
	// PrecisionSearch tries every LPC coefficient precision instead of
	// libFLAC's default for the sample width and block size (flac -p):
	// slower, slightly smaller.
	PrecisionSearch bool
}

// DefaultLevel is libFLAC's default compression level.
const DefaultLevel = 5

// level is one row of libFLAC's compression presets.
type level struct {
	blockSize int
	maxLPC    int
	maxPart   uint
	stereo    int // 0 independent, 1 adaptive mid-side, 2 exhaustive
	orders    int // LPC orders tried around the estimated best
	parts     int // subdivide_tukey(parts) windows; 1 is tukey(0.5)
}

var levels = [9]level{
	{1152, 0, 3, 0, 0, 1},
	{1152, 0, 3, 1, 0, 1},
	{1152, 0, 3, 2, 0, 1},
	{4096, 6, 4, 0, 1, 1},
	{4096, 8, 4, 1, 1, 1},
	{4096, 8, 5, 2, 1, 1},
	{4096, 8, 6, 2, 1, 2},
	{4096, 12, 6, 2, 1, 2},
	{4096, 12, 6, 2, 1, 3},
}

// ErrEncoderClosed is returned by Encode after Close.
var ErrEncoderClosed = errors.New("flac: encoder closed")

// Encoder writes a FLAC stream. The metadata written first has the final
// length but not yet the MD5, the totals and the seek points: Close
// returns the final bytes, to be written over the start of the output.
type Encoder struct {
	w       io.Writer
	f       audio.Format
	lv      level
	pSearch bool
	frames  int64 // as announced, for the seek table
	scale   float64

	header   []byte // as first written
	siOff    int    // offset of the STREAMINFO body in header
	seekOff  int    // offset of the SEEKTABLE body, or -1
	seekPts  []int64
	seekFill []seekPoint

	chans    [][]int32 // one block of input, per channel
	fill     int
	in       []float32
	md5      hash.Hash
	md5buf   []byte
	ibuf     []int32 // one block of input as integers, interleaved
	frameNum int64
	total    int64
	written  int64 // bytes of frames written
	minFrame int
	maxFrame int
	out      bitWriter
	err      error
	closed   bool

	// analysis scratch
	slots  [4]subframe
	sbuf   [4][]int32 // x buffers (wasted bits removed) per slot
	rbuf   [4][]int32 // residual buffers per slot
	tmpRes []int32
	mid    []int32
	side   []int32
	wins   [][]float64
	runs   [][][2]int // nonzero runs of each window
	winN   int
	wx     []float64
	sums   []uint64
	// Levinson-Durbin coefficients per order (kept here: 8 KiB would
	// escape to the heap on every call).
	lpStore [32][32]float64
	lpRows  [32][]float64
	cands   []lpcCand // LPC predictors to try
	// exhaustive tries the fixed predictors on every block and encodes
	// every window's LPC predictor (tests compare the sizes with and
	// without).
	exhaustive bool
}

// NewEncoder writes the metadata of a FLAC stream of format f (8 to 24-bit
// integer samples, 1 to 8 channels) to w and returns an encoder for its
// frames. frames is the expected number of frames (used to size the seek
// table; 0 if unknown).
func NewEncoder(w io.Writer, f audio.Format, frames int64, opt EncoderOptions) (*Encoder, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("flac: %w", err)
	}
	switch {
	case f.Float || f.Bits > 24:
		return nil, fmt.Errorf("flac: %w: encoding %v (FLAC takes 8 to 24-bit integer samples here)", errUnsupported, f)
	case f.Channels > 8:
		return nil, fmt.Errorf("flac: %w: %d channels (FLAC has at most 8)", errUnsupported, f.Channels)
	case f.Rate >= 1<<20:
		return nil, fmt.Errorf("flac: %w: sample rate %d Hz (FLAC has at most %d)", errUnsupported, f.Rate, 1<<20-1)
	case opt.Level < 0 || opt.Level > 8:
		return nil, fmt.Errorf("flac: compression level %d (want 0 to 8)", opt.Level)
	}
	e := &Encoder{
		w: w, f: f, lv: levels[opt.Level], frames: max(frames, 0),
		scale: float64(int64(1) << (f.Bits - 1)),
		md5:   md5.New(), minFrame: math.MaxInt, pSearch: opt.PrecisionSearch,
	}
	n := e.lv.blockSize
	e.chans = make([][]int32, f.Channels)
	for c := range e.chans {
		e.chans[c] = make([]int32, n)
	}
	for i := range e.sbuf {
		e.sbuf[i] = make([]int32, n)
		e.rbuf[i] = make([]int32, n)
	}
	e.tmpRes = make([]int32, n)
	e.mid = make([]int32, n)
	e.side = make([]int32, n)
	e.wx = make([]float64, n)
	e.sums = make([]uint64, 1<<8)
	e.in = make([]float32, n*f.Channels)
	e.buildHeader(opt)
	if _, err := w.Write(e.header); err != nil {
		return nil, fmt.Errorf("flac: writing the metadata: %w", err)
	}
	return e, nil
}

// buildHeader lays out fLaC, STREAMINFO, SEEKTABLE, VORBIS_COMMENT and
// PICTURE blocks.
func (e *Encoder) buildHeader(opt EncoderOptions) {
	type blk struct {
		typ  byte
		body []byte
	}
	var blocks []blk
	blocks = append(blocks, blk{0, make([]byte, 34)})
	e.seekOff = -1
	if interval := cmpOr(opt.SeekInterval, 10); interval > 0 && e.frames > 0 {
		step := int64(math.Round(interval * float64(e.f.Rate)))
		step = max(step, int64(e.lv.blockSize))
		for t := int64(0); t < e.frames && len(e.seekPts) < maxSeekPoints; t += step {
			e.seekPts = append(e.seekPts, t)
		}
		blocks = append(blocks, blk{3, make([]byte, 18*len(e.seekPts))})
	}
	c := vorbiscomment.FromTags(opt.Vendor, opt.Tags, nil)
	blocks = append(blocks, blk{4, c.Encode()})
	for _, p := range opt.Pictures {
		vp := vorbiscomment.Picture{Type: uint32(p.Type), MIME: p.MIME, Description: p.Description, Data: p.Data}
		blocks = append(blocks, blk{6, vp.Encode()})
	}
	h := []byte("fLaC")
	for i, b := range blocks {
		t := b.typ
		if i == len(blocks)-1 {
			t |= 0x80
		}
		n := len(b.body)
		h = append(h, t, byte(n>>16), byte(n>>8), byte(n))
		switch b.typ {
		case 0:
			e.siOff = len(h)
		case 3:
			e.seekOff = len(h)
		}
		h = append(h, b.body...)
	}
	e.header = h
	e.fillHeader()
}

func cmpOr(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// fillHeader writes the current STREAMINFO and seek points into header.
func (e *Encoder) fillHeader() {
	si := e.header[e.siOff : e.siOff+34]
	bs := e.lv.blockSize
	binary.BigEndian.PutUint16(si[0:], uint16(bs))
	binary.BigEndian.PutUint16(si[2:], uint16(bs))
	minF, maxF := e.minFrame, e.maxFrame
	if minF == math.MaxInt {
		minF = 0
	}
	si[4], si[5], si[6] = byte(minF>>16), byte(minF>>8), byte(minF)
	si[7], si[8], si[9] = byte(maxF>>16), byte(maxF>>8), byte(maxF)
	x := uint64(e.f.Rate)<<44 | uint64(e.f.Channels-1)<<41 | uint64(e.f.Bits-1)<<36 | uint64(e.total)&(1<<36-1)
	binary.BigEndian.PutUint64(si[10:], x)
	if e.closed {
		copy(si[18:], e.md5.Sum(nil))
	}
	if e.seekOff >= 0 {
		st := e.header[e.seekOff : e.seekOff+18*len(e.seekPts)]
		for i := range e.seekPts {
			p := st[18*i:]
			if i < len(e.seekFill) {
				binary.BigEndian.PutUint64(p, uint64(e.seekFill[i].sample))
				binary.BigEndian.PutUint64(p[8:], uint64(e.seekFill[i].offset))
				binary.BigEndian.PutUint16(p[16:], uint16(bs))
			} else {
				binary.BigEndian.PutUint64(p, 1<<64-1)
				binary.BigEndian.PutUint64(p[8:], 0)
				binary.BigEndian.PutUint16(p[16:], 0)
			}
		}
	}
}

// Encode encodes all of s.
func (e *Encoder) Encode(s audio.Stream) error {
	if e.closed {
		return ErrEncoderClosed
	}
	if e.err != nil {
		return e.err
	}
	if s.Channels() != e.f.Channels || s.Rate() != e.f.Rate {
		return fmt.Errorf("flac: encoding a %d Hz %d-channel stream as %v", s.Rate(), s.Channels(), e.f)
	}
	ch := e.f.Channels
	for {
		room := e.lv.blockSize - e.fill
		k, err := s.Read(e.in[:room*ch])
		if k > 0 {
			e.take(e.in[:k*ch])
			if e.fill == e.lv.blockSize {
				if err := e.flush(); err != nil {
					return err
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("flac: reading the input: %w", err)
		}
	}
}

// take converts interleaved samples into the block buffer and the MD5,
// in three sequential passes (quantise, MD5 bytes, deinterleave).
func (e *Encoder) take(in []float32) {
	ch := e.f.Channels
	k := len(in) / ch
	width := e.f.Bits / 8
	if cap(e.ibuf) < len(in) {
		e.ibuf = make([]int32, len(in))
	}
	q := e.ibuf[:len(in)]
	toInt(q, in, e.scale)
	if need := len(in) * width; cap(e.md5buf) < need {
		e.md5buf = make([]byte, need)
	}
	mb := e.md5buf[:len(in)*width]
	switch width {
	case 1:
		for i, x := range q {
			mb[i] = byte(x)
		}
	case 2:
		// Four samples a store (five times faster under wasm).
		i := 0
		for ; i+4 <= len(q); i += 4 {
			w := q[i : i+4 : i+4]
			binary.LittleEndian.PutUint64(mb[2*i:], uint64(uint16(w[0]))|uint64(uint16(w[1]))<<16|uint64(uint16(w[2]))<<32|uint64(uint16(w[3]))<<48)
		}
		for ; i < len(q); i++ {
			binary.LittleEndian.PutUint16(mb[2*i:], uint16(q[i]))
		}
	default:
		// Four bytes a sample, each store's last byte overwritten by
		// the next.
		i := 0
		for ; i+1 < len(q); i++ {
			binary.LittleEndian.PutUint32(mb[3*i:], uint32(q[i]))
		}
		for ; i < len(q); i++ {
			b := mb[3*i : 3*i+3 : 3*i+3]
			b[0], b[1], b[2] = byte(q[i]), byte(q[i]>>8), byte(q[i]>>16)
		}
	}
	e.md5.Write(mb)
	if ch == 2 {
		l, r := e.chans[0][e.fill:e.fill+k], e.chans[1][e.fill:e.fill+k]
		for i := range l {
			p := q[2*i : 2*i+2 : 2*i+2]
			l[i], r[i] = p[0], p[1]
		}
	} else {
		for c := range ch {
			dst := e.chans[c][e.fill : e.fill+k]
			for i := range dst {
				dst[i] = q[i*ch+c]
			}
		}
	}
	e.fill += k
}

// toInt converts float samples to integers of the scale's width,
// rounding to even, clamping and turning NaN into 0.
func toInt(dst []int32, src []float32, scale float64) {
	lo, hi := -scale, scale-1
	// Adding 1.5·2^52 leaves the integer rounded to even in the low
	// mantissa bits (|v| < 2^31 here).
	const magic = 0x1.8p52
	dst = dst[:len(src)]
	for i, f := range src {
		v := float64(f) * scale
		if v >= lo && v <= hi {
			dst[i] = int32(uint32(math.Float64bits(v + magic)))
			continue
		}
		switch {
		case v < lo:
			v = lo
		case v > hi:
			v = hi
		default:
			v = 0 // NaN
		}
		dst[i] = int32(v)
	}
}

// flush encodes and writes the buffered block.
func (e *Encoder) flush() error {
	n := e.fill
	if n == 0 {
		return nil
	}
	if e.frameNum >= 1<<31 {
		e.err = fmt.Errorf("flac: %w: more than 2^31 frames", errUnsupported)
		return e.err
	}
	start := e.total
	for len(e.seekFill) < len(e.seekPts) && e.seekPts[len(e.seekFill)] < start+int64(n) {
		e.seekFill = append(e.seekFill, seekPoint{sample: start, offset: e.written})
	}
	e.out.buf = e.out.buf[:0]
	e.encodeFrame(n)
	b := e.out.buf
	if _, err := e.w.Write(b); err != nil {
		e.err = fmt.Errorf("flac: writing frame %d: %w", e.frameNum, err)
		return e.err
	}
	e.written += int64(len(b))
	e.minFrame = min(e.minFrame, len(b))
	e.maxFrame = max(e.maxFrame, len(b))
	e.total += int64(n)
	e.frameNum++
	e.fill = 0
	return nil
}

// Close encodes the last partial block and returns the final metadata,
// of the same length as written first, for the caller to write over the
// start of the output.
func (e *Encoder) Close() ([]byte, error) {
	if e.closed {
		return nil, ErrEncoderClosed
	}
	if e.err != nil {
		return nil, e.err
	}
	if err := e.flush(); err != nil {
		return nil, err
	}
	if e.total >= 1<<36 {
		return nil, fmt.Errorf("flac: %w: %d samples (STREAMINFO holds 36 bits)", errUnsupported, e.total)
	}
	e.closed = true
	e.fillHeader()
	return e.header, nil
}

// encodeFrame appends the frame of the first n buffered samples to e.out.
func (e *Encoder) encodeFrame(n int) {
	ch := e.f.Channels
	bps := uint(e.f.Bits)
	w := &e.out
	// Plan the subframes.
	assign := ch - 1
	var plans [2]*subframe
	if ch == 2 && e.lv.stereo > 0 && n > 4 {
		l, r := e.chans[0][:n], e.chans[1][:n]
		mid, side := e.mid[:n], e.side[:n]
		for i := range l {
			mid[i] = (l[i] + r[i]) >> 1
			side[i] = l[i] - r[i]
		}
		srcs := [4][]int32{l, r, mid, side}
		widths := [4]uint{bps, bps, bps, bps + 1}
		var bitsOf [4]int
		if e.lv.stereo == 1 {
			// Adaptive: estimate from the fixed predictors' residuals and
			// encode only the best pair.
			for i, x := range srcs {
				s := fixedSums(x)
				bitsOf[i] = int(min(s[0], s[1], s[2], s[3], s[4]))
			}
		} else {
			for i, x := range srcs {
				e.plan(i, x, widths[i])
				bitsOf[i] = e.slots[i].bits
			}
		}
		// independent, left-side, right-side, mid-side
		pairs := [4][2]int{{0, 1}, {0, 3}, {3, 1}, {2, 3}}
		best := 0
		for a := 1; a < 4; a++ {
			if bitsOf[pairs[a][0]]+bitsOf[pairs[a][1]] < bitsOf[pairs[best][0]]+bitsOf[pairs[best][1]] {
				best = a
			}
		}
		if e.lv.stereo == 1 {
			for _, i := range pairs[best] {
				e.plan(i, srcs[i], widths[i])
			}
		}
		plans = [2]*subframe{&e.slots[pairs[best][0]], &e.slots[pairs[best][1]]}
		if best > 0 {
			assign = 7 + best
		}
	}
	// Frame header.
	w.write(0xFFF8, 16)
	bsCode, bsExtra, bsBits := blockSizeCode(n)
	rateCode, rateExtra, rateBits := rateCode(e.f.Rate)
	w.write(uint64(bsCode), 4)
	w.write(uint64(rateCode), 4)
	w.write(uint64(assign), 4)
	w.write(uint64(bpsCode(e.f.Bits)), 3)
	w.write(0, 1)
	writeUTF8(w, uint64(e.frameNum))
	w.write(uint64(bsExtra), bsBits)
	w.write(uint64(rateExtra), rateBits)
	w.align()
	w.buf = append(w.buf, crc8(w.buf))
	if plans[0] != nil {
		for _, p := range plans {
			writeSubframe(w, p)
		}
	} else {
		for c := range ch {
			e.plan(0, e.chans[c][:n], bps)
			writeSubframe(w, &e.slots[0])
		}
	}
	w.align()
	w.buf = binary.BigEndian.AppendUint16(w.buf, crc16(w.buf))
}

// plan finds the smallest subframe for samples x of width bps into slot.
func (e *Encoder) plan(slot int, x []int32, bps uint) {
	sf := &e.slots[slot]
	n := len(x)
	*sf = subframe{}
	sf.bps = bps
	// Constant and wasted bits.
	or, diff := orDiff(x)
	if diff == 0 {
		sf.kind, sf.x, sf.bits = sfConstant, x, 8+int(bps)
		return
	}
	sf.x = x
	if wz := uint(bits.TrailingZeros32(uint32(or))); wz > 0 && wz < bps {
		sx := e.sbuf[slot][:n]
		for i, v := range x {
			sx[i] = v >> wz
		}
		sf.x, sf.wasted, sf.bps = sx, wz, bps-wz
		x = sx
		bps -= wz
	}
	head := 8 + int(sf.wasted)
	sf.kind, sf.bits = sfVerbatim, head+n*int(bps)
	res := e.rbuf[slot][:n]
	tmp := e.tmpRes[:n]
	// LPC.
	var ac0 [5]float64 // the first window's autocorrelation, lags 0-4
	haveAC := false
	lpcEst := math.Inf(1) // LPC's estimated size in the first window, bits
	maxOrder := min(e.lv.maxLPC, n-1)
	if maxOrder > 0 && n > 2*maxOrder {
		if e.winN != n {
			e.wins = windows(n, e.lv.parts)
			e.winN = n
			e.runs = e.runs[:0]
			for _, w := range e.wins {
				e.runs = append(e.runs, nonzeroRuns(w, maxOrder+1))
			}
		}
		wx := e.wx[:n]
		prec := qlpPrecision(int(bps), n)
		cands := e.cands[:0]
		var acRoot, acPrev [33]float64
		for wi, win := range e.wins {
			// Only the window's nonzero runs: partial and punch-out
			// windows are zero over a half to two thirds of the block.
			var ac [33]float64
			if e.lv.parts >= 3 && punchout(wi) {
				// As libFLAC: the root window's autocorrelation minus
				// the partial window's just before (punch-out windows
				// are the root without that part).
				for k := range maxOrder + 1 {
					ac[k] = acRoot[k] - acPrev[k]
				}
			}
			for _, r := range e.runs[wi] {
				if e.lv.parts >= 3 && punchout(wi) {
					break
				}
				d := wx[r[0]:r[1]]
				applyWindow(d, x[r[0]:r[1]], win[r[0]:r[1]])
				var part [33]float64
				autocorrLags(part[:maxOrder+1], d)
				for k := range maxOrder + 1 {
					ac[k] += part[k]
				}
			}
			if wi == 0 {
				acRoot = ac
			}
			acPrev = ac
			if ac[0] <= 0 {
				continue
			}
			if wi == 0 && maxOrder >= 4 {
				copy(ac0[:], ac[:5])
				haveAC = true
			}
			lp := e.lpRows[:maxOrder]
			for i := range lp {
				lp[i] = e.lpStore[i][:i+1]
			}
			var errs [32]float64
			top := levinson(ac[:maxOrder+1], lp, errs[:maxOrder])
			best, est := bestOrder(errs[:top], n, int(prec)+int(bps))
			if wi == 0 {
				lpcEst = est + fixedEstimateBias*float64(n)
			}
			lo, hi := best, best
			if e.lv.orders > 1 {
				lo, hi = max(1, best-(e.lv.orders-1)), min(top, best+(e.lv.orders-1))
			}
			for order := lo; order <= hi; order++ {
				pmax := prec
				// Keep the decoder's 32-bit path exact where libFLAC does.
				if bps <= 17 {
					pmax = min(pmax, uint(32-int(bps)-bits.Len(uint(order))+1))
				}
				pmin := pmax
				if e.pSearch {
					pmin, pmax = 5, 15
					if bps <= 17 {
						pmax = min(pmax, uint(32-int(bps)-bits.Len(uint(order))+1))
					}
				}
				for p := pmin; p <= pmax; p++ {
					c := lpcCand{order: order, prec: p}
					var ok bool
					c.shift, ok = quantize(lp[order-1], p, c.q[:order])
					if ok && !slices.Contains(cands, c) {
						cands = append(cands, c)
					}
				}
			}
		}
		// With several windows, rank their predictors by their residual
		// over a quarter of the block and encode only the best few.
		if len(cands) > lpcKeep && !e.pSearch && !e.exhaustive && n >= 32*lpcSlices {
			l := n / (4 * lpcSlices)
			for i := range cands {
				c := &cands[i]
				c.est = float64(c.order * int(c.prec))
				for sl := range lpcSlices {
					a := sl*n/lpcSlices + n/(2*lpcSlices) - l/2
					r := tmp[:c.order+l]
					if !lpcResidual(r, x[a-c.order:a+l], c.q[:c.order], c.shift, bps) {
						c.est = math.Inf(1)
						break
					}
					_, b := riceParam(zigzagSum(r[c.order:]), l)
					c.est += float64(b)
				}
			}
			slices.SortStableFunc(cands, func(a, b lpcCand) int { return cmp.Compare(a.est, b.est) })
			cands = cands[:lpcKeep]
		}
		for i := range cands {
			c := &cands[i]
			if !lpcResidual(tmp, x, c.q[:c.order], c.shift, bps) {
				continue
			}
			var rc riceCode
			riceSearch(tmp, c.order, e.lv.maxPart, e.sums, &rc)
			b := head + c.order*int(bps) + 4 + 5 + c.order*int(c.prec) + rc.bits
			if b < sf.bits {
				sf.kind, sf.order, sf.bits, sf.rice = sfLPC, c.order, b, rc
				sf.coefs, sf.prec, sf.shift = c.q, c.prec, c.shift
				tmp, res = res, tmp
				sf.res = res
			}
		}
		e.cands = cands[:0]
	}
	// Fixed predictors: the order with the smallest residual sum. With
	// LPC (smaller on almost every block of music), only where they may
	// come near it: by an estimate from the first window's
	// autocorrelation, or by their residual over a sample of the block
	// against LPC's. Skipping them saves a third of the work.
	if n > 4 && (e.exhaustive || !haveAC || sf.kind != sfLPC ||
		fixedEstimate(&ac0, n, int(bps)) <= lpcEst*fixedMargin ||
		fixedSampled(x) <= float64(sf.rice.sum)*fixedSampleMargin) {
		s := fixedSums(x)
		o := 0
		for i := 1; i < 5; i++ {
			if s[i] < s[o] {
				o = i
			}
		}
		fixedResidual(tmp, x, o)
		var rc riceCode
		riceSearch(tmp, o, e.lv.maxPart, e.sums, &rc)
		if b := head + o*int(bps) + rc.bits; b < sf.bits {
			sf.kind, sf.order, sf.bits, sf.rice = sfFixed, o, b, rc
			tmp, res = res, tmp
			sf.res = res
		}
	}
	e.rbuf[slot] = res[:cap(res)]
	e.tmpRes = tmp[:cap(tmp)]
	if sf.kind == sfFixed || sf.kind == sfLPC {
		sf.res = res
	}
}

// qlpPrecision is libFLAC's default coefficient precision for a sample
// width and block size.
func qlpPrecision(bps, n int) uint {
	switch {
	case bps < 16:
		return uint(max(5, 2+bps/2))
	case bps == 16:
		switch {
		case n <= 192:
			return 7
		case n <= 384:
			return 8
		case n <= 576:
			return 9
		case n <= 1152:
			return 10
		case n <= 2304:
			return 11
		case n <= 4608:
			return 12
		}
		return 13
	default:
		switch {
		case n <= 384:
			return 13
		case n <= 1152:
			return 14
		}
		return 15
	}
}

func blockSizeCode(n int) (code, extra int, extraBits uint) {
	switch n {
	case 192:
		return 1, 0, 0
	case 576, 1152, 2304, 4608:
		return 2 + bits.TrailingZeros(uint(n/576)), 0, 0
	case 256, 512, 1024, 2048, 4096, 8192, 16384, 32768:
		return 8 + bits.TrailingZeros(uint(n/256)), 0, 0
	}
	if n <= 256 {
		return 6, n - 1, 8
	}
	return 7, n - 1, 16
}

func rateCode(r int) (code, extra int, extraBits uint) {
	for i, v := range [12]int{0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000} {
		if i > 0 && v == r {
			return i, 0, 0
		}
	}
	switch {
	case r%1000 == 0 && r/1000 <= 255:
		return 12, r / 1000, 8
	case r <= 65535:
		return 13, r, 16
	case r%10 == 0 && r/10 <= 65535:
		return 14, r / 10, 16
	}
	return 0, 0, 0
}

func bpsCode(b int) int {
	switch b {
	case 8:
		return 1
	case 12:
		return 2
	case 16:
		return 4
	case 20:
		return 5
	case 24:
		return 6
	}
	return 0
}

// writeUTF8 writes v (< 2^36) in FLAC's UTF-8-like coding.
func writeUTF8(w *bitWriter, v uint64) {
	if v < 0x80 {
		w.write(v, 8)
		return
	}
	n := 1 // continuation bytes
	for v >= 1<<(5*n+6) {
		n++
	}
	w.write(uint64(0xFF00>>(n+1))&0xFF|v>>(6*n), 8)
	for i := n - 1; i >= 0; i-- {
		w.write(0x80|(v>>(6*i))&0x3F, 8)
	}
}
