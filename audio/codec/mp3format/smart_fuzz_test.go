package mp3format_test

import (
	"bytes"
	"encoding/binary"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/lame"
	"offcut/audio/codec/mp3"
	"offcut/audio/codec/mp3edit"
	"offcut/audio/codec/mp3format"
)

// FuzzSmartPlan plans removes and joins with re-encoded junctions over
// arbitrary files: a clear error, or an output written in exactly the
// planned size that opens as MP3 with the declared length. It exercises the
// junction layout, the decode of the stretch, the window checks (side
// information of hostile frames) and the main-data repacking; the
// estimated plan (Options.Estimate) must announce the written length.
func FuzzSmartPlan(f *testing.F) {
	zero := func(h uint32, size, n int) []byte {
		var b []byte
		for range n {
			fr := make([]byte, size)
			binary.BigEndian.PutUint32(fr, h)
			b = append(b, fr...)
		}
		return b
	}
	f.Add(zero(0xfffb9064, 417, 40), uint32(9000), uint32(20000), uint32(3000))
	f.Add(zero(0xfff39064, 209, 60), uint32(5000), uint32(9000), uint32(100)) // MPEG-2
	var real bytes.Buffer
	x := audiotest.Music(44100, 2, 44100, 2)
	if _, err := lame.Write(&real, audio.Samples(44100, 2, x), lame.Options{Bitrate: 96}); err == nil {
		f.Add(real.Bytes(), uint32(10000), uint32(25000), uint32(7))
	}
	f.Fuzz(func(t *testing.T, b []byte, cut, resume, join uint32) {
		src := audio.NewBytesSource(b)
		in, err := mp3edit.Open(0, src)
		if err != nil {
			return
		}
		n := in.Frames()
		if n < 2 {
			return
		}
		a, z := int64(cut)%n, int64(resume)%n
		if a == 0 || z <= a {
			a, z = n/3, 2*n/3
		}
		j := int64(join) % n
		for _, pieces := range [][]mp3edit.Piece{
			{{In: in, From: 0, To: a}, {In: in, From: z, To: n}},
			{{In: in, From: j, To: n}, {In: in, From: 0, To: n}},
		} {
			est, errEst := mp3edit.Plan(pieces, mp3edit.Options{Reencode: mp3format.Reencode, Estimate: true})
			res, err := mp3edit.Plan(pieces, mp3edit.Options{Reencode: mp3format.Reencode})
			if err != nil {
				continue
			}
			// The editor's estimate announces the same length.
			if errEst != nil || est.Frames != res.Frames {
				t.Fatalf("the estimated plan gives %v (%v), the written one %d samples", est, errEst, res.Frames)
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
				t.Fatalf("the output decodes to %d samples, %d declared", d.Info().Frames, res.Frames)
			}
		}
	})
}
