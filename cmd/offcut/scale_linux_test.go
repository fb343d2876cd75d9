package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/codec/wav"
)

// bigWAV writes a WAV header for n bytes of 16-bit stereo and extends the
// file to that size (sparse: the samples read as silence, and the file costs
// no disk until written). Not audiotest.WriteWAV: that holds every sample
// in memory, and these files are gigabytes.
func bigWAV(t testing.TB, path string, dataBytes int64) int64 {
	t.Helper()
	f := audio.Format{Rate: 48000, Channels: 2, Bits: 16}
	frames := dataBytes / 4
	hdr, err := wav.Header(f, frames, wav.HeaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if _, err := fh.Write(hdr); err != nil {
		t.Fatal(err)
	}
	// A little real signal at the start, so the file is not all zeros.
	sig := make([]byte, 1<<20)
	for i := range sig {
		sig[i] = byte(i * 7)
	}
	if _, err := fh.Write(sig); err != nil {
		t.Fatal(err)
	}
	if err := fh.Truncate(int64(len(hdr)) + frames*4); err != nil {
		t.Fatal(err)
	}
	return frames
}

// measure runs a command and returns its wall time and peak RSS in bytes.
func measure(t testing.TB, name string, args ...string) (time.Duration, int64) {
	t.Helper()
	cmd := exec.Command(name, args...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start)
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return d, int64(ru.Maxrss) * 1024
}

func buildCLI(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "offcut")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Skipf("cannot build the CLI: %v\n%s", err, out)
	}
	return bin
}

// TestThreeGigabyteFiles cuts and joins a 3 GB WAV with the real binary and
// checks that peak memory stays under 64 MB and the outputs are exact (the
// join crosses 4 GiB and becomes RF64).
func TestThreeGigabyteFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("writes several GB; skipped with -short")
	}
	dir := t.TempDir()
	bin := buildCLI(t, dir)
	in := filepath.Join(dir, "big.wav")
	frames := bigWAV(t, in, 3<<30)
	out := filepath.Join(dir, "out.wav")
	check := func(what string, want int64, args ...string) {
		_, rss := measure(t, bin, args...)
		src, err := audio.OpenFile(out)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		f, err := wav.Open(src)
		if err != nil {
			t.Fatalf("%s: output does not open: %v", what, err)
		}
		t.Logf("%s: %d frames, %.1f GB, peak RSS %.1f MB", what, f.Info().Frames, float64(src.Size())/1e9, float64(rss)/1e6)
		if f.Info().Frames != want {
			t.Errorf("%s: %d frames, want %d", what, f.Info().Frames, want)
		}
		if rss > 64<<20 {
			t.Errorf("%s: peak RSS %d MB, want under 64 MB", what, rss>>20)
		}
		os.Remove(out)
	}
	check("cut 1 GB out of 3 GB", frames/3, "cut", in, "--from", fmt.Sprintf("%ds", frames/3), "--to", fmt.Sprintf("%ds", 2*frames/3), "-o", out)
	check("join 3 GB + 3 GB with a 2 s crossfade", 2*frames-96000, "join", in, in, "--crossfade", "2", "-o", out)
}

// BenchmarkThreeGigabyteCut compares `offcut cut` and `offcut join` on a 3 GB
// WAV with `cp` of the same number of bytes, in the same run.
func BenchmarkThreeGigabyteCut(b *testing.B) {
	dir := b.TempDir()
	bin := buildCLI(b, dir)
	in := filepath.Join(dir, "big.wav")
	frames := bigWAV(b, in, 3<<30)
	// Make the input real bytes on disk, as a user's file would be.
	real := filepath.Join(dir, "real.wav")
	measure(b, "cp", "--sparse=never", in, real)
	out := filepath.Join(dir, "out.wav")
	for b.Loop() {
		cpTime, cpRSS := measure(b, "cp", "--sparse=never", real, out)
		os.Remove(out)
		cutTime, cutRSS := measure(b, bin, "cut", real, "--from", "0s", "--to", fmt.Sprintf("%ds", frames-1), "-o", out)
		os.Remove(out)
		joinTime, joinRSS := measure(b, bin, "join", real, real, "--crossfade", "2", "-o", out)
		os.Remove(out)
		b.ReportMetric(cutTime.Seconds()/cpTime.Seconds(), "cut/cp")
		b.ReportMetric(joinTime.Seconds()/(2*cpTime.Seconds()), "join/2cp")
		b.ReportMetric(float64(max(cutRSS, joinRSS))/1e6, "peakRSS-MB")
		b.Logf("cp 3 GB %v (RSS %.0f MB); cut ~3 GB %v (RSS %.0f MB); join 6 GB %v (RSS %.0f MB)",
			cpTime.Round(time.Millisecond), float64(cpRSS)/1e6, cutTime.Round(time.Millisecond), float64(cutRSS)/1e6,
			joinTime.Round(time.Millisecond), float64(joinRSS)/1e6)
	}
}
