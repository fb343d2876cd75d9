package mp4_test

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"offcut/audio/audiotest"
	"offcut/audio/codec"
	"offcut/audio/codec/mp4"
)

// ffmpegAAC decodes access units by writing them as ADTS frames and running
// FFmpeg's AAC decoder on them: a stand-in for the browser's WebCodecs
// decoder, with the same contract (a fresh decoder per call).
type ffmpegAAC struct {
	ffmpeg, dir string
	cfg         mp4.AACConfig
	calls       *int
	cache       map[[32]byte][]float32 // FFmpeg's decode is deterministic: runs are decoded once
}

func (a ffmpegAAC) Decode(aus [][]byte) ([]float32, error) {
	h := sha256.New()
	for _, au := range aus {
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(au))))
		h.Write(au)
	}
	key := [32]byte(h.Sum(nil))
	if out, ok := a.cache[key]; ok {
		return slices.Clone(out), nil
	}
	*a.calls++
	rateIndex := -1
	for i, r := range []int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350} {
		if r == a.cfg.CoreRate {
			rateIndex = i
		}
	}
	if rateIndex < 0 || a.cfg.Channels > 7 {
		return nil, errors.New("no ADTS header for this configuration")
	}
	var adts []byte
	for _, au := range aus {
		n := len(au) + 7
		chCfg := a.cfg.Channels
		if chCfg == 8 {
			chCfg = 7
		}
		adts = append(adts, 0xFF, 0xF1,
			byte((a.cfg.ObjectType-1)<<6|rateIndex<<2|chCfg>>2),
			byte(chCfg&3<<6|n>>11), byte(n>>3), byte(n&7<<5|0x1F), 0xFC)
		adts = append(adts, au...)
	}
	f, err := os.CreateTemp(a.dir, "*.aac")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	f.Write(adts)
	f.Close()
	out, err := exec.Command(a.ffmpeg, "-v", "error", "-f", "aac", "-i", f.Name(), "-f", "f32le", "-").Output()
	if err != nil {
		return nil, err
	}
	a.cache[key] = floats(out)
	return floats(out), nil
}

func useFFmpegAAC(t *testing.T, ffmpeg string) *int {
	calls := new(int)
	dir := t.TempDir()
	cache := map[[32]byte][]float32{}
	mp4.SetAACDecoderFactory(func(cfg mp4.AACConfig) (mp4.AACDecoder, error) {
		return ffmpegAAC{ffmpeg: ffmpeg, dir: dir, cfg: cfg, calls: calls, cache: cache}, nil
	})
	t.Cleanup(func() { mp4.SetAACDecoderFactory(nil) })
	return calls
}

// pnsTol is how far a decode may stray from FFmpeg's continuous decode of
// a file that uses perceptual noise substitution (FFmpeg's encoder does by
// default): the substituted noise comes from the decoder's random
// generator, whose state a decoder restarted for a batch (as a stream
// seeking does) does not share. Files made without PNS must match exactly.
const pnsTol = 1e-3

