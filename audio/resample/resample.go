package resample

import (
	"fmt"
	"io"
	"math"
	"math/bits"

	"offcut/audio"
)

// OutLen is the exact number of output frames New produces from n input
// frames at inRate converted to outRate: n*outRate/inRate rounded to the
// nearest integer, halves up, computed in integer arithmetic as
//
//	(n*outRate + inRate/2) / inRate
//
// with a 128-bit intermediate, so it never overflows; a result beyond
// int64 saturates at math.MaxInt64. Callers use it to announce output
// lengths before rendering. It returns 0 for n <= 0 and for rates that are
// not positive (New rejects those).
func OutLen(n int64, inRate, outRate int) int64 {
	if n <= 0 || inRate <= 0 || outRate <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(n), uint64(outRate))
	lo, carry := bits.Add64(lo, uint64(inRate/2), 0)
	hi += carry
	if hi >= uint64(inRate) {
		return math.MaxInt64 // the quotient needs more than 64 bits
	}
	q, _ := bits.Div64(hi, lo, uint64(inRate))
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(q)
}

// chunk is how many input frames one read asks for at most.
const chunk = 4096

// New returns s converted to the sample rate outRate at quality q: exactly
// OutLen(s.Len(), s.Rate(), outRate) frames with the same channels,
// time-aligned with s. Output frame k is the band-limited value of the
// input at time k/outRate seconds, with the input taken as zero outside its
// frames; the filters' delay is compensated, so nothing is shifted.
//
// If outRate equals s.Rate(), New returns s itself. The result reads s
// sequentially, once; its memory is bounded by the filter lengths (history
// per channel and one FFT block) whatever the length of s, plus shared
// coefficient tables of at most a few MiB.
func New(s audio.Stream, outRate int, q Quality) (audio.Stream, error) {
	sp, ok := q.spec()
	switch {
	case !ok:
		return nil, fmt.Errorf("resample: unknown quality %d", int(q))
	case outRate < audio.MinSampleRate || outRate > audio.MaxSampleRate:
		return nil, fmt.Errorf("resample: output rate %d Hz (want %d to %d)", outRate, audio.MinSampleRate, audio.MaxSampleRate)
	case s.Rate() < audio.MinSampleRate || s.Rate() > audio.MaxSampleRate:
		return nil, fmt.Errorf("resample: input rate %d Hz (want %d to %d)", s.Rate(), audio.MinSampleRate, audio.MaxSampleRate)
	case s.Channels() < 1 || s.Channels() > audio.MaxChannels:
		return nil, fmt.Errorf("resample: %d channels (want 1 to %d)", s.Channels(), audio.MaxChannels)
	case s.Len() < 0:
		return nil, fmt.Errorf("resample: input length %d frames", s.Len())
	}
	in := s.Rate()
	if outRate == in {
		return s, nil
	}
	if max(in, outRate) > maxRatio*min(in, outRate) {
		return chain(s, outRate, q)
	}
	p := plan(in, outRate, q, sp)
	n := s.Len()
	outN := OutLen(n, in, outRate)
	switch {
	case p.fir == nil:
		return newPoly(s, p.poly, 0, 0, outN), nil
	case in > outRate:
		// Sharp low-pass at the input rate that also interpolates by two,
		// then a short polyphase stage from twice the input rate. The
		// low-pass output reaches past both ends as far as the polyphase
		// taps look (E = D-1 frames before the start, E+4 past the end),
		// so the ends are exact too.
		E := int64(p.poly.D - 1)
		lp := newLowpass(s, p.fir, 0, -E, 2*n+2*E+4)
		return newPoly(lp, p.poly, -E, 0, outN), nil
	default:
		// A short polyphase stage to twice the output rate, then a sharp
		// low-pass that decimates by two, fed 2K+2 frames past both ends.
		E := int64(2*p.fir.K + 2)
		up := newPoly(s, p.poly, 0, -E, 2*outN+2*E)
		return newLowpass(up, p.fir, -E, 0, outN), nil
	}
}

// maxRatio bounds the rate ratio of one conversion, and with it the filter
// lengths and the FFT block (at most 2^17 points): larger ratios are done
// in steps of at most maxRatio.
const maxRatio = 64

// chain converts by a ratio over maxRatio in steps: upsampling by exactly
// maxRatio first, so every length stays exact; downsampling to exactly
// maxRatio times the output rate first, where the rounding of two lengths
// can differ from one by a frame at the end, which is then trimmed or
// padded with zero (it lies past the input's last frame).
func chain(s audio.Stream, outRate int, q Quality) (audio.Stream, error) {
	in, n := s.Rate(), s.Len()
	if in < outRate {
		mid, err := New(s, in*maxRatio, q)
		if err != nil {
			return nil, err
		}
		return New(mid, outRate, q)
	}
	mid, err := New(s, outRate*maxRatio, q)
	if err != nil {
		return nil, err
	}
	r, err := New(mid, outRate, q)
	if err != nil {
		return nil, err
	}
	return &exact{Stream: r, n: OutLen(n, in, outRate)}, nil
}

