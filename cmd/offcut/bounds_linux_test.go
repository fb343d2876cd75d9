package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"offcut/audio"
)

// runBounded runs the built CLI with a time limit and returns its exit
// status, stderr and peak RSS in bytes.
func runBounded(t testing.TB, limit time.Duration, bin string, args ...string) (int, string, int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("offcut %v: still running after %v", args, limit)
	}
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("offcut %v: %v", args, err)
		}
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return cmd.ProcessState.ExitCode(), stderr.String(), int64(ru.Maxrss) * 1024
}

// checkRefusal asserts one clear line on stderr, exit status 1 and peak RSS
// under 64 MB.
func checkRefusal(t *testing.T, bin, want string, args ...string) {
	t.Helper()
	code, stderr, rss := runBounded(t, 20*time.Second, bin, args...)
	t.Logf("offcut %s: exit %d, peak RSS %.1f MB: %s", strings.Join(args, " "), code, float64(rss)/1e6, strings.TrimSpace(stderr))
	if code != 1 || !strings.Contains(stderr, want) || !strings.HasPrefix(stderr, "offcut: ") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("offcut %v: exit %d, stderr %q; want exit 1 and one line mentioning %q", args, code, stderr, want)
	}
	if rss > 64<<20 {
		t.Errorf("offcut %v: peak RSS %d MB, want under 64 MB", args, rss>>20)
	}
}

// TestHugeDocumentsAndCoversAreRefusedCheaply: documents and covers are
// checked before they are read; devices and FIFOs are refused unopened.
func TestHugeDocumentsAndCoversAreRefusedCheaply(t *testing.T) {
	dir := t.TempDir()
	bin := buildCLI(t, dir)
	big := filepath.Join(dir, "doc.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// 100 MB of a real document's bytes (not sparse), so reading it would cost.
	chunk := []byte(strings.Repeat(`{"version":1,"clips":[]}`+"\n", 1<<14))
	for written := 0; written < 100<<20; written += len(chunk) {
		f.Write(chunk)
	}
	f.Close()
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	in := writeWAV(t, dir, "in.wav", audio.Format{Rate: 48000, Channels: 2, Bits: 16}, 4800)
	out := filepath.Join(dir, "out.mp3")

	checkRefusal(t, bin, "doc.json: document is over 8 MiB", "render", big, "-o", filepath.Join(dir, "o.wav"))
	checkRefusal(t, bin, "/dev/zero: is a device, not a regular file", "render", "/dev/zero", "-o", filepath.Join(dir, "o.wav"))
	checkRefusal(t, bin, "fifo.json: is a named pipe (FIFO), not a regular file", "render", fifo, "-o", filepath.Join(dir, "o.wav"))
	checkRefusal(t, bin, "/dev/zero: is a device, not a regular file", "info", "/dev/zero")
	checkRefusal(t, bin, "fifo.json: is a named pipe (FIFO), not a regular file", "info", fifo)
	checkRefusal(t, bin, "/dev/zero: is a device, not a regular file", "cut", in, "--to", "0.01", "--cover", "/dev/zero", "-o", out)
	checkRefusal(t, bin, "doc.json: a cover image is over 16 MiB", "cut", in, "--to", "0.01", "--cover", big, "-o", out)
}

// TestHugeOutputIsRefusedByTheCLI: the 180-byte document that would write
// 4 TiB is refused at once, in one line that says how to force it.
func TestHugeOutputIsRefusedByTheCLI(t *testing.T) {
	dir := t.TempDir()
	bin := buildCLI(t, dir)
	writeWAV(t, dir, "in.wav", audio.Format{Rate: 48000, Channels: 2, Bits: 16}, 4800)
	doc := filepath.Join(dir, "doc.json")
	body := `{"version":1,"sources":[{"name":"in.wav"}],"clips":[{"source":0,"in":0,"out":4800},{"source":0,"in":0,"out":4800}],"joins":[{"type":"gap","length":1099511627776}]}`
	if err := os.WriteFile(doc, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("document: %d bytes", len(body))
	out := filepath.Join(dir, "out.wav")
	checkRefusal(t, bin, "out.wav: output too large: the output would be 4.0 TiB", "render", doc, "-o", out)
	checkRefusal(t, bin, "add --force to write it anyway", "render", doc, "-o", out)
	if m, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(m) > 0 || fileExists(out) {
		t.Errorf("a refused render left files: %v", m)
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestLongMP3OfEmptyFramesStaysBounded: 200 MB of the smallest layer III
// frames (MPEG-2.5, 8 kbit/s, 72 bytes: 2.9 million frames, 6.5 hours)
// open, describe and cut in under 64 MB RSS.
func TestLongMP3OfEmptyFramesStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 200 MB; skipped with -short")
	}
	dir := t.TempDir()
	bin := buildCLI(t, dir)
	in := filepath.Join(dir, "empty.mp3")
	frame := make([]byte, 72)
	copy(frame, "\xff\xe3\x18\xc0") // MPEG-2.5 layer III, 8 kbit/s, 8 kHz, mono, no CRC
	chunk := bytes.Repeat(frame, 1<<14)
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < 200<<20; n += len(chunk) {
		if _, err := f.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	for _, args := range [][]string{
		{"info", in},
		{"cut", in, "--from", "3:00:00", "--to", "3:00:10", "-o", filepath.Join(dir, "cut.mp3")},
		{"cut", in, "--from", "3:00:00", "--to", "3:00:10", "-o", filepath.Join(dir, "cut.wav")},
	} {
		code, stderr, rss := runBounded(t, 60*time.Second, bin, args...)
		t.Logf("offcut %s: exit %d, peak RSS %.1f MB %s", args[0], code, float64(rss)/1e6, strings.TrimSpace(stderr))
		if code != 0 {
			t.Errorf("offcut %v: exit %d: %s", args, code, stderr)
		}
		if rss > 64<<20 {
			t.Errorf("offcut %v: peak RSS %d MB, want under 64 MB", args, rss>>20)
		}
	}
}

// TestSignalRemovesTheTemporaryOutput: SIGTERM (or SIGINT) during a long
// render removes the half-written temporary file and exits 128+signal.
func TestSignalRemovesTheTemporaryOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("writes up to 2 GB; skipped with -short")
	}
	dir := t.TempDir()
	bin := buildCLI(t, dir)
	in := filepath.Join(dir, "big.wav")
	bigWAV(t, in, 2<<30)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		out := filepath.Join(dir, "out.wav")
		cmd := exec.Command(bin, "gain", in, "--db", "-1", "-o", out)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait until the temporary output has grown.
		deadline := time.Now().Add(20 * time.Second)
		for {
			m, _ := filepath.Glob(filepath.Join(dir, ".offcut-*.tmp"))
			if len(m) == 1 {
				if st, err := os.Stat(m[0]); err == nil && st.Size() > 1<<20 {
					break
				}
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatal("no temporary output appeared")
			}
			time.Sleep(5 * time.Millisecond)
		}
		cmd.Process.Signal(sig)
		cmd.Wait()
		code := cmd.ProcessState.ExitCode()
		m, _ := filepath.Glob(filepath.Join(dir, ".offcut-*.tmp"))
		t.Logf("%v: exit %d, %q, left %v", sig, code, strings.TrimSpace(stderr.String()), m)
		if len(m) > 0 || fileExists(out) {
			t.Errorf("%v: the interrupted render left %v (output exists: %v)", sig, m, fileExists(out))
		}
		if code != 128+int(sig) || !strings.Contains(stderr.String(), "interrupted") {
			t.Errorf("%v: exit %d, stderr %q; want %d and a line saying it was interrupted", sig, code, stderr.String(), 128+int(sig))
		}
	}
}

