package mp3

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/audiotest"
)

func benchFile(b *testing.B, name string) []byte {
	dir := conformanceDir(b)
	data, err := os.ReadFile(filepath.Join(dir, "performance", name))
	if err != nil {
		b.Skip(err)
	}
	return data
}

func benchmarkDecode(b *testing.B, name string) {
	data := benchFile(b, name)
	d, err := Open(audio.NewBytesSource(data))
	if err != nil {
		b.Fatal(err)
	}
	info := d.Info()
	buf := make([]float32, 4096*info.Format.Channels)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
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
	el := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(audio.Duration(info.Frames, info.Format.Rate)/el, "x-realtime")
}

// BenchmarkDecode decodes a 128 kbit/s stereo noise file (the worst case
// for the decoder: full bandwidth).
func BenchmarkDecode(b *testing.B) { benchmarkDecode(b, "noise_meandr.mp3") }

// BenchmarkDecodeLong decodes a 4 MB file.
func BenchmarkDecodeLong(b *testing.B) { benchmarkDecode(b, "MEANDR_PHASE0.mp3") }

// BenchmarkIndex scans frame headers (and side information) only.
func BenchmarkIndex(b *testing.B) {
	data := benchFile(b, "MEANDR_PHASE0.mp3")
	src := audio.NewBytesSource(data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Index(src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFFmpegDecodeLong is the reference for BenchmarkDecodeLong in the
// same run: `ffmpeg -threads 1` decoding the same file to s16 into
// /dev/null (its process start-up included), in multiples of real time.
func BenchmarkFFmpegDecodeLong(b *testing.B) {
	ffmpeg := audiotest.Tool(b, "ffmpeg")
	path := filepath.Join(conformanceDir(b), "performance", "MEANDR_PHASE0.mp3")
	data := benchFile(b, "MEANDR_PHASE0.mp3")
	d, err := Open(audio.NewBytesSource(data))
	if err != nil {
		b.Fatal(err)
	}
	secs := audio.Duration(d.Info().Frames, d.Info().Format.Rate)
	b.SetBytes(int64(len(data)))
	start := time.Now()
	for b.Loop() {
		if out, err := exec.Command(ffmpeg, "-v", "error", "-threads", "1", "-i", path, "-f", "s16le", "-y", "/dev/null").CombinedOutput(); err != nil {
			b.Fatalf("ffmpeg: %v %s", err, out)
		}
	}
	b.ReportMetric(secs/(time.Since(start).Seconds()/float64(b.N)), "x-realtime")
}

// tenMinuteMP3 returns the path of a 10-minute 44.1 kHz stereo LAME -V2
// file (pink noise under a tremolo, with two tones: full bandwidth, mostly
// long blocks with some short ones), made with sox and lame on first use
// and kept in the system temp directory between benchmark runs.
func tenMinuteMP3(b *testing.B) string {
	dir := filepath.Join(os.TempDir(), "offcut-mp3-bench")
	path := filepath.Join(dir, "ten-minutes-v2.mp3")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	sox := audiotest.Tool(b, "sox")
	lame := audiotest.Tool(b, "lame")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	wav := filepath.Join(b.TempDir(), "in.wav")
	if out, err := exec.Command(sox, "-n", "-r", "44100", "-c", "2", "-b", "16", wav,
		"synth", "600", "pinknoise", "sine", "220", "sine", "330",
		"tremolo", "2", "60", "vol", "0.5").CombinedOutput(); err != nil {
		b.Fatalf("sox: %v %s", err, out)
	}
	tmp := path + ".tmp"
	if out, err := exec.Command(lame, "--quiet", "-V", "2", wav, tmp).CombinedOutput(); err != nil {
		b.Fatalf("lame: %v %s", err, out)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkDecodeVsFFmpeg decodes a 10-minute LAME -V2 file and, in the
// same run, has `ffmpeg -threads 1` decode it to float32 into /dev/null,
// reporting our CPU time per decode (user+sys of this process, garbage
// collection included) over ffmpeg's (user+sys of its process) as
// ffmpeg-ratio: below 1 we are faster. CPU time, not wall time, because the
// machine may be shared. Under js/wasm (where ffmpeg cannot be started)
// only x-realtime (wall time) is reported.
func BenchmarkDecodeVsFFmpeg(b *testing.B) {
	var path string
	if runtime.GOOS == "js" {
		path = filepath.Join(os.TempDir(), "offcut-mp3-bench", "ten-minutes-v2.mp3")
	} else {
		path = tenMinuteMP3(b)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Skip(err)
	}
	d, err := Open(audio.NewBytesSource(data))
	if err != nil {
		b.Fatal(err)
	}
	info := d.Info()
	buf := make([]float32, 4096*info.Format.Channels)
	var ffmpeg string
	if runtime.GOOS != "js" {
		ffmpeg = audiotest.Tool(b, "ffmpeg")
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var ours, oursCPU, theirs time.Duration
	for b.Loop() {
		// Opening (indexing the frames) is part of the job, as probing is
		// part of ffmpeg's.
		start, startCPU := time.Now(), audiotest.CPUTime()
		d, err := Open(audio.NewBytesSource(data))
		if err != nil {
			b.Fatal(err)
		}
		s, err := d.Stream(0, info.Frames)
		if err != nil {
			b.Fatal(err)
		}
		n := int64(0)
		for {
			k, err := s.Read(buf)
			n += int64(k)
			if err != nil {
				break
			}
		}
		if n != info.Frames {
			b.Fatalf("decoded %d frames, want %d", n, info.Frames)
		}
		ours += time.Since(start)
		oursCPU += audiotest.CPUTime() - startCPU
		if ffmpeg == "" {
			continue
		}
		b.StopTimer()
		cmd := exec.Command(ffmpeg, "-threads", "1", "-v", "error", "-i", path, "-f", "f32le", "-y", "/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("ffmpeg: %v %s", err, out)
		}
		theirs += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		b.StartTimer()
	}
	secs := audio.Duration(info.Frames, info.Format.Rate)
	b.ReportMetric(secs/(ours.Seconds()/float64(b.N)), "x-realtime")
	if theirs > 0 && oursCPU > 0 {
		b.ReportMetric(oursCPU.Seconds()/float64(b.N), "cpu-s/op")
		b.ReportMetric(oursCPU.Seconds()/theirs.Seconds(), "ffmpeg-ratio")
		b.ReportMetric(theirs.Seconds()/float64(b.N), "ffmpeg-cpu-s/op")
	}
}

// BenchmarkDecodeMinute decodes the first minute of the file of
// BenchmarkDecodeVsFFmpeg: short enough to run under valgrind
// (--tool=callgrind) for instruction counts that a busy machine does not
// disturb.
func BenchmarkDecodeMinute(b *testing.B) {
	var path string
	if runtime.GOOS == "js" {
		path = filepath.Join(os.TempDir(), "offcut-mp3-bench", "ten-minutes-v2.mp3")
	} else {
		path = tenMinuteMP3(b)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Skip(err)
	}
	d, err := Open(audio.NewBytesSource(data))
	if err != nil {
		b.Fatal(err)
	}
	info := d.Info()
	n := int64(60 * info.Format.Rate)
	buf := make([]float32, 4096*info.Format.Channels)
	b.ReportAllocs()
	for b.Loop() {
		s, err := d.Stream(0, n)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := s.Read(buf); err != nil {
				break
			}
		}
	}
	b.ReportMetric(60/(b.Elapsed().Seconds()/float64(b.N)), "x-realtime")
}