// exact is s cut or padded with zero frames to exactly n frames.
type exact struct {
	audio.Stream
	n, pos int64
}

func (e *exact) Len() int64 { return e.n }

func (e *exact) Read(buf []float32) (int, error) {
	ch := e.Channels()
	want := len(buf) / ch
	if want == 0 {
		return 0, audio.ErrShortBuffer
	}
	if e.pos == e.n {
		return 0, io.EOF
	}
	want = int(min(int64(want), e.n-e.pos))
	k, err := e.Stream.Read(buf[:want*ch])
	if err == io.EOF {
		k, err = want, nil // past the end of s: pad with zeros
		clear(buf[:k*ch])
	}
	if err != nil {
		return 0, err
	}
	e.pos += int64(k)
	return k, nil
}

// stages is the filter plan for one conversion.
type stages struct {
	poly *table
	fir  *fir // nil for a single polyphase stage
}

// plan chooses between one polyphase stage whose filter does all the work,
// and two stages: a sharp low-pass at the higher rate, by FFT convolution,
// with a polyphase stage whose transition band is wide and filter short.
//
// Single stage: the polyphase filter passes fp = bw*lowNyquist and stops at
// lowNyquist. Two stages: the FFT low-pass does exactly that at the higher
// rate, and also moves the polyphase stage's side to twice that rate
// (interpolating by two before it when downsampling, decimating by two
// after it when upsampling). The polyphase filter still passes fp but need
// only stop at 2*highRate-lowNyquist (capped at its input rate, which
// keeps the kernel smooth for the fine table): when downsampling its input
// has nothing between lowNyquist and there; when upsampling, the images it
// lets through stay above lowNyquist after sampling, where the low-pass
// removes them.
func plan(in, out int, q Quality, sp spec) stages {
	low, high := float64(min(in, out)), float64(max(in, out))
	fp := sp.bw * low / 2
	// Costs in multiply-adds per second per channel.
	taps := func(df float64) float64 { return (sp.atten - 7.95) / (2.285 * 2 * math.Pi * df) }
	pin, pout := in, out // the polyphase stage's rates
	if in > out {
		pin = 2 * in
	} else {
		pout = 2 * out
	}
	fpin := float64(pin)
	stop := min(2*high-low/2, fpin)
	single := taps((low/2-fp)/float64(in)) * float64(out)
	two := taps((stop-fp)/fpin)*float64(pout) + 1.5*fftCost(taps((low/2-fp)/high))*high
	if forceSingle || two > 0.8*single {
		g := gcd(in, out)
		fin := float64(in)
		t := cached(cacheKey{0, in, out, q}, func() any { return design(out/g, in/g, fp/fin, low/2/fin, sp) }).(*table)
		return stages{poly: t}
	}
	g := gcd(pin, pout)
	t := cached(cacheKey{1, in, out, q}, func() any { return design(pout/g, pin/g, fp/fpin, stop/fpin, sp) }).(*table)
	f := cached(cacheKey{2, in, out, q}, func() any {
		if in > out {
			return designFIR(fp/high, low/2/high, sp.atten, false)
		}
		return designFIR(fp/(2*high), low/2/(2*high), sp.atten, true)
	}).(*fir)
	return stages{poly: t, fir: f}
}

// forceSingle makes plan choose one stage (for tests comparing the two).
var forceSingle bool

