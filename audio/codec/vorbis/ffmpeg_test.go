package vorbis

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
)

// ffmpegEncode encodes the test signal with ffmpeg to the given file
// extension with the given codec options.
func ffmpegEncode(t testing.TB, rate, ch, frames int, ext string, args ...string) []byte {
	t.Helper()
	ff := audiotest.Tool(t, "ffmpeg")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out."+ext)
	sig := audiotest.Signal(frames, ch, rate, 7)
	audiotest.WriteWAV(t, in, audio.Format{Rate: rate, Channels: ch, Bits: 16}, sig)
	cmd := exec.Command(ff, append(append([]string{"-v", "error", "-i", in}, args...), out)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFFmpegLibvorbis(t *testing.T) {
	file := ffmpegEncode(t, 44100, 2, 70000, "ogg", "-c:a", "libvorbis", "-q:a", "4")
	d, got := decodeAll(t, file)
	want := ffmpegF32(t, file, "ogg")
	if len(got) != len(want) {
		t.Fatalf("decoded %d samples, ffmpeg %d", len(got), len(want))
	}
	q := audiotest.SNR(got, want)
	t.Logf("ffmpeg libvorbis stereo 44100: %d frames (input 70000), SNR against ffmpeg %.1f dB", d.Info().Frames, q)
	if q < 90 {
		t.Errorf("SNR %.1f dB < 90", q)
	}
	audiotest.CheckDecoder(t, audiotest.DecoderCase{
		Open: func(src audio.Source) (audio.Decoder, error) { return Open(src) },
		File: file, Want: got, Seeks: 4,
	})
}
