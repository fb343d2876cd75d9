package resample

import (
	"io"
	"math"

	"offcut/audio"
)

// fir is a precomputed linear-phase low-pass FIR, kept as the spectrum of
// its causal form for overlap-save fast convolution. It is immutable and
// shared. It also changes the rate by two, in one of two modes:
//
//   - U = 2: it interpolates by two: besides the taps h(m) it holds
//     the half-sample taps h(m+1/2) of the same continuous kernel, and each
//     input frame yields two output frames;
//   - Dn (U = 1): it decimates by two, computing only every second output:
//     the input splits into its even and odd frames, filtered by the even
//     taps h(2k) and the odd taps h(2k+1), and the two results are summed
//     (in the frequency domain, so one inverse transform serves both).
//
// K, F, B and all positions count frames at the lower of the two rates.
type fir struct {
	K   int  // taps reach K frames either side
	U   int  // output frames per input frame: 1 or 2
	Dn  bool // two input frames per output frame
	F   int  // FFT size (power of two)
	fft *fft
	// Spectra in bit-reversed order (as fft.dif leaves them), divided by F.
	H0 []complex128 // DFT of the causal taps h(m-K)
	H1 []complex128 // U = 2: DFT of h(m-K+1/2); Dn: odd taps
	Hc []complex128 // U = 2: H0 + i*H1, for a single real channel
	// Design values, as designFIR was given them.
	fp, fs float64
}

// designFIR returns the Kaiser-windowed sinc low-pass with passband edge
// fp and stopband edge fs (cycles per input sample) and attenuation atten
// dB, which decimates by two if down, else interpolates by two.
func designFIR(fp, fs, atten float64, down bool) *fir {
	t := &table{fc: (fp + fs) / 2, beta: 0.1102 * (atten - 8.7)}
	order := (atten - 7.95) / (2.285 * 2 * math.Pi * (fs - fp))
	K := int(math.Ceil(order / 2))
	t.half = float64(K) + 1 // taps at -K and K+1/2 are inside the window
	taps := func(m int) float64 { return t.kernel(float64(m)) }
	if down {
		// Taps at input (higher-rate) offsets 2k and 2k+1, k in [-K', K'].
		t.half = float64(K) + 0.5
		K = K/2 + 1
	}
	// Blocks of about 16K points keep seven eighths of each transform as
	// output (measured a little faster than 8K at 48k -> 44.1k); long
	// filters (large rate ratios) settle for half, to bound memory: F is
	// at most 2^17 for ratios up to maxRatio.
	F := 1024
	for F < 16*K && (F < 1<<16 || F < 4*K) {
		F <<= 1
	}
	u := 2
	if down {
		u = 1
	}
	f := &fir{K: K, U: u, Dn: down, F: F, fft: newFFT(F), fp: fp, fs: fs}
	coef := func(tap func(m int) float64) []float64 {
		h := make([]float64, 2*K+1)
		for m := range h {
			h[m] = tap(m - K)
		}
		return h
	}
	spectrum := func(h []float64, sum float64) []complex128 {
		H := make([]complex128, F)
		for m, v := range h {
			H[m] = complex(v/sum/float64(F), 0) // unit gain at DC
		}
		f.fft.transform(H)
		f.fft.permute(H) // blocks multiply spectra in bit-reversed order
		return H
	}
	total := func(h ...[]float64) float64 {
		var s float64
		for _, x := range h {
			for _, v := range x {
				s += v
			}
		}
		return s
	}
	switch {
	case down:
		he := coef(func(k int) float64 { return taps(2 * k) })
		ho := coef(func(k int) float64 { return taps(2*k + 1) })
		sum := total(he, ho)
		f.H0, f.H1 = spectrum(he, sum), spectrum(ho, sum)
	default:
		h0 := coef(taps)
		h1 := coef(func(m int) float64 { return t.kernel(float64(m) + 0.5) })
		f.H0, f.H1 = spectrum(h0, total(h0)), spectrum(h1, total(h1))
		f.Hc = make([]complex128, F)
		for i := range f.Hc {
			f.Hc[i] = f.H0[i] + 1i*f.H1[i]
		}
	}
	return f
}

// lowpass filters a stream through a fir without delay, where input frame
// j sits at absolute position a0+j and output frame i at o0+i, and the
// input is zero outside its frames. With U = 2, output positions count
// half input samples: output frame i is sum over m of h(m)*x[m] with h
// the continuous kernel at (o0+i)/2-m. With Dn, input positions count half
// output samples: output frame i is sum over m of h(m)*x[2*(o0+i)-m], h at
// the input rate.
type lowpass struct {
	rate, ch int
	f        *fir
	n, left  int64
	feed     *feeder
	drop     int64 // outputs of the causal convolution still to discard

	// in is planar, channel c at in[c*F:]: 2K frames of history, then B
	// new ones. Dn: the even frames of channel c at in[2c*F:], the odd
	// ones at in[(2c+1)*F:].
	in   []float64
	tmp  []float64    // Dn: 2B input frames, planar
	work []complex128 // 3F
	res  []float64    // planar results of the last block, channel c at res[c*U*B:]
	nres int          // frames in res
	pos  int          // next frame of res to deliver
	err  error
}

