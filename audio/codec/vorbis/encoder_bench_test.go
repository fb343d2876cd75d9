//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package vorbis_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/vorbis"
	"offcut/audio/pcm"
)

// BenchmarkEncode60s encodes 60 s of a 44.1 kHz stereo signal at quality 5
// with Encode and, natively, with oggenc -q 5 on the same WAV in the same
// iteration. It reports both speeds as multiples of real time and
// offcut's time over oggenc's (go/oggenc, lower is better), in wall time
// and, steadier on a shared machine, in CPU time (go/oggenc-cpu).
func BenchmarkEncode60s(b *testing.B) {
	const rate, ch, secs = 44100, 2, 60
	f := audio.Format{Rate: rate, Channels: ch, Bits: 16}
	wav := audiotest.WAV(f, audiotest.Signal(rate*secs, ch, rate, 7))
	x := make([]float32, rate*secs*ch)
	pcm.Decode(x, wav[len(wav)-len(x)*2:], f)
	cli := ""
	dir := b.TempDir()
	in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.ogg")
	if runtime.GOOS != "js" {
		// Optional reference: not audiotest.Tool, which would skip ours too.
		if p, err := exec.LookPath("oggenc"); err == nil && os.Getenv("NOREF") == "" {
			cli = p
			if err := os.WriteFile(in, wav, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	var goT, cliT, goCPU, cliCPU time.Duration
	var buf bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		buf.Reset()
		t0, c0 := time.Now(), cpuTime()
		if _, err := vorbis.Encode(&buf, audio.Samples(rate, ch, x), vorbis.EncodeOptions{Quality: 5}); err != nil {
			b.Fatal(err)
		}
		goT += time.Since(t0)
		goCPU += cpuTime() - c0
		if cli != "" {
			t0 = time.Now()
			cmd := exec.Command(cli, "-Q", "-q", "5", "-o", out, in)
			if o, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("oggenc: %v %s", err, o)
			}
			cliT += time.Since(t0)
			cliCPU += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		}
	}
	n := float64(b.N)
	b.ReportMetric(secs/(goT.Seconds()/n), "x-realtime")
	if cli != "" {
		b.ReportMetric(secs/(cliT.Seconds()/n), "oggenc-x-realtime")
		b.ReportMetric(goT.Seconds()/cliT.Seconds(), "go/oggenc")
		if goCPU > 0 {
			b.ReportMetric(goCPU.Seconds()/cliCPU.Seconds(), "go/oggenc-cpu")
		}
	}
}
