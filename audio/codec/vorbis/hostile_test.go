package vorbis

import (
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/codec"
)

// oggPage builds one Ogg page (for hand-made hostile files).
func oggPage(seq uint32, flags byte, granule int64, packets ...[]byte) []byte {
	var lacing, body []byte
	for _, p := range packets {
		body = append(body, p...)
		n := len(p)
		for ; n >= 255; n -= 255 {
			lacing = append(lacing, 255)
		}
		lacing = append(lacing, byte(n))
	}
	h := make([]byte, 27)
	copy(h, "OggS")
	h[5] = flags
	binary.LittleEndian.PutUint64(h[6:], uint64(granule))
	binary.LittleEndian.PutUint32(h[14:], 77)
	binary.LittleEndian.PutUint32(h[18:], seq)
	h[26] = byte(len(lacing))
	b := append(append(h, lacing...), body...)
	binary.LittleEndian.PutUint32(b[22:], oggCRC(b))
	return b
}

func oggCRC(b []byte) uint32 {
	var c uint32
	for i, x := range b {
		if i >= 22 && i < 26 {
			x = 0
		}
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

func idHeader(ch int, rate uint32) []byte {
	b := []byte("\x01vorbis\x00\x00\x00\x00")
	b = append(b, byte(ch))
	b = binary.LittleEndian.AppendUint32(b, rate)
	b = append(b, make([]byte, 12)...)
	return append(b, 0xb8, 1) // block sizes 256/2048, framing
}

// TestHugeClaims opens files whose headers claim huge sizes: each must fail
// cleanly, allocating under 16 MB.
func TestHugeClaims(t *testing.T) {
	comment := append([]byte("\x03vorbis"), 0xf0, 0xff, 0xff, 0xff)
	bigBook := []byte("\x05vorbis\x00BCV\x01\x00\xff\xff\xff\x00") // 16M entries
	zeroBook := []byte("\x05vorbis\x00BCV\x01\x00\x00\x00\x00\x00")
	ordered := []byte("\x05vorbis\x00BCV\x01\x00\xff\xff\xff\x01\x00") // ordered, lengths never reach the count
	for _, c := range []struct {
		name string
		hdrs [][]byte
	}{
		{"16M-entry codebook", [][]byte{idHeader(2, 44100), comment, bigBook}},
		{"empty codebook", [][]byte{idHeader(2, 44100), comment, zeroBook}},
		{"ordered codebook past 32 bits", [][]byte{idHeader(2, 44100), comment, ordered}},
		{"zero channels", [][]byte{idHeader(0, 44100), comment, zeroBook}},
		{"zero rate", [][]byte{idHeader(1, 0), comment, zeroBook}},
	} {
		f := oggPage(0, 2, 0, c.hdrs[0])
		f = append(f, oggPage(1, 0, 0, c.hdrs[1], c.hdrs[2])...)
		f = append(f, oggPage(2, 4, 1000, []byte{0, 0, 0})...)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := Open(audio.NewBytesSource(f))
		runtime.ReadMemStats(&after)
		if !errors.Is(err, codec.ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", c.name, err)
		}
		if a := after.TotalAlloc - before.TotalAlloc; a > 16<<20 {
			t.Errorf("%s: allocated %d bytes", c.name, a)
		}
	}
}

func FuzzDecode(f *testing.F) {
	if testing.Short() {
		f.Skip()
	}
	f.Add(encodeSeed(f))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Open(audio.NewBytesSource(b))
		if err != nil {
			return
		}
		n := min(d.Info().Frames, 1<<13)
		for _, from := range []int64{0, n / 2} {
			s, err := d.Stream(from, n)
			if err != nil {
				return
			}
			buf := make([]float32, 4096*s.Channels())
			deadline := time.Now().Add(5 * time.Second)
			for time.Now().Before(deadline) {
				if _, err := s.Read(buf); err == io.EOF {
					break
				} else if err != nil {
					break
				}
			}
		}
	})
}

func encodeSeed(f *testing.F) []byte {
	return encode(f, 8000, 1, 3000, "-q", "0")
}