// newLowpass returns the filtered stream of count frames starting at
// absolute position o0, for input src whose frame 0 is at a0 (positions in
// frames of the respective streams, which share the time origin).
func newLowpass(src audio.Stream, f *fir, a0, o0, count int64) *lowpass {
	K, U := int64(f.K), int64(f.U)
	ch := src.Channels()
	B := f.F - 2*f.K
	l := &lowpass{
		rate: src.Rate() * f.U, ch: ch, f: f, n: count, left: count,
		res: make([]float64, f.U*B*ch),
	}
	if f.Dn {
		// Pair J is the input frames at 2J-1 (odd) and 2J (even). The
		// first pair the convolution reads is vs.
		vs := min(floorDiv(a0+1, 2), o0-K)
		l.rate = src.Rate() / 2
		l.feed = newFeeder(src, a0-(2*vs-1))
		l.drop = o0 + K - vs
		l.in = make([]float64, 2*ch*f.F)
		l.tmp = make([]float64, 2*B*ch)
		l.work = make([]complex128, 3*f.F)
		return l
	}
	vs := min(a0, floorDiv(o0, U)-K) // the first input position the convolution reads
	l.feed = newFeeder(src, a0-vs)
	l.drop = o0 - U*(vs-K)
	l.in = make([]float64, ch*f.F)
	l.work = make([]complex128, 3*f.F)
	return l
}

func (l *lowpass) Rate() int     { return l.rate }
func (l *lowpass) Channels() int { return l.ch }
func (l *lowpass) Len() int64    { return l.n }

// Read implements audio.Stream.
func (l *lowpass) Read(buf []float32) (int, error) {
	want := len(buf) / l.ch
	if want == 0 {
		return 0, audio.ErrShortBuffer
	}
	return l.produce(buf, nil, 0, 0, want)
}

// read64 implements planarReader.
func (l *lowpass) read64(dst []float64, stride, off, max int) (int, error) {
	return l.produce(nil, dst, stride, off, max)
}

// produce delivers up to want frames into out32 (interleaved) or, if that
// is nil, into out64 (planar, channel c at out64[c*stride+off:]).
func (l *lowpass) produce(out32 []float32, out64 []float64, stride, off, want int) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if l.left == 0 {
		return 0, io.EOF
	}
	want = int(min(int64(want), l.left))
	B := l.f.U * (l.f.F - 2*l.f.K)
	ch := l.ch
	got := 0
	for got < want {
		if l.pos == l.nres {
			if err := l.block(); err != nil {
				l.err = err
				if got > 0 {
					break
				}
				return 0, err
			}
			continue
		}
		k := min(want-got, l.nres-l.pos)
		for c := 0; c < ch; c++ {
			src := l.res[c*B+l.pos : c*B+l.pos+k]
			if out32 != nil {
				for i, v := range src {
					out32[(got+i)*ch+c] = float32(v)
				}
			} else {
				copy(out64[c*stride+off+got:], src)
			}
		}
		l.pos += k
		got += k
	}
	l.left -= int64(got)
	return got, nil
}

