package resample

import (
	"errors"
	"io"
	"math"
	"testing"

	"offcut/audio"
)

// slice is a test stream over interleaved samples in memory.
type slice struct {
	rate, ch int
	data     []float32
	pos      int
}

func newSlice(rate, ch int, data []float32) *slice {
	return &slice{rate: rate, ch: ch, data: data}
}

func (s *slice) Rate() int     { return s.rate }
func (s *slice) Channels() int { return s.ch }
func (s *slice) Len() int64    { return int64(len(s.data) / s.ch) }
func (s *slice) Read(buf []float32) (int, error) {
	n := len(buf) / s.ch
	if n == 0 {
		return 0, audio.ErrShortBuffer
	}
	left := (len(s.data) - s.pos) / s.ch
	if left == 0 {
		return 0, io.EOF
	}
	n = min(n, left)
	copy(buf, s.data[s.pos:s.pos+n*s.ch])
	s.pos += n * s.ch
	return n, nil
}

// readAll drains s with reads of bufFrames frames, checking the Stream
// contract on every call, and returns the interleaved samples. Not
// audiotest.CheckStream or ReadAll: the tests choose the buffer size (the
// output must not depend on it, and the fuzz target varies it).
func readAll(t testing.TB, s audio.Stream, bufFrames int) []float32 {
	t.Helper()
	ch := s.Channels()
	out := make([]float32, 0, int(s.Len())*ch)
	buf := make([]float32, bufFrames*ch)
	for {
		n, err := s.Read(buf)
		if n < 0 || n > bufFrames {
			t.Fatalf("Read returned %d frames for a %d-frame buffer", n, bufFrames)
		}
		if (n > 0) == (err != nil) {
			t.Fatalf("Read returned n=%d, err=%v: want n>0 with nil or 0 with an error", n, err)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		out = append(out, buf[:n*ch]...)
	}
	if got := int64(len(out) / ch); got != s.Len() {
		t.Fatalf("read %d frames, Len() = %d", got, s.Len())
	}
	if n, err := s.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("Read after EOF = %d, %v; want 0, EOF", n, err)
	}
	if n, err := s.Read(buf[:ch-1]); n != 0 || !errors.Is(err, audio.ErrShortBuffer) {
		t.Fatalf("Read with a short buffer = %d, %v; want 0, ErrShortBuffer", n, err)
	}
	return out
}

// sine returns n frames of amp*sin(2*pi*f*i/rate + phase) in one channel.
func sine(rate int, f, amp, phase float64, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = amp * math.Sin(2*math.Pi*f*float64(i)/float64(rate)+phase)
	}
	return x
}

func to32(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}

// convert runs a mono signal through New and returns the output.
func convert(t testing.TB, x []float32, in, out int, q Quality) []float32 {
	t.Helper()
	s, err := New(newSlice(in, 1, x), out, q)
	if err != nil {
		t.Fatal(err)
	}
	return readAll(t, s, 4096)
}

// errDBFS is the RMS of a-b over [lo, hi) in dB relative to the RMS of a
// full-scale sine (AES17: a full-scale sine is 0 dBFS; this is 3 dB more
// conservative than relative to a full-scale square).
func errDBFS(a []float32, b []float64, lo, hi int) float64 {
	var e float64
	for i := lo; i < hi; i++ {
		d := float64(a[i]) - b[i]
		e += d * d
	}
	rms := math.Sqrt(e / float64(hi-lo))
	return 20 * math.Log10(rms/math.Sqrt(0.5))
}

// rmsDB is the RMS of x[lo:hi] in dB relative to amplitude ref's sine RMS.
func rmsDB(x []float32, lo, hi int, ref float64) float64 {
	var e float64
	for _, v := range x[lo:hi] {
		e += float64(v) * float64(v)
	}
	return 20 * math.Log10(math.Sqrt(e/float64(hi-lo))/(ref/math.Sqrt2))
}

// fitGain least-squares fits a*sin + b*cos at frequency f (rate) to
// x[lo:hi] and returns the amplitude in dB relative to amp.
func fitGain(x []float32, rate int, f, amp float64, lo, hi int) float64 {
	var ss, sc, cc, xs, xc float64
	for i := lo; i < hi; i++ {
		w := 2 * math.Pi * f * float64(i) / float64(rate)
		s, c := math.Sincos(w)
		v := float64(x[i])
		ss += s * s
		sc += s * c
		cc += c * c
		xs += v * s
		xc += v * c
	}
	det := ss*cc - sc*sc
	a := (xs*cc - xc*sc) / det
	b := (xc*ss - xs*sc) / det
	return 20 * math.Log10(math.Hypot(a, b)/amp)
}
