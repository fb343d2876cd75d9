package wav_test

import (
	"io"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/wav"
)

// FuzzOpen opens and decodes arbitrary bytes: errors are fine, panics,
// hangs and large allocations are not. Crashers found are kept under
// testdata/fuzz/FuzzOpen and rerun by go test.
func FuzzOpen(f *testing.F) {
	for _, fm := range formats {
		f.Add(audiotest.WAV(fm, audiotest.Signal(5, fm.Channels, fm.Rate, 1)))
	}
	pcm16 := fmtChunk(1, 2, 44100, 4, 16)
	f.Add(riff(pcm16, info("INAM", "x", "IART", "y"), chunk("data", make([]byte, 8))))
	f.Add(riff(pcm16, append([]byte("data\xff\xff\xff\xff"), make([]byte, 8)...)))
	hdr, _ := wav.Header(audio.Format{Rate: 8000, Channels: 1, Bits: 16}, 4, wav.HeaderOptions{ForceRF64: true})
	f.Add(append(hdr, make([]byte, 8)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := wav.Open(audio.NewBytesSource(b))
		if err != nil {
			return
		}
		i := w.Info()
		if i.Frames < 0 || i.Frames*int64(i.Format.BytesPerFrame()) > int64(len(b)) {
			t.Fatalf("%d frames of %d bytes claimed in a %d-byte file", i.Frames, i.Format.BytesPerFrame(), len(b))
		}
		s, err := w.Stream(0, i.Frames)
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
