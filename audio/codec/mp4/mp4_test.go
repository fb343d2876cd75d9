package mp4_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec"
	"offcut/audio/codec/mp4"
	"offcut/audio/codec/wav"
)

func run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("%s %v: %v\n%s", name, args, err, msg)
	}
	return out
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func floats(b []byte) []float32 {
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// ffdecode is FFmpeg's decode of a file as float32 samples.
func ffdecode(t testing.TB, ffmpeg, name string) []float32 {
	return floats(run(t, ffmpeg, "-v", "error", "-i", name, "-f", "f32le", "-"))
}

func open(t testing.TB, b []byte) *mp4.File {
	t.Helper()
	f, err := mp4.Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return f
}

// source writes a WAV test signal: a different sine per channel.
func source(t testing.TB, ffmpeg, name string, rate, ch int, seconds float64, codec string) {
	t.Helper()
	expr := ""
	for c := range ch {
		if c > 0 {
			expr += "|"
		}
		expr += fmt.Sprintf("0.7*sin(2*PI*%d*t)+0.05*sin(2*PI*%d*t*t)", 220*(c+1), 3000+500*c)
	}
	run(t, ffmpeg, "-v", "error", "-f", "lavfi", "-i", fmt.Sprintf("aevalsrc=%s:s=%d:d=%g", expr, rate, seconds),
		"-c:a", codec, name)
}

// TestALAC encodes WAV files with FFmpeg's ALAC encoder and expects the
// decode to equal both the source samples and FFmpeg's decode, bit for bit.
func TestALAC(t *testing.T) {
	ffmpeg := audiotest.Tool(t, "ffmpeg")
	dir := t.TempDir()
	for _, c := range []struct {
		name     string
		rate, ch int
		pcm      string
		args     []string
		bits     int
	}{
		{"16-mono", 44100, 1, "pcm_s16le", nil, 16},
		{"16-stereo", 44100, 2, "pcm_s16le", nil, 16},
		{"24-stereo", 48000, 2, "pcm_s24le", []string{"-sample_fmt", "s32p"}, 24},
		{"24-mono", 96000, 1, "pcm_s24le", []string{"-sample_fmt", "s32p"}, 24},
		{"16-5.1", 48000, 6, "pcm_s16le", nil, 16},
		{"16-noise", 44100, 2, "pcm_s16le", []string{"-compression_level", "0"}, 16}, // verbatim (escape) frames
		{"24-noise", 44100, 2, "pcm_s24le", []string{"-sample_fmt", "s32p"}, 24},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := filepath.Join(dir, c.name+".wav")
			out := filepath.Join(dir, c.name+".m4a")
			if c.name[3:] == "noise" {
				run(t, ffmpeg, "-v", "error", "-f", "lavfi", "-i", "anoisesrc=a=1:d=0.3:c=white:r=44100",
					"-ac", "2", "-c:a", c.pcm, src)
			} else {
				source(t, ffmpeg, src, c.rate, c.ch, 0.51, c.pcm)
			}
			run(t, ffmpeg, append(append([]string{"-v", "error", "-i", src, "-c:a", "alac"}, c.args...), out)...)
			w, err := wav.Open(audio.NewBytesSource(readFile(t, src)))
			if err != nil {
				t.Fatal(err)
			}
			want := audiotest.DecodeAll(t, w)
			b := readFile(t, out)
			f := open(t, b)
			info := f.Info()
			if info.Codec != "alac" || info.Format.Rate != c.rate || info.Format.Channels != c.ch || info.Format.Bits != c.bits {
				t.Fatalf("Info = %+v", info)
			}
			got := audiotest.DecodeAll(t, f)
			if len(got) != len(want) {
				t.Fatalf("decoded %d samples, the source has %d", len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("sample %d = %v, the source has %v", i, got[i], want[i])
				}
			}
			ref := ffdecode(t, ffmpeg, out)
			if len(ref) != len(got) {
				t.Fatalf("FFmpeg decodes %d samples, we %d", len(ref), len(got))
			}
			for i := range got {
				if got[i] != ref[i] {
					t.Fatalf("sample %d = %v, FFmpeg has %v", i, got[i], ref[i])
				}
			}
			audiotest.CheckDecoder(t, audiotest.DecoderCase{Open: mp4.Desc.Open, File: b, Want: want})
		})
	}
}

