package resample

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// TestFFT compares both FFTs (decimation in time and in frequency) with a
// direct DFT, for sizes with an odd and an even number of radix-2 stages.
func TestFFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{4, 8, 16, 32, 64, 128, 1024, 2048} {
		x := make([]complex128, n)
		for i := range x {
			x[i] = complex(rng.Float64()-0.5, rng.Float64()-0.5)
		}
		y := append([]complex128(nil), x...)
		f := newFFT(n)
		f.transform(y)
		z := append([]complex128(nil), x...)
		f.dif(z)
		f.permute(z)
		var worst float64
		for k := range n {
			var want complex128
			for j, v := range x {
				want += v * cmplx.Rect(1, -2*math.Pi*float64(j*k%n)/float64(n))
			}
			worst = max(worst, cmplx.Abs(y[k]-want), cmplx.Abs(z[k]-want))
		}
		if worst > 1e-12*float64(n) {
			t.Errorf("n=%d: largest error %g", n, worst)
		}
	}
}
