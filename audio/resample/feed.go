package resample

import (
	"fmt"
	"io"

	"offcut/audio"
)

// planarReader is implemented by the package's own stages, which pass
// float64 frames to each other without rounding to float32: read64 writes
// up to max frames, channel c at dst[c*stride+off:], and keeps the Read
// contract otherwise.
type planarReader interface {
	read64(dst []float64, stride, off, max int) (int, error)
}

// feeder delivers a stream as planar float64 frames framed by zeros: lead
// zero frames, then exactly the stream's Len frames, then zeros for ever.
type feeder struct {
	src  audio.Stream
	ch   int
	lead int64     // zero frames before the stream
	n    int64     // frames of the stream
	pos  int64     // frames delivered so far, zeros included
	rd   []float32 // read buffer, nil for a planarReader
}

func newFeeder(src audio.Stream, lead int64) *feeder {
	f := &feeder{src: src, ch: src.Channels(), lead: lead, n: src.Len()}
	if _, ok := src.(planarReader); !ok {
		f.rd = make([]float32, chunk*src.Channels())
	}
	return f
}

// read writes up to max (> 0) frames into dst, channel c at
// dst[c*stride+off:], and returns how many it wrote (at least one) or an
// error.
func (f *feeder) read(dst []float64, stride, off, max int) (int, error) {
	if f.pos < f.lead || f.pos >= f.lead+f.n {
		k := max
		if f.pos < f.lead {
			k = int(min(int64(max), f.lead-f.pos))
		}
		for c := 0; c < f.ch; c++ {
			clear(dst[c*stride+off : c*stride+off+k])
		}
		f.pos += int64(k)
		return k, nil
	}
	done := f.pos - f.lead
	k := int(min(int64(max), chunk, f.n-done))
	ch := f.ch
	var n int
	var err error
	if p, ok := f.src.(planarReader); ok {
		n, err = p.read64(dst, stride, off, k)
		f.pos += int64(n)
		done += int64(n)
	} else {
		n, err = f.src.Read(f.rd[:k*ch])
	}
	if n > 0 && f.rd != nil {
		in := f.rd[:n*ch]
		switch ch {
		case 1:
			h := dst[off : off+n]
			for i, v := range in {
				h[i] = float64(v)
			}
		case 2:
			h0 := dst[off : off+n]
			h1 := dst[stride+off : stride+off+n]
			for i := range h0 {
				fr := in[2*i : 2*i+2 : 2*i+2]
				h0[i] = float64(fr[0])
				h1[i] = float64(fr[1])
			}
		default:
			for c := 0; c < ch; c++ {
				h := dst[c*stride+off : c*stride+off+n]
				for i := range h {
					h[i] = float64(in[i*ch+c])
				}
			}
		}
		f.pos += int64(n)
		done += int64(n)
	}
	switch {
	case err == io.EOF && done < f.n:
		return 0, fmt.Errorf("resample: input ended after %d of %d frames: %w", done, f.n, io.ErrUnexpectedEOF)
	case err != nil && err != io.EOF:
		return 0, fmt.Errorf("resample: reading input: %w", err)
	case n == 0 && err == nil:
		return 0, fmt.Errorf("resample: input read returned no frames: %w", io.ErrNoProgress)
	case n == 0:
		return 0, fmt.Errorf("resample: input ended after %d of %d frames: %w", done, f.n, io.ErrUnexpectedEOF)
	}
	return n, nil
}
