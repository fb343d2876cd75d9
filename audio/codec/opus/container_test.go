package opus

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec"
	"offcut/audio/codec/ogg"
)

// pages splits an Ogg file into its pages.
func pages(t *testing.T, b []byte) [][]byte {
	t.Helper()
	r := ogg.NewReader(audio.NewBytesSource(b))
	var out [][]byte
	for off := int64(0); off < int64(len(b)); {
		p, err := r.ReadPage(off)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b[off:off+int64(p.Len)])
		off += int64(p.Len)
	}
	return out
}

// TestMultiplexed interleaves the pages of two Opus files (different
// serial numbers) into one multiplexed file: the first stream decodes as
// it does alone.
func TestMultiplexed(t *testing.T) {
	a := encode(t, 48000, 2, 30000, "--bitrate", "64", "--serial", "1")
	b := encode(t, 16000, 1, 20000, "--bitrate", "16", "--serial", "2")
	pa, pb := pages(t, a), pages(t, b)
	mux := append(append([]byte(nil), pa[0]...), pb[0]...) // BOS pages first
	for i := 1; i < max(len(pa), len(pb)); i++ {
		if i < len(pb) {
			mux = append(mux, pb[i]...)
		}
		if i < len(pa) {
			mux = append(mux, pa[i]...)
		}
	}
	_, want := decodeAll(t, a)
	_, got := decodeAll(t, mux)
	if !equal(got, want) {
		t.Fatalf("multiplexed decode differs from the stream alone (%d vs %d samples)", len(got), len(want))
	}
	audiotest.CheckDecoder(t, audiotest.DecoderCase{
		Open: func(src audio.Source) (audio.Decoder, error) { return Open(src) },
		File: mux, Want: want, Seeks: 3,
	})
	// Chained: one file after the other.
	_, err := Open(audio.NewBytesSource(append(append([]byte(nil), a...), b...)))
	if !errors.Is(err, codec.ErrUnsupported) || !strings.Contains(err.Error(), "chained Ogg streams") {
		t.Errorf("chained file: %v", err)
	}
}

func equal(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPicture embeds a PNG with opusenc --picture and finds it in Info.
func TestPicture(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	pic := filepath.Join(t.TempDir(), "cover.png")
	if err := os.WriteFile(pic, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	file := encode(t, 48000, 1, 4800, "--picture", pic, "--title", "Opus titel")
	d, err := Open(audio.NewBytesSource(file))
	if err != nil {
		t.Fatal(err)
	}
	info := d.Info()
	if info.Tags["title"] != "Opus titel" {
		t.Errorf("tags %v", info.Tags)
	}
	if len(info.Pictures) != 1 || info.Pictures[0].MIME != "image/png" || !bytes.Equal(info.Pictures[0].Data, buf.Bytes()) || info.Pictures[0].Type != 3 {
		t.Errorf("pictures %+v", info.Pictures)
	}
}

// TestHugeTags replaces OpusTags with one claiming a 4 GB vendor string:
// the file opens with a warning, allocating under 16 MB.
func TestHugeTags(t *testing.T) {
	audiotest.Tool(t, "opusenc")
	file := encode(t, 48000, 1, 4800)
	ps := pages(t, file)
	tags := []byte("OpusTags\xf0\xff\xff\xff")
	p := make([]byte, 28, 28+len(tags))
	copy(p, ps[1][:27])
	p[26] = 1
	p[27] = byte(len(tags))
	p = append(p, tags...)
	binary.LittleEndian.PutUint32(p[22:], 0)
	binary.LittleEndian.PutUint32(p[22:], crc(p))
	var f []byte
	f = append(f, ps[0]...)
	f = append(f, p...)
	for _, q := range ps[2:] {
		f = append(f, q...)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, err := Open(audio.NewBytesSource(f))
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Info().Warnings) == 0 {
		t.Errorf("no warning for a broken OpusTags")
	}
	if a := after.TotalAlloc - before.TotalAlloc; a > 16<<20 {
		t.Errorf("allocated %d bytes", a)
	}
}

func crc(b []byte) uint32 {
	var c uint32
	for _, x := range b {
		c ^= uint32(x) << 24
		for range 8 {
			if c&0x80000000 != 0 {
				c = c<<1 ^ 0x04c11db7
			} else {
				c <<= 1
			}
		}
	}
	return c
}