// TestTenThousandClipRenderStaysBounded renders the most clips a document
// may hold, every one computed (gain), with the built binary: peak RSS
// under 64 MB.
func TestTenThousandClipRenderStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 150 MB; skipped with -short")
	}
	dir := t.TempDir()
	bin := buildCLI(t, dir)
	writeWAV(t, dir, "in.wav", audio.Format{Rate: 48000, Channels: 2, Bits: 16}, 16000)
	var doc strings.Builder
	doc.WriteString(`{"version":1,"sources":[{"name":"in.wav"}],"clips":[`)
	for i := range 10000 {
		if i > 0 {
			doc.WriteByte(',')
		}
		from := (i % 3) * 4000
		fmt.Fprintf(&doc, `{"source":0,"in":%d,"out":%d,"gain":-1}`, from, from+4000)
	}
	doc.WriteString(`]}`)
	p := filepath.Join(dir, "clips.json")
	if err := os.WriteFile(p, []byte(doc.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.wav")
	code, stderr, rss := runBounded(t, 120*time.Second, bin, "render", p, "-o", out)
	st, _ := os.Stat(out)
	t.Logf("10,000 clips: exit %d, %d MB written, peak RSS %.1f MB %s", code, st.Size()>>20, float64(rss)/1e6, strings.TrimSpace(stderr))
	if code != 0 {
		t.Fatalf("render: exit %d: %s", code, stderr)
	}
	if rss > 64<<20 {
		t.Errorf("peak RSS %d MB rendering 10,000 clips, want under 64 MB", rss>>20)
	}
}
