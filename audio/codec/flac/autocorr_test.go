package flac

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAutocorrLags checks the one-pass autocorrelation against the
// definition for every lag count and short inputs.
func TestAutocorrLags(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{13, 14, 20, 100, 4096} {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64() * 10000
		}
		for lags := 1; lags <= 13; lags++ {
			got := make([]float64, lags)
			autocorrLags(got, x)
			for k := range lags {
				var want float64
				for i := k; i < n; i++ {
					want += x[i] * x[i-k]
				}
				if d := math.Abs(got[k] - want); d > 1e-9*math.Abs(want)+1e-6 {
					t.Fatalf("n=%d lags=%d: ac[%d] = %g, want %g", n, lags, k, got[k], want)
				}
			}
		}
	}
}

// BenchmarkAutocorr computes 9 lags of a 4096-sample block (level 5).
func BenchmarkAutocorr(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, 4096)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	var ac [9]float64
	b.Run("lags", func(b *testing.B) {
		for b.Loop() {
			autocorrLags(ac[:], x)
		}
	})
	b.Run("perlag", func(b *testing.B) {
		for b.Loop() {
			autocorr(ac[:], x)
		}
	})
}
