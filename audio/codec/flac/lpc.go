package flac

import "math"

// tukey fills win with a Tukey window of parameter p, as libFLAC's
// FLAC__window_tukey.
func tukey(win []float64, p float64) {
	l := len(win)
	for i := range win {
		win[i] = 1
	}
	np := int(p/2*float64(l)) - 1
	if np > 0 {
		for n := 0; n <= np; n++ {
			win[n] = 0.5 - 0.5*math.Cos(math.Pi*float64(n)/float64(np))
			win[l-np-1+n] = 0.5 - 0.5*math.Cos(math.Pi*float64(n+np)/float64(np))
		}
	}
}

// partialTukey fills win with zeros outside [start, end) of its length and
// a Tukey window of parameter p inside, as libFLAC's
// FLAC__window_partial_tukey.
func partialTukey(win []float64, p, start, end float64) {
	l := len(win)
	sn, en := int(start*float64(l)), int(end*float64(l))
	np := int(p / 2 * float64(en-sn))
	n := 0
	for ; n < sn && n < l; n++ {
		win[n] = 0
	}
	for i := 1; n < sn+np && n < l; n, i = n+1, i+1 {
		win[n] = 0.5 - 0.5*math.Cos(math.Pi*float64(i)/float64(np))
	}
	for ; n < en-np && n < l; n++ {
		win[n] = 1
	}
	for i := np; n < en && n < l; n, i = n+1, i-1 {
		win[n] = 0.5 - 0.5*math.Cos(math.Pi*float64(i)/float64(np))
	}
	for ; n < l; n++ {
		win[n] = 0
	}
}

// punchoutTukey fills win with a Tukey window of parameter p over the
// parts before start and after end, and zeros between, as libFLAC's
// FLAC__window_punchout_tukey.
func punchoutTukey(win []float64, p, start, end float64) {
	l := len(win)
	ns, ne := int(start*float64(l)), int((1-end)*float64(l))
	nps, npe := int(p/2*float64(ns)), int(p/2*float64(ne))
	n := 0
	for i := 1; n < nps && n < l; n, i = n+1, i+1 {
		win[n] = 0.5 - 0.5*math.Cos(math.Pi*float64(i)/float64(nps))
	}
	for ; n < ns-nps && n < l; n++ {
		win[n] = 1
	}
	for i := nps; n < ns && n < l; n, i = n+1, i-1 {
		win[n] = 0.5 - 0.5*math.Cos(math.Pi*float64(i)/float64(nps))
	}
	for ; n < l-ne && n < l; n++ {
		win[n] = 0
	}
	for i := 1; n < l-ne+npe && n < l; n, i = n+1, i+1 {
		win[n] = 0.5 - 0.5*math.Cos(math.Pi*float64(i)/float64(npe))
	}
	for ; n < l-npe && n < l; n++ {
		win[n] = 1
	}
	for i := npe; n < l; n, i = n+1, i-1 {
		win[n] = 0.5 - 0.5*math.Cos(math.Pi*float64(i)/float64(npe))
	}
}

// windows returns the analysis windows of subdivide_tukey(parts) for a
// block of n samples: tukey(0.5) over the block, then for each division
// into k = 2..parts pieces a partial window per piece and (from k = 3) a
// punch-out window per piece.
func windows(n, parts int) [][]float64 {
	var out [][]float64
	w := make([]float64, n)
	tukey(w, 0.5)
	out = append(out, w)
	for k := 2; k <= parts; k++ {
		for j := range k {
			a, b := float64(j)/float64(k), float64(j+1)/float64(k)
			w := make([]float64, n)
			partialTukey(w, 0.5, a, b)
			out = append(out, w)
			if k >= 3 {
				w := make([]float64, n)
				punchoutTukey(w, 0.5, a, b)
				out = append(out, w)
			}
		}
	}
	return out
}

