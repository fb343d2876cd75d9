package project_test

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codecs"
)

func logE(x float64) float64 { return math.Log(x) }

// lameMP3 writes frames of the stereo 44.1 kHz test signal (seed) as
// dir/name.mp3, encoded by lame with args (e.g. "-b", "128").
func lameMP3(t testing.TB, dir, name string, frames int, seed uint64, args ...string) string {
	t.Helper()
	lame := audiotest.Tool(t, "lame")
	wav := filepath.Join(dir, name+".wav")
	if err := os.WriteFile(wav, audiotest.WAV(audio.Format{Rate: 44100, Channels: 2, Bits: 16}, audiotest.Signal(frames, 2, 44100, seed)), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, name+".mp3")
	if b, err := exec.Command(lame, append(append([]string{"--quiet"}, args...), wav, out)...).CombinedOutput(); err != nil {
		t.Fatalf("lame %v: %v %s", args, err, b)
	}
	return out
}

// openMP3 opens a file and its decoder; the file is closed when the test
// ends.
func openMP3(t testing.TB, path string) (audio.Source, audio.Decoder) {
	t.Helper()
	src, err := audio.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	dec, err := codecs.Open(src)
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	return src, dec
}