// TestAAC checks the sample table, the priming trim and seeking of AAC
// files from FFmpeg (M4A, MP4 video, QuickTime): with FFmpeg's decoder
// plugged in, every cut of our decode equals FFmpeg's own decode of the
// whole file (which applies the edit list) at the same frames.
func TestAAC(t *testing.T) {
	ffmpeg := audiotest.Tool(t, "ffmpeg")
	dir := t.TempDir()
	// Short files, several batches: seeks cross batch boundaries.
	defer mp4.SetAACBatch(mp4.SetAACBatch(16))
	for _, c := range []struct {
		name, ext string
		args      []string
		rate, ch  int
		frames    int64
		tol       float64
	}{
		{"m4a-stereo", "m4a", []string{"-f", "lavfi", "-i", "sine=f=440:r=44100:d=1.3", "-ac", "2", "-c:a", "aac", "-aac_pns", "0", "-b:a", "128k"}, 44100, 2, 57330, 0},
		{"m4a-pns", "m4a", []string{"-f", "lavfi", "-i", "sine=f=440:r=44100:d=1.3", "-ac", "2", "-c:a", "aac", "-b:a", "128k"}, 44100, 2, 57330, pnsTol},
		{"m4a-mono-48k", "m4a", []string{"-f", "lavfi", "-i", "sine=f=1000:r=48000:d=0.7", "-c:a", "aac"}, 48000, 1, 33600, pnsTol},
		{"mp4-video", "mp4", []string{"-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:d=1", "-f", "lavfi", "-i", "sine=f=300:r=44100:d=1",
			"-ac", "2", "-c:v", "mpeg4", "-c:a", "aac", "-aac_pns", "0", "-shortest"}, 44100, 2, 44100, 0},
		{"mov", "mov", []string{"-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:d=1", "-f", "lavfi", "-i", "sine=f=500:r=32000:d=1",
			"-c:v", "mpeg4", "-c:a", "aac"}, 32000, 1, 32000, pnsTol},
	} {
		t.Run(c.name, func(t *testing.T) {
			name := filepath.Join(dir, c.name+"."+c.ext)
			run(t, ffmpeg, append(append([]string{"-v", "error"}, c.args...), name)...)
			b := readFile(t, name)
			f := open(t, b)
			info := f.Info()
			if info.Codec != "aac" || info.Format.Rate != c.rate || info.Format.Channels != c.ch || info.Frames != c.frames {
				t.Fatalf("Info = %+v, want aac %d Hz %d ch %d frames", info, c.rate, c.ch, c.frames)
			}
			if f.Priming() != 1024 {
				t.Errorf("priming %d, want 1024 (FFmpeg's edit list)", f.Priming())
			}
			// Without a decoder: Info works, Stream says why not.
			_, err := f.Stream(0, 10)
			if !errors.Is(err, codec.ErrUnsupported) || !errors.Is(err, mp4.ErrNoAACDecoder) {
				t.Fatalf("Stream without an AAC decoder: %v", err)
			}
			calls := useFFmpegAAC(t, ffmpeg)
			ref := ffdecode(t, ffmpeg, name)
			got := audiotest.DecodeAll(t, f)
			if int64(len(got)) != c.frames*int64(c.ch) || len(ref) < len(got) {
				t.Fatalf("decoded %d samples, want %d; FFmpeg decodes %d", len(got), c.frames*int64(c.ch), len(ref))
			}
			var maxDiff float64
			for i := range got {
				maxDiff = max(maxDiff, math.Abs(float64(got[i]-ref[i])))
			}
			if maxDiff > c.tol {
				t.Fatalf("largest difference from FFmpeg's decode %g > %g", maxDiff, c.tol)
			}
			t.Logf("%d frames in %d decoder calls, largest difference from FFmpeg %g", len(got)/c.ch, *calls, maxDiff)
			// Cuts: every range equals FFmpeg's decode of the whole file.
			for _, r := range [][2]int64{{0, 1}, {1, 1025}, {1023, 1025}, {1024, 3000}, {5000, c.frames}, {c.frames - 1, c.frames}} {
				s, err := f.Stream(r[0], r[1])
				if err != nil {
					t.Fatal(err)
				}
				part := audiotest.ReadAll(t, s)
				if int64(len(part)) != (r[1]-r[0])*int64(c.ch) {
					t.Fatalf("Stream(%d, %d) gave %d samples", r[0], r[1], len(part))
				}
				for i := range part {
					if d := math.Abs(float64(part[i] - ref[r[0]*int64(c.ch)+int64(i)])); d > c.tol {
						t.Fatalf("Stream(%d, %d): sample %d differs from FFmpeg by %g", r[0], r[1], i, d)
					}
				}
			}
			if c.name == "m4a-pns" {
				audiotest.CheckDecoder(t, audiotest.DecoderCase{Open: mp4.Desc.Open, File: b, Want: got, Seeks: 4})
			}
		})
	}
}
