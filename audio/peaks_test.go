package audio

import (
	"math"
	"math/rand"
	"testing"
)

// refPeaks is the plain definition of PeaksStats (a sample at a time):
// each bucket's min and max of its finite samples; a bucket without any
// keeps the previous bucket's values, the last one is zero.
func refPeaks(s []float32, ch, n int) ([]Peak, int) {
	total := int64(len(s) / ch)
	out := make([]Peak, n)
	bucket, next := 0, bucketEnd(0, total, n)
	lo, hi, first, bad := float32(0), float32(0), true, 0
	for pos := int64(0); pos < total; pos++ {
		for pos >= next && bucket < n-1 {
			out[bucket] = Peak{lo, hi}
			bucket++
			next = bucketEnd(bucket, total, n)
			first = true
		}
		for _, v := range s[pos*int64(ch) : (pos+1)*int64(ch)] {
			switch {
			case math.IsNaN(float64(v)) || math.IsInf(float64(v), 0):
				bad++
			case first:
				lo, hi, first = v, v, false
			case v < lo:
				lo = v
			case v > hi:
				hi = v
			}
		}
	}
	if !first {
		out[bucket] = Peak{lo, hi}
	}
	return out, bad
}

// TestPeaksStatsMatchesDefinition: the bucketed inner loop of PeaksStats
// gives what the sample-at-a-time definition gives, NaN, infinities and
// buckets of no finite sample included, for several channel and bucket
// counts.
func TestPeaksStatsMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for _, ch := range []int{1, 2, 3} {
		for _, frames := range []int{1, 7, 1000, 40000} {
			s := make([]float32, frames*ch)
			for i := range s {
				s[i] = float32(r.NormFloat64())
				switch r.Intn(50) {
				case 0:
					s[i] = float32(math.NaN())
				case 1:
					s[i] = float32(math.Inf(1 - 2*r.Intn(2)))
				}
			}
			// a run with no finite sample at all
			for i := frames / 3 * ch; i < min(len(s), (frames/3+frames/5+1)*ch); i++ {
				s[i] = float32(math.NaN())
			}
			for _, n := range []int{1, 3, 64, 5000} {
				want, bad := refPeaks(s, ch, n)
				got, st, err := PeaksStats(Samples(1, ch, s), n, nil)
				if err != nil {
					t.Fatal(err)
				}
				if st.NonFinite != int64(bad) {
					t.Errorf("%d ch, %d frames, %d buckets: %d non-finite, want %d", ch, frames, n, st.NonFinite, bad)
				}
				for i := range want {
					if got[i] != want[i] {
						t.Errorf("%d ch, %d frames, %d buckets: bucket %d = %v, want %v", ch, frames, n, i, got[i], want[i])
						break
					}
				}
			}
		}
	}
}

// BenchmarkPeaksStats: 2^22 stereo frames into 4000 buckets (the exact
// waveform's inner loop; bytes counted as 16-bit PCM).
func BenchmarkPeaksStats(b *testing.B) {
	s := make([]float32, 2<<22)
	r := rand.New(rand.NewSource(4))
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	b.SetBytes(int64(len(s)) * 2)
	for b.Loop() {
		if _, _, err := PeaksStats(Samples(48000, 2, s), 4000, nil); err != nil {
			b.Fatal(err)
		}
	}
}
