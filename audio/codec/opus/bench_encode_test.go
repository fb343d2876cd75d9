package opus

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/wav"
)

// benchSecs is the length of the benchmarks' input: stereo at 48 kHz.
const benchSecs = 10

// benchInput writes the benchmarks' WAV (stereo 48 kHz 16-bit) to dir.
func benchInput(b *testing.B) string {
	path := filepath.Join(b.TempDir(), "in.wav")
	audiotest.WriteWAV(b, path, audio.Format{Rate: 48000, Channels: 2, Bits: 16}, audiotest.Signal(48000*benchSecs, 2, 48000, 4))
	return path
}

// BenchmarkEncode encodes 10 s of stereo at 96 kbit/s from a WAV file in
// memory, in multiples of real time. Compare with BenchmarkOpusenc, run in
// the same invocation: go test -bench 'Encode|Opusenc' -run XXX.
func BenchmarkEncode(b *testing.B) {
	data, err := os.ReadFile(benchInput(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	start := time.Now()
	for b.Loop() {
		d, err := wav.Open(audio.NewBytesSource(data))
		if err != nil {
			b.Fatal(err)
		}
		s, err := d.Stream(0, d.Info().Frames)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Encode(io.Discard, s, EncoderOptions{Bitrate: 96, Bits: 16}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(benchSecs/(time.Since(start).Seconds()/float64(b.N)), "x-realtime")
}

// BenchmarkOpusenc is opusenc (libopus 1.3.1) encoding the same file at
// the same setting, process start-up included.
func BenchmarkOpusenc(b *testing.B) {
	opusenc := audiotest.Tool(b, "opusenc")
	in := benchInput(b)
	out := filepath.Join(b.TempDir(), "out.opus")
	b.SetBytes(int64(48000 * benchSecs * 4))
	start := time.Now()
	for b.Loop() {
		if o, err := exec.Command(opusenc, "--quiet", "--bitrate", "96", in, out).CombinedOutput(); err != nil {
			b.Fatalf("opusenc: %v\n%s", err, o)
		}
	}
	b.ReportMetric(benchSecs/(time.Since(start).Seconds()/float64(b.N)), "x-realtime")
}