// nonzeroRuns returns the runs [start, end) of win outside which it is
// zero, each at least lags long and separated by at least lags zeros, so
// that the autocorrelation of a windowed signal up to lag lags-1 is the
// sum of its runs'.
func nonzeroRuns(win []float64, lags int) [][2]int {
	var runs [][2]int
	n := len(win)
	for i := 0; i < n; {
		if win[i] == 0 {
			i++
			continue
		}
		j := i
		for j < n && win[j] != 0 {
			j++
		}
		lo, hi := i, max(j, min(i+lags, n))
		if k := len(runs) - 1; k >= 0 && lo-runs[k][1] < lags {
			runs[k][1] = max(runs[k][1], hi)
		} else {
			runs = append(runs, [2]int{lo, hi})
		}
		i = j
	}
	return runs
}

// punchout reports whether window i of windows(n, parts ≥ 3) is a
// punch-out window: 0 is the root, 1-2 the halves, then partial and
// punch-out windows alternate for each further division.
func punchout(i int) bool { return i >= 3 && i%2 == 0 }

// autocorr computes the autocorrelation of x for lags 0..len(ac)-1, with
// four independent sums per lag.
func autocorr(ac []float64, x []float64) {
	for lag := range ac {
		if lag >= len(x) {
			ac[lag] = 0
			continue
		}
		var s0, s1, s2, s3 float64
		a, b := x[lag:], x[:len(x)-lag]
		b = b[:len(a)]
		i := 0
		for ; i+4 <= len(a); i += 4 {
			s0 += a[i] * b[i]
			s1 += a[i+1] * b[i+1]
			s2 += a[i+2] * b[i+2]
			s3 += a[i+3] * b[i+3]
		}
		for ; i < len(a); i++ {
			s0 += a[i] * b[i]
		}
		ac[lag] = (s0 + s1) + (s2 + s3)
	}
}

// levinson computes predictor coefficients of every order up to
// len(ac)-1 from the autocorrelation ac: lp[o-1][j] predicts x[n] from
// x[n-1-j]; errs[o-1] is the residual energy. It returns the highest
// usable order.
func levinson(ac []float64, lp [][]float64, errs []float64) int {
	maxOrder := len(ac) - 1
	var lpc [32]float64
	e := ac[0]
	for i := range maxOrder {
		r := -ac[i+1]
		for j := range i {
			r -= lpc[j] * ac[i-j]
		}
		r /= e
		lpc[i] = r
		j := 0
		for ; j < i>>1; j++ {
			t := lpc[j]
			lpc[j] += r * lpc[i-1-j]
			lpc[i-1-j] += r * t
		}
		if i&1 != 0 {
			lpc[j] += lpc[j] * r
		}
		e *= 1 - r*r
		for k := 0; k <= i; k++ {
			lp[i][k] = -lpc[k]
		}
		errs[i] = e
		if e == 0 {
			return i + 1
		}
	}
	return maxOrder
}

// bestOrder estimates the order with the fewest bits from the residual
// energies, as libFLAC's FLAC__lpc_compute_best_order, and returns it
// with its estimated size in bits.
func bestOrder(errs []float64, n int, overhead int) (int, float64) {
	scale := 0.5 / float64(n)
	best, bestBits := 1, math.Inf(1)
	for i, e := range errs {
		order := i + 1
		var bps float64
		switch {
		case e > 0:
			bps = max(0, 0.5*math.Log2(scale*e))
		case e < 0:
			bps = 1e32
		}
		bits := bps*float64(n-order) + float64(order*overhead)
		if bits < bestBits {
			best, bestBits = order, bits
		}
	}
	return best, bestBits
}

// fixedMargin is how much larger than LPC's estimate the fixed
// predictors' may be and still be tried: the estimates are of the
// windowed block, unquantised, so fixed predictors win on some blocks
// estimated 10 % larger (speech onsets).
const fixedMargin = 1.15

// fixedSampleMargin is how much larger than LPC's residual the fixed
// predictors' residual, estimated by fixedSampled, may be and still be
// tried (10 % is 0.14 bits a sample, more than LPC's coefficients).
const fixedSampleMargin = 1.1

