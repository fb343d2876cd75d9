package resample

import (
	"encoding/binary"
	"fmt"
	"math"
	"offcut/audio/audiotest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// The reference is SoX (sox.sourceforge.net) at its "very high" quality,
// run as a separate process on raw 32-bit float files. Tests and
// benchmarks that need it skip (with a note) when it is not installed, and
// always under js/wasm.

// soxPath looks sox up without audiotest.Tool, which would skip the whole
// test: the sox comparison is the last part of a test whose other checks
// must run without sox (and under js/wasm); soxRoundTrip still fails when
// audiotest.RequireEnv asks for every tool.
func soxPath() (string, error) {
	return exec.LookPath("sox")
}

func writeF32(path string, x []float32) error {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return os.WriteFile(path, b, 0o600)
}

func readF32(path string) ([]float32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	x := make([]float32, len(b)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x, nil
}

// soxRate converts the raw file in (rate, ch) to out at outRate with
// "rate -v", no dither.
func soxRate(sox, in, out string, rate, ch, outRate int) error {
	cmd := soxCmd(sox, in, out, rate, ch, outRate)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %v: %s", cmd.Args, err, b)
	}
	return nil
}

func soxCmd(sox, in, out string, rate, ch, outRate int) *exec.Cmd {
	return exec.Command(sox, "-D", "-V1",
		"-t", "f32", "-r", strconv.Itoa(rate), "-c", strconv.Itoa(ch), in,
		"-t", "f32", out, "rate", "-v", strconv.Itoa(outRate))
}

// soxRoundTrip converts mono x from rate to via and back with sox.
func soxRoundTrip(t testing.TB, x []float32, rate, via int) ([]float32, error) {
	sox, err := soxPath()
	if err != nil {
		if os.Getenv(audiotest.RequireEnv) != "" {
			t.Fatalf("sox is required by %s: %v", audiotest.RequireEnv, err)
		}
		return nil, err
	}
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a.f32"), filepath.Join(dir, "b.f32"), filepath.Join(dir, "c.f32")
	if err := writeF32(a, x); err != nil {
		return nil, err
	}
	if err := soxRate(sox, a, b, rate, 1, via); err != nil {
		return nil, err
	}
	if err := soxRate(sox, b, c, via, 1, rate); err != nil {
		return nil, err
	}
	return readF32(c)
}

// benchInput is 60 s of stereo at 48 kHz: two sines plus a little noise.
func benchInput() []float32 {
	const n = 60 * 48000
	x := make([]float32, 2*n)
	var seed uint32 = 1
	for i := range n {
		seed = seed*1664525 + 1013904223
		noise := (float64(seed>>8)/(1<<24) - 0.5) * 0.01
		x[2*i] = float32(0.5*math.Sin(2*math.Pi*1000*float64(i)/48000) + noise)
		x[2*i+1] = float32(0.5*math.Sin(2*math.Pi*5000*float64(i)/48000) - noise)
	}
	return x
}

// offcutSeconds converts x (stereo, 48 kHz) to 44.1 kHz and returns the
// wall-clock and CPU seconds it took.
func offcutSeconds(tb testing.TB, x []float32, q Quality) (wall, cpu float64) {
	start, cpu0 := time.Now(), audiotest.CPUTime()
	s, err := New(newSlice(48000, 2, x), 44100, q)
	if err != nil {
		tb.Fatal(err)
	}
	buf := make([]float32, 2*4096)
	for {
		if _, err := s.Read(buf); err != nil {
			break
		}
	}
	return time.Since(start).Seconds(), (audiotest.CPUTime() - cpu0).Seconds()
}

// BenchmarkResample converts 60 s of 48 kHz stereo to 44.1 kHz.
// x-realtime is audio seconds per wall-clock second; x-realtime-cpu per
// CPU second, which a loaded machine disturbs less.
func BenchmarkResample(b *testing.B) {
	for _, q := range []Quality{VeryHigh, Standard} {
		b.Run(q.String(), func(b *testing.B) {
			x := benchInput()
			frames := len(x) / 2
			offcutSeconds(b, x[:2000], q) // build the tables outside the timing
			b.ResetTimer()
			var wall, cpu float64
			for b.Loop() {
				w, c := offcutSeconds(b, x, q)
				wall += w
				cpu += c
			}
			n := float64(b.N)
			b.ReportMetric(float64(frames)/(wall/n), "inframes/s")
			b.ReportMetric(float64(frames)/48000/(wall/n), "x-realtime")
			b.ReportMetric(float64(frames)/48000/(cpu/n), "x-realtime-cpu")
		})
	}
}

// BenchmarkSox times sox -v on the same 60 s of 48 kHz stereo (raw float
// files in a temporary directory, so file I/O and process start-up are
// included: a few milliseconds) and offcut alternately in the same loop,
// and reports both speeds and their ratio, by CPU time (user+system, of
// the sox process and of this one) and by wall clock.
func BenchmarkSox(b *testing.B) {
	sox := audiotest.Tool(b, "sox")
	x := benchInput()
	audioSecs := float64(len(x)/2) / 48000
	dir := b.TempDir()
	in, out := filepath.Join(dir, "in.f32"), filepath.Join(dir, "out.f32")
	if err := writeF32(in, x); err != nil {
		b.Fatal(err)
	}
	offcutSeconds(b, x[:2000], VeryHigh)
	b.ResetTimer()
	var soxWall, soxCPU, ourWall, ourCPU float64
	for b.Loop() {
		start := time.Now()
		cmd := soxCmd(sox, in, out, 48000, 2, 44100)
		if o, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v: %v: %s", cmd.Args, err, o)
		}
		soxWall += time.Since(start).Seconds()
		soxCPU += (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
		w, c := offcutSeconds(b, x, VeryHigh)
		ourWall += w
		ourCPU += c
	}
	n := float64(b.N)
	b.ReportMetric(audioSecs/(soxCPU/n), "sox-x-realtime-cpu")
	b.ReportMetric(audioSecs/(ourCPU/n), "offcut-x-realtime-cpu")
	b.ReportMetric(soxCPU/ourCPU, "offcut/sox-speed-cpu")
	b.ReportMetric(soxWall/ourWall, "offcut/sox-speed-wall")
}
