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
		for f := 0; f < k; {
			for pos >= next && bucket < n-1 {
				out[bucket] = Peak{lo, hi}
				bucket++
				next = bucketEnd(bucket, total, n)
				first = true
			}
			// The frames of this bucket in buf, in one tight loop (a float
			// is not finite when its exponent bits are all set).
			m := k - f
			if bucket < n-1 {
				m = int(min(int64(m), next-pos))
			}
			rlo, rhi := float32(math.Inf(1)), float32(math.Inf(-1))
			for _, v := range buf[f*ch : (f+m)*ch] {
				if math.Float32bits(v)&0x7f800000 == 0x7f800000 {
					st.NonFinite++
					continue
				}
				if v < rlo {
					rlo = v
				}
				if v > rhi {
					rhi = v
				}
			}
			if rlo <= rhi {
				if first {
					lo, hi, first = rlo, rhi, false
				} else {
					lo, hi = min(lo, rlo), max(hi, rhi)
				}
			}
			f += m
			pos += int64(m)
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

// SampledPeaks is a quick overview of frames [from, to) of d in n
// buckets: the min and max of at most window frames at the start of each
// bucket, so it reads about n*window frames whatever the length. It is
// meant for decoders that start a stream anywhere at once (PCM files);
// the exact waveform comes from Peaks.
func SampledPeaks(d Decoder, from, to int64, n int, window int64) ([]Peak, error) {
	if n < 1 || n > MaxBuckets {
		return nil, fmt.Errorf("audio: %d waveform buckets (want 1 to %d)", n, MaxBuckets)
	}
	if from < 0 || to < from || window < 1 {
		return nil, fmt.Errorf("audio: sampled waveform of frames %d..%d, window %d", from, to, window)
	}
	out := make([]Peak, n)
	var buf []float32
	for i, w := range sampledWindows(from, to, n, window) {
		a, b := w[0], w[1]
		if b <= a {
			continue
		}
		s, err := d.Stream(a, b)
		if err != nil {
			return nil, err
		}
		if buf == nil {
			buf = make([]float32, window*int64(s.Channels()))
		}
		p := Peak{Min: 1, Max: -1}
		for {
			k, err := s.Read(buf)
			for _, v := range buf[:k*s.Channels()] {
				if finite(v) {
					p.Min, p.Max = min(p.Min, v), max(p.Max, v)
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
		}
		if p.Min > p.Max {
			p = Peak{}
		}
		out[i] = p
	}
	return out, nil
}

// SampledWindows returns the frames [a, b) SampledPeaks reads for each
// of n buckets of [from, to) (empty windows where a bucket is empty).
func SampledWindows(from, to int64, n int, window int64) [][2]int64 {
	if n < 1 || n > MaxBuckets || to < from || window < 1 {
		return nil
	}
	return sampledWindows(from, to, n, window)
}

func sampledWindows(from, to int64, n int, window int64) [][2]int64 {
	ws := make([][2]int64, n)
	span := to - from
	for i := range ws {
		a := from + span*int64(i)/int64(n)
		ws[i] = [2]int64{a, max(a, min(from+span*int64(i+1)/int64(n), a+window))}
	}
	return ws
}
