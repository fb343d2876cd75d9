package aiff_test

import (
	"io"
	"path/filepath"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/aiff"
	"offcut/audio/codecs"
	"offcut/audio/project"
)

// BenchmarkDecode decodes 60 s of 24-bit stereo AIFF and, in the same
// benchmark, sox converting the same file to raw floats (one run, process
// start included); x-sox above 1 is faster than sox.
func BenchmarkDecode(b *testing.B) {
	sox := audiotest.Tool(b, "sox")
	name := filepath.Join(b.TempDir(), "bench.aiff")
	run(b, sox, "-n", "-b", "24", "-r", "48000", "-c", "2", name, "synth", "60", "sine", "300-3000", "gain", "-2")
	data := readFile(b, name)
	d, err := aiff.Open(audio.NewBytesSource(data))
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	run(b, sox, name, "-t", "f32", "-e", "floating-point", "/dev/null")
	ref := time.Since(start)
	info := d.Info()
	buf := make([]float32, 4096*info.Format.Channels)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	start = time.Now()
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
	el := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(ref.Seconds()/el, "x-sox")
}

// BenchmarkWrite renders 60 s of 24-bit stereo WAV as AIFF through the
// engine (plan written to io.Discard) and, in the same benchmark, sox
// converting the same file to AIFF (best of three runs, process start
// included); x-sox above 1 is faster than sox.
func BenchmarkWrite(b *testing.B) {
	sox := audiotest.Tool(b, "sox")
	dir := b.TempDir()
	name := filepath.Join(dir, "bench.wav")
	run(b, sox, "-n", "-b", "24", "-r", "48000", "-c", "2", name, "synth", "60", "sine", "300-3000", "gain", "-2")
	src := audio.NewBytesSource(readFile(b, name))
	dec, err := codecs.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	var ref time.Duration
	for range 3 {
		start := time.Now()
		run(b, sox, name, filepath.Join(dir, "sox.aiff"))
		if d := time.Since(start); ref == 0 || d < ref {
			ref = d
		}
	}
	doc := project.Keep(0, dec.Info().Frames)
	doc.Output.Container = "aiff"
	b.SetBytes(src.Size())
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		res, err := project.Render(doc, []audio.Decoder{dec}, project.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := res.Plan.WriteTo(io.Discard, []audio.Source{src}, nil); err != nil {
			b.Fatal(err)
		}
	}
	el := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(ref.Seconds()/el, "x-sox")
}
