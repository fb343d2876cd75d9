package mp3edit_test

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"offcut/audio"
	"offcut/audio/codec/mp3"
	"offcut/audio/codec/mp3edit"
)

// fuzzFrames is n zeroed frames with header h (silent granules).
func fuzzFrames(h uint32, size, n int) []byte {
	var b []byte
	for range n {
		f := make([]byte, size)
		binary.BigEndian.PutUint32(f, h)
		b = append(b, f...)
	}
	return b
}

// FuzzPlan plans lossless edits (a cut with gain and fades, and a join of
// two cuts) of arbitrary files: a clear error, or an output that opens as
// MP3 with the length the plan declares, written in exactly the planned
// size. It exercises the frame planning, the synthetic reservoir frames,
// the Info/LAME header rewriting and the global_gain rewriting.
func FuzzPlan(f *testing.F) {
	plain := fuzzFrames(0xfffb9064, 417, 12)
	f.Add(plain, uint32(0), uint32(5000), int8(0), uint16(0), uint16(0))
	f.Add(plain, uint32(1000), uint32(9000), int8(-8), uint16(1152), uint16(300))
	tagged := fuzzFrames(0xfffb9064, 417, 14)
	copy(tagged[36:], "Info\x00\x00\x00\x0f\x00\x00\x00\x0d\x00\x00\x16\xa6")
	copy(tagged[36+120:], "LAME3.100")
	tagged[36+120+21], tagged[36+120+22], tagged[36+120+23] = 0x24, 0x01, 0x20 // delay 576, padding 288
	f.Add(tagged, uint32(10), uint32(12000), int8(3), uint16(0), uint16(2000))
	f.Add(fuzzFrames(0xfff39064, 209, 20), uint32(100), uint32(4000), int8(0), uint16(500), uint16(0)) // MPEG-2
	if b, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "shared", "conformance", "mp3", "l3-compl.bit")); err == nil {
		f.Add(b[:min(len(b), 16384)], uint32(3000), uint32(20000), int8(-2), uint16(100), uint16(100))
	}
	f.Fuzz(func(t *testing.T, b []byte, from, to uint32, gain int8, fadeIn, fadeOut uint16) {
		src := audio.NewBytesSource(b)
		in, err := mp3edit.Open(0, src)
		if err != nil {
			return
		}
		n := in.Frames()
		if n == 0 {
			return
		}
		a, z := int64(from)%n, int64(to)%(n+1)
		if z <= a {
			a, z = 0, n
		}
		p := mp3edit.Piece{In: in, From: a, To: z, Gain: float64(gain) / 2,
			FadeIn: min(int64(fadeIn), z-a), FadeOut: min(int64(fadeOut), z-a)}
		for _, pieces := range [][]mp3edit.Piece{{p}, {p, {In: in, From: 0, To: n}}} {
			res, err := mp3edit.Plan(pieces, mp3edit.Options{})
			if err != nil {
				continue
			}
			var out bytes.Buffer
			if _, err := res.Plan.WriteTo(&out, []audio.Source{src}, nil); err != nil {
				t.Fatalf("writing a planned edit: %v", err)
			}
			if int64(out.Len()) != res.Plan.Size() {
				t.Fatalf("wrote %d bytes, planned %d", out.Len(), res.Plan.Size())
			}
			d, err := mp3.Open(audio.NewBytesSource(out.Bytes()))
			if err != nil {
				t.Fatalf("the output does not open: %v", err)
			}
			if d.Info().Frames != res.Frames {
				t.Fatalf("the output decodes to %d samples, the plan declares %d", d.Info().Frames, res.Frames)
			}
		}
	})
}
