package flac

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
)

// encode encodes samples with the given options and returns the file
// with its final header patched in.
func encode(t testing.TB, f audio.Format, samples []float32, opt EncoderOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	frames := int64(len(samples) / f.Channels)
	e, err := NewEncoder(&buf, f, frames, opt)
	if err != nil {
		t.Fatal(err)
	}
	first := buf.Len()
	if err := e.Encode(audio.Samples(f.Rate, f.Channels, samples)); err != nil {
		t.Fatal(err)
	}
	h, err := e.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != first {
		t.Fatalf("final header is %d bytes, %d were written first", len(h), first)
	}
	b := buf.Bytes()
	copy(b, h)
	return b
}

// TestRoundTrip encodes 8, 16 and 24-bit signals of 1 to 8 channels at
// several levels and decodes them back exactly, with our decoder and with
// `flac -t` / `flac -d`.
func TestRoundTrip(t *testing.T) {
	var flacBin string
	if runtime.GOOS != "js" {
		flacBin = audiotest.Tool(t, "flac")
	}
	for _, bits := range []int{8, 16, 24} {
		for ch := 1; ch <= 8; ch++ {
			level := (bits + ch) % 9
			t.Run(fmt.Sprintf("%dbit_%dch_level%d", bits, ch, level), func(t *testing.T) {
				f := audio.Format{Rate: 44100, Channels: ch, Bits: bits}
				want := quantizeSamples(audiotest.Signal(10000+ch*997, ch, f.Rate, uint64(bits*ch)), bits)
				file := encode(t, f, want, EncoderOptions{Level: level, Tags: map[string]string{"title": "round trip"}})
				d, err := Open(audio.NewBytesSource(file))
				if err != nil {
					t.Fatal(err)
				}
				if d.Info().Frames != int64(len(want)/ch) || d.Info().Tags["title"] != "round trip" {
					t.Fatalf("Info %+v", d.Info())
				}
				s, err := d.Stream(0, d.Info().Frames)
				if err != nil {
					t.Fatal(err)
				}
				got := audiotest.ReadAll(t, s)
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("sample %d = %v, want %v", i, got[i], want[i])
					}
				}
				sum, _ := decodeMD5(t, d, false)
				if sum != d.StreamInfo().MD5 {
					t.Fatalf("MD5 %x, STREAMINFO %x", sum, d.StreamInfo().MD5)
				}
				if flacBin != "" {
					path := filepath.Join(t.TempDir(), "x.flac")
					if err := os.WriteFile(path, file, 0o666); err != nil {
						t.Fatal(err)
					}
					if out, err := exec.Command(flacBin, "-t", "-s", path).CombinedOutput(); err != nil {
						t.Fatalf("flac -t: %v\n%s", err, out)
					}
				}
			})
		}
	}
}
