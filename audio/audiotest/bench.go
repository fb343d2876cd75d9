package audiotest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// EncodeBench is a benchmark of one encoder against the reference tool
// that makes the same format from the same audio.
type EncodeBench struct {
	// Seconds is how long the audio is.
	Seconds float64
	// Encode makes one whole encode of the audio.
	Encode func() error
	// WAV is the same audio as a WAV file, the tool's input.
	WAV []byte
	// Tool is the reference command (lame, oggenc, ffmpeg). It is optional:
	// where it is not installed, under js, or with NOREF set in the
	// environment, only Encode is timed.
	Tool string
	// Args are the tool's arguments, where an argument "IN" stands for the
	// WAV file and "OUT" for the output file, named with the extension Ext (".mp3").
	Args []string
	Ext  string
}

// Run times Encode in each iteration of b and the tool on the same audio
// in the same iteration, and reports both speeds as multiples of real time
// (x-realtime, TOOL-x-realtime) and the encoder's time over the tool's
// (go/TOOL, lower is better), in wall time and, steadier on a shared
// machine, in CPU time (go/TOOL-cpu).
func (e EncodeBench) Run(b *testing.B) {
	b.Helper()
	tool, args := "", e.Args
	if runtime.GOOS != "js" && os.Getenv("NOREF") == "" {
		// Optional reference: not Tool, which would skip ours too.
		if p, err := exec.LookPath(e.Tool); err == nil {
			tool = p
			dir := b.TempDir()
			in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out"+e.Ext)
			if err := os.WriteFile(in, e.WAV, 0o644); err != nil {
				b.Fatal(err)
			}
			args = make([]string, len(e.Args))
			for i, a := range e.Args {
				switch a {
				case "IN":
					a = in
				case "OUT":
					a = out
				}
				args[i] = a
			}
		}
	}
	var goT, toolT, goCPU, toolCPU time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0, c0 := time.Now(), CPUTime()
		if err := e.Encode(); err != nil {
			b.Fatal(err)
		}
		goT += time.Since(t0)
		goCPU += CPUTime() - c0
		if tool != "" {
			t0 = time.Now()
			cmd := exec.Command(tool, args...)
			if o, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%s: %v %s", e.Tool, err, o)
			}
			toolT += time.Since(t0)
			toolCPU += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		}
	}
	n := float64(b.N)
	b.ReportMetric(e.Seconds/(goT.Seconds()/n), "x-realtime")
	if tool != "" {
		b.ReportMetric(e.Seconds/(toolT.Seconds()/n), e.Tool+"-x-realtime")
		b.ReportMetric(goT.Seconds()/toolT.Seconds(), "go/"+e.Tool)
		if goCPU > 0 && toolCPU > 0 {
			b.ReportMetric(goCPU.Seconds()/toolCPU.Seconds(), "go/"+e.Tool+"-cpu")
		}
	}
}
