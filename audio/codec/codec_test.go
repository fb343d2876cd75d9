package codec_test

import (
	"testing"

	"offcut/audio/codec"
)

// TestLossy: the probe's lossy flag and label for the codecs the readers
// name.
func TestLossy(t *testing.T) {
	for _, c := range []struct {
		name, label string
		lossy       bool
	}{
		{"pcm_s16le", "PCM", false}, {"pcm_f32le", "PCM", false}, {"flac", "FLAC", false}, {"alac", "ALAC", false},
		{"mp3", "MP3", true}, {"aac", "AAC", true}, {"vorbis", "Vorbis", true}, {"opus", "Opus", true}, {"", "", false},
	} {
		if got := codec.Lossy(c.name); got != c.lossy {
			t.Errorf("Lossy(%q) = %v", c.name, got)
		}
		if got := codec.CodecLabel(c.name); got != c.label {
			t.Errorf("CodecLabel(%q) = %q, want %q", c.name, got, c.label)
		}
	}
}
