package flac

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
)

// encodeWithFlac writes samples as a WAV file and encodes it with the
// reference encoder, returning the FLAC file.
func encodeWithFlac(t testing.TB, f audio.Format, samples []float32, args ...string) []byte {
	t.Helper()
	if runtime.GOOS == "js" {
		t.Skip("no reference tools under js/wasm")
	}
	bin := audiotest.Tool(t, "flac")
	dir := t.TempDir()
	wav := filepath.Join(dir, "in.wav")
	audiotest.WriteWAV(t, wav, f, samples)
	out := filepath.Join(dir, "out.flac")
	cmd := exec.Command(bin, append(append([]string{"-s", "-f", "-o", out}, args...), wav)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("flac %v: %v\n%s", args, err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// quantizeSamples rounds samples to what a depth of bits stores.
func quantizeSamples(samples []float32, bits int) []float32 {
	sc := float64(int64(1) << (bits - 1))
	out := make([]float32, len(samples))
	for i, v := range samples {
		q := float64(int64(float64(v)*sc + 0.5))
		if float64(v)*sc < 0 {
			q = -float64(int64(-float64(v)*sc + 0.5))
		}
		q = max(-sc, min(sc-1, q))
		out[i] = float32(q / sc)
	}
	return out
}

// TestCheckDecoder runs the decoder contract on files made by flac: 8, 16
// 24 and 32 bits, 1, 2, 3 and 6 channels, several block sizes, with and without
// a seek table; the decode equals the input exactly.
func TestCheckDecoder(t *testing.T) {
	cases := []struct {
		bits, ch int
		args     []string
	}{
		{16, 2, []string{"-5"}},
		{16, 2, []string{"-8", "--no-seektable"}},
		{16, 1, []string{"-0", "-b", "1152"}},
		{8, 2, []string{"-5", "-b", "576"}},
		{24, 2, []string{"-8", "-b", "4608"}},
		{24, 6, []string{"-5", "--no-seektable", "--channel-map=none"}},
		{16, 6, []string{"-3", "-b", "256", "-S", "1000x", "--channel-map=none"}},
		{16, 2, []string{"-5", "-b", "16384", "--lax", "--no-seektable"}},
		{32, 2, []string{"-5"}},
		{32, 3, []string{"-8", "--channel-map=none"}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%dbit_%dch_%v", c.bits, c.ch, c.args), func(t *testing.T) {
			f := audio.Format{Rate: 44100, Channels: c.ch, Bits: c.bits}
			want := quantizeSamples(audiotest.Signal(44100*3/2+17, c.ch, f.Rate, uint64(c.bits*c.ch)), c.bits)
			file := encodeWithFlac(t, f, want, c.args...)
			if d, err := Open(audio.NewBytesSource(file)); err != nil || d.StreamInfo().BitsPerSample != c.bits {
				t.Fatalf("flac made %+v (%v), want %d bits", d.StreamInfo(), err, c.bits)
			}
			audiotest.CheckDecoder(t, audiotest.DecoderCase{
				Open: func(src audio.Source) (audio.Decoder, error) { return Open(src) },
				File: file,
				Want: want,
			})
		})
	}
}
