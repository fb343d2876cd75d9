package project_test

import (
	"bytes"
	"encoding/binary"
	"testing"

	"offcut/audio"
	"offcut/audio/codecs"
	"offcut/audio/project"
)

// hostileWAV is 8 kHz mono 16-bit with n frames, then a metadata chunk
// (LIST, bext, iXML, id3, axml) holding payload and claiming declared
// bytes (its real size when declared is 0): a chunk that may claim more
// than the file has. Not audiotest.WAV: the file is deliberately
// malformed.
func hostileWAV(n int, id uint8, payload []byte, declared uint32) []byte {
	ids := []string{"LIST", "bext", "iXML", "id3 ", "ID3 ", "axml"}
	var b []byte
	b = append(b, "RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(2*n))
	for i := range n {
		b = binary.LittleEndian.AppendUint16(b, uint16(i*97))
	}
	b = append(b, ids[int(id)%len(ids)]...)
	size := uint32(len(payload))
	if declared != 0 {
		size = declared
	}
	b = binary.LittleEndian.AppendUint32(b, size)
	b = append(b, payload...)
	if len(payload)%2 == 1 {
		b = append(b, 0)
	}
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

// FuzzRenderMP3 renders documents over an MP3 source (fuzzed bytes) and a
// WAV whose metadata chunk is fuzzed, to WAV or to MP3 (lossless): a clear
// error, or an output of exactly the planned size, never a panic.
func FuzzRenderMP3(f *testing.F) {
	frame := make([]byte, 417)
	binary.BigEndian.PutUint32(frame, 0xfffb9064)
	mp3 := bytes.Repeat(frame, 8)
	bext := make([]byte, 602)
	copy(bext, "description")
	f.Add([]byte(`{"version":1,"clips":[{"source":1,"in":100,"out":5000}],"output":{"container":"mp3"}}`), mp3, uint8(1), bext, uint32(0))
	f.Add([]byte(`{"version":1,"clips":[{"source":1,"in":0,"out":3000,"gain":-3,"fadeIn":{"length":500}},{"source":1,"in":4000,"out":7000}],"output":{"container":"mp3","tags":{"title":"x"}}}`), mp3, uint8(0), []byte("INFOINAM\x05\x00\x00\x00hello\x00"), uint32(0))
	f.Add([]byte(`{"version":1,"clips":[{"source":0,"in":10,"out":300},{"source":1,"in":0,"out":2000}],"joins":[{"type":"crossfade","length":50}],"output":{"sampleRate":8000,"channels":1}}`), mp3, uint8(1), bext, uint32(0xffffff00))
	f.Add([]byte(`{"version":1,"clips":[{"source":0,"in":0,"out":400,"gain":-1}]}`), mp3, uint8(2), []byte("<xml/>"), uint32(1<<30))
	// A remove on a longer stream: the junction's frames are re-encoded.
	f.Add([]byte(`{"version":1,"clips":[{"source":1,"in":0,"out":20000},{"source":1,"in":26000,"out":45000}],"output":{"container":"mp3"}}`), bytes.Repeat(frame, 40), uint8(1), bext, uint32(0))
	// A crossfade and a gap as MP3: re-encoded with the junction.
	f.Add([]byte(`{"version":1,"clips":[{"source":1,"in":0,"out":20000},{"source":1,"in":22000,"out":45000}],"joins":[{"type":"crossfade","length":3000,"curve":"s-curve"}],"output":{"container":"mp3"}}`), bytes.Repeat(frame, 40), uint8(1), bext, uint32(0))
	f.Add([]byte(`{"version":1,"clips":[{"source":1,"in":0,"out":20000},{"source":1,"in":20000,"out":45000}],"joins":[{"type":"gap","length":777}],"output":{"container":"mp3"}}`), bytes.Repeat(frame, 40), uint8(1), bext, uint32(0))
	f.Fuzz(func(t *testing.T, doc, mp3 []byte, id uint8, payload []byte, declared uint32) {
		d, err := project.Parse(doc)
		if err != nil {
			return
		}
		wav := hostileWAV(400, id, payload, declared)
		srcs := []audio.Source{audio.NewBytesSource(wav), audio.NewBytesSource(mp3)}
		var decs []audio.Decoder
		for _, s := range srcs {
			dec, err := codecs.Open(s)
			if err != nil {
				return
			}
			decs = append(decs, dec)
		}
		limit := project.Options{Progress: func(done, _ int64) bool { return done < 1<<20 }}
		res, err := project.Render(d, decs, limit)
		if err != nil || res.Plan.Size() > 4<<20 {
			return
		}
		var buf bytes.Buffer
		if _, err := res.Plan.WriteTo(&buf, srcs, nil); err != nil {
			t.Fatalf("writing a planned render: %v", err)
		}
		if int64(buf.Len()) != res.Plan.Size() {
			t.Fatalf("wrote %d bytes, planned %d", buf.Len(), res.Plan.Size())
		}
		if out, err := codecs.Open(audio.NewBytesSource(buf.Bytes())); err != nil {
			t.Fatalf("the %s output does not open: %v", res.Container, err)
		} else if out.Info().Frames != res.Frames {
			t.Fatalf("the %s output has %d frames, the render says %d", res.Container, out.Info().Frames, res.Frames)
		}
	})
}
