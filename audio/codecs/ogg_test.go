package codecs_test

import (
	"os"
	"path/filepath"
	"testing"

	"offcut/audio"
	"offcut/audio/codecs"
)

// TestOggSniff opens the Ogg fixtures through the registry: the sniffers
// tell Vorbis from Opus by the first packet.
func TestOggSniff(t *testing.T) {
	for _, c := range []struct{ file, name, codec string }{
		{"vorbis/testdata/sine.ogg", "vorbis", "vorbis"},
		{"opus/testdata/sine.opus", "opus", "opus"},
	} {
		b, err := os.ReadFile(filepath.Join("..", "codec", c.file))
		if err != nil {
			t.Fatal(err)
		}
		src := audio.NewBytesSource(b)
		d, err := codecs.Sniff(src)
		if err != nil || d == nil || d.Name != c.name {
			t.Fatalf("%s: sniffed %v, %v; want %s", c.file, d, err, c.name)
		}
		dec, err := codecs.Open(src)
		if err != nil || dec.Info().Codec != c.codec {
			t.Fatalf("%s: %v", c.file, err)
		}
	}
	for _, k := range []string{"x.ogg", "audio/ogg", "x.opus", "audio/opus", "x.webm", "video/webm", "x.mka"} {
		if codecs.Lookup(k) == nil {
			t.Errorf("Lookup(%q) = nil", k)
		}
	}
}
