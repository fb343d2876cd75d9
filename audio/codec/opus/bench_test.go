package opus

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

const fixture = "testdata/sine.opus"

// TestFixture runs the decoder contract on the committed file (also under
// js/wasm, where the encoders cannot run).
func TestFixture(t *testing.T) {
	b, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	if n := d.Info().Frames; n != 48000*8 {
		t.Errorf("Frames = %d, want %d", n, 48000*8)
	}
	seeks := 4
	if runtime.GOOS == "js" {
		seeks = 1 // every Opus seek decodes from the start, slowly under wasm
	}
	audiotest.CheckDecoder(t, audiotest.DecoderCase{
		Open: func(src audio.Source) (audio.Decoder, error) { return Open(src) },
		File: b, Seeks: seeks,
	})
}

// BenchmarkDecode decodes the 8 s stereo fixture, in multiples of real
// time.
func BenchmarkDecode(b *testing.B) {
	data, err := os.ReadFile(fixture)
	if err != nil {
		b.Fatal(err)
	}
	d, err := Open(audio.NewBytesSource(data))
	if err != nil {
		b.Fatal(err)
	}
	info := d.Info()
	buf := make([]float32, 4096*info.Format.Channels)
	b.SetBytes(int64(len(data)))
	start := time.Now()
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
	b.ReportMetric(audio.Duration(info.Frames, info.Format.Rate)/(time.Since(start).Seconds()/float64(b.N)), "x-realtime")
}

// BenchmarkSeek opens streams at spread-out positions and reads 4096
// frames from each.
func BenchmarkSeek(b *testing.B) {
	data, err := os.ReadFile(fixture)
	if err != nil {
		b.Fatal(err)
	}
	d, err := Open(audio.NewBytesSource(data))
	if err != nil {
		b.Fatal(err)
	}
	n := d.Info().Frames
	buf := make([]float32, 4096*2)
	i := int64(0)
	for b.Loop() {
		from := (i * 7919 * 97) % (n - 4096)
		i++
		s, err := d.Stream(from, from+4096)
		if err != nil {
			b.Fatal(err)
		}
		audio.ReadFrames(s, buf)
	}
}

// benchTool is the reference: a tool decoding the fixture (process
// start-up included), in multiples of real time.
// "IN" in args stands for the fixture's path.
func benchTool(b *testing.B, name string, args ...string) {
	path := audiotest.Tool(b, name)
	in, _ := filepath.Abs(fixture)
	start := time.Now()
	for b.Loop() {
		a := append([]string(nil), args...)
		for i := range a {
			if a[i] == "IN" {
				a[i] = in
			}
		}
		cmd := exec.Command(path, a...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%s: %v\n%s", name, err, out)
		}
	}
	b.ReportMetric(8/(time.Since(start).Seconds()/float64(b.N)), "x-realtime")
}

// BenchmarkOpusdec is opusdec (libopus 1.3.1) decoding the fixture to
// float samples in /dev/null.
func BenchmarkOpusdec(b *testing.B) {
	benchTool(b, "opusdec", "--quiet", "--float", "IN", "/dev/null")
}

// BenchmarkFFmpeg is `ffmpeg -threads 1` decoding the fixture to f32le.
func BenchmarkFFmpeg(b *testing.B) {
	benchTool(b, "ffmpeg", "-v", "error", "-threads", "1", "-i", "IN", "-f", "f32le", "-y", "/dev/null")
}
