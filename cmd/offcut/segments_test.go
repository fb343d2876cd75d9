package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/project"
)

// TestConvertSegmented: a WAV long enough to split converts to MP3 in
// segments; one goroutine and several write the same file, which has the
// source's length, the tags asked for, and no temporary file is left.
func TestConvertSegmented(t *testing.T) {
	dir := t.TempDir()
	n := (2*project.SegmentSeconds + 5) * 8000
	in := writeWAV(t, dir, "in.wav", audio.Format{Rate: 8000, Channels: 1, Bits: 16}, n)
	convert := func(name string, procs int) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		out := filepath.Join(dir, name)
		code, _, stderr := offcut("convert", in, "--option", "quality=32", "--title", "Segmented", "-o", out)
		if code != 0 || !strings.Contains(stderr, "in 2 segments") {
			t.Fatalf("convert: exit %d: %s", code, stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	one, two := convert("one.mp3", 1), convert("two.mp3", 2)
	if !bytes.Equal(one, two) {
		t.Errorf("1 and 2 goroutines wrote different files (%d and %d bytes)", len(one), len(two))
	}
	if f, frames := frames(t, filepath.Join(dir, "two.mp3")); frames != int64(n) || f.Rate != 8000 {
		t.Errorf("the MP3 is %d frames at %d Hz, want %d at 8000", frames, f.Rate, n)
	}
	code, stdout, _ := offcut("info", filepath.Join(dir, "two.mp3"))
	if code != 0 || !strings.Contains(stdout, "Segmented") {
		t.Errorf("info: %s", stdout)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".offcut-*"))
	if len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
