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
// (Source >= 0), Computed or Encoded describes its bytes.
type Segment struct {
	// Literal holds the bytes of a literal segment.
	Literal []byte
	// Final, if not nil on a literal segment, gives the segment's final
	// bytes (the same length as Literal) once every later segment has been
	// written: headers whose checksums or counts are known only at the end
	// (FLAC's STREAMINFO MD5, an MP3 encoder's Xing/LAME header). Sinks
	// write Literal in order, then patch it in place.
	Final func() ([]byte, error)
	// Source is the index of the input for a range segment, -1 otherwise.
	Source int
	// Offset is where the range starts in the source.
	Offset int64
	// Length is the segment's size in bytes (for every kind but encoded,
	// where it is an estimate).
	Length int64
	// Computed opens a reader that yields exactly Length bytes.
	Computed func() (io.Reader, error)
	// Encoded opens a reader whose size is known only at its end (the
	// output of an encoder); Length is then an estimate.
	Encoded func() (io.Reader, error)
}

// Kind names a segment's kind: "bytes", "range", "computed" or "encoded".
func (s Segment) Kind() string {
	switch {
	case s.Computed != nil:
		return "computed"
	case s.Encoded != nil:
		return "encoded"
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
	if n := len(p.Segments); n > 0 && p.Segments[n-1].Kind() == "bytes" && p.Segments[n-1].Final == nil {
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

// Patchable appends literal bytes whose final value final gives once the
// rest of the plan has been written (same length).
func (p *Plan) Patchable(b []byte, final func() ([]byte, error)) {
	p.Segments = append(p.Segments, Segment{Literal: b, Source: -1, Length: int64(len(b)), Final: final})
}

// Encode appends an encoder's output: open yields the bytes, whose count is
// known only at the end; estimate is the expected size (for progress and
// the announced size).
func (p *Plan) Encode(estimate int64, open func() (io.Reader, error)) {
	p.Segments = append(p.Segments, Segment{Source: -1, Length: max(estimate, 0), Encoded: open})
}

// Append appends every segment of q.
func (p *Plan) Append(q *Plan) {
	for _, s := range q.Segments {
		switch {
		case s.Final != nil:
			p.Patchable(s.Literal, s.Final)
		case s.Kind() == "bytes":
			p.Bytes(s.Literal)
		case s.Kind() == "range":
			p.Range(s.Source, s.Offset, s.Length)
		case s.Kind() == "encoded":
			p.Encode(s.Length, s.Encoded)
		default:
			p.Compute(s.Length, s.Computed)
		}
	}
}

// Exact reports whether Size is the exact output size (no encoder output,
// whose size is an estimate until written).
func (p *Plan) Exact() bool {
	for _, s := range p.Segments {
		if s.Encoded != nil {
			return false
		}
	}
	return true
}

// Size is the total output size in bytes (an estimate when !Exact()).
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
		if s.Computed != nil || s.Encoded != nil {
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
// and the total (an estimate while an encoder writes: never below done);
// returning false cancels with ErrCanceled. A plan with patchable segments
// needs w to be an io.WriterAt as well (a file).
func (p *Plan) WriteTo(w io.Writer, sources []audio.Source, progress func(done, total int64) bool) (int64, error) {
	total := p.Size()
	var done int64
	buf := make([]byte, CopyBufferSize)
	report := func(n int) error {
		done += int64(n)
		total = max(total, done)
		if progress != nil && !progress(done, total) {
			return ErrCanceled
		}
		return nil
	}
	type patch struct {
		at  int64
		seg int
	}
	var patches []patch
	for i, s := range p.Segments {
		if s.Final != nil {
			patches = append(patches, patch{done, i})
		}
		switch s.Kind() {
		case "encoded":
			r, err := s.Encoded()
			if err != nil {
				return done, fmt.Errorf("plan: segment %d: %w", i, err)
			}
			err = copyAll(w, r, buf, report)
			if c, ok := r.(io.Closer); ok {
				c.Close() // stops an encoder left behind by an error
			}
			if err != nil {
				return done, fmt.Errorf("plan: segment %d (encoded): %w", i, err)
			}
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
	if len(patches) > 0 {
		wa, ok := w.(io.WriterAt)
		if !ok {
			return done, fmt.Errorf("plan: the output has headers written last and needs a seekable file")
		}
		for _, pt := range patches {
			b, err := p.Segments[pt.seg].Final()
			if err != nil {
				return done, fmt.Errorf("plan: segment %d (final header): %w", pt.seg, err)
			}
			if len(b) != len(p.Segments[pt.seg].Literal) {
				return done, fmt.Errorf("plan: segment %d: final header is %d bytes, %d were reserved", pt.seg, len(b), len(p.Segments[pt.seg].Literal))
			}
			if _, err := wa.WriteAt(b, pt.at); err != nil {
				return done, err
			}
		}
	}
	return done, nil
}

// copyAll copies r to w until EOF.
func copyAll(w io.Writer, r io.Reader, buf []byte, report func(int) error) error {
	for {
		k, err := r.Read(buf)
		if k > 0 {
			if _, werr := w.Write(buf[:k]); werr != nil {
				return werr
			}
			if rerr := report(k); rerr != nil {
				return rerr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
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
