package mp3

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
)

// TestSeekExactLAME checks the pre-roll of Stream on LAME encodes that lean
// on the bit reservoir (low CBR bitrates, VBR) in MPEG-1, MPEG-2 and
// MPEG-2.5: a stream from any frame, in particular from the starts of a
// segmented render's segments and from every position around frame
// boundaries, is bit for bit the same frames of a decode from the start,
// as a segmented render to PCM needs (package project's Segments).
func TestSeekExactLAME(t *testing.T) {
	lame := audiotest.Tool(t, "lame")
	dir := t.TempDir()
	for _, tc := range []struct {
		name     string
		rate, ch int
		args     []string
	}{
		{"cbr32-44k-stereo", 44100, 2, []string{"-b", "32"}},
		{"vbr-V0-48k-joint", 48000, 2, []string{"-V", "0"}},
		{"cbr24-22k-stereo", 22050, 2, []string{"-b", "24"}},
		{"vbr-V6-8k-mono", 8000, 1, []string{"-V", "6"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 9*tc.rate + 333
			wav := filepath.Join(dir, tc.name+".wav")
			audiotest.WriteWAV(t, wav, audio.Format{Rate: tc.rate, Channels: tc.ch, Bits: 16}, audiotest.Music(n, tc.ch, tc.rate, 3))
			mp3 := filepath.Join(dir, tc.name+".mp3")
			if out, err := exec.Command(lame, append(append([]string{"--quiet"}, tc.args...), wav, mp3)...).CombinedOutput(); err != nil {
				t.Fatalf("lame: %v\n%s", err, out)
			}
			b, err := os.ReadFile(mp3)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Open(audio.NewBytesSource(b))
			if err != nil {
				t.Fatal(err)
			}
			// At low bitrates LAME also lowers the rate.
			frames, rate := d.Info().Frames, int64(d.Info().Format.Rate)
			full := audiotest.DecodeAll(t, d)
			var from []int64
			for _, g := range []int64{1152, 576} {
				for k := int64(1); k*g < frames; k += 3 {
					from = append(from, k*g-1, k*g, k*g+1)
				}
			}
			for k := int64(1); k*rate < frames; k++ {
				from = append(from, k*rate)
			}
			for _, f := range from {
				to := min(frames, f+2000)
				s, err := d.Stream(f, to)
				if err != nil {
					t.Fatal(err)
				}
				got := audiotest.ReadAll(t, s)
				want := full[f*int64(tc.ch) : to*int64(tc.ch)]
				if len(got) != len(want) {
					t.Fatalf("[%d,%d): %d samples, want %d", f, to, len(got), len(want))
				}
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("[%d,%d): sample %d is %v, the decode from the start has %v", f, to, i, got[i], want[i])
					}
				}
			}
		})
	}
}
