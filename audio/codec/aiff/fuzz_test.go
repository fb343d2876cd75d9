package aiff_test

import (
	"io"
	"testing"

	"offcut/audio"
	"offcut/audio/codec/aiff"
)

// FuzzDecode opens and decodes arbitrary bytes: errors are fine, panics,
// hangs and large allocations are not. Crashers found are kept under
// testdata/fuzz/FuzzDecode and rerun by go test.
func FuzzDecode(f *testing.F) {
	f.Add(build("AIFF", "", 2, 16, 4, rate8k, make([]byte, 16)))
	f.Add(build("AIFF", "", 1, 24, 3, rate8k, make([]byte, 9)))
	f.Add(build("AIFC", "sowt", 2, 16, 4, rate8k, make([]byte, 16)))
	f.Add(build("AIFC", "fl32", 1, 32, 4, rate8k, make([]byte, 16)))
	f.Add(build("AIFC", "fl64", 1, 64, 2, rate8k, make([]byte, 16)))
	f.Add(build("AIFC", "raw ", 1, 8, 4, rate8k, make([]byte, 4)))
	// As the writer lays files out: text chunks, SSND, an ID3 chunk.
	for _, fm := range []audio.Format{{Rate: 8000, Channels: 1, Bits: 8}, {Rate: 8000, Channels: 2, Bits: 64, Float: true}} {
		id3 := aiff.Chunk8("ID3 ", []byte("ID3\x04\x00\x00\x00\x00\x00\x0fTIT2\x00\x00\x00\x02\x00\x00\x03x"))
		h, _ := aiff.Header(fm, 3, aiff.HeaderOptions{Tags: map[string]string{"title": "odd", "artist": "ab"}, TailBytes: int64(len(id3))})
		b := append(h, make([]byte, 3*fm.BytesPerFrame())...)
		if len(b)%2 == 1 {
			b = append(b, 0)
		}
		f.Add(append(b, id3...))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := aiff.OpenDecoder(audio.NewBytesSource(b))
		if err != nil {
			return
		}
		i := d.Info()
		if i.Frames < 0 || i.Frames*int64(i.Format.BytesPerFrame()) > int64(len(b)) {
			t.Fatalf("%d frames of %d bytes claimed in a %d-byte file", i.Frames, i.Format.BytesPerFrame(), len(b))
		}
		s, err := d.Stream(0, i.Frames)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]float32, 1024*i.Format.Channels)
		var n int64
		for {
			k, err := s.Read(buf)
			n += int64(k)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("decoding a file that opened: %v", err)
			}
		}
		if n != i.Frames {
			t.Fatalf("decoded %d frames, Info says %d", n, i.Frames)
		}
	})
}
