package audio

import (
	"errors"
	"fmt"
	"io"
)

// Stream is a finite, exact-length source of interleaved float32 frames.
//
// The contract every implementation keeps (audiotest.CheckStream tests it):
//   - Read fills buf with whole frames, n = number of frames, and returns
//     either n > 0 with a nil error, or n == 0 with an error; io.EOF means the
//     stream ended cleanly after exactly Len frames.
//   - Read never returns more than len(buf)/Channels() frames; a buffer too
//     small for one frame is an error.
//   - Samples are nominally in [-1, 1]; processing may exceed that range and
//     encoders clamp (and count) out-of-range values.
type Stream interface {
	// Rate is the sample rate in frames per second.
	Rate() int
	// Channels is the number of interleaved channels.
	Channels() int
	// Len is the total number of frames the stream produces.
	Len() int64
	// Read reads up to len(buf)/Channels() frames into buf.
	Read(buf []float32) (int, error)
}

// ErrShortBuffer is returned by Read when buf cannot hold one frame.
var ErrShortBuffer = errors.New("audio: read buffer smaller than one frame")

// frameCap returns how many frames fit in buf, or an error.
func frameCap(buf []float32, channels int) (int, error) {
	n := len(buf) / channels
	if n == 0 {
		return 0, ErrShortBuffer
	}
	return n, nil
}

// Silence returns a stream of n frames of digital silence.
func Silence(rate, channels int, n int64) Stream {
	return &silence{rate: rate, ch: channels, left: n, n: n}
}

type silence struct {
	rate, ch int
	n, left  int64
}

func (s *silence) Rate() int     { return s.rate }
func (s *silence) Channels() int { return s.ch }
func (s *silence) Len() int64    { return s.n }
func (s *silence) Read(buf []float32) (int, error) {
	n, err := frameCap(buf, s.ch)
	if err != nil {
		return 0, err
	}
	if s.left == 0 {
		return 0, io.EOF
	}
	if int64(n) > s.left {
		n = int(s.left)
	}
	clear(buf[:n*s.ch])
	s.left -= int64(n)
	return n, nil
}

// Take returns the first n frames of s (or all of s if it is shorter; Len
// reports the exact result).
func Take(s Stream, n int64) Stream {
	if n > s.Len() {
		n = s.Len()
	}
	if n < 0 {
		n = 0
	}
	return &take{s: s, n: n, left: n}
}

type take struct {
	s       Stream
	n, left int64
}

func (t *take) Rate() int     { return t.s.Rate() }
func (t *take) Channels() int { return t.s.Channels() }
func (t *take) Len() int64    { return t.n }
func (t *take) Read(buf []float32) (int, error) {
	if t.left == 0 {
		return 0, io.EOF
	}
	ch := t.s.Channels()
	if want := t.left * int64(ch); int64(len(buf)) > want {
		buf = buf[:want]
	}
	n, err := t.s.Read(buf)
	t.left -= int64(n)
	if err == io.EOF && t.left > 0 {
		return n, fmt.Errorf("audio: stream ended %d frames early: %w", t.left, io.ErrUnexpectedEOF)
	}
	return n, err
}

// Skip discards the first n frames of s and returns the rest.
func Skip(s Stream, n int64) (Stream, error) {
	if n <= 0 {
		return s, nil
	}
	buf := make([]float32, 4096*s.Channels())
	left := n
	for left > 0 {
		b := buf
		if want := left * int64(s.Channels()); int64(len(b)) > want {
			b = b[:want]
		}
		k, err := s.Read(b)
		if err != nil {
			return nil, fmt.Errorf("audio: skipping %d frames: %w", n, err)
		}
		left -= int64(k)
	}
	return &skipped{Stream: s, n: s.Len() - n}, nil
}

type skipped struct {
	Stream
	n int64
}

func (s *skipped) Len() int64 { return s.n }

// Seq plays the streams one after another. All must share rate and channels.
func Seq(streams ...Stream) (Stream, error) {
	if len(streams) == 0 {
		return nil, errors.New("audio: Seq of no streams")
	}
	var total int64
	for i, s := range streams {
		if s.Rate() != streams[0].Rate() || s.Channels() != streams[0].Channels() {
			return nil, fmt.Errorf("audio: Seq part %d is %d Hz %d ch, part 0 is %d Hz %d ch",
				i, s.Rate(), s.Channels(), streams[0].Rate(), streams[0].Channels())
		}
		total += s.Len()
	}
	return &seq{parts: streams, n: total, rate: streams[0].Rate(), ch: streams[0].Channels()}, nil
}

type seq struct {
	parts    []Stream
	n        int64
	rate, ch int
}