// fftCost estimates the multiply-adds per sample per channel of filtering
// with a FIR of the given length by overlap-save, as lowpass does it
// (radix 4, two channels per complex transform).
func fftCost(taps float64) float64 {
	F := 1024.0
	for F < 8*taps && (F < 1<<16 || F < 2*taps) { // as designFIR, with K = taps/2
		F *= 2
	}
	B := F - taps
	flops := 2*4.25*F*math.Log2(F) + 8*F // two transforms and the product
	return flops / (2 * B) / 2
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// poly is the polyphase converter. Output frame k0+j (j = 0, 1, ...) sits
// at absolute input position (k0+j)*M/L = base + p/L; the source's frame 0
// sits at absolute position srcAt.
type poly struct {
	rate    int
	ch      int
	t       *table
	n, left int64 // output frames in total, still to produce
	feed    *feeder

	base  int64 // integer part of the next output's input position
	p     int   // its fraction, in units of 1/L
	stepI int64 // M / L
	stepR int   // M % L

	// hist holds input frames [start, end) (absolute positions), planar:
	// channel c at hist[c*capf:(c+1)*capf].
	hist       []float64
	capf       int
	start, end int64

	c   []float64 // interpolated taps (fine-table mode only)
	err error     // sticky
}

func newPoly(src audio.Stream, t *table, srcAt, k0, count int64) *poly {
	L, M := int64(t.L), int64(t.M)
	base := floorDiv(k0*M, L)
	start := base - int64(t.D) + 1
	if srcAt < start {
		panic("resample: internal error: source starts before the first tap")
	}
	ch := src.Channels()
	r := &poly{
		rate:  int(int64(src.Rate()) * L / M),
		ch:    ch,
		t:     t,
		n:     count,
		left:  count,
		feed:  newFeeder(src, srcAt-start),
		base:  base,
		p:     int(k0*M - base*L),
		stepI: M / L,
		stepR: int(M % L),
		capf:  t.N + chunk,
		start: start,
		end:   start,
	}
	r.hist = make([]float64, ch*r.capf)
	if t.P != 0 {
		r.c = make([]float64, t.N)
	}
	return r
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func (r *poly) Rate() int     { return r.rate }
func (r *poly) Channels() int { return r.ch }
func (r *poly) Len() int64    { return r.n }

// Read implements audio.Stream.
func (r *poly) Read(buf []float32) (int, error) {
	want := len(buf) / r.ch
	if want == 0 {
		return 0, audio.ErrShortBuffer
	}
	return r.produce(buf, nil, 0, 0, want)
}

// read64 implements planarReader.
func (r *poly) read64(dst []float64, stride, off, max int) (int, error) {
	return r.produce(nil, dst, stride, off, max)
}

// produce computes up to want frames into out32 (interleaved) or, if that
// is nil, into out64 (planar, channel c at out64[c*stride+off:]).
func (r *poly) produce(out32 []float32, out64 []float64, stride, off, want int) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.left == 0 {
		return 0, io.EOF
	}
	want = int(min(int64(want), r.left))
	got := 0
	for got < want {
		if r.base+int64(r.t.D) >= r.end {
			if err := r.fill(); err != nil {
				r.err = err
				if got > 0 {
					break
				}
				return 0, err
			}
			continue
		}
		got += r.run(out32, out64, stride, off+got, got, want-got)
	}
	r.left -= int64(got)
	return got, nil
}

// fill drops history no longer needed and appends input.
func (r *poly) fill() error {
	keep := r.base - int64(r.t.D) + 1
	for r.end < keep {
		// Decimating by more than the filter length: skip input frames
		// no tap reads.
		k, err := r.feed.read(r.hist, r.capf, 0, int(min(int64(r.capf), keep-r.end)))
		if err != nil {
			return err
		}
		r.end += int64(k)
		r.start = r.end
	}
	if shift := int(keep - r.start); shift > 0 {
		used := int(r.end - r.start)
		for c := 0; c < r.ch; c++ {
			h := r.hist[c*r.capf : (c+1)*r.capf]
			copy(h, h[shift:used])
		}
		r.start = keep
	}
	off := int(r.end - r.start)
	k, err := r.feed.read(r.hist, r.capf, off, r.capf-off)
	r.end += int64(k)
	return err
}

// run computes up to limit output frames while the history holds every tap
// they need, and returns how many it computed. Frame k goes to
// out32[(at+k)*ch:] if out32 is not nil, else to out64[c*stride+off+k].
func (r *poly) run(out32 []float32, out64 []float64, stride, off, at, limit int) int {
	t := r.t
	D := int64(t.D)
	N := t.N
	ch := r.ch
	k := 0
	for ; k < limit && r.base+D < r.end; k++ {
		var h []float64
		if t.P == 0 {
			h = t.row(r.p)
		} else {
			u := r.p * t.P // < 2^22 * 2^7: fits an int on every target
			i := u / t.L
			f := float64(u%t.L) / float64(t.L)
			// 4-point Lagrange weights for nodes -1, 0, 1, 2 at f.
			fm1, fm2, fp1 := f-1, f-2, f+1
			w0 := -f * fm1 * fm2 / 6
			w1 := fp1 * fm1 * fm2 / 2
			w2 := -fp1 * f * fm2 / 2
			w3 := fp1 * f * fm1 / 6
			interp4(r.c, t.row(i), t.row(i+1), t.row(i+2), t.row(i+3), w0, w1, w2, w3)
			h = r.c
		}
		ho := int(r.base - D + 1 - r.start)
		c := 0
		for ; c+2 <= ch; c += 2 {
			x := r.hist[c*r.capf+ho : c*r.capf+ho+N]
			y := r.hist[(c+1)*r.capf+ho : (c+1)*r.capf+ho+N]
			a, b := dot2(h, x, y)
			if out32 != nil {
				out32[(at+k)*ch+c] = float32(a)
				out32[(at+k)*ch+c+1] = float32(b)
			} else {
				out64[c*stride+off+k] = a
				out64[(c+1)*stride+off+k] = b
			}
		}
		if c < ch {
			x := r.hist[c*r.capf+ho : c*r.capf+ho+N]
			a := dot(h, x)
			if out32 != nil {
				out32[(at+k)*ch+c] = float32(a)
			} else {
				out64[c*stride+off+k] = a
			}
		}
		r.base += r.stepI
		r.p += r.stepR
		if r.p >= t.L {
			r.p -= t.L
			r.base++
		}
	}
	return k
}
