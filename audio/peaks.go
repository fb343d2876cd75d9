package audio

import (
	"fmt"
	"io"
	"math"
)

// Peak is the smallest and largest sample value in one bucket of a
// waveform, over all channels.
type Peak struct {
	Min float32 `json:"min"`
	Max float32 `json:"max"`
}

// MaxBuckets bounds the size of a waveform request.
const MaxBuckets = 1 << 20

// Peaks reads s once and returns min/max per bucket for n buckets of equal
// width (bucket k covers frames [k*len/n, (k+1)*len/n)). progress, if not
// nil, is called with frames read so far; returning false stops early with
// the buckets filled so far. NaN and infinite samples (a damaged float
// file) are left out, so every peak is finite; PeaksStats counts them.
func Peaks(s Stream, n int, progress func(done, total int64) bool) ([]Peak, error) {
	p, _, err := PeaksStats(s, n, progress)
	return p, err
}

// PeakStats is what a waveform pass found besides the peaks.
type PeakStats struct {
	// NonFinite counts NaN and infinite samples, which the peaks leave out.
	NonFinite int64
}

// PeaksStats is Peaks, also returning what it found.
func PeaksStats(s Stream, n int, progress func(done, total int64) bool) ([]Peak, PeakStats, error) {
	var st PeakStats
	if n < 1 || n > MaxBuckets {
		return nil, st, fmt.Errorf("audio: %d waveform buckets (want 1 to %d)", n, MaxBuckets)
	}
	total := s.Len()
	out := make([]Peak, n)
	if total == 0 {
		return out, st, nil
	}
	ch := s.Channels()
	buf := make([]float32, 16384*ch)
	var pos int64
	bucket := 0
	next := bucketEnd(0, total, n)
	lo, hi := float32(0), float32(0)
	first := true
	for {
		k, err := s.Read(buf)
		for f := 0; f < k; f++ {
			for pos >= next && bucket < n-1 {
				out[bucket] = Peak{lo, hi}
				bucket++
				next = bucketEnd(bucket, total, n)
				first = true
			}
			for _, v := range buf[f*ch : f*ch+ch] {
				if !finite(v) {
					st.NonFinite++
					continue
				}
				if first {
					lo, hi, first = v, v, false
				} else if v < lo {
					lo = v
				} else if v > hi {
					hi = v
				}
			}
			pos++
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, st, err
		}
		if progress != nil && !progress(pos, total) {
			break
		}
	}
	if !first {
		out[bucket] = Peak{lo, hi}
	}
	return out, st, nil
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }

// Finite reports whether v is neither NaN nor infinite.
func Finite(v float32) bool { return finite(v) }

func bucketEnd(k int, total int64, n int) int64 {
	return (int64(k) + 1) * total / int64(n)
}
