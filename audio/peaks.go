package audio

import (
	"fmt"
	"io"
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
// the buckets filled so far.
func Peaks(s Stream, n int, progress func(done, total int64) bool) ([]Peak, error) {
	if n < 1 || n > MaxBuckets {
		return nil, fmt.Errorf("audio: %d waveform buckets (want 1 to %d)", n, MaxBuckets)
	}
	total := s.Len()
	out := make([]Peak, n)
	if total == 0 {
		return out, nil
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
			return nil, err
		}
		if progress != nil && !progress(pos, total) {
			break
		}
	}
	if !first {
		out[bucket] = Peak{lo, hi}
	}
	return out, nil
}

func bucketEnd(k int, total int64, n int) int64 {
	return (int64(k) + 1) * total / int64(n)
}