// allocBytes returns how many bytes f allocates.
func allocBytes(f func()) uint64 {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	f()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

// TestMP3 decodes MPEG audio in MP4 and QuickTime files through package
// mp3 and compares with FFmpeg's decode (which applies the edit list: the
// encoder and decoder delay).
func TestMP3(t *testing.T) {
	ffmpeg := audiotest.Tool(t, "ffmpeg")
	dir := t.TempDir()
	for _, ext := range []string{"mp4", "mov"} {
		t.Run(ext, func(t *testing.T) {
			name := filepath.Join(dir, "a."+ext)
			run(t, ffmpeg, "-v", "error", "-f", "lavfi", "-i", "sine=f=440:r=44100:d=1", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "192k", name)
			b := readFile(t, name)
			f := open(t, b)
			info := f.Info()
			if info.Codec != "mp3" || info.Frames != 44100 || info.Format.Channels != 2 {
				t.Fatalf("Info = %+v", info)
			}
			got := audiotest.DecodeAll(t, f)
			ref := ffdecode(t, ffmpeg, name)
			if len(ref) < len(got) {
				t.Fatalf("FFmpeg decodes %d samples, we %d", len(ref), len(got))
			}
			var maxDiff float64
			for i := range got {
				maxDiff = max(maxDiff, math.Abs(float64(got[i]-ref[i])))
			}
			t.Logf("largest difference from FFmpeg %g", maxDiff)
			if maxDiff > 1e-4 {
				t.Fatalf("largest difference from FFmpeg's decode %g > 1e-4", maxDiff)
			}
			if ext == "mp4" {
				audiotest.CheckDecoder(t, audiotest.DecoderCase{Open: mp4.Desc.Open, File: b, Want: got, Seeks: 4})
			}
		})
	}
}

// TestRefused checks the plain-words errors: fragmented MP4, a codec that
// is not decoded, and a file without audio.
func TestRefused(t *testing.T) {
	ffmpeg := audiotest.Tool(t, "ffmpeg")
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		want error
	}{
		{"frag.m4a", []string{"-f", "lavfi", "-i", "sine=d=0.5", "-c:a", "alac", "-movflags", "frag_keyframe+empty_moov"}, codec.ErrUnsupported},
		{"flac.mp4", []string{"-f", "lavfi", "-i", "sine=d=0.5", "-c:a", "flac", "-strict", "-2"}, codec.ErrUnsupported},
		{"video.mp4", []string{"-f", "lavfi", "-i", "testsrc=size=32x32:d=0.5", "-c:v", "mpeg4"}, codec.ErrNoAudio},
	} {
		name := filepath.Join(dir, c.name)
		run(t, ffmpeg, append(append([]string{"-v", "error"}, c.args...), name)...)
		_, err := mp4.Open(audio.NewBytesSource(readFile(t, name)))
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		} else {
			t.Logf("%s: %v", c.name, err)
		}
	}
}

// TestPCM decodes uncompressed QuickTime audio in every layout FFmpeg
// writes and expects exactly the samples of the same signal as WAV.
func TestPCM(t *testing.T) {
	ffmpeg := audiotest.Tool(t, "ffmpeg")
	dir := t.TempDir()
	for _, g := range []struct {
		wav  string
		movs []string
	}{
		{"pcm_s16le", []string{"pcm_s16le", "pcm_s16be"}},
		{"pcm_s24le", []string{"pcm_s24le", "pcm_s24be"}},
		{"pcm_s32le", []string{"pcm_s32le", "pcm_s32be"}},
		{"pcm_f32le", []string{"pcm_f32be", "pcm_f32le"}},
		{"pcm_f64le", []string{"pcm_f64be"}},
		{"pcm_u8", []string{"pcm_u8", "pcm_s8"}},
	} {
		src := filepath.Join(dir, g.wav+".wav")
		source(t, ffmpeg, src, 48000, 2, 0.3, g.wav)
		args := []string{"-v", "error", "-i", src}
		for _, m := range g.movs {
			args = append(args, "-c:a", m, filepath.Join(dir, m+".mov"))
		}
		run(t, ffmpeg, args...)
		w, err := wav.Open(audio.NewBytesSource(readFile(t, src)))
		if err != nil {
			t.Fatal(err)
		}
		want := audiotest.DecodeAll(t, w)
		for _, m := range g.movs {
			t.Run(m, func(t *testing.T) {
				b := readFile(t, filepath.Join(dir, m+".mov"))
				f := open(t, b)
				if info := f.Info(); info.Codec != m || info.Frames != w.Info().Frames {
					t.Fatalf("Info %+v, want codec %s and %d frames", info, m, w.Info().Frames)
				}
				if got := audiotest.DecodeAll(t, f); !slices.Equal(got, want) {
					t.Fatal("the decode differs from the WAV's samples")
				}
				if m == "pcm_s24be" {
					audiotest.CheckDecoder(t, audiotest.DecoderCase{Open: mp4.Desc.Open, File: b, Want: want, Seeks: 4})
				}
			})
		}
	}
}
