package mp4_test

import (
	"path/filepath"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/audiotest"
)

// BenchmarkALAC decodes 60 s of 16-bit stereo ALAC (FFmpeg's encoder) and,
// in the same benchmark, FFmpeg decoding the same file to float32 (one
// process run, startup included), reporting the ratio as x-ffmpeg (above 1
// is faster than FFmpeg).
func BenchmarkALAC(b *testing.B) {
	ffmpeg := audiotest.Tool(b, "ffmpeg")
	name := filepath.Join(b.TempDir(), "bench.m4a")
	src := filepath.Join(b.TempDir(), "bench.wav")
	source(b, ffmpeg, src, 44100, 2, 60, "pcm_s16le")
	run(b, ffmpeg, "-v", "error", "-i", src, "-c:a", "alac", name)
	data := readFile(b, name)
	f := open(b, data)
	info := f.Info()
	buf := make([]float32, 4096*info.Format.Channels)
	start := time.Now()
	run(b, ffmpeg, "-v", "error", "-threads", "1", "-i", name, "-f", "f32le", "-y", "/dev/null")
	ref := time.Since(start)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	start = time.Now()
	for b.Loop() {
		s, err := f.Stream(0, info.Frames)
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
	b.ReportMetric(ref.Seconds()/el, "x-ffmpeg")
}
