package resample

// The inner loops. len(h) is always a multiple of 4 (N = 2D, D even), the
// x and y slices are at least as long as h. Four independent accumulators
// per output hide the latency of floating-point addition; the loops are
// written so that the compiler proves every index in bounds and emits no
// bounds checks inside them.

// dot returns sum h[i]*x[i].
func dot(h, x []float64) float64 {
	var a0, a1, a2, a3 float64
	for len(h) >= 4 && len(x) >= 4 {
		a0 += h[0] * x[0]
		a1 += h[1] * x[1]
		a2 += h[2] * x[2]
		a3 += h[3] * x[3]
		h, x = h[4:], x[4:]
	}
	return (a0 + a1) + (a2 + a3)
}

// dot2 returns sum h[i]*x[i] and sum h[i]*y[i] in one pass over h.
func dot2(h, x, y []float64) (float64, float64) {
	var a0, a1, a2, a3, b0, b1, b2, b3 float64
	for len(h) >= 4 && len(x) >= 4 && len(y) >= 4 {
		a0 += h[0] * x[0]
		b0 += h[0] * y[0]
		a1 += h[1] * x[1]
		b1 += h[1] * y[1]
		a2 += h[2] * x[2]
		b2 += h[2] * y[2]
		a3 += h[3] * x[3]
		b3 += h[3] * y[3]
		h, x, y = h[4:], x[4:], y[4:]
	}
	return (a0 + a1) + (a2 + a3), (b0 + b1) + (b2 + b3)
}

// interp4 sets c[i] = w0*r0[i] + w1*r1[i] + w2*r2[i] + w3*r3[i].
func interp4(c, r0, r1, r2, r3 []float64, w0, w1, w2, w3 float64) {
	r0 = r0[:len(c)]
	r1 = r1[:len(c)]
	r2 = r2[:len(c)]
	r3 = r3[:len(c)]
	for i := range c {
		c[i] = (w0*r0[i] + w1*r1[i]) + (w2*r2[i] + w3*r3[i])
	}
}
