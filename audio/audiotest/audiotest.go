// Package audiotest holds helpers for the engine's tests: a stream contract
// checker every stream constructor runs through, WAV files generated in
// memory or written to disk (WAV, WriteWAV), whole decodes (DecodeAll,
// ReadAll), lookups of the reference tools (sox, ffmpeg) tests compare
// against (Tool), quality measures (SNR, SegSNR) and golden hashes of
// encodes (Golden), material made by sox (SoxSpeech), and for benchmarks
// the process's CPU time (CPUTime) and an encoder timed against its
// reference tool (EncodeBench). Tests use these rather than private copies.
package audiotest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/pcm"
)

// CheckStream reads s to the end with reads of varying sizes and checks the
// Stream contract: whole frames, n > 0 with nil or 0 with an error, io.EOF
// after exactly Len frames, and EOF again on further reads. It returns the
// samples read.
func CheckStream(t testing.TB, s audio.Stream) []float32 {
	t.Helper()
	ch := s.Channels()
	if ch < 1 {
		t.Fatalf("stream has %d channels", ch)
	}
	if _, err := s.Read(make([]float32, ch-1)); ch > 1 && !errors.Is(err, audio.ErrShortBuffer) {
		t.Fatalf("Read with a buffer smaller than one frame: err = %v, want ErrShortBuffer", err)
	}
	sizes := []int{1, 7, 64, 1000, 4096, 3}
	var out []float32
	var frames int64
	for i := 0; ; i++ {
		buf := make([]float32, sizes[i%len(sizes)]*ch+ch-1) // never a whole number of frames plus one
		n, err := s.Read(buf)
		if n < 0 || n > len(buf)/ch {
			t.Fatalf("Read returned %d frames for a buffer of %d", n, len(buf)/ch)
		}
		if err == io.EOF {
			if n != 0 {
				t.Fatalf("Read returned %d frames with io.EOF", n)
			}
			break
		}
		if err != nil {
			t.Fatalf("Read after %d frames: %v", frames, err)
		}
		if n == 0 {
			t.Fatalf("Read returned 0 frames and no error after %d frames", frames)
		}
		out = append(out, buf[:n*ch]...)
		frames += int64(n)
		if frames > s.Len() {
			t.Fatalf("stream produced more than its Len %d frames", s.Len())
		}
	}
	if frames != s.Len() {
		t.Fatalf("stream produced %d frames, Len says %d", frames, s.Len())
	}
	if n, err := s.Read(make([]float32, 16*ch)); n != 0 || err != io.EOF {
		t.Fatalf("Read after EOF = %d, %v; want 0, io.EOF", n, err)
	}
	return out
}

// ReadAll reads a stream to the end.
func ReadAll(t testing.TB, s audio.Stream) []float32 {
	t.Helper()
	out := make([]float32, 0, s.Len()*int64(s.Channels()))
	buf := make([]float32, 8192*s.Channels())
	for {
		n, err := s.Read(buf)
		out = append(out, buf[:n*s.Channels()]...)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("reading stream: %v", err)
		}
	}
}

// DecodeAll decodes every frame of d (Stream(0, Info().Frames) read to the
// end with ReadAll), failing the test on any error.
func DecodeAll(t testing.TB, d audio.Decoder) []float32 {
	t.Helper()
	s, err := d.Stream(0, d.Info().Frames)
	if err != nil {
		t.Fatalf("Stream(0, %d): %v", d.Info().Frames, err)
	}
	return ReadAll(t, s)
}

// Signal returns frames×channels samples: a different sine per channel at
// 0.8 of full scale, plus a little noise so that every bit is exercised.
func Signal(frames, channels, rate int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]float32, frames*channels)
	for i := 0; i < frames; i++ {
		for c := 0; c < channels; c++ {
			f := 220 * float64(c+1) * 1.5
			v := 0.8*math.Sin(2*math.Pi*f*float64(i)/float64(rate)) + 0.01*(r.Float64()*2-1)
			out[i*channels+c] = float32(v)
		}
	}
	return out
}

// WAV returns a canonical WAVE file holding samples in format f (PCM or
// float, EXTENSIBLE for more than 2 channels or more than 16 bits), written
// here independently of package wav so tests can check one against the
// other.
func WAV(f audio.Format, samples []float32) []byte {
	data := make([]byte, len(samples)*f.BytesPerSample())
	pcm.NewEncoder(f, false).Encode(data, samples)
	ext := f.Channels > 2 || (!f.Float && f.Bits > 16)
	fmtLen := 16
	if ext {
		fmtLen = 40
	}
	b := []byte("RIFF")
	pad := len(data) & 1
	b = binary.LittleEndian.AppendUint32(b, uint32(4+8+fmtLen+8+len(data)+pad))
	b = append(b, "WAVEfmt "...)
	b = binary.LittleEndian.AppendUint32(b, uint32(fmtLen))
	code := uint16(1)
	if f.Float {
		code = 3
	}
	tag := code
	if ext {
		tag = 0xFFFE
	}
	b = binary.LittleEndian.AppendUint16(b, tag)
	b = binary.LittleEndian.AppendUint16(b, uint16(f.Channels))
	b = binary.LittleEndian.AppendUint32(b, uint32(f.Rate))
	b = binary.LittleEndian.AppendUint32(b, uint32(f.Rate*f.BytesPerFrame()))
	b = binary.LittleEndian.AppendUint16(b, uint16(f.BytesPerFrame()))
	b = binary.LittleEndian.AppendUint16(b, uint16(f.Bits))
	if ext {
		b = binary.LittleEndian.AppendUint16(b, 22)
		b = binary.LittleEndian.AppendUint16(b, uint16(f.Bits))
		b = binary.LittleEndian.AppendUint32(b, 0)
		b = binary.LittleEndian.AppendUint16(b, code)
		b = append(b, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71)
	}
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	if pad == 1 {
		b = append(b, 0)
	}
	return b
}

