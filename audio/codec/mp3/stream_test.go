package mp3

import (
	"errors"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
)

// TestSeekExact checks that every Stream(from, to) equals the same range of
// a decode from the start, sample for sample, and that streams keep the
// audio.Stream contract.
func TestSeekExact(t *testing.T) {
	dir := conformanceDir(t)
	for _, name := range []string{
		"l3-test45.bit", "l3-nonstandard-sin1k0db_lame_vbrtag.bit", "M2L3_noise.bit",
		"l3-he_mode.bit", "l2-fl16.bit", "l1-fl7.bit", "l3-si_block.bit", "l3-sin1k0db.bit",
	} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Skip(err)
			}
			d, err := Open(audio.NewBytesSource(b))
			if err != nil {
				t.Fatal(err)
			}
			n := d.Info().Frames
			ch := d.Info().Format.Channels
			full := audiotest.DecodeAll(t, d)
			if int64(len(full)) != n*int64(ch) {
				t.Fatalf("full decode has %d samples, want %d", len(full), n*int64(ch))
			}
			rng := rand.New(rand.NewSource(7))
			for k := 0; k < 25; k++ {
				from := rng.Int63n(n + 1)
				to := from + rng.Int63n(n-from+1)
				if k == 0 {
					from, to = n, n
				}
				s, err := d.Stream(from, to)
				if err != nil {
					t.Fatal(err)
				}
				if s.Len() != to-from {
					t.Fatalf("Len %d, want %d", s.Len(), to-from)
				}
				got := readContract(t, s, 1+rng.Intn(3000))
				want := full[from*int64(ch) : to*int64(ch)]
				if len(got) != len(want) {
					t.Fatalf("[%d,%d): %d samples, want %d", from, to, len(got), len(want))
				}
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("[%d,%d): sample %d is %v, decode from start has %v", from, to, i, got[i], want[i])
					}
				}
			}
			if _, err := d.Stream(-1, 2); !errors.Is(err, ErrRange) {
				t.Errorf("Stream(-1, 2): %v, want ErrRange", err)
			}
			if _, err := d.Stream(0, n+1); !errors.Is(err, ErrRange) {
				t.Errorf("Stream(0, n+1): %v, want ErrRange", err)
			}
		})
	}
}

// readContract reads s to the end with buffers of bufFrames frames,
// checking the Read contract.
func readContract(t *testing.T, s audio.Stream, bufFrames int) []float32 {
	t.Helper()
	ch := s.Channels()
	if _, err := s.Read(make([]float32, ch-1)); !errors.Is(err, audio.ErrShortBuffer) {
		t.Fatalf("Read with a short buffer: %v", err)
	}
	buf := make([]float32, bufFrames*ch)
	var out []float32
	for {
		n, err := s.Read(buf)
		if n > 0 && err != nil || n == 0 && err == nil {
			t.Fatalf("Read returned %d, %v", n, err)
		}
		if n > bufFrames {
			t.Fatalf("Read returned %d frames for a %d-frame buffer", n, bufFrames)
		}
		out = append(out, buf[:n*ch]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if int64(len(out)) != s.Len()*int64(ch) {
		t.Fatalf("stream gave %d frames, Len says %d", len(out)/ch, s.Len())
	}
	if n, err := s.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("Read after the end: %d, %v", n, err)
	}
	return out
}
