package flac

import (
	"bytes"
	"errors"
	"fmt"
	"math"
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
			search := ch%3 == 0
			t.Run(fmt.Sprintf("%dbit_%dch_level%d_search%v", bits, ch, level, search), func(t *testing.T) {
				f := audio.Format{Rate: 44100, Channels: ch, Bits: bits}
				want := quantizeSamples(audiotest.Signal(10000+ch*997, ch, f.Rate, uint64(bits*ch)), bits)
				file := encode(t, f, want, EncoderOptions{Level: level, PrecisionSearch: search, Tags: map[string]string{"title": "round trip"}})
				d, got := decodeAll(t, audio.NewBytesSource(file))
				if d.Info().Frames != int64(len(want)/ch) || d.Info().Tags["title"] != "round trip" {
					t.Fatalf("Info %+v", d.Info())
				}
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

// TestEncoderMetadata writes tags, a picture and a seek table, reads them
// back, and runs the decoder contract (seeking through the seek table) on
// the result; metaflac lists the blocks.
func TestEncoderMetadata(t *testing.T) {
	f := audio.Format{Rate: 8000, Channels: 2, Bits: 16}
	want := quantizeSamples(audiotest.Signal(8000*7+123, 2, f.Rate, 3), 16)
	pic := audio.Picture{MIME: "image/png", Type: 3, Description: "cover", Data: []byte("\x89PNG not really")}
	file := encode(t, f, want, EncoderOptions{
		Level:        DefaultLevel,
		Tags:         map[string]string{"title": "T", "artist": "A", "track": "3", "year": "2026"},
		Pictures:     []audio.Picture{pic},
		SeekInterval: 1,
	})
	d, err := Open(audio.NewBytesSource(file))
	if err != nil {
		t.Fatal(err)
	}
	info := d.Info()
	for k, v := range map[string]string{"title": "T", "artist": "A", "track": "3", "year": "2026"} {
		if info.Tags[k] != v {
			t.Errorf("tag %s = %q, want %q", k, info.Tags[k], v)
		}
	}
	if len(info.Pictures) != 1 || info.Pictures[0].MIME != pic.MIME || string(info.Pictures[0].Data) != string(pic.Data) || info.Pictures[0].Description != "cover" {
		t.Errorf("pictures %+v", info.Pictures)
	}
	if len(d.seek) != 8 {
		t.Errorf("%d seek points, want 8", len(d.seek))
	}
	for i, p := range d.seek {
		if s := d.frameAt(d.audioStart + p.offset); s != p.sample {
			t.Errorf("seek point %d: sample %d, the frame there starts at %d", i, p.sample, s)
		}
	}
	audiotest.CheckDecoder(t, audiotest.DecoderCase{
		Open: func(src audio.Source) (audio.Decoder, error) { return Open(src) },
		File: file,
		Want: want,
	})
	if runtime.GOOS == "js" {
		return
	}
	bin := audiotest.Tool(t, "metaflac")
	path := filepath.Join(t.TempDir(), "x.flac")
	if err := os.WriteFile(path, file, 0o666); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--list", path).CombinedOutput()
	if err != nil {
		t.Fatalf("metaflac: %v\n%s", err, out)
	}
	for _, s := range []string{"type: 3 (SEEKTABLE)", "seek points: 8", "comment[0]: ARTIST=A", "type: 6 (PICTURE)", "MIME type: image/png"} {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("metaflac --list does not show %q:\n%s", s, out)
		}
	}
}

// TestEncoderErrors refuses formats FLAC cannot hold here and use after
// Close.
func TestEncoderErrors(t *testing.T) {
	var buf bytes.Buffer
	for _, f := range []audio.Format{
		{Rate: 44100, Channels: 2, Bits: 32, Float: true},
		{Rate: 44100, Channels: 9, Bits: 16},
		{Rate: 44100, Channels: 2, Bits: 32},
	} {
		if _, err := NewEncoder(&buf, f, 0, EncoderOptions{}); err == nil {
			t.Errorf("%v: no error", f)
		}
	}
	if _, err := NewEncoder(&buf, audio.Format{Rate: 44100, Channels: 2, Bits: 16}, 0, EncoderOptions{Level: 9}); err == nil {
		t.Errorf("level 9: no error")
	}
	e, err := NewEncoder(&buf, audio.Format{Rate: 44100, Channels: 1, Bits: 16}, 0, EncoderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Encode(audio.Silence(48000, 1, 10)); err == nil {
		t.Errorf("a 48 kHz stream into a 44.1 kHz encoder: no error")
	}
	if _, err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Encode(audio.Silence(44100, 1, 10)); !errors.Is(err, ErrEncoderClosed) {
		t.Errorf("Encode after Close: %v", err)
	}
}

// TestEncoderClamps encodes out-of-range, infinite and NaN samples as the
// nearest representable value (0 for NaN).
func TestEncoderClamps(t *testing.T) {
	f := audio.Format{Rate: 8000, Channels: 1, Bits: 16}
	in := []float32{0.5, 2, -2, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), -1, 0.25}
	want := []float32{0.5, 32767.0 / 32768, -1, 32767.0 / 32768, -1, 0, -1, 0.25}
	file := encode(t, f, in, EncoderOptions{Level: 5})
	_, got := decodeAll(t, audio.NewBytesSource(file))
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sample %d: %v became %v, want %v", i, in[i], got[i], want[i])
		}
	}
}