// WriteWAV writes WAV(f, samples) to path and returns path.
func WriteWAV(t testing.TB, path string, f audio.Format, samples []float32) string {
	t.Helper()
	if err := os.WriteFile(path, WAV(f, samples), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Tool returns the path of a reference tool, or skips the test when it is
// missing (make test installs them on Debian); see Missing.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, "%s is not installed (make test installs it): %v", name, err)
	}
	return p
}

// PythonModule returns a python3 that can import module (Debian's
// /usr/bin/python3 is tried after the one on PATH, which may be a separate
// installation), or skips the test as Missing does.
func PythonModule(t testing.TB, module string) string {
	t.Helper()
	var tried []string
	for _, name := range []string{"python3", "/usr/bin/python3"} {
		p, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		if exec.Command(p, "-c", "import "+module).Run() == nil {
			return p
		}
		tried = append(tried, p)
	}
	Missing(t, "no python3 with the %s module (tried %v; make test installs python3-%s)", module, tried, module)
	return ""
}

// RequireEnv names the environment variable that turns a missing reference
// tool or corpus from a skip into a failure. make test sets it under CI,
// where everything is installed, so a cross-check can never skip silently.
const RequireEnv = "OFFCUT_REQUIRE_TOOLS"

// Missing skips the test, or fails it when RequireEnv is set.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv(RequireEnv) != "" {
		t.Fatalf("required by %s: "+format, append([]any{RequireEnv}, args...)...)
	}
	t.Skipf(format, args...)
}

// SNR is the signal-to-noise ratio of got against want in dB (+Inf when
// they are equal), over the samples of want.
func SNR(got, want []float32) float64 {
	var s, n float64
	for i := range want {
		d := float64(got[i]) - float64(want[i])
		s += float64(want[i]) * float64(want[i])
		n += d * d
	}
	if n == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(s/n)
}

// Music is Signal made to change like music: tones that glide (their pitch
// set by seed), a sweep and bursts, so that edits and junctions land in
// different material.
func Music(frames, ch, rate int, seed uint64) []float32 {
	x := Signal(frames, ch, rate, seed)
	for i := range frames {
		t := float64(i) / float64(rate)
		for c := range ch {
			f := 300 + 200*float64(seed%5) + 150*math.Sin(2*math.Pi*0.3*t) + 100*float64(c)
			v := 0.4*float64(x[i*ch+c]) + 0.3*math.Sin(2*math.Pi*f*t)
			if int(t*4)%3 == 0 {
				v += 0.1 * math.Sin(2*math.Pi*2500*t) * math.Sin(2*math.Pi*3*t)
			}
			x[i*ch+c] = float32(v)
		}
	}
	return x
}

// SegSNR is the mean SNR in dB of the worst 5 % of 20 ms segments of got
// against want (those with signal above -60 dBFS), each segment's channels
// together: where a lossy encode is at its worst.
func SegSNR(got, want []float32, ch, rate int) float64 {
	seg := rate / 50 * ch
	var snrs []float64
	for i := 0; i+seg <= len(want); i += seg {
		var s, n float64
		for j := i; j < i+seg; j++ {
			d := float64(got[j]) - float64(want[j])
			s += float64(want[j]) * float64(want[j])
			n += d * d
		}
		if s/float64(seg) < 1e-6 {
			continue
		}
		snrs = append(snrs, 10*math.Log10(s/max(n, 1e-20)))
	}
	slices.Sort(snrs)
	k := max(1, len(snrs)/20)
	sum := 0.0
	for _, v := range snrs[:k] {
		sum += v
	}
	return sum / float64(k)
}

// Golden checks lines (one encode's name and hash each) against the file
// at path, natively and under js/wasm, so that both builds are held to the
// same bytes; with update (a test's -update flag, native only) it first
// rewrites the file from lines.
func Golden(t testing.TB, path string, lines []string, update bool) {
	t.Helper()
	got := strings.Join(lines, "\n") + "\n"
	if update {
		if runtime.GOOS == "js" {
			t.Fatal("-update must run natively")
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s/%s encodes differ from %s:\ngot:\n%swant:\n%s", runtime.GOOS, runtime.GOARCH, path, got, want)
	}
}

// FFmpegF32 decodes the file at path with ffmpeg to interleaved float32
// samples, failing the test on anything ffmpeg reports at -v error.
func FFmpegF32(t testing.TB, path string) []float32 {
	t.Helper()
	var stderr strings.Builder
	cmd := exec.Command(Tool(t, "ffmpeg"), "-v", "error", "-i", path, "-f", "f32le", "-")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("ffmpeg decoding %s: %v\n%s", filepath.Base(path), err, stderr.String())
	}
	x := make([]float32, len(out)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(out[4*i:]))
	}
	return x
}

// SoxSpeech writes a speech-like mono 16-bit WAV, secs long at rate, to
// path with sox: a sawtooth voice gliding over 100-180 Hz, modulated at
// syllable rate, through a formant band-pass. It is the same on every run
// (sox without dither).
func SoxSpeech(t testing.TB, path string, rate int, secs float64) {
	t.Helper()
	cmd := exec.Command(Tool(t, "sox"), "-D", "-n", "-r", fmt.Sprint(rate), "-c", "1", "-b", "16", path,
		"synth", fmt.Sprint(secs), "sawtooth", "100-180", "synth", "sine", "amod", "4",
		"tremolo", "3", "80", "bandpass", "700", "400h", "gain", "-3")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, b)
	}
}
