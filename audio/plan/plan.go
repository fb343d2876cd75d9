// Package plan describes an output file as a list of segments: literal bytes,
// byte ranges of input sources, and computed bytes produced on demand. An
// edit that only rearranges bytes becomes a plan of ranges, which the browser
// turns into a Blob of slices of the user's own files (no copy, constant
// memory) and the CLI copies range by range.
package plan

import (
	"errors"
	"fmt"
	"io"

	"offcut/audio"
)

// Segment is one piece of an output file. Exactly one of Literal, Range
// (Source >= 0) or Computed describes its bytes.
type Segment struct {
	// Literal holds the bytes of a literal segment.
	Literal []byte
	// Source is the index of the input for a range segment, -1 otherwise.
	Source int
	// Offset is where the range starts in the source.
	Offset int64
	// Length is the segment's size in bytes (for every kind).
	Length int64
	// Computed opens a reader that yields exactly Length bytes.
	Computed func() (io.Reader, error)
}

// Kind names a segment's kind: "bytes", "range" or "computed".
func (s Segment) Kind() string {
	switch {
	case s.Computed != nil:
		return "computed"
	case s.Source >= 0:
		return "range"
	default:
		return "bytes"
	}
}

// Plan is an output file as a sequence of segments.
type Plan struct {
	Segments []Segment
}

// Bytes appends literal bytes.
func (p *Plan) Bytes(b []byte) {
	if len(b) == 0 {
		return
	}
	if n := len(p.Segments); n > 0 && p.Segments[n-1].Kind() == "bytes" {
		last := &p.Segments[n-1]
		last.Literal = append(last.Literal[:len(last.Literal):len(last.Literal)], b...)
		last.Length = int64(len(last.Literal))
		return
	}
	p.Segments = append(p.Segments, Segment{Literal: b, Source: -1, Length: int64(len(b))})
}

// Range appends length bytes of source src starting at off, merging with the
// previous segment when it ends where this one starts.
func (p *Plan) Range(src int, off, length int64) {
	if length <= 0 {
		return
	}
	if n := len(p.Segments); n > 0 {
		last := &p.Segments[n-1]
		if last.Kind() == "range" && last.Source == src && last.Offset+last.Length == off {
			last.Length += length
			return
		}
	}
	p.Segments = append(p.Segments, Segment{Source: src, Offset: off, Length: length})
}

// Compute appends a computed segment of exactly length bytes.
func (p *Plan) Compute(length int64, open func() (io.Reader, error)) {
	if length <= 0 {
		return
	}
	p.Segments = append(p.Segments, Segment{Source: -1, Length: length, Computed: open})
}

// Append appends every segment of q.
func (p *Plan) Append(q *Plan) {
	for _, s := range q.Segments {
		switch s.Kind() {
		case "bytes":
			p.Bytes(s.Literal)
		case "range":
			p.Range(s.Source, s.Offset, s.Length)
		default:
			p.Compute(s.Length, s.Computed)
		}
	}
}

// Size is the total output size in bytes.
func (p *Plan) Size() int64 {
	var n int64
	for _, s := range p.Segments {
		n += s.Length
	}
	return n
}

// ComputedBytes is how many output bytes must be computed rather than copied.
func (p *Plan) ComputedBytes() int64 {
	var n int64
	for _, s := range p.Segments {
		if s.Computed != nil {
			n += s.Length
		}
	}
	return n
}

// ErrCanceled is returned by WriteTo when the progress callback asks to stop.
var ErrCanceled = errors.New("plan: canceled")

// CopyBufferSize is the size of the buffer WriteTo copies ranges through.
const CopyBufferSize = 1 << 20

// WriteTo writes the planned bytes to w, reading ranges from sources.
// progress, if not nil, is called after each chunk with bytes written so far
// and the total; returning false cancels with ErrCanceled.
func (p *Plan) WriteTo(w io.Writer, sources []audio.Source, progress func(done, total int64) bool) (int64, error) {
	total := p.Size()
	var done int64
	buf := make([]byte, CopyBufferSize)
	report := func(n int) error {
		done += int64(n)
		if progress != nil && !progress(done, total) {
			return ErrCanceled
		}
		return nil
	}
	for i, s := range p.Segments {
		switch s.Kind() {
		case "bytes":
			n, err := w.Write(s.Literal)
			if err != nil {
				return done + int64(n), err
			}
			if err := report(n); err != nil {
				return done, err
			}
		case "range":
			if s.Source >= len(sources) {
				return done, fmt.Errorf("plan: segment %d reads input %d of %d", i, s.Source, len(sources))
			}
			r := io.NewSectionReader(sources[s.Source], s.Offset, s.Length)
			if err := copyExact(w, r, s.Length, buf, report); err != nil {
				return done, fmt.Errorf("plan: segment %d (input %d bytes %d..%d): %w", i, s.Source, s.Offset, s.Offset+s.Length, err)
			}
		default:
			r, err := s.Computed()
			if err != nil {
				return done, fmt.Errorf("plan: segment %d: %w", i, err)
			}
			if err := copyExact(w, r, s.Length, buf, report); err != nil {
				return done, fmt.Errorf("plan: segment %d (computed, %d bytes): %w", i, s.Length, err)
			}
		}
	}
	return done, nil
}

func copyExact(w io.Writer, r io.Reader, n int64, buf []byte, report func(int) error) error {
	for n > 0 {
		b := buf
		if int64(len(b)) > n {
			b = b[:n]
		}
		k, err := io.ReadFull(r, b)
		if k > 0 {
			if _, werr := w.Write(b[:k]); werr != nil {
				return werr
			}
			n -= int64(k)
			if rerr := report(k); rerr != nil {
				return rerr
			}
		}
		if err != nil {
			if n == 0 {
				return nil
			}
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("%d bytes short: %w", n, err)
		}
	}
	return nil
}
