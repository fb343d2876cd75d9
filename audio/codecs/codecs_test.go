package codecs_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codecs"
)

type failing struct{}

func (failing) ReadAt([]byte, int64) (int, error) {
	return 0, errors.New("the file was changed on disk")
}
func (failing) Size() int64 { return 100 }

func TestOpen(t *testing.T) {
	wav := audiotest.WAV(audio.Format{Rate: 8000, Channels: 1, Bits: 16}, make([]float32, 10))
	d, err := codecs.Open(audio.NewBytesSource(wav))
	if err != nil || d.Info().Container != "wav" {
		t.Fatalf("WAV: %v", err)
	}
	// An MP3 from the conformance corpus, if present.
	if b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "conformance", "mp3", "l3-compl.bit")); err == nil {
		d, err := codecs.Open(audio.NewBytesSource(b))
		if err != nil || d.Info().Container != "mp3" {
			t.Errorf("MP3: %v", err)
		}
	}
	// A FLAC file from the conformance corpus, if present, plain and
	// behind an ID3v2 tag.
	if b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "conformance", "flac", "subset", "60 - mono audio.flac")); err == nil {
		// A tag of 300 000 bytes (cover art) is past what the sniffers see.
		big := append([]byte("ID3\x04\x00\x00\x00\x12\x27\x56"), make([]byte, 300000-10)...)
		for _, b := range [][]byte{b, append([]byte("ID3\x04\x00\x00\x00\x00\x00\x03abc"), b...), append(big, b...)} {
			d, err := codecs.Open(audio.NewBytesSource(b))
			if err != nil || d.Info().Container != "flac" {
				t.Errorf("FLAC: %v", err)
			}
		}
	}
	for _, key := range []string{"flac", "song.FLAC", ".fla", "audio/x-flac"} {
		if d := codecs.Lookup(key); d == nil || d.Name != "flac" {
			t.Errorf("Lookup(%q) = %v", key, d)
		}
	}
	for _, c := range []struct {
		name string
		src  audio.Source
		want string
	}{
		{"empty", audio.NewBytesSource(nil), "the file is empty"},
		{"text", audio.NewBytesSource([]byte(strings.Repeat("plain text, not audio. ", 100))), "unrecognised header"},
		{"binary", audio.NewBytesSource([]byte("\x00\x01\x02\x03 some binary data")), "unrecognised header"},
		{"read error", failing{}, "the file was changed on disk"},
	} {
		_, err := codecs.Open(c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error mentioning %q", c.name, err, c.want)
		}
		if c.name != "read error" && !errors.Is(err, codecs.ErrUnknownFormat) {
			t.Errorf("%s: %v is not ErrUnknownFormat", c.name, err)
		}
	}
}

// TestRegistry: every format declares itself completely, names and
// extensions are unique, and Lookup finds each by name, extension and MIME.
func TestRegistry(t *testing.T) {
	names := map[string]bool{}
	exts := map[string]string{}
	for _, d := range codecs.All {
		if d.Name == "" || d.Label == "" || len(d.Extensions) == 0 || len(d.MIME) == 0 {
			t.Errorf("%+v: incomplete declaration", d)
		}
		if d.Open != nil && d.Sniff == nil {
			t.Errorf("%s reads but has no sniffer", d.Name)
		}
		if names[d.Name] {
			t.Errorf("two formats are named %s", d.Name)
		}
		names[d.Name] = true
		for _, e := range d.Extensions {
			if other, ok := exts[e]; ok {
				t.Errorf(".%s is claimed by %s and %s", e, other, d.Name)
			}
			exts[e] = d.Name
			if got := codecs.Lookup("song." + strings.ToUpper(e)); got != d {
				t.Errorf("Lookup(song.%s) = %v, want %s", e, got, d.Name)
			}
		}
		if got := codecs.Lookup(d.Name); got != d {
			t.Errorf("Lookup(%s) = %v", d.Name, got)
		}
		if got := codecs.Lookup(d.MIME[0] + "; codecs=x"); got == nil {
			t.Errorf("Lookup(%s) found nothing", d.MIME[0])
		}
		if w := d.Write; w != nil {
			for _, o := range w.Options {
				if _, err := w.Settings(map[string]string{o.Name: o.Default}); err != nil {
					t.Errorf("%s option %s: its default %q is refused: %v", d.Name, o.Name, o.Default, err)
				}
			}
			if _, err := w.Settings(map[string]string{"no-such-option": "1"}); err == nil {
				t.Errorf("%s accepts an unknown option", d.Name)
			}
		}
	}
	if codecs.Lookup("x.doc") != nil || codecs.Lookup("") != nil {
		t.Error("Lookup found a format for an unknown key")
	}
	if got := codecs.WriterNames(); len(got) == 0 || got[0] != "wav" {
		t.Errorf("WriterNames() = %v", got)
	}
}

// FuzzSniff: no sniffer panics, and codecs.Open of anything gives a decoder
// or an error.
func FuzzSniff(f *testing.F) {
	f.Add([]byte("RIFF\x24\x00\x00\x00WAVEfmt "))
	f.Add([]byte("ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x00"))
	f.Add([]byte("fLaC\x00\x00\x00\x22"))
	f.Add([]byte("OggS\x00\x02"))
	f.Add([]byte("\x00\x00\x00\x20ftypM4A "))
	f.Add([]byte("FORM\x00\x00\x00\x00AIFF"))
	f.Add([]byte("\x1a\x45\xdf\xa3"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, d := range codecs.All {
			if d.Sniff != nil {
				d.Sniff(b)
			}
		}
		dec, err := codecs.Open(audio.NewBytesSource(b))
		if err == nil && dec.Info().Frames < 0 {
			t.Fatalf("opened with %d frames", dec.Info().Frames)
		}
	})
}

// TestPresets: every preset names a format that writes, with options and
// a sample format that format accepts.
func TestPresets(t *testing.T) {
	for _, p := range codecs.Presets {
		d := codecs.Lookup(p.Format)
		if d == nil || d.Write == nil || d.Name != p.Format {
			t.Errorf("preset %s: format %q does not write", p.Name, p.Format)
			continue
		}
		if _, err := d.Write.Settings(p.Options); err != nil {
			t.Errorf("preset %s: %v", p.Name, err)
		}
		if p.SampleFormat != "" && d.Write.SampleFormats == nil {
			t.Errorf("preset %s: %s has no sample format", p.Name, d.Name)
		}
		if codecs.LookupPreset(p.Name) == nil || p.Label == "" {
			t.Errorf("preset %s: not found by name or no label", p.Name)
		}
	}
}
