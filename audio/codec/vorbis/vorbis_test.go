package vorbis

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
)

// encode writes samples to a WAV file and encodes it with oggenc.
func encode(t testing.TB, rate, ch, frames int, args ...string) []byte {
	t.Helper()
	oggenc := audiotest.Tool(t, "oggenc")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.ogg")
	sig := audiotest.Signal(frames, ch, rate, 7)
	audiotest.WriteWAV(t, in, audio.Format{Rate: rate, Channels: ch, Bits: 16}, sig)
	cmd := exec.Command(oggenc, append([]string{"-Q", "-o", out}, append(args, in)...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("oggenc: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ffmpegF32 decodes a file with ffmpeg to interleaved float32.
func ffmpegF32(t testing.TB, file []byte, ext string) []float32 {
	t.Helper()
	ff := audiotest.Tool(t, "ffmpeg")
	in := filepath.Join(t.TempDir(), "in."+ext)
	if err := os.WriteFile(in, file, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(ff, "-v", "error", "-threads", "1", "-i", in, "-f", "f32le", "-")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, stderr.Bytes())
	}
	f := make([]float32, out.Len()/4)
	for i := range f {
		f[i] = math.Float32frombits(binary.LittleEndian.Uint32(out.Bytes()[4*i:]))
	}
	return f
}

// decodeAll opens b and decodes all of it.
func decodeAll(t testing.TB, b []byte) (*Decoder, []float32) {
	t.Helper()
	d, err := Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	return d, audiotest.DecodeAll(t, d)
}

func TestAgainstFFmpeg(t *testing.T) {
	for _, c := range []struct {
		name        string
		rate, ch, n int
		args        []string
	}{
		{"mono 22050 q0", 22050, 1, 50000, []string{"-q", "0"}},
		{"stereo 44100 q5", 44100, 2, 100000, []string{"-q", "5", "-t", "Ein Titel", "-a", "Künstlerin"}},
		{"stereo 48000 q10", 48000, 2, 60001, []string{"-q", "10"}},
		{"5.1 48000 q3", 48000, 6, 40000, []string{"-q", "3"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := encode(t, c.rate, c.ch, c.n, c.args...)
			d, got := decodeAll(t, file)
			info := d.Info()
			if info.Format.Rate != c.rate || info.Format.Channels != c.ch {
				t.Fatalf("format %v", info.Format)
			}
			if info.Frames != int64(c.n) {
				t.Errorf("Frames = %d, the input had %d", info.Frames, c.n)
			}
			if c.ch == 2 && c.rate == 44100 && (info.Tags["title"] != "Ein Titel" || info.Tags["artist"] != "Künstlerin") {
				t.Errorf("tags %v", info.Tags)
			}
			want := ffmpegF32(t, file, "ogg")
			if len(want) != len(got) {
				t.Fatalf("decoded %d samples, ffmpeg %d", len(got), len(want))
			}
			q := audiotest.SNR(got, want)
			t.Logf("%s: %d frames, SNR against ffmpeg %.1f dB", c.name, info.Frames, q)
			if q < 90 {
				t.Errorf("SNR %.1f dB < 90", q)
			}
			audiotest.CheckDecoder(t, audiotest.DecoderCase{
				Open: func(src audio.Source) (audio.Decoder, error) { return Open(src) },
				File: file,
				Want: got,
			})
		})
	}
}
