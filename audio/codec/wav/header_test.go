package wav

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"testing"

	goaudio "github.com/go-audio/audio"
	goaudiowav "github.com/go-audio/wav"

	"offcut/audio"
)

// TestHeaderMatchesGoAudio: the plain PCM header Header writes is the
// one go-audio/wav's encoder writes (sizes filled in), byte for byte,
// with and without chunks between fmt and data.
func TestHeaderMatchesGoAudio(t *testing.T) {
	for _, rate := range []int{8000, 22050, 44100, 48000, 96000, 192000} {
		for _, bits := range []int{8, 16} {
			for _, ch := range []int{1, 2} {
				f := audio.Format{Rate: rate, Channels: ch, Bits: bits}
				for _, frames := range []int64{0, 1, 12345, 1 << 28} {
					got, err := Header(f, frames, HeaderOptions{})
					if err != nil {
						t.Fatal(err)
					}
					data := frames * int64(f.BytesPerFrame())
					pad := int64(len(DataPad(f, frames)))
					want, err := goAudioHeader(f, data, 36+data+pad)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got, want) {
						t.Errorf("%v, %d frames: header\n% x, go-audio's\n% x", f, frames, got, want)
					}
				}
				list := []byte("LIST\x04\x00\x00\x00INFO")
				got, err := Header(f, 10, HeaderOptions{Chunks: list})
				if err != nil {
					t.Fatal(err)
				}
				data := 10 * int64(f.BytesPerFrame())
				want, err := goAudioHeader(f, data, 36+int64(len(list))+data+int64(len(DataPad(f, 10))))
				if err != nil {
					t.Fatal(err)
				}
				want = append(append(want[:36:36], list...), want[36:]...)
				if !bytes.Equal(got, want) {
					t.Errorf("%v with a LIST chunk: header\n% x, go-audio's\n% x", f, got, want)
				}
			}
		}
	}
}

// goAudioHeader writes the canonical 44-byte PCM header through go-audio's
// encoder and fills in the sizes it only knows after the samples.
func goAudioHeader(f audio.Format, data, riffSize int64) ([]byte, error) {
	var ws memWriteSeeker
	enc := goaudiowav.NewEncoder(&ws, f.Rate, f.Bits, f.Channels, formatPCM)
	empty := &goaudio.IntBuffer{Format: &goaudio.Format{NumChannels: f.Channels, SampleRate: f.Rate}, SourceBitDepth: f.Bits}
	if err := enc.Write(empty); err != nil {
		return nil, fmt.Errorf("wav: go-audio header: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("wav: go-audio header: %w", err)
	}
	b := ws.buf
	if len(b) != 44 || string(b[36:40]) != "data" {
		return nil, errors.New("wav: go-audio wrote an unexpected header layout")
	}
	binary.LittleEndian.PutUint32(b[4:], uint32(riffSize))
	binary.LittleEndian.PutUint32(b[40:], uint32(data))
	return b, nil
}

// memWriteSeeker is an in-memory io.WriteSeeker for go-audio's encoder.
type memWriteSeeker struct {
	buf []byte
	pos int
}

func (m *memWriteSeeker) Write(p []byte) (int, error) {
	if end := m.pos + len(p); end > len(m.buf) {
		m.buf = append(m.buf, make([]byte, end-len(m.buf))...)
	}
	copy(m.buf[m.pos:], p)
	m.pos += len(p)
	return len(p), nil
}

func (m *memWriteSeeker) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		off += int64(m.pos)
	case io.SeekEnd:
		off += int64(len(m.buf))
	}
	if off < 0 {
		return 0, errors.New("wav: seek before start")
	}
	m.pos = int(off)
	return off, nil
}
