package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codecs"
)

// TestConvertTagsToWAV: offcut convert x.flac -o y.wav --title T --cover
// c.png (and -o y.aiff) writes the title and the cover; the source's other
// tags are carried; ffprobe reads them.
func TestConvertTagsToWAV(t *testing.T) {
	flacBin := audiotest.Tool(t, "flac")
	dir := t.TempDir()
	in := writeWAV(t, dir, "in.wav", audio.Format{Rate: 44100, Channels: 2, Bits: 16}, 44100)
	src := filepath.Join(dir, "x.flac")
	if out, err := exec.Command(flacBin, "-s", "-f", "-T", "TITLE=Old", "-T", "ARTIST=Artist", "-o", src, in).CombinedOutput(); err != nil {
		t.Fatalf("flac: %v %s", err, out)
	}
	cover := filepath.Join(dir, "c.png")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde")
	os.WriteFile(cover, png, 0o644)
	for _, ext := range []string{"wav", "aiff"} {
		out := filepath.Join(dir, "y."+ext)
		if code, _, stderr := offcut("convert", src, "-o", out, "--title", "T", "--cover", cover); code != 0 {
			t.Fatalf("convert to %s: exit %d %s", ext, code, stderr)
		}
		code, stdout, _ := offcut("info", out, "--json")
		var info struct {
			Frames   int64             `json:"frames"`
			Tags     map[string]string `json:"tags"`
			Pictures []struct {
				MIME string `json:"mime"`
				Type int    `json:"type"`
				Size int    `json:"size"`
			} `json:"pictures"`
		}
		if err := json.Unmarshal([]byte(stdout), &info); err != nil || code != 0 {
			t.Fatalf("info: %v %s", err, stdout)
		}
		if info.Frames != 44100 || info.Tags["title"] != "T" || info.Tags["artist"] != "Artist" {
			t.Errorf("converted %s: %+v", ext, info)
		}
		if p := info.Pictures; len(p) != 1 || p[0].Type != 3 || p[0].MIME != "image/png" || p[0].Size != len(png) {
			t.Errorf("info --json of %s: pictures %+v", ext, p)
		}
		// The cover's bytes, through the engine.
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := codecs.Open(audio.NewBytesSource(b))
		if err != nil {
			t.Fatal(err)
		}
		if p := dec.Info().Pictures; len(p) != 1 || p[0].Type != 3 || p[0].MIME != "image/png" || !bytes.Equal(p[0].Data, png) {
			t.Errorf("converted %s: pictures %+v", ext, p)
		}
		probe, err := exec.Command(audiotest.Tool(t, "ffprobe"), "-v", "error", "-show_entries", "format_tags=title,artist", "-of", "default=nw=1", out).Output()
		if err != nil || !bytes.Contains(probe, []byte("TAG:title=T\n")) || !bytes.Contains(probe, []byte("TAG:artist=Artist\n")) {
			t.Errorf("ffprobe on %s: %v %q", ext, err, probe)
		}
	}
}
