package main

import (
	"strings"
	"testing"
)

// TestLayOut answers a cutter's document from the probe's description
// alone, and refuses bad descriptions with an error, not a panic.
func TestLayOut(t *testing.T) {
	doc := []byte(`{"version":1,"clips":[{"source":0,"in":0,"out":44100}],"output":{"sampleRate":48000}}`)
	info := `[{"container":"wav","codec":"pcm_s16le","format":{"sampleRate":44100,"channels":2,"bitDepth":16},"frames":88200}]`
	l, err := layOut(doc, []byte(info))
	if err != nil {
		t.Fatal(err)
	}
	if l.Rate != 48000 || l.Frames != 48000 || len(l.Clips) != 1 || l.Output.Frames != 48000 {
		t.Errorf("laid out as %+v, want 48000 frames at 48 kHz", l)
	}
	for name, bad := range map[string]string{
		"not JSON":    `[{`,
		"an object":   `{"frames":1}`,
		"rate 0":      `[{"format":{"channels":2,"bitDepth":16},"frames":88200}]`,
		"too short":   `[{"format":{"sampleRate":44100,"channels":2,"bitDepth":16},"frames":100}]`,
		"no source":   `[]`,
		"oversized":   `[` + strings.Repeat(" ", maxInfosBytes) + `]`,
		"wrong types": `[{"format":{"sampleRate":"fast"}}]`,
	} {
		if _, err := layOut(doc, []byte(bad)); err == nil {
			t.Errorf("%s: laid out", name)
		}
	}
}