// block reads B new input frames, convolves and leaves the 2B results
// (less any still to drop) in res.
func (l *lowpass) block() error {
	f := l.f
	if f.Dn {
		return l.blockDown()
	}
	F, K2 := f.F, 2*f.K
	B := F - K2
	for filled := 0; filled < B; {
		k, err := l.feed.read(l.in, F, K2+filled, B-filled)
		if err != nil {
			return err
		}
		filled += k
	}
	UB := f.U * B
	for c := 0; c < l.ch; c += 2 {
		// Two real channels ride in one complex transform (the taps are
		// real, so the real and imaginary parts never mix).
		pair := c+1 < l.ch
		w := l.work[:F]
		x := l.in[c*F : c*F+F]
		if pair {
			y := l.in[(c+1)*F : (c+1)*F+F]
			for i := range w {
				w[i] = complex(x[i], y[i])
			}
		} else {
			for i := range w {
				w[i] = complex(x[i], 0)
			}
		}
		f.fft.dif(w)
		r0 := l.res[c*UB : c*UB+UB]
		var r1 []float64
		if pair {
			r1 = l.res[(c+1)*UB : (c+1)*UB+UB]
		}
		switch {
		case !pair:
			// One real channel: the complex kernel h0 + i*h1 yields the
			// whole-sample outputs in the real part and the half-sample
			// ones in the imaginary part.
			mulConj(w, w, f.Hc)
			f.fft.dit(w)
			for i, v := range w[K2:F] {
				o := r0[2*i : 2*i+2 : 2*i+2]
				o[0] = real(v)
				o[1] = -imag(v)
			}
		default:
			w0, w1 := l.work[F:2*F], l.work[2*F:3*F]
			mulConj(w0, w, f.H0)
			mulConj(w1, w, f.H1)
			f.fft.dit(w0)
			f.fft.dit(w1)
			w1 = w1[K2:F]
			for i, v := range w0[K2:F] {
				u := w1[i]
				o := r0[2*i : 2*i+2 : 2*i+2]
				p := r1[2*i : 2*i+2 : 2*i+2]
				o[0], o[1] = real(v), real(u)
				p[0], p[1] = -imag(v), -imag(u)
			}
		}
	}
	for c := 0; c < l.ch; c++ {
		x := l.in[c*F : c*F+F]
		copy(x[:K2], x[B:])
	}
	l.pos, l.nres = 0, UB
	if l.drop > 0 {
		d := int(min(l.drop, int64(UB)))
		l.pos = d
		l.drop -= int64(d)
	}
	return nil
}

// blockDown reads 2B new input frames, splits them into odd and even
// frames, convolves both and leaves the B summed results in res.
func (l *lowpass) blockDown() error {
	f := l.f
	F, K2 := f.F, 2*f.K
	B := F - K2
	for filled := 0; filled < 2*B; {
		k, err := l.feed.read(l.tmp, 2*B, filled, 2*B-filled)
		if err != nil {
			return err
		}
		filled += k
	}
	for c := 0; c < l.ch; c++ {
		t := l.tmp[c*2*B : (c+1)*2*B]
		e := l.in[2*c*F+K2 : 2*c*F+F]
		o := l.in[(2*c+1)*F+K2 : (2*c+1)*F+F]
		o = o[:len(e)]
		for i := range e {
			p := t[2*i : 2*i+2 : 2*i+2]
			o[i], e[i] = p[0], p[1]
		}
	}
	we, wo, w := l.work[:F], l.work[F:2*F], l.work[2*F:3*F]
	for c := 0; c < l.ch; c += 2 {
		pair := c+1 < l.ch
		e0 := l.in[2*c*F : 2*c*F+F]
		o0 := l.in[(2*c+1)*F : (2*c+1)*F+F]
		if pair {
			e1 := l.in[2*(c+1)*F : 2*(c+1)*F+F]
			o1 := l.in[(2*(c+1)+1)*F : (2*(c+1)+1)*F+F]
			for i := range we {
				we[i] = complex(e0[i], e1[i])
				wo[i] = complex(o0[i], o1[i])
			}
		} else {
			for i := range we {
				we[i] = complex(e0[i], 0)
				wo[i] = complex(o0[i], 0)
			}
		}
		f.fft.dif(we)
		f.fft.dif(wo)
		mulAddConj(w, we, f.H0, wo, f.H1)
		f.fft.dit(w)
		r0 := l.res[c*B : c*B+B]
		res := w[K2:F]
		if pair {
			r1 := l.res[(c+1)*B : (c+1)*B+B]
			r1 = r1[:len(res)]
			for i, v := range res {
				r0[i] = real(v)
				r1[i] = -imag(v)
			}
		} else {
			for i, v := range res {
				r0[i] = real(v)
			}
		}
	}
	for c := 0; c < 2*l.ch; c++ {
		x := l.in[c*F : c*F+F]
		copy(x[:K2], x[B:])
	}
	l.pos, l.nres = 0, B
	if l.drop > 0 {
		d := int(min(l.drop, int64(B)))
		l.pos = d
		l.drop -= int64(d)
	}
	return nil
}

// mulAddConj sets dst[i] = conj(x[i]*h[i] + y[i]*g[i]).
func mulAddConj(dst, x, h, y, g []complex128) {
	x, h, y, g = x[:len(dst)], h[:len(dst)], y[:len(dst)], g[:len(dst)]
	for i := range dst {
		v := x[i]*h[i] + y[i]*g[i]
		dst[i] = complex(real(v), -imag(v))
	}
}

// mulConj sets dst[i] = conj(x[i]*h[i]): the inverse transform is the
// conjugate of the forward transform of the conjugate.
func mulConj(dst, x, h []complex128) {
	x = x[:len(dst)]
	h = h[:len(dst)]
	for i := range dst {
		v, g := x[i], h[i]
		dst[i] = complex(real(v)*real(g)-imag(v)*imag(g), -(real(v)*imag(g) + imag(v)*real(g)))
	}
}
