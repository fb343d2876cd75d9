package main

import (
	"os"
	"path/filepath"
	"testing"

	"offcut/audio"
	"offcut/audio/codecs"
)

// TestConvertToVorbis: offcut convert x.wav -o y.ogg encodes Ogg Vorbis
// that decodes to the source's length, with the tags asked for.
func TestConvertToVorbis(t *testing.T) {
	dir := t.TempDir()
	in := writeWAV(t, dir, "x.wav", audio.Format{Rate: 44100, Channels: 2, Bits: 16}, 44100+7)
	out := filepath.Join(dir, "y.ogg")
	if code, _, stderr := offcut("convert", in, "--option", "quality=3", "--title", "Song", "-o", out); code != 0 {
		t.Fatalf("convert to .ogg: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	d, err := codecs.Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	if i := d.Info(); i.Codec != "vorbis" || i.Frames != 44100+7 || i.Format.Rate != 44100 || i.Format.Channels != 2 || i.Tags["title"] != "Song" {
		t.Errorf("y.ogg: %+v", i)
	}
}
