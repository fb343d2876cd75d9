//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package lame_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec"
	"offcut/audio/codec/lame"
	"offcut/audio/codec/mp3"
	"offcut/audio/pcm"
)

// music returns n frames of a music-like signal (chords with vibrato and
// decaying notes, plus noise) quantised to 16 bits, and the WAV holding
// exactly those samples.
func music(n, ch, rate int) ([]float32, []byte) {
	f := audio.Format{Rate: rate, Channels: ch, Bits: 16}
	x := audiotest.Signal(n, ch, rate, 7)
	wav := audiotest.WAV(f, x)
	data := wav[len(wav)-n*ch*2:]
	out := make([]float32, n*ch)
	pcm.Decode(out, data, f)
	return out, wav
}

// cliEncode runs the lame command on wav with args and -t (no Info frame),
// returning its frames.
func cliEncode(t testing.TB, wav []byte, args ...string) []byte {
	t.Helper()
	bin := audiotest.Tool(t, "lame")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.mp3")
	if err := os.WriteFile(in, wav, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append(append([]string{"--quiet", "--nohist", "-t"}, args...), in, out)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("lame %v: %v\n%s", args, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func encode(t testing.TB, opt lame.Options, x []float32) []byte {
	t.Helper()
	e, err := lame.NewEncoder(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	return encodeWith(t, e, x)
}

// encodeWith encodes x on e and flushes it.
func encodeWith(t testing.TB, e *lame.Encoder, x []float32) []byte {
	t.Helper()
	var out []byte
	for len(x) > 0 {
		n := min(len(x), 3000*2) // odd-sized calls, as a caller might
		b, err := e.Encode(x[:n])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b...)
		x = x[n:]
	}
	b, err := e.Flush()
	if err != nil {
		t.Fatal(err)
	}
	return append(out, b...)
}

var cases = []struct {
	name string
	rate int
	ch   int
	opt  lame.Options
	args []string
}{
	{"44k-stereo-cbr128", 44100, 2, lame.Options{Bitrate: 128}, []string{"-b", "128"}},
	{"44k-stereo-v2", 44100, 2, lame.Options{VBR: true, VBRQuality: 2}, []string{"-V", "2"}},
	{"22k-mono-cbr128", 22050, 1, lame.Options{Bitrate: 128}, []string{"-b", "128"}},
	{"22k-mono-v2", 22050, 1, lame.Options{VBR: true, VBRQuality: 2}, []string{"-V", "2"}},
	{"48k-stereo-q0-cbr320", 48000, 2, lame.Options{Bitrate: 320, Mode: lame.Stereo, Quality: lame.Q(0)}, []string{"-b", "320", "-m", "s", "-q", "0"}},
	{"44k-tomono-v6-q7", 44100, 2, lame.Options{VBR: true, VBRQuality: 6, Mode: lame.Mono, Quality: lame.Q(7)}, []string{"-V", "6", "-m", "m", "-q", "7"}},
	{"16k-mono-cbr32", 16000, 1, lame.Options{Bitrate: 32}, []string{"-b", "32"}},
	// Here the lame command would resample (to 32 and 16 kHz); the encoder
	// keeps the rate, as lame does when told to.
	{"44k-v8-keeps-rate", 44100, 2, lame.Options{VBR: true, VBRQuality: 8}, []string{"-V", "8", "--resample", "44.1"}},
	{"44k-cbr32-keeps-rate", 44100, 1, lame.Options{Bitrate: 32}, []string{"-b", "32", "--resample", "44.1"}},
}

// TestFramesMatchCLI: the same PCM and settings give the lame command's
// frames, byte for byte, through the raw encoder and inside Write's file.
func TestFramesMatchCLI(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			x, wav := music(c.rate*2+1234, c.ch, c.rate)
			want := cliEncode(t, wav, c.args...)
			opt := c.opt
			opt.Rate, opt.Channels = c.rate, c.ch
			if got := encode(t, opt, x); !bytes.Equal(got, want) {
				t.Fatalf("encoder: %d bytes differ from lame's %d (first difference at %d)", len(got), len(want), firstDiff(got, want))
			}
			var file bytes.Buffer
			res, err := lame.Write(&file, audio.Samples(c.rate, c.ch, x), opt)
			if err != nil {
				t.Fatal(err)
			}
			b := file.Bytes()
			info := mp3.Header(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])).Size()
			if !bytes.Equal(b[info:], want) {
				t.Fatalf("Write: frames after the %d-byte Info frame differ from lame's (first difference at %d)", info, firstDiff(b[info:], want))
			}
			if res.Bytes != int64(len(b)) || res.Samples != int64(len(x)/c.ch) || res.Delay != 576 {
				t.Errorf("result %+v for %d bytes, %d samples", res, len(b), len(x)/c.ch)
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestWriteDecodesExactly: files from Write pass mp3val and FFmpeg without a
// word, and FFmpeg and package mp3 both decode exactly the input's length.
func TestWriteDecodesExactly(t *testing.T) {
	for i, c := range cases {
		sizes := []int{c.rate*2 + 1234, 1, 1152, 5000}
		if i >= 4 {
			if runtime.GOOS == "js" {
				break // keep the js/wasm run short; the cases above cover it
			}
			sizes = sizes[:1]
		}
		for _, n := range sizes {
			t.Run(fmt.Sprintf("%s/%d", c.name, n), func(t *testing.T) {
				t.Parallel()
				x, _ := music(n, c.ch, c.rate)
				opt := c.opt
				var file bytes.Buffer
				res, err := lame.Write(&file, audio.Samples(c.rate, c.ch, x), opt)
				if err != nil {
					t.Fatal(err)
				}
				outCh := c.ch
				if opt.Mode == lame.Mono {
					outCh = 1
				}
				d, err := mp3.Open(audio.NewBytesSource(file.Bytes()))
				if err != nil {
					t.Fatal(err)
				}
				if got := d.Info().Frames; got != int64(n) {
					t.Errorf("package mp3 decodes %d frames, want %d", got, n)
				}
				s, err := d.Stream(0, d.Info().Frames)
				if err != nil {
					t.Fatal(err)
				}
				if got := len(audiotest.ReadAll(t, s)) / outCh; got != n {
					t.Errorf("package mp3 stream has %d frames, want %d", got, n)
				}
				if runtime.GOOS == "js" {
					return
				}
				path := filepath.Join(t.TempDir(), "out.mp3")
				if err := os.WriteFile(path, file.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				// FFmpeg mis-trims a file whose only sample lies in the
				// frame where the start skip ends, at MPEG-2 rates (it
				// plays 1+529 samples): skip its length check there.
				checkTools(t, path, n, outCh, n > 1 || c.rate >= 32000, res.Frames)
			})
		}
	}
}

func checkTools(t *testing.T, path string, n, ch int, ffLen bool, frames int) {
	t.Helper()
	out, _ := exec.Command(audiotest.Tool(t, "mp3val"), path).CombinedOutput()
	for _, l := range strings.Split(string(out), "\n") {
		// mp3val warns about every file without ID3/APE tags, and about
		// files of a handful of frames (as made from a few samples).
		if strings.Contains(l, "No supported tags") || frames < 10 && strings.Contains(l, "Too few MPEG frames") {
			continue
		}
		if strings.HasPrefix(l, "WARNING") || strings.HasPrefix(l, "ERROR") {
			t.Errorf("mp3val: %s", l)
		}
	}
	// One FFmpeg run checks both: no message at all, and the length.
	var pcm, msg bytes.Buffer
	ff := exec.Command(audiotest.Tool(t, "ffmpeg"), "-v", "error", "-i", path, "-f", "f32le", "-")
	ff.Stdout, ff.Stderr = &pcm, &msg
	if err := ff.Run(); err != nil || msg.Len() != 0 {
		t.Errorf("ffmpeg: %v %s", err, msg.Bytes())
	}
	if got := pcm.Len() / 4 / ch; got != n && ffLen {
		t.Errorf("ffmpeg decodes %d frames, want %d", got, n)
	}
}

// TestWriteSeeker: streaming to a file (Info frame patched in at the end)
// gives the same bytes as writing to a buffer.
func TestWriteSeeker(t *testing.T) {
	x, _ := music(30000, 2, 44100)
	opt := lame.Options{VBR: true, VBRQuality: 4}
	var buf bytes.Buffer
	if _, err := lame.Write(&buf, audio.Samples(44100, 2, x), opt); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "out.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte("prefix")); err != nil {
		t.Fatal(err)
	}
	if _, err := lame.Write(f, audio.Samples(44100, 2, x), opt); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got[6:], buf.Bytes()) || string(got[:6]) != "prefix" {
		t.Fatalf("streamed file (%d bytes) differs from the buffered one (%d bytes)", len(got)-6, buf.Len())
	}
}

var update = flag.Bool("update", false, "rewrite testdata/golden.sha256 from a native encode")

// TestGolden encodes a fixed signal and checks the SHA-256 of the file
// against testdata/golden.sha256, natively and under js/wasm, so both builds
// produce the same bytes. Natively the same encode is also checked against
// the lame command, so the golden value is LAME's own output.
func TestGolden(t *testing.T) {
	var lines []string
	for _, c := range cases[:4] {
		x, wav := music(c.rate*3, c.ch, c.rate)
		opt := c.opt
		opt.Rate, opt.Channels = c.rate, c.ch
		got := encode(t, opt, x)
		sum := sha256.Sum256(got)
		lines = append(lines, c.name+" "+hex.EncodeToString(sum[:]))
		if runtime.GOOS != "js" {
			if want := cliEncode(t, wav, c.args...); !bytes.Equal(got, want) {
				t.Errorf("%s: differs from the lame command", c.name)
			}
		}
	}
	audiotest.Golden(t, filepath.Join("testdata", "golden.sha256"), lines, *update)
}

func TestHostileOptions(t *testing.T) {
	for _, c := range []struct {
		opt  lame.Options
		want string
	}{
		{lame.Options{Rate: 44100, Channels: 2, Bitrate: 7}, "bitrate 7 kbit/s at 44100 Hz; allowed: 32, 40"},
		{lame.Options{Rate: 22050, Channels: 2, Bitrate: 320}, "allowed: 8, 16"},
		{lame.Options{Rate: 0, Channels: 2, Bitrate: 128}, "sample rate 0 Hz; MP3 has 8000, 11025"},
		{lame.Options{Rate: 96000, Channels: 2, Bitrate: 128}, "resample first"},
		{lame.Options{Rate: 44100, Channels: 9, Bitrate: 128}, "9 channels"},
		{lame.Options{Rate: 44100, Channels: 0, Bitrate: 128}, "0 channels"},
		{lame.Options{Rate: 44100, Channels: 2}, "bitrate 0"},
		{lame.Options{Rate: 44100, Channels: 2, Bitrate: 128, VBR: true}, "both"},
		{lame.Options{Rate: 44100, Channels: 2, VBR: true, VBRQuality: 10}, "VBR quality 10"},
		{lame.Options{Rate: 44100, Channels: 2, VBR: true, VBRQuality: -1}, "VBR quality -1"},
		{lame.Options{Rate: 44100, Channels: 2, Bitrate: 128, Quality: 11}, "quality 10"},
		{lame.Options{Rate: 44100, Channels: 2, Bitrate: 128, Mode: 9}, "channel mode 9"},
		{lame.Options{Rate: 44100, Channels: 1, Bitrate: 128, Mode: lame.JointStereo}, "joint stereo mode for a mono input"},
	} {
		_, err := lame.NewEncoder(c.opt)
		if err == nil || !errors.Is(err, lame.ErrOptions) || !errors.Is(err, codec.ErrUnsupported) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one saying %q", c.opt, err, c.want)
		}
	}
	if _, err := lame.Write(&bytes.Buffer{}, audio.Silence(44100, 2, 10), lame.Options{Rate: 48000, Bitrate: 128}); !errors.Is(err, lame.ErrOptions) {
		t.Errorf("rate mismatch: %v", err)
	}
}

// TestHostileSamples: NaN, infinities and huge values encode (as silence and
// clipping) without a panic, and misuse is an error.
func TestHostileSamples(t *testing.T) {
	e, err := lame.NewEncoder(lame.Options{Rate: 44100, Channels: 2, Bitrate: 128})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	x := make([]float32, 20000)
	for i := range x {
		x[i] = [...]float32{float32(nanf()), float32(inf(1)), float32(inf(-1)), 1e30, -1e30, 0.5}[i%6]
	}
	if _, err := e.Encode(x); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Encode(x[:3]); err == nil {
		t.Error("odd sample count accepted")
	}
	if _, err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Encode(x); err == nil {
		t.Error("Encode after Flush accepted")
	}
	e.Close()
	e.Close()
}

func nanf() float64        { v, _ := strconv.ParseFloat("NaN", 64); return v }
func inf(sign int) float64 { v, _ := strconv.ParseFloat(strconv.Itoa(sign)+"Inf", 64); return v }

// TestReset: an encoder reset after encoding other samples (draining its
// reservoir on the way) encodes exactly as a new one, byte for byte.
func TestReset(t *testing.T) {
	for _, c := range cases[:4] {
		t.Run(c.name, func(t *testing.T) {
			opt := c.opt
			opt.Rate, opt.Channels = c.rate, c.ch
			a, _ := music(c.rate*3, c.ch, c.rate)
			b := audiotest.Signal(c.rate*2, c.ch, c.rate, 11)
			want := encode(t, opt, a)
			e, err := lame.NewEncoder(opt)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			for i, x := range [][]float32{a, b, a} {
				if err := e.Reset(); err != nil {
					t.Fatal(err)
				}
				if i == 1 {
					if err := e.EmptyReservoirAt(20); err != nil {
						t.Fatal(err)
					}
				}
				got := encodeWith(t, e, x)
				if i != 1 && !bytes.Equal(got, want) {
					t.Fatalf("encode %d after Reset: %d bytes, a new encoder's %d, first difference at %d", i, len(got), len(want), firstDiff(got, want))
				}
			}
		})
	}
	e, err := lame.NewEncoder(lame.Options{Rate: 44100, Channels: 1, Bitrate: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.Encode(make([]float32, 1000)); err != nil {
		t.Fatal(err)
	}
	if err := e.Reset(); err == nil {
		t.Error("a first Reset after Encode was accepted")
	}
	e.Close()
	if err := e.Reset(); err == nil {
		t.Error("Reset of a closed encoder was accepted")
	}
}