// fixedSampled estimates Σ 2|residual| of the best fixed predictor over a
// block from 8 spread slices of an eighth of it (as Σ of zigzag codes).
func fixedSampled(x []int32) float64 {
	const slices, frac = 8, 8
	n := len(x)
	l := n / (slices * frac)
	if l < 16 {
		return 0 // too short to sample: try them
	}
	var s [5]uint64
	for i := range slices {
		a := i * n / slices
		t := fixedSums(x[a : a+l+4])
		for k := range s {
			s[k] += t[k]
		}
	}
	return 2 * float64(min(s[0], s[1], s[2], s[3], s[4])) * float64(n) / float64(slices*l)
}

// fixedFilters are the fixed predictors of orders 0-4 as filters:
// residual[i] = Σ fixedFilters[k][j]·x[i-j].
var fixedFilters = [5][5]float64{{1}, {1, -1}, {1, -2, 1}, {1, -3, 3, -1}, {1, -4, 6, -4, 1}}

// fixedEstimateBias is added to both the fixed predictors' and LPC's
// estimate, bits a sample: bestOrder's formula gives 0 for small
// residuals, where Rice codes still take a bit or two a sample.
const fixedEstimateBias = 2

// fixedEstimate estimates the size in bits of the best fixed predictor's
// residual, with bestOrder's formula, from the autocorrelation ac of the
// windowed block (the residual energy of a filter b is
// Σ_j Σ_l b_j·b_l·ac[|j-l|]), warm-up samples of bps bits included.
func fixedEstimate(ac *[5]float64, n, bps int) float64 {
	scale := 0.5 / float64(n)
	best := math.Inf(1)
	for k := range 5 {
		b := &fixedFilters[k]
		var e float64
		for j := 0; j <= k; j++ {
			for l := 0; l <= k; l++ {
				d := j - l
				e += b[j] * b[l] * ac[max(d, -d)]
			}
		}
		var perSample float64
		if e > 0 {
			perSample = max(0, 0.5*math.Log2(scale*e))
		}
		best = min(best, perSample*float64(n-k)+float64(k*bps))
	}
	return best + fixedEstimateBias*float64(n)
}

// quantize turns predictor coefficients into integers of prec bits and a
// shift, as libFLAC's FLAC__lpc_quantize_coefficients (with error
// feedback). ok is false when the coefficients cannot be represented.
func quantize(lp []float64, prec uint, q []int32) (shift int, ok bool) {
	var cmax float64
	for _, c := range lp {
		cmax = max(cmax, math.Abs(c))
	}
	if cmax <= 0 {
		return 0, false
	}
	qmax := int64(1)<<(prec-1) - 1
	qmin := -(int64(1) << (prec - 1))
	_, log2cmax := math.Frexp(cmax)
	shift = int(prec) - 1 - log2cmax
	if shift > 15 {
		shift = 15
	} else if shift < -16 {
		return 0, false
	}
	scale := math.Ldexp(1, shift) // FLAC has no negative shift: scale down, shift 0
	var errAcc float64
	for i, c := range lp {
		errAcc += c * scale
		v := int64(math.Round(errAcc))
		v = max(qmin, min(qmax, v))
		errAcc -= float64(v)
		q[i] = int32(v)
	}
	return max(shift, 0), true
}

// lpcResidual computes the residual of the quantised predictor q with
// the given shift, in 32-bit arithmetic when it cannot overflow (bps bits
// samples); it reports false when a residual does not fit in 32 bits.
func lpcResidual(res, x []int32, q []int32, shift int, bps uint) bool {
	var abs int64
	for _, c := range q {
		abs += int64(max(c, -c))
	}
	// |x| ≤ 2^(bps-1): |sum| ≤ abs·2^(bps-1), and |residual| ≤ 2^(bps-1)
	// plus the shifted sum. Where both provably fit in 32 bits, no
	// check is needed (the fastest loop under wasm too).
	lim := abs << (bps - 1)
	if lim < 1<<31 && (shift > 0 || lim+1<<(bps-1) < 1<<31) {
		lpcResidualFit(res, x, q, uint(shift))
		return true
	}
	if lim < 1<<31 && !wide {
		return lpcResidual32(res, x, q, uint(shift))
	}
	return lpcResidual64(res, x, q, uint(shift))
}

