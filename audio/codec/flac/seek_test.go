package flac

import (
	"path/filepath"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
)

// TestSeekConformance checks sample-exact seeking on conformance files of
// every blocking kind: fixed, variable (flake, CUETools), old-style
// variable with frame numbers, without total samples, with odd block sizes.
func TestSeekConformance(t *testing.T) {
	dir := conformanceDir(t, "subset")
	for _, name := range []string{
		"01 - blocksize 4096.flac",
		"07 - blocksize 725.flac",
		"03 - blocksize 16.flac",
		"24 - variable blocksize file created with flake revision 264.flac",
		"26 - variable blocksize file created with CUETools.Flake 2.1.6.flac",
		"27 - old format variable blocksize file created with Flake 0.11.flac",
		"45 - no total number of samples set.flac",
		"41 - 6 channels (5.1).flac",
		"56 - JPG PICTURE.flac",
	} {
		t.Run(name, func(t *testing.T) {
			src, err := audio.OpenFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			d, err := Open(src)
			if err != nil {
				t.Fatal(err)
			}
			n := d.Info().Frames
			ch := int64(d.Info().Format.Channels)
			s, err := d.Stream(0, n)
			if err != nil {
				t.Fatal(err)
			}
			all := audiotest.ReadAll(t, s)
			for i := int64(0); i < 24; i++ {
				from := (n * (2*i + 1) * 7919 / 49) % n
				to := min(n, from+5000)
				s, err := d.Stream(from, to)
				if err != nil {
					t.Fatal(err)
				}
				got := audiotest.ReadAll(t, s)
				want := all[from*ch : to*ch]
				if len(got) != len(want) {
					t.Fatalf("Stream(%d, %d): %d samples, want %d", from, to, len(got), len(want))
				}
				for k := range got {
					if got[k] != want[k] {
						t.Fatalf("Stream(%d, %d): sample %d = %v, want %v", from, to, k, got[k], want[k])
					}
				}
			}
		})
	}
}

// TestMetadata reads tags and pictures.
func TestMetadata(t *testing.T) {
	dir := conformanceDir(t, "subset")
	for _, c := range []struct {
		name, mime string
	}{
		{"56 - JPG PICTURE.flac", "image/jpeg"},
		{"57 - PNG PICTURE.flac", "image/png"},
		{"58 - GIF PICTURE.flac", "image/gif"},
		{"59 - AVIF PICTURE.flac", "image/avif"},
	} {
		src, err := audio.OpenFile(filepath.Join(dir, c.name))
		if err != nil {
			t.Fatal(err)
		}
		d, err := Open(src)
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		info := d.Info()
		if len(info.Pictures) != 1 || info.Pictures[0].MIME != c.mime || int64(len(info.Pictures[0].Data)) != info.Pictures[0].Size || info.Pictures[0].Size == 0 {
			t.Errorf("%s: pictures %+v, want one %s", c.name, info.Pictures, c.mime)
		}
		if info.Container != "flac" || info.Codec != "flac" {
			t.Errorf("%s: container %q codec %q", c.name, info.Container, info.Codec)
		}
	}
}
