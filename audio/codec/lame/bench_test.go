//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package lame_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/codec/lame"
)

// BenchmarkEncode60s encodes 60 s of a 44.1 kHz stereo music-like signal at
// 128 kbit/s with Write and, natively, with the lame command on the same
// WAV in the same iteration. It reports both speeds as multiples of real
// time and offcut's time over lame's (go/lame, lower is better), in wall
// time and, steadier on a shared machine, in CPU time (go/lame-cpu).
func BenchmarkEncode60s(b *testing.B) {
	const rate, ch, secs = 44100, 2, 60
	x, wav := music(rate*secs, ch, rate)
	cli := ""
	dir := b.TempDir()
	in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.mp3")
	if runtime.GOOS != "js" {
		// Optional reference: not audiotest.Tool, which would skip ours too.
		if p, err := exec.LookPath("lame"); err == nil {
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
		if _, err := lame.Write(&buf, audio.Samples(rate, ch, x), lame.Options{Bitrate: 128}); err != nil {
			b.Fatal(err)
		}
		goT += time.Since(t0)
		goCPU += cpuTime() - c0
		if cli != "" {
			t0 = time.Now()
			cmd := exec.Command(cli, "--quiet", "-b", "128", in, out)
			if o, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("lame: %v %s", err, o)
			}
			cliT += time.Since(t0)
			cliCPU += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		}
	}
	n := float64(b.N)
	b.ReportMetric(secs/(goT.Seconds()/n), "x-realtime")
	if cli != "" {
		b.ReportMetric(secs/(cliT.Seconds()/n), "lame-x-realtime")
		b.ReportMetric(goT.Seconds()/cliT.Seconds(), "go/lame")
		if goCPU > 0 {
			b.ReportMetric(goCPU.Seconds()/cliCPU.Seconds(), "go/lame-cpu")
		}
	}
}
