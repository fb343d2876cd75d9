package codecs_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codecs"
)

// FuzzOpen sniffs and opens arbitrary bytes as any format: a clear error
// or a decoder whose streams keep their length, never a panic or a hang.
func FuzzOpen(f *testing.F) {
	f.Add(audiotest.WAV(audio.Format{Rate: 8000, Channels: 1, Bits: 16}, audiotest.Signal(100, 1, 8000, 1)))
	f.Add(audiotest.WAV(audio.Format{Rate: 44100, Channels: 3, Bits: 24}, audiotest.Signal(50, 3, 44100, 2)))
	frame := make([]byte, 417)
	binary.BigEndian.PutUint32(frame, 0xfffb9064)
	var mp3 []byte
	for range 5 {
		mp3 = append(mp3, frame...)
	}
	f.Add(mp3)
	f.Add(append([]byte("ID3\x04\x00\x00\x00\x00\x00\x0a0123456789"), mp3...))
	f.Add([]byte("RIFF\x24\x00\x00\x00WAVEfmt "))
	for _, name := range []string{"l3-compl.bit", "l2-fl10.bit", "l1-fl1.bit"} {
		if b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "conformance", "mp3", name)); err == nil {
			f.Add(b[:min(len(b), 8192)])
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := codecs.Open(audio.NewBytesSource(b))
		if err != nil {
			return
		}
		info := d.Info()
		if info.Frames < 0 || info.Format.Validate() != nil {
			t.Fatalf("opened with %d frames, format %v", info.Frames, info.Format)
		}
		n := min(info.Frames, 1<<16)
		s, err := d.Stream(0, n)
		if err != nil {
			return
		}
		buf := make([]float32, 4096*info.Format.Channels)
		var got int64
		for {
			k, err := s.Read(buf)
			got += int64(k)
			if err != nil || got > n {
				break
			}
		}
		if got > n {
			t.Fatalf("a stream of %d frames gave %d", n, got)
		}
	})
}
