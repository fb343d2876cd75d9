package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
)

// trimInput writes a 48 kHz stereo WAV: lead frames of silence, sound, then
// trail frames of silence.
func trimInput(t *testing.T, dir string, lead, body, trail int) string {
	f := audio.Format{Rate: 48000, Channels: 2, Bits: 24}
	s := make([]float32, 0, (lead+body+trail)*2)
	s = append(s, make([]float32, lead*2)...)
	s = append(s, audiotest.Signal(body, 2, 48000, 9)...)
	s[lead*2] = 0.5 // the first and last frames of sound are loud
	s = append(s, 0.5, 0.5)
	s = append(s, make([]float32, trail*2)...)
	return audiotest.WriteWAV(t, filepath.Join(dir, "in.wav"), f, s)
}

func TestTrimSilence(t *testing.T) {
	dir := t.TempDir()
	const lead, body, trail = 30000, 50000, 40000
	in := trimInput(t, dir, lead, body-1, trail) // body-1 signal frames plus the loud last one
	out := filepath.Join(dir, "out.wav")
	code, _, stderr := offcut("trim-silence", in, "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, n := frames(t, out); n != body {
		t.Errorf("kept %d frames, want %d", n, body)
	}
	// The same bytes as the cut of the same range.
	cut := filepath.Join(dir, "cut.wav")
	if code, _, stderr := offcut("cut", in, "--from", fmt.Sprintf("%ds", lead), "--to", fmt.Sprintf("%ds", lead+body), "-o", cut); code != 0 {
		t.Fatalf("cut: exit %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(cut)
	if !bytes.Equal(a, b) {
		t.Error("trim-silence and cut of the same range differ")
	}
	// A minimum longer than the leading silence (and shorter than the
	// trailing one) keeps the start.
	code, _, stderr = offcut("trim-silence", in, "--min", fmt.Sprintf("%ds", lead+1), "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, n := frames(t, out); n != lead+body {
		t.Errorf("--min %d: kept %d frames, want %d", lead+1, n, lead+body)
	}
	// A threshold above the signal's level leaves only the loud frames' span.
	code, _, stderr = offcut("trim-silence", in, "--threshold", "-7", "--min", "0", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, n := frames(t, out); n != body {
		t.Errorf("--threshold -7: kept %d frames, want %d (the 0.5 frames bound it)", n, body)
	}
}

func TestTrimSilenceErrors(t *testing.T) {
	dir := t.TempDir()
	silent := audiotest.WriteWAV(t, filepath.Join(dir, "silent.wav"), audio.Format{Rate: 8000, Channels: 1, Bits: 16}, make([]float32, 8000))
	code, _, stderr := offcut("trim-silence", silent, "-o", filepath.Join(dir, "o.wav"))
	if code != 1 || !strings.Contains(stderr, "silent.wav") {
		t.Errorf("all silent: exit %d, %q; want 1 naming the file", code, stderr)
	}
	for _, args := range [][]string{
		{"--threshold", "3"}, {"--threshold", "NaN"}, {"--min", "-1"}, {"--min", "abc"},
	} {
		code, _, stderr := offcut(append([]string{"trim-silence", silent, "-o", filepath.Join(dir, "o.wav")}, args...)...)
		if code != 2 {
			t.Errorf("%v: exit %d, %q; want 2", args, code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "o.wav")); err == nil {
		t.Error("an output was written")
	}
}
