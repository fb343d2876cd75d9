package mp3_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/mp3"
)

// TestDecoderContract runs the contract every format's decoder passes on
// MP3s made by lame (CBR and VBR, MPEG-1 and MPEG-2, mono and stereo):
// exact gapless length, sample-exact seeking, damaged copies fail cleanly.
func TestDecoderContract(t *testing.T) {
	lame := audiotest.Tool(t, "lame")
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		f    audio.Format
		args []string
	}{
		{"cbr-44k-stereo", audio.Format{Rate: 44100, Channels: 2, Bits: 16}, []string{"-b", "128"}},
		{"vbr-22k-mono", audio.Format{Rate: 22050, Channels: 1, Bits: 16}, []string{"-V", "4"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := filepath.Join(dir, c.name+".wav")
			if err := os.WriteFile(in, audiotest.WAV(c.f, audiotest.Signal(3*c.f.Rate/2, c.f.Channels, c.f.Rate, 3)), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, c.name+".mp3")
			if b, err := exec.Command(lame, append(append([]string{"--quiet"}, c.args...), in, out)...).CombinedOutput(); err != nil {
				t.Fatalf("lame: %v %s", err, b)
			}
			file, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			audiotest.CheckDecoder(t, audiotest.DecoderCase{
				Open: func(src audio.Source) (audio.Decoder, error) { return mp3.Open(src) },
				File: file,
			})
			d, _ := mp3.Open(audio.NewBytesSource(file))
			if d.Info().Frames != int64(3*c.f.Rate/2) {
				t.Errorf("gapless length %d, want %d", d.Info().Frames, 3*c.f.Rate/2)
			}
		})
	}
}