func (s *seq) Rate() int     { return s.rate }
func (s *seq) Channels() int { return s.ch }
func (s *seq) Len() int64    { return s.n }
func (s *seq) Read(buf []float32) (int, error) {
	for len(s.parts) > 0 {
		n, err := s.parts[0].Read(buf)
		if err == io.EOF {
			// Drop the finished part, so that it and its buffers can be
			// collected: a long Seq must not keep every part it played.
			s.parts[0] = nil
			s.parts = s.parts[1:]
			continue
		}
		return n, err
	}
	if _, err := frameCap(buf, s.ch); err != nil {
		return 0, err
	}
	return 0, io.EOF
}

// Gain multiplies every sample of s by the linear factor g.
func Gain(s Stream, g float32) Stream { return &gain{Stream: s, g: g} }

type gain struct {
	Stream
	g float32
}

func (g *gain) Read(buf []float32) (int, error) {
	n, err := g.Stream.Read(buf)
	for i := range buf[:n*g.Channels()] {
		buf[i] *= g.g
	}
	return n, err
}

// DBToLinear converts decibels to a linear amplitude factor.
func DBToLinear(db float64) float64 { return pow10(db / 20) }

// Envelope multiplies frame i of s (counting from 0) by gain(i). gain is
// called once per frame, in order.
func Envelope(s Stream, gain func(i int64) float32) Stream {
	return &envelope{Stream: s, f: gain}
}

type envelope struct {
	Stream
	f   func(int64) float32
	pos int64
}

func (e *envelope) Read(buf []float32) (int, error) {
	n, err := e.Stream.Read(buf)
	ch := e.Channels()
	for i := 0; i < n; i++ {
		g := e.f(e.pos)
		e.pos++
		fr := buf[i*ch : i*ch+ch]
		for c := range fr {
			fr[c] *= g
		}
	}
	return n, err
}

// Mix sums two streams of equal rate, channels and length sample by sample.
func Mix(a, b Stream) (Stream, error) {
	if a.Rate() != b.Rate() || a.Channels() != b.Channels() || a.Len() != b.Len() {
		return nil, fmt.Errorf("audio: Mix of %d Hz %d ch %d frames with %d Hz %d ch %d frames",
			a.Rate(), a.Channels(), a.Len(), b.Rate(), b.Channels(), b.Len())
	}
	return &mix{a: a, b: b}, nil
}

type mix struct {
	a, b Stream
	tmp  []float32
}

func (m *mix) Rate() int     { return m.a.Rate() }
func (m *mix) Channels() int { return m.a.Channels() }
func (m *mix) Len() int64    { return m.a.Len() }
func (m *mix) Read(buf []float32) (int, error) {
	n, err := m.a.Read(buf)
	if err != nil {
		if err == io.EOF {
			if _, errb := m.b.Read(buf[:m.Channels()]); errb != io.EOF {
				return 0, fmt.Errorf("audio: Mix: second stream longer than first: %v", errb)
			}
		}
		return 0, err
	}
	need := n * m.Channels()
	if cap(m.tmp) < need {
		m.tmp = make([]float32, need)
	}
	got := 0
	for got < n {
		k, errb := m.b.Read(m.tmp[got*m.Channels() : need])
		if errb != nil {
			return 0, fmt.Errorf("audio: Mix: second stream ended early: %w", errb)
		}
		got += k
	}
	for i, v := range m.tmp[:need] {
		buf[i] += v
	}
	return n, nil
}

// ReadFrames reads exactly len(buf)/Channels frames unless the stream ends,
// returning the count read; io.EOF only when nothing was read.
func ReadFrames(s Stream, buf []float32) (int, error) {
	ch := s.Channels()
	want := len(buf) / ch
	got := 0
	for got < want {
		n, err := s.Read(buf[got*ch : want*ch])
		got += n
		if err == io.EOF {
			if got == 0 {
				return 0, io.EOF
			}
			return got, nil
		}
		if err != nil {
			return got, err
		}
	}
	return got, nil
}

// Samples returns a stream over interleaved samples held in memory.
func Samples(rate, channels int, samples []float32) Stream {
	return &memStream{rate: rate, ch: channels, s: samples[:len(samples)/channels*channels]}
}

type memStream struct {
	rate, ch int
	s        []float32
	pos      int
}

func (m *memStream) Rate() int     { return m.rate }
func (m *memStream) Channels() int { return m.ch }
func (m *memStream) Len() int64    { return int64(len(m.s) / m.ch) }
func (m *memStream) Read(buf []float32) (int, error) {
	n, err := frameCap(buf, m.ch)
	if err != nil {
		return 0, err
	}
	if m.pos == len(m.s) {
		return 0, io.EOF
	}
	k := copy(buf[:n*m.ch], m.s[m.pos:])
	m.pos += k
	return k / m.ch, nil
}
