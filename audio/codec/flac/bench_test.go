package flac

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/audiotest"
)

// benchmarkDecode decodes a conformance file b.N times and reports
// multiples of real time; natively it then times `flac -d` (raw output to
// /dev/null, process start included) on the same file and reports our
// time over flac's as flac-ratio (below 1 is faster than flac), in wall
// time and, steadier on a shared machine, in CPU time (flac-cpu-ratio).
func benchmarkDecode(b *testing.B, name string) {
	path := filepath.Join(conformanceDir(b, "subset"), name)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Skip(err)
	}
	d, err := Open(audio.NewBytesSource(data))
	if err != nil {
		b.Fatal(err)
	}
	info := d.Info()
	secs := audio.Duration(info.Frames, info.Format.Rate)
	buf := make([]float32, 4096*info.Format.Channels)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start, cpu0 := time.Now(), audiotest.CPUTime()
	for b.Loop() {
		s, err := d.Stream(0, info.Frames)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := s.Read(buf); err != nil {
				break
			}
		}
	}
	ours := time.Since(start).Seconds() / float64(b.N)
	oursCPU := (audiotest.CPUTime() - cpu0).Seconds() / float64(b.N)
	b.ReportMetric(secs/ours, "x-realtime")
	if runtime.GOOS == "js" {
		return
	}
	bin, err := exec.LookPath("flac") // optional reference: not audiotest.Tool, which would skip ours too
	if err != nil {
		return
	}
	b.StopTimer()
	ref, refCPU := runRef(b, 10, bin, "-d", "-s", "-f", "--force-raw-format", "--endian=little", "--sign=signed", "-o", "/dev/null", path)
	b.ReportMetric(ours/ref, "flac-ratio")
	b.ReportMetric(oursCPU/refCPU, "flac-cpu-ratio")
	b.ReportMetric(secs/ref, "flac-x-realtime")
}

// runRef runs a reference tool runs times and returns the mean wall time
// and CPU time (user and system) of one run, process start included.
func runRef(b *testing.B, runs int, bin string, args ...string) (wall, cpu float64) {
	start := time.Now()
	var used time.Duration
	for range runs {
		cmd := exec.Command(bin, args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%s: %v %s", bin, err, out)
		}
		used += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	return time.Since(start).Seconds() / float64(runs), used.Seconds() / float64(runs)
}

// BenchmarkDecode16 decodes 25 s of 16-bit 44.1 kHz stereo (variable
// block sizes, flake).
func BenchmarkDecode16(b *testing.B) {
	benchmarkDecode(b, "24 - variable blocksize file created with flake revision 264.flac")
}

// BenchmarkDecode24 decodes 8.7 s of 24-bit 96 kHz stereo (flac -5).
func BenchmarkDecode24(b *testing.B) {
	benchmarkDecode(b, "28 - high resolution audio, default settings.flac")
}

// BenchmarkDecodeCD decodes 7 s of 16-bit 44.1 kHz stereo (flac, block
// size 4096).
func BenchmarkDecodeCD(b *testing.B) { benchmarkDecode(b, "01 - blocksize 4096.flac") }

// BenchmarkEncode0, BenchmarkEncode5 and BenchmarkEncode8 encode 25 s of
// 16-bit 44.1 kHz stereo music at levels 0, 5 and 8 (see benchmarkEncode).
func BenchmarkEncode0(b *testing.B) { benchmarkEncode(b, 0) }

// BenchmarkEncode5 encodes at level 5, the default.
func BenchmarkEncode5(b *testing.B) { benchmarkEncode(b, 5) }

// BenchmarkEncode8 encodes at level 8.
func BenchmarkEncode8(b *testing.B) { benchmarkEncode(b, 8) }

// benchmarkEncode encodes 25 s of 16-bit 44.1 kHz stereo music at a level
// and reports multiples of real time; natively it then times flac at the
// same level on the same samples as a WAV file (process start included)
// and reports our time over flac's as flac-ratio and flac-cpu-ratio.
func benchmarkEncode(b *testing.B, level int) {
	path := filepath.Join(conformanceDir(b, "subset"), "24 - variable blocksize file created with flake revision 264.flac")
	src, err := audio.OpenFile(path)
	if err != nil {
		b.Skip(err)
	}
	defer src.Close()
	d, err := Open(src)
	if err != nil {
		b.Fatal(err)
	}
	info := d.Info()
	s, err := d.Stream(0, info.Frames)
	if err != nil {
		b.Fatal(err)
	}
	samples := make([]float32, info.Frames*int64(info.Format.Channels))
	if _, err := audio.ReadFrames(s, samples); err != nil {
		b.Fatal(err)
	}
	secs := audio.Duration(info.Frames, info.Format.Rate)
	var out countWriter
	b.ReportAllocs()
	start, cpu0 := time.Now(), audiotest.CPUTime()
	for b.Loop() {
		out.n = 0
		e, err := NewEncoder(&out, info.Format, info.Frames, EncoderOptions{Level: level})
		if err != nil {
			b.Fatal(err)
		}
		if err := e.Encode(audio.Samples(info.Format.Rate, info.Format.Channels, samples)); err != nil {
			b.Fatal(err)
		}
		if _, err := e.Close(); err != nil {
			b.Fatal(err)
		}
	}
	ours := time.Since(start).Seconds() / float64(b.N)
	oursCPU := (audiotest.CPUTime() - cpu0).Seconds() / float64(b.N)
	b.ReportMetric(secs/ours, "x-realtime")
	b.ReportMetric(float64(out.n), "bytes")
	if runtime.GOOS == "js" {
		return
	}
	bin, err := exec.LookPath("flac") // optional reference: not audiotest.Tool, which would skip ours too
	if err != nil {
		return
	}
	b.StopTimer()
	wav := filepath.Join(b.TempDir(), "in.wav")
	audiotest.WriteWAV(b, wav, info.Format, samples)
	lv := "-" + strconv.Itoa(level)
	ref, refCPU := runRef(b, 5, bin, lv, "-s", "-f", "-o", "/dev/null", wav)
	b.ReportMetric(ours/ref, "flac-ratio")
	b.ReportMetric(oursCPU/refCPU, "flac-cpu-ratio")
	enc := filepath.Join(b.TempDir(), "out.flac")
	runRef(b, 1, bin, lv, "-s", "-f", "-o", enc, wav)
	fi, err := os.Stat(enc)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(out.n)/float64(fi.Size()), "flac-size-ratio")
}

// countWriter counts and drops bytes.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }
