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

// TestLPCResidual checks lpcResidual, whichever loop it takes, against
// the definition in 64-bit arithmetic, for every order, sample widths
// 8 to 25 (a 24-bit side channel) and extreme samples and coefficients.
func TestLPCResidual(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, bps := range []uint{8, 16, 17, 24, 25} {
		for order := 1; order <= 32; order++ {
			for _, prec := range []uint{5, 12, 15} {
				for _, shift := range []int{0, 1, 9, 15} {
					n := 64
					x := make([]int32, n)
					lo, hi := -(int64(1) << (bps - 1)), int64(1)<<(bps-1)-1
					for i := range x {
						switch rng.IntN(3) {
						case 0:
							x[i] = int32(lo)
						case 1:
							x[i] = int32(hi)
						default:
							x[i] = int32(lo + rng.Int64N(hi-lo+1))
						}
					}
					q := make([]int32, order)
					for j := range q {
						q[j] = int32(rng.Int64N(1<<prec) - 1<<(prec-1))
					}
					res := make([]int32, n)
					ok := lpcResidual(res, x, q, shift, bps)
					for i := order; i < n; i++ {
						var sum int64
						for j, c := range q {
							sum += int64(c) * int64(x[i-1-j])
						}
						want := int64(x[i]) - sum>>shift
						if want != int64(int32(want)) {
							if ok {
								t.Fatalf("bps %d order %d shift %d: residual %d does not fit but ok", bps, order, shift, want)
							}
							break
						}
						if ok && int64(res[i]) != want {
							t.Fatalf("bps %d order %d prec %d shift %d: res[%d] = %d, want %d", bps, order, prec, shift, i, res[i], want)
						}
					}
				}
			}
		}
	}
}

// TestNonzeroRuns checks that the autocorrelation summed over the runs of
// each analysis window equals the one over the whole windowed block.
func TestNonzeroRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{40, 1152, 4096, 4097} {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64() * 1000
		}
		for _, lags := range []int{7, 9, 13} {
			for wi, win := range windows(n, 3) {
				wx := make([]float64, n)
				for i := range x {
					wx[i] = x[i] * win[i]
				}
				want := make([]float64, lags)
				autocorr(want, wx)
				got := make([]float64, lags)
				covered := 0
				for _, r := range nonzeroRuns(win, lags) {
					part := make([]float64, lags)
					autocorrLags(part, wx[r[0]:r[1]])
					for k := range got {
						got[k] += part[k]
					}
					covered += r[1] - r[0]
				}
				for k := range got {
					if d := math.Abs(got[k] - want[k]); d > 1e-9*math.Abs(want[0]) {
						t.Fatalf("n %d window %d lag %d: %g over runs, %g over the block", n, wi, k, got[k], want[k])
					}
				}
				if wi > 0 && covered == n && n > 100 {
					t.Errorf("n %d window %d: runs cover the whole block", n, wi)
				}
			}
		}
	}
}

// TestToInt checks the input conversion against math.RoundToEven with
// clamping at every width, at halves, limits, infinities and NaN.
func TestToInt(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 3))
	var src []float32
	for _, v := range []float64{0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 1, -1, 0.99999, -0.99999, math.Inf(1), math.Inf(-1), math.NaN(), 3, -3} {
		src = append(src, float32(v))
	}
	for range 10000 {
		src = append(src, float32(rng.Float64()*2.2-1.1))
	}
	for _, bits := range []int{8, 16, 24} {
		scale := float64(int64(1) << (bits - 1))
		got := make([]int32, len(src))
		toInt(got, src, scale)
		for i, f := range src {
			v := float64(f) * scale
			switch {
			case v != v:
				v = 0
			case v < -scale:
				v = -scale
			case v > scale-1:
				v = scale - 1
			}
			if want := int32(math.RoundToEven(v)); got[i] != want {
				t.Fatalf("%d bits: %g (×%g) gives %d, want %d", bits, f, scale, got[i], want)
			}
		}
		// Halves of the integer grid round to even.
		for x := -scale; x < scale-1; x += scale / 64 {
			h := []float32{float32((x + 0.5) / scale)}
			toInt(got[:1], h, scale)
			if want := int32(math.RoundToEven(float64(h[0]) * scale)); got[0] != want {
				t.Fatalf("%d bits: %g gives %d, want %d", bits, h[0], got[0], want)
			}
		}
	}
}
