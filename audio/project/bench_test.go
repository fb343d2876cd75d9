package project_test

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/project"
)

// The fade and crossfade benchmarks render 60 s of 48 kHz stereo 16-bit
// entirely as computed samples (the fade covers the whole clip), so they
// measure the sample path: decode, envelope, mix, encode. BenchmarkSoxFade
// does the same fade with sox in the same run.

const benchFrames = 48000 * 60

func benchInput(b *testing.B) []byte {
	return audiotest.WAV(f16, audiotest.Signal(benchFrames, 2, 48000, 1))
}

func benchRender(b *testing.B, doc *project.Document, files ...[]byte) {
	decs, srcs := memInputs(b, files...)
	b.SetBytes(int64(benchFrames * 4))
	for b.Loop() {
		res, err := project.Render(doc, decs, project.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := res.Plan.WriteTo(io.Discard, srcs, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchFrames)*float64(b.N)/b.Elapsed().Seconds()/48000, "x-realtime")
}

func BenchmarkFade(b *testing.B) {
	benchRender(b, project.Fades(benchFrames, benchFrames, 0, project.EqualPower), benchInput(b))
}

func BenchmarkCrossfade(b *testing.B) {
	in := benchInput(b)
	benchRender(b, project.JoinAll([]int64{benchFrames, benchFrames},
		project.Join{Type: project.JoinCrossfade, Length: benchFrames, Curve: project.EqualPower}), in, in)
}

func BenchmarkSoxFade(b *testing.B) {
	sox := audiotest.Tool(b, "sox")
	p := filepath.Join(b.TempDir(), "in.wav")
	if err := os.WriteFile(p, benchInput(b), 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(benchFrames * 4))
	var total time.Duration
	for b.Loop() {
		t0 := time.Now()
		if out, err := exec.Command(sox, p, "-t", "wav", "/dev/null", "fade", "h", "60").CombinedOutput(); err != nil {
			b.Fatalf("sox: %v %s", err, out)
		}
		total += time.Since(t0)
	}
	b.ReportMetric(float64(benchFrames)*float64(b.N)/total.Seconds()/48000, "x-realtime")
}

// BenchmarkCut is the zero-copy path: a plan of ranges, copied.
func BenchmarkCut(b *testing.B) {
	benchRender(b, project.Keep(1000, benchFrames-1000), benchInput(b))
}

var _ = audio.Format{}
