package resample

import (
	"fmt"
	"math"
	"sync"
)

// Quality selects the anti-aliasing filter: its bandwidth, its stopband
// attenuation and so its length and cost.
type Quality int

const (
	// VeryHigh keeps 95% of the lower Nyquist band flat (within 4e-7
	// dB measured), rejects everything at and above the lower Nyquist
	// frequency by 150 dB by design (150 to 168 dB measured in the tests)
	// and has no aliasing. It matches sox's "rate -v" passband and exceeds
	// the dynamic range of 24-bit audio and of float32 output. It is the
	// zero value and the engine's default.
	VeryHigh Quality = iota
	// Standard keeps 90% of the lower Nyquist band flat and rejects by 120
	// dB: transparent for 16- and 20-bit output, about 1.3 times as fast
	// as VeryHigh. Meant for previews.
	Standard
)

// Default is the quality the engine uses for export.
const Default = VeryHigh

// String names q as the CLI spells it.
func (q Quality) String() string {
	switch q {
	case VeryHigh:
		return "veryhigh"
	case Standard:
		return "standard"
	}
	return fmt.Sprintf("Quality(%d)", int(q))
}

// spec is the design of one quality level.
type spec struct {
	bw     float64 // passband edge as a fraction of the lower Nyquist
	atten  float64 // stopband attenuation, dB (Kaiser design value)
	phases int     // fine phases per input sample when interpolating
}

func (q Quality) spec() (spec, bool) {
	switch q {
	case VeryHigh:
		return spec{bw: 0.95, atten: 150, phases: 128}, true
	case Standard:
		return spec{bw: 0.90, atten: 120, phases: 64}, true
	}
	return spec{}, false
}

// maxExact is the largest exact polyphase table (L rows of N taps, float64)
// before the converter switches to a fine table with cubic interpolation
// between phases: 2^19 coefficients = 4 MiB.
const maxExact = 1 << 19

// table holds the precomputed polyphase filter for one reduced ratio L/M
// (L = output, M = input, coprime). It is immutable and shared.
type table struct {
	L, M int
	D    int // taps reach from D-1 samples before to D samples after the output instant
	N    int // taps per phase, 2*D, a multiple of 4
	// P is 0 for an exact table (row p is phase p/L, p in [0, L)); otherwise
	// the table has P+3 rows, row r holding phase (r-1)/P, and a phase
	// between rows is found by cubic (4-point Lagrange) interpolation.
	P    int
	coef []float64
	// Design values, in cycles per input sample.
	fp, fs, fc, half, beta float64
}

// row returns the N taps of row r.
func (t *table) row(r int) []float64 { return t.coef[r*t.N : r*t.N+t.N : r*t.N+t.N] }

// kernel is the continuous impulse response at offset tau (in input
// samples): a sinc with cutoff fc under a Kaiser window of half-width half.
func (t *table) kernel(tau float64) float64 {
	x := tau / t.half
	if x <= -1 || x >= 1 {
		return 0
	}
	w := besselI0(t.beta*math.Sqrt(1-x*x)) / besselI0(t.beta)
	if tau == 0 {
		return 2 * t.fc * w
	}
	return math.Sin(2*math.Pi*t.fc*tau) / (math.Pi * tau) * w
}

// besselI0 is the modified Bessel function of the first kind, order 0, by
// its power series (converges quickly for the arguments used, < 30).
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	q := x * x / 4
	for k := 1; k < 500; k++ {
		term *= q / float64(k*k)
		sum += term
		if term < sum*1e-17 {
			break
		}
	}
	return sum
}

// design computes the polyphase table for reduced ratio L/M with passband
// edge fp and stopband edge fs in cycles per input sample.
func design(L, M int, fp, fs float64, s spec) *table {
	t := &table{L: L, M: M, fp: fp, fs: fs}
	t.fc = (t.fp + t.fs) / 2
	t.beta = 0.1102 * (s.atten - 8.7)
	// Kaiser's estimate of the order for this attenuation and transition.
	order := (s.atten - 7.95) / (2.285 * 2 * math.Pi * (t.fs - t.fp))
	halfReq := order / 2

	exactD := evenCeil(halfReq)
	if L*2*exactD <= maxExact {
		t.D, t.N = exactD, 2*exactD
		t.half = float64(t.D)
		t.coef = make([]float64, L*t.N)
		for p := 0; p < L; p++ {
			t.fillRow(t.row(p), float64(p)/float64(L))
		}
		return t
	}
	t.P = s.phases
	t.D = evenCeil(halfReq + 1/float64(t.P))
	t.N = 2 * t.D
	t.half = float64(t.D) - 1/float64(t.P)
	t.coef = make([]float64, (t.P+3)*t.N)
	for r := 0; r < t.P+3; r++ {
		t.fillRow(t.row(r), float64(r-1)/float64(t.P))
	}
	return t
}

// fillRow sets row[i] = kernel(phi - d) with d = i - D + 1: the tap that
// multiplies input sample base+d for an output at base+phi.
func (t *table) fillRow(row []float64, phi float64) {
	for i := range row {
		d := i - t.D + 1
		row[i] = t.kernel(phi - float64(d))
	}
}

// evenCeil rounds x up to an even integer (so N = 2D is a multiple of 4).
func evenCeil(x float64) int {
	n := int(math.Ceil(x))
	if n%2 != 0 {
		n++
	}
	if n < 2 {
		n = 2
	}
	return n
}

// The cache of tables and FIRs: the engine converts many clips between
// the same rates. Entries are immutable and shared by every stream.
var cache struct {
	sync.Mutex
	m map[cacheKey]any
}

type cacheKey struct {
	kind    int // 0: single-stage table, 1: two-stage table, 2: FIR
	in, out int
	q       Quality
}

const maxCached = 32

func cached(k cacheKey, build func() any) any {
	cache.Lock()
	v := cache.m[k]
	cache.Unlock()
	if v != nil {
		return v
	}
	v = build()
	cache.Lock()
	if cache.m == nil || len(cache.m) >= maxCached {
		cache.m = make(map[cacheKey]any)
	}
	cache.m[k] = v
	cache.Unlock()
	return v
}
