package mp3

import (
	"errors"
	"io"
	"strings"
	"testing"

	"offcut/audio"
)

func TestNoFrames(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("small"), make([]byte, 5000), []byte("ID3\x03\x00\x00\x00\x00\x00\x10")} {
		_, err := Open(audio.NewBytesSource(b))
		if !errors.Is(err, ErrNoFrames) || !errors.Is(err, audio.ErrFormat) {
			t.Errorf("%d bytes: %v, want ErrNoFrames wrapping audio.ErrFormat", len(b), err)
		}
	}
}

func TestTruncatedLastFrame(t *testing.T) {
	b := silentFrames(0xfffb9064, 12)
	b = b[:len(b)-100]
	d, err := OpenRaw(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Info().Frames; got != 11*1152 {
		t.Errorf("Frames = %d, want %d", got, 11*1152)
	}
	if w := strings.Join(d.Info().Warnings, "\n"); !strings.Contains(w, "truncated") {
		t.Errorf("warnings %q do not mention the truncation", w)
	}
}

func TestResyncAfterJunk(t *testing.T) {
	good := silentFrames(0xfffb9064, 12)
	junk := []byte(strings.Repeat("\xff\xfbjunk\x00", 40))
	b := append(append(append(append([]byte("leading junk"), good...), junk...), good...), []byte("TAG")...)
	d, err := OpenRaw(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	lay := d.Layout()
	// The frame before the junk is lost: a frame is only taken when a
	// compatible header follows it (as the reference decoder does).
	if lay.Len() != 23 {
		t.Fatalf("found %d frames, want 23 (warnings %q)", lay.Len(), lay.Warnings)
	}
	if !lay.Frame(11).Reset {
		t.Error("the frame after the junk does not restart the decoder")
	}
	if w := strings.Join(lay.Warnings, "\n"); !strings.Contains(w, "skipped") {
		t.Errorf("warnings %q do not mention the skipped bytes", w)
	}
}

// shrinking is a Source that claims more bytes than it can deliver.
type shrinking struct {
	audio.Source
	real int64
}

func (s shrinking) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.real {
		return 0, io.EOF
	}
	if off+int64(len(p)) > s.real {
		n, _ := s.Source.ReadAt(p[:s.real-off], off)
		return n, io.EOF
	}
	return s.Source.ReadAt(p, off)
}

func TestSourceShrinks(t *testing.T) {
	b := silentFrames(0xfffb9064, 40)
	src := audio.NewBytesSource(b)
	d, err := OpenRaw(src)
	if err != nil {
		t.Fatal(err)
	}
	d.src = shrinking{src, int64(len(b) / 2)}
	s, err := d.Stream(0, d.Info().Frames)
	if err != nil {
		t.Fatal(err)
	}
	_, err = decodeAll(s)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
	}
	if !strings.Contains(err.Error(), "frame") || !strings.Contains(err.Error(), "byte") {
		t.Errorf("error %q does not say where", err)
	}
}

func TestFreeFormatAndLayers(t *testing.T) {
	// MPEG-2 layer III mono, layer II and layer I streams of silence decode
	// to the right lengths.
	for _, tc := range []struct {
		h    uint32
		n    int
		want int64
	}{
		{0xfff390c4, 10, 10*576 - 529},
		{0xfffd90c4, 10, 10 * 1152},
		{0xffff90c4, 10, 10 * 384},
	} {
		d, err := Open(audio.NewBytesSource(silentFrames(tc.h, tc.n)))
		if err != nil {
			t.Fatalf("%08x: %v", tc.h, err)
		}
		if got := d.Info().Frames; got != tc.want {
			t.Errorf("%08x: Frames = %d, want %d", tc.h, got, tc.want)
		}
		s, _ := d.Stream(0, d.Info().Frames)
		readContract(t, s, 100)
	}
}

func TestTags(t *testing.T) {
	// ID3v2.3 with TIT2 "Song", then frames, then ID3v1 with an artist
	title := []byte("TIT2\x00\x00\x00\x05\x00\x00\x00Song")
	v2 := append([]byte{'I', 'D', '3', 3, 0, 0, 0, 0, 0, byte(len(title))}, title...)
	v1 := make([]byte, 128)
	copy(v1, "TAG")
	copy(v1[3:], "Other title")
	copy(v1[33:], "Artist")
	b := append(append(v2, silentFrames(0xfffb9064, 5)...), v1...)
	d, err := Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	tags := d.Info().Tags
	if tags["title"] != "Song" || tags["artist"] != "Artist" {
		t.Errorf("tags %v, want title Song (ID3v2 wins) and artist Artist (ID3v1)", tags)
	}
	if got := d.Info().Frames; got != 5*1152-529 {
		t.Errorf("Frames = %d, want %d", got, 5*1152-529)
	}
}
