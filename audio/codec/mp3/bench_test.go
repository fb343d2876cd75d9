package mp3

import (
	"os"
	"os/exec"
	"path/filepath"
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
