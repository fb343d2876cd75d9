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
		for _, b := range [][]byte{b, append([]byte("ID3\x04\x00\x00\x00\x00\x00\x03abc"), b...)} {
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
