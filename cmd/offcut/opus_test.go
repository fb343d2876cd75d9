package main

import (
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
)

// TestOpusExport converts WAV files to Opus by extension and with the
// voice preset: each decodes (our decoder, at 48 kHz) to exactly the
// source's length, and a bitrate out of range is refused.
func TestOpusExport(t *testing.T) {
	dir := t.TempDir()
	a := writeWAV(t, dir, "a.wav", audio.Format{Rate: 48000, Channels: 2, Bits: 16}, 48000+7)
	b := writeWAV(t, dir, "b.wav", audio.Format{Rate: 16000, Channels: 1, Bits: 16}, 16000)
	out := filepath.Join(dir, "a.opus")
	if code, _, stderr := offcut("convert", a, "-o", out); code != 0 || !strings.Contains(stderr, "encoded with Opus") {
		t.Fatalf("convert a.wav -o a.opus: exit %d: %s", code, stderr)
	}
	if f, n := frames(t, out); n != 48007 || f.Channels != 2 || f.Rate != 48000 {
		t.Errorf("a.opus: %v, %d frames", f, n)
	}
	outDir := filepath.Join(dir, "voice")
	if code, _, stderr := offcut("convert", a, b, "--preset", "voice", "-o", outDir); code != 0 {
		t.Fatalf("convert --preset voice: exit %d: %s", code, stderr)
	}
	if f, n := frames(t, filepath.Join(outDir, "b.opus")); n != 48000 || f.Channels != 1 {
		t.Errorf("voice b.opus: %v, %d frames", f, n)
	}
	if f, n := frames(t, filepath.Join(outDir, "a.opus")); n != 48007 || f.Channels != 1 {
		t.Errorf("voice a.opus: %v, %d frames", f, n)
	}
	code, _, stderr := offcut("convert", a, "-o", filepath.Join(dir, "c.opus"), "--option", "bitrate=511")
	if code == 0 || !strings.Contains(stderr, `bitrate "511" is not one of`) {
		t.Errorf("bitrate 511: exit %d: %s", code, stderr)
	}
}
