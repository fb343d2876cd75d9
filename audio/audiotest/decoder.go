package audiotest

import (
	"fmt"
	"math"
	"testing"

	"offcut/audio"
)

// DecoderCase is one file for CheckDecoder.
type DecoderCase struct {
	// Open opens a file of the format under test.
	Open func(src audio.Source) (audio.Decoder, error)
	// File is a complete, valid file.
	File []byte
	// Want, if not nil, is the exact decode (interleaved samples) the file
	// must produce; Tolerance is the largest absolute difference allowed
	// per sample (0 for lossless formats).
	Want      []float32
	Tolerance float32
	// Seeks, if > 0, is how many seek positions to try (default 8).
	Seeks int
}

// CheckDecoder is the contract every format's decoder passes: it opens,
// describes itself with a valid format and an exact frame count, streams
// exactly that many frames under the Stream contract, a stream that starts
// anywhere equals the same frames of a decode from the start (sample-exact
// seeking), and truncated or corrupted copies of the file give an error or
// a shorter valid decode, never a panic or a hang.
func CheckDecoder(t *testing.T, c DecoderCase) {
	t.Helper()
	d, err := c.Open(audio.NewBytesSource(c.File))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	info := d.Info()
	if err := info.Format.Validate(); err != nil {
		t.Fatalf("Info().Format: %v", err)
	}
	if info.Container == "" || info.Codec == "" {
		t.Errorf("Info() names no container or codec: %+v", info)
	}
	if info.Frames <= 0 {
		t.Fatalf("Info().Frames = %d", info.Frames)
	}
	ch := info.Format.Channels
	s, err := d.Stream(0, info.Frames)
	if err != nil {
		t.Fatalf("Stream(0, %d): %v", info.Frames, err)
	}
	if s.Channels() != ch || s.Rate() != info.Format.Rate || s.Len() != info.Frames {
		t.Fatalf("stream is %d Hz %d ch %d frames, Info says %v, %d frames", s.Rate(), s.Channels(), s.Len(), info.Format, info.Frames)
	}
	all := CheckStream(t, s)
	if c.Want != nil {
		if len(c.Want) != len(all) {
			t.Fatalf("decoded %d samples, want %d", len(all), len(c.Want))
		}
		for i := range all {
			if diff := float32(math.Abs(float64(all[i] - c.Want[i]))); diff > c.Tolerance {
				t.Fatalf("sample %d (frame %d) = %v, want %v (tolerance %v)", i, i/ch, all[i], c.Want[i], c.Tolerance)
			}
		}
	}
	// Seeking: random sub-ranges equal the full decode exactly.
	n := info.Frames
	seeks := c.Seeks
	if seeks <= 0 {
		seeks = 8
	}
	positions := []int64{0, 1, n / 2, n - 1}
	for i := 0; len(positions) < seeks+4; i++ {
		positions = append(positions, (n*int64(2*i+1)*7919/int64(2*seeks+1))%n)
	}
	for _, from := range positions {
		to := min(n, from+1+(n-from)/3)
		s, err := d.Stream(from, to)
		if err != nil {
			t.Fatalf("Stream(%d, %d): %v", from, to, err)
		}
		got := ReadAll(t, s)
		want := all[from*int64(ch) : to*int64(ch)]
		if len(got) != len(want) {
			t.Fatalf("Stream(%d, %d) gave %d samples, want %d", from, to, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("Stream(%d, %d): sample %d = %v, the decode from the start has %v", from, to, i, got[i], want[i])
			}
		}
	}
	if _, err := d.Stream(-1, 1); err == nil {
		t.Errorf("Stream(-1, 1) did not fail")
	}
	if _, err := d.Stream(0, n+1); err == nil {
		t.Errorf("Stream(0, %d) past the end did not fail", n+1)
	}
	// Hostile copies: truncated at several points, and bytes flipped.
	for _, cut := range []int{len(c.File) / 8, len(c.File) / 2, len(c.File) - 1} {
		checkHostile(t, c.Open, c.File[:cut], fmt.Sprintf("truncated to %d bytes", cut))
	}
	for _, at := range []int{len(c.File) / 3, 2 * len(c.File) / 3} {
		b := append([]byte(nil), c.File...)
		for i := at; i < min(len(b), at+16); i++ {
			b[i] ^= 0x5A
		}
		checkHostile(t, c.Open, b, fmt.Sprintf("corrupted at %d", at))
	}
}

// checkHostile opens and fully decodes a damaged file: any error is fine,
// a panic or a contract violation is not.
func checkHostile(t *testing.T, open func(audio.Source) (audio.Decoder, error), b []byte, what string) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s: panic: %v", what, r)
		}
	}()
	d, err := open(audio.NewBytesSource(b))
	if err != nil {
		return
	}
	info := d.Info()
	if info.Frames < 0 {
		t.Fatalf("%s: Info().Frames = %d", what, info.Frames)
	}
	s, err := d.Stream(0, info.Frames)
	if err != nil {
		return
	}
	buf := make([]float32, 4096*max(1, s.Channels()))
	var frames int64
	for {
		k, err := s.Read(buf)
		frames += int64(k)
		if err != nil {
			if frames > info.Frames {
				t.Fatalf("%s: stream gave %d frames, Len %d", what, frames, info.Frames)
			}
			return
		}
		if frames > info.Frames {
			t.Fatalf("%s: stream gave %d frames, Len %d", what, frames, info.Frames)
		}
	}
}
