package resample

import (
	"math"
	"math/bits"
)

// fft is an in-place iterative complex FFT of a fixed power-of-two size
// (radix 4, with a last radix-2 stage when log2(n) is odd), with precomputed bit-reversal and twiddle tables.
// It is used only for fast convolution, so it computes the forward
// transform; the inverse is taken by conjugating around it.
type fft struct {
	n   int
	rev []int32 // bit-reversal permutation
	// tw holds, for each radix-4 pass over blocks of 4s (s = 4, 16, ...),
	// the triples w^2k, w^k, w^3k for k < s, where w = exp(-2*pi*i/4s);
	// then, if log2(n) is odd, exp(-2*pi*i*k/n) for k < n/2 for the last
	// radix-2 stage.
	tw []complex128
	// starts[p] is where radix-4 pass p's twiddles begin in tw; last is
	// where the radix-2 stage's begin (len(tw) if there is none).
	starts []int
	last   int
}

func newFFT(n int) *fft {
	f := &fft{n: n, rev: make([]int32, n)}
	shift := 64 - bits.Len(uint(n-1))
	for i := range f.rev {
		f.rev[i] = int32(bits.Reverse64(uint64(i)) >> shift)
	}
	w := func(k, m int) complex128 {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(m))
		return complex(c, s)
	}
	s := 4
	for ; 4*s <= n; s *= 4 {
		f.starts = append(f.starts, len(f.tw))
		for k := 0; k < s; k++ {
			f.tw = append(f.tw, w(2*k, 4*s), w(k, 4*s), w(3*k, 4*s))
		}
	}
	f.last = len(f.tw)
	if 2*s == n {
		for k := 0; k < s; k++ {
			f.tw = append(f.tw, w(k, n))
		}
	}
	return f
}

// transform replaces x (len n >= 4) by its discrete Fourier transform.
func (f *fft) transform(x []complex128) {
	f.permute(x)
	f.dit(x)
}

// permute puts x in bit-reversed order (its own inverse).
func (f *fft) permute(x []complex128) {
	x = x[:f.n]
	for i, j := range f.rev {
		if int(j) > i {
			x[i], x[j] = x[j], x[i]
		}
	}
}

// dit is the decimation-in-time transform of x given in bit-reversed
// order; the result is in natural order. Fast convolution uses dif, a
// product in bit-reversed order and dit, and never permutes.
func (f *fft) dit(x []complex128) {
	n := f.n
	x = x[:n]
	// Sizes 2 and 4: the twiddles are 1 and -i.
	for i := 0; i+4 <= n; i += 4 {
		b := x[i : i+4 : i+4]
		a0, a1 := b[0]+b[1], b[0]-b[1]
		a2, a3 := b[2]+b[3], b[2]-b[3]
		a3 = complex(imag(a3), -real(a3)) // * -i
		b[0], b[2] = a0+a2, a0-a2
		b[1], b[3] = a1+a3, a1-a3
	}
	tw := f.tw
	s := 4
	for ; 4*s <= n; s *= 4 {
		t := tw[:3*s]
		tw = tw[3*s:]
		for start := 0; start < n; start += 4 * s {
			q0 := x[start : start+s : start+s]
			q1 := x[start+s : start+2*s : start+2*s]
			q2 := x[start+2*s : start+3*s : start+3*s]
			q3 := x[start+3*s : start+4*s : start+4*s]
			for k := range q0 {
				// Two radix-2 stages fused: three twiddle products.
				w := t[3*k : 3*k+3 : 3*k+3]
				a0, a1, a2, a3 := q0[k], q1[k]*w[0], q2[k]*w[1], q3[k]*w[2]
				b0, b1 := a0+a1, a0-a1
				b2, b3 := a2+a3, a2-a3
				b3 = complex(imag(b3), -real(b3)) // * -i
				q0[k], q2[k] = b0+b2, b0-b2
				q1[k], q3[k] = b1+b3, b1-b3
			}
		}
	}
	if 2*s == n {
		t := tw[:s]
		lo, hi := x[:s], x[s:n]
		for k := range lo {
			b := hi[k] * t[k]
			a := lo[k]
			lo[k], hi[k] = a+b, a-b
		}
	}
}

// dif is the decimation-in-frequency transform of x in natural order; the
// result is in bit-reversed order. Its passes are those of dit transposed,
// in reverse order.
func (f *fft) dif(x []complex128) {
	n := f.n
	x = x[:n]
	starts := f.starts
	pos := f.last
	if pos < len(f.tw) {
		s := n / 2
		t := f.tw[pos : pos+s]
		lo, hi := x[:s], x[s:n]
		for k := range lo {
			a, b := lo[k], hi[k]
			lo[k], hi[k] = a+b, (a-b)*t[k]
		}
	}
	for p := len(starts) - 1; p >= 0; p-- {
		s := 4 << (2 * p)
		t := f.tw[starts[p] : starts[p]+3*s]
		for start := 0; start < n; start += 4 * s {
			q0 := x[start : start+s : start+s]
			q1 := x[start+s : start+2*s : start+2*s]
			q2 := x[start+2*s : start+3*s : start+3*s]
			q3 := x[start+3*s : start+4*s : start+4*s]
			for k := range q0 {
				w := t[3*k : 3*k+3 : 3*k+3]
				e0, e1 := q0[k]+q2[k], q0[k]-q2[k]
				e2, e3 := q1[k]+q3[k], q1[k]-q3[k]
				e3 = complex(imag(e3), -real(e3)) // * -i
				q0[k], q1[k] = e0+e2, (e0-e2)*w[0]
				q2[k], q3[k] = (e1+e3)*w[1], (e1-e3)*w[2]
			}
		}
	}
	for i := 0; i+4 <= n; i += 4 {
		b := x[i : i+4 : i+4]
		e0, e1 := b[0]+b[2], b[0]-b[2]
		e2, e3 := b[1]+b[3], b[1]-b[3]
		e3 = complex(imag(e3), -real(e3)) // * -i
		b[0], b[1] = e0+e2, e0-e2
		b[2], b[3] = e1+e3, e1-e3
	}
}