// fixedResidual computes the residual of the fixed predictor of order o.
func fixedResidual(res, x []int32, o int) {
	switch o {
	case 0:
		copy(res, x)
	case 1:
		for i := 1; i < len(x); i++ {
			res[i] = x[i] - x[i-1]
		}
	case 2:
		for i := 2; i < len(x); i++ {
			res[i] = x[i] - 2*x[i-1] + x[i-2]
		}
	case 3:
		for i := 3; i < len(x); i++ {
			res[i] = x[i] - 3*x[i-1] + 3*x[i-2] - x[i-3]
		}
	case 4:
		for i := 4; i < len(x); i++ {
			res[i] = x[i] - 4*x[i-1] + 6*x[i-2] - 4*x[i-3] + x[i-4]
		}
	}
}

// fixedSums returns Σ|residual| of the fixed predictors of orders 0..4
// over x[4:], computed in one pass (as libFLAC does to pick an order).
func fixedSums(x []int32) (s [5]uint64) {
	if len(x) < 5 {
		return
	}
	// The residual of order k+1 is the difference of two consecutive
	// residuals of order k: keep the last of each order (at x[3] to start).
	l0 := int64(x[3])
	l1 := l0 - int64(x[2])
	l2 := l1 - (int64(x[2]) - int64(x[1]))
	l3 := l2 - (int64(x[2]) - 2*int64(x[1]) + int64(x[0]))
	var s0, s1, s2, s3, s4 uint64
	step := func(v int32) {
		e0 := int64(v)
		e1 := e0 - l0
		e2 := e1 - l1
		e3 := e2 - l2
		e4 := e3 - l3
		l0, l1, l2, l3 = e0, e1, e2, e3
		s0 += uint64((e0 ^ e0>>63) - e0>>63)
		s1 += uint64((e1 ^ e1>>63) - e1>>63)
		s2 += uint64((e2 ^ e2>>63) - e2>>63)
		s3 += uint64((e3 ^ e3>>63) - e3>>63)
		s4 += uint64((e4 ^ e4>>63) - e4>>63)
	}
	// Four samples a step (faster under wasm).
	r := x[4:]
	i := 0
	for ; i+4 <= len(r); i += 4 {
		w := r[i : i+4 : i+4]
		step(w[0])
		step(w[1])
		step(w[2])
		step(w[3])
	}
	for ; i < len(r); i++ {
		step(r[i])
	}
	return [5]uint64{s0, s1, s2, s3, s4}
}

// orDiff returns the or of x (for wasted bits) and the or of each
// sample xor the first (zero when x is constant), four at a time (the
// sub-slice per step is what makes loops fast under wasm).
func orDiff(x []int32) (or, diff int32) {
	x0 := x[0]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		w := x[i : i+4 : i+4]
		or |= w[0] | w[1] | w[2] | w[3]
		diff |= (w[0] ^ x0) | (w[1] ^ x0) | (w[2] ^ x0) | (w[3] ^ x0)
	}
	for ; i < len(x); i++ {
		or |= x[i]
		diff |= x[i] ^ x0
	}
	return or, diff
}

// applyWindow sets d[i] = x[i]·w[i], four at a time.
func applyWindow(d []float64, x []int32, w []float64) {
	x = x[:len(d)]
	w = w[:len(d)]
	i := 0
	for ; i+4 <= len(d); i += 4 {
		dd, xx, ww := d[i:i+4:i+4], x[i:i+4:i+4], w[i:i+4:i+4]
		dd[0] = float64(xx[0]) * ww[0]
		dd[1] = float64(xx[1]) * ww[1]
		dd[2] = float64(xx[2]) * ww[2]
		dd[3] = float64(xx[3]) * ww[3]
	}
	for ; i < len(d); i++ {
		d[i] = float64(x[i]) * w[i]
	}
}

// lpcKeep is how many of the windows' quantised predictors, the best by
// their residual over a sample of the block, are encoded to pick one.
const lpcKeep = 2

// lpcSlices is how many slices, a quarter of the block in all, the
// predictors' residuals are sampled over.
const lpcSlices = 8

// lpcCand is a quantised LPC predictor to try.
type lpcCand struct {
	order int
	prec  uint
	shift int
	q     [32]int32
	est   float64 // estimated size, bits
}
