package mp4_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec"
	"offcut/audio/codec/mp4"
	"offcut/audio/project"
)

func seeds(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	for _, n := range []string{"tiny-alac.m4a", "tiny-aac.m4a", "tiny-alac24v.m4a"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = b
	}
	// One of the writer's own files: edit list, iTunSMPB, tags, cover.
	src := audiotest.WAV(audio.Format{Rate: 8000, Channels: 1, Bits: 16}, audiotest.Signal(1600, 1, 8000, 2))
	doc := project.Keep(0, 1600)
	doc.Output.Container = "m4a"
	title := "seed"
	doc.Output.Tags = &project.Tags{Title: &title}
	out["writer.m4a"], _ = renderM4A(t, doc, src)
	return out
}

// FuzzDecode opens and decodes arbitrary bytes (the box walk, the sample
// tables and the ALAC decoder), seeded with the writer's output too: errors are fine, panics, hangs and large
// allocations are not. Crashers are kept under testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	for _, b := range seeds(f) {
		f.Add(b)
	}
	f.Fuzz(fuzzOne)
}

func fuzzOne(t *testing.T, b []byte) {
	{
		d, err := mp4.Open(audio.NewBytesSource(b))
		if err != nil {
			return
		}
		i := d.Info()
		if i.Frames <= 0 {
			t.Fatalf("opened with %d frames", i.Frames)
		}
		s, err := d.Stream(0, i.Frames)
		if err != nil {
			return // AAC without a decoder
		}
		buf := make([]float32, 4096*i.Format.Channels)
		var n int64
		for {
			k, err := s.Read(buf)
			n += int64(k)
			if err != nil {
				break
			}
		}
		if n > i.Frames {
			t.Fatalf("decoded %d frames, Info says %d", n, i.Frames)
		}
	}
}

// box finds the first box of type typ in b (searching nested boxes by
// their type bytes) and returns the offset of its size field.
func box(t *testing.T, b []byte, typ string) int {
	i := bytes.Index(b, []byte(typ))
	if i < 4 {
		t.Fatalf("no %s box", typ)
	}
	return i - 4
}

// TestHostileTables patches the sample tables of a real file to claim huge
// counts: each open fails cheaply with ErrMalformed, allocating < 16 MB.
func TestHostileTables(t *testing.T) {
	orig := seeds(t)["tiny-alac.m4a"]
	for _, c := range []struct {
		name string
		box  string
		at   int // offset of the count after the box header
	}{
		{"stsz 2^32-1 samples", "stsz", 16},
		{"stco 2^32-1 chunks", "stco", 12},
		{"stsc 2^32-1 entries", "stsc", 12},
		{"stts 2^32-1 entries", "stts", 12},
		{"stsz 2^24 samples", "stsz", 16},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := bytes.Clone(orig)
			v := uint32(0xFFFFFFFF)
			if c.name == "stsz 2^24 samples" {
				v = mp4.MaxSamples
			}
			binary.BigEndian.PutUint32(b[box(t, b, c.box)+c.at:], v)
			var err error
			if a := allocBytes(func() { _, err = mp4.Open(audio.NewBytesSource(b)) }); a > 16<<20 {
				t.Errorf("allocated %d bytes", a)
			}
			if !errors.Is(err, codec.ErrMalformed) {
				t.Errorf("err = %v, want ErrMalformed", err)
			}
		})
	}
	// A moov claiming 4 GB, and a sample size of 4 GB.
	b := bytes.Clone(orig)
	binary.BigEndian.PutUint32(b[box(t, b, "moov"):], 0xFFFFFFF0)
	if _, err := mp4.Open(audio.NewBytesSource(b)); !errors.Is(err, codec.ErrMalformed) {
		t.Errorf("moov of 4 GB: err = %v, want ErrMalformed", err)
	}
	b = bytes.Clone(orig)
	binary.BigEndian.PutUint32(b[box(t, b, "stsz")+20:], 0xFFFFFFF0) // the first sample
	d, err := mp4.Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.Stream(0, d.Info().Frames)
	if err != nil {
		t.Fatal(err)
	}
	var rerr error
	if a := allocBytes(func() { _, rerr = io.ReadAll(&streamReader{s}) }); a > 16<<20 {
		t.Errorf("a 4 GB access unit allocated %d bytes", a)
	}
	if !errors.Is(rerr, codec.ErrMalformed) {
		t.Errorf("a 4 GB access unit: err = %v, want ErrMalformed", rerr)
	}
}

// streamReader reads a stream to its end as an io.Reader of nothing.
type streamReader struct{ s audio.Stream }

func (r *streamReader) Read(p []byte) (int, error) {
	buf := make([]float32, 1024*r.s.Channels())
	if _, err := r.s.Read(buf); err != nil {
		return 0, err
	}
	return 0, nil
}

// TestHostileMP3Count: an MP3 track whose stsz claims 2^32-1 samples of
// one size must fail before anything is allocated per sample (the MP3
// reader keeps an offset per access unit).
func TestHostileMP3Count(t *testing.T) {
	b := bytes.Clone(seeds(t)["tiny-aac.m4a"])
	i := box(t, b, "esds")
	if j := bytes.IndexByte(b[i:], 0x40); j > 0 { // objectTypeIndication: AAC -> MP3
		b[i+j] = 0x6B
	}
	s := box(t, b, "stsz")
	binary.BigEndian.PutUint32(b[s+12:], 100)
	binary.BigEndian.PutUint32(b[s+16:], 0xFFFFFFFF)
	c := box(t, b, "stsc") // one chunk run of 2^32-1 samples
	binary.BigEndian.PutUint32(b[c+12:], 1)
	binary.BigEndian.PutUint32(b[c+20:], 0xFFFFFFFF)
	d := box(t, b, "stts") // one duration run of 2^32-1 samples
	binary.BigEndian.PutUint32(b[d+12:], 1)
	binary.BigEndian.PutUint32(b[d+16:], 0xFFFFFFFF)
	var err error
	if a := allocBytes(func() { _, err = mp4.Open(audio.NewBytesSource(b)) }); a > 16<<20 {
		t.Errorf("allocated %d bytes", a)
	}
	if !errors.Is(err, codec.ErrMalformed) || !strings.Contains(err.Error(), "stsz claims") {
		t.Errorf("err = %v, want ErrMalformed about stsz", err)
	}
}
