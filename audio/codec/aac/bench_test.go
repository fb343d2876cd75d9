//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package aac_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/aac"
)

// BenchmarkEncode60s encodes 60 s of a 44.1 kHz stereo music-like signal
// at 128 kbit/s and, natively, has ffmpeg's own AAC encoder (-threads 1)
// do the same from the same WAV in the same iteration. It reports both
// speeds as multiples of real time and the encoder's time over ffmpeg's
// (go/ffmpeg, lower is better; ffmpeg's includes reading the WAV and
// writing its M4A).
func BenchmarkEncode60s(b *testing.B) {
	const rate, ch, secs = 44100, 2, 60
	x := audiotest.Music(rate*secs, ch, rate, 3)
	for i := range x {
		x[i] *= 0.8
	}
	ff := ""
	dir := b.TempDir()
	in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.m4a")
	if runtime.GOOS != "js" {
		// Optional reference: not audiotest.Tool, which would skip ours too.
		if p, err := exec.LookPath("ffmpeg"); err == nil {
			ff = p
			if err := os.WriteFile(in, audiotest.WAV(audio.Format{Rate: rate, Channels: ch, Bits: 16}, x), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	var goT, ffT time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		e, err := aac.NewEncoder(aac.Options{Rate: rate, Channels: ch, Bitrate: 128})
		if err != nil {
			b.Fatal(err)
		}
		for p := x; len(p) > 0; {
			n := min(len(p), 4096*ch)
			if _, err := e.Encode(p[:n]); err != nil {
				b.Fatal(err)
			}
			p = p[n:]
		}
		if _, err := e.Flush(); err != nil {
			b.Fatal(err)
		}
		e.Close()
		goT += time.Since(t0)
		if ff != "" {
			t0 = time.Now()
			if o, err := exec.Command(ff, "-threads", "1", "-v", "error", "-y", "-i", in, "-c:a", "aac", "-b:a", "128k", out).CombinedOutput(); err != nil {
				b.Fatalf("ffmpeg: %v %s", err, o)
			}
			ffT += time.Since(t0)
		}
	}
	n := float64(b.N)
	b.ReportMetric(secs/(goT.Seconds()/n), "x-realtime")
	if ff != "" {
		b.ReportMetric(secs/(ffT.Seconds()/n), "ffmpeg-x-realtime")
		b.ReportMetric(goT.Seconds()/ffT.Seconds(), "go/ffmpeg")
	}
}
