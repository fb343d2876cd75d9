package flac

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"offcut/audio"
)

// streamInfo returns a STREAMINFO block body.
func streamInfo(minBlock, maxBlock, rate, ch, bits int, total int64) []byte {
	b := make([]byte, 34)
	binary.BigEndian.PutUint16(b[0:], uint16(minBlock))
	binary.BigEndian.PutUint16(b[2:], uint16(maxBlock))
	x := uint64(rate)<<44 | uint64(ch-1)<<41 | uint64(bits-1)<<36 | uint64(total)
	binary.BigEndian.PutUint64(b[10:], x)
	return b
}

// block returns a metadata block.
func block(typ byte, last bool, body []byte) []byte {
	h := []byte{typ, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}
	if last {
		h[0] |= 0x80
	}
	return append(h, body...)
}

// constantFrame returns a fixed-blocksize frame of n mono 16-bit samples
// of value v (block size code 7), numbered num.
func constantFrame(num byte, n int, v int16) []byte {
	h := []byte{0xFF, 0xF8, 0x79, 0x08, num, byte((n - 1) >> 8), byte(n - 1)}
	h = append(h, crc8(h))
	h = append(h, 0x00, byte(uint16(v)>>8), byte(v)) // constant subframe
	return binary.BigEndian.AppendUint16(h, crc16(h))
}

// tinyFile is a valid file: two frames of 100 constant samples.
func tinyFile() []byte {
	b := []byte("fLaC")
	b = append(b, block(0, true, streamInfo(100, 100, 44100, 1, 16, 200))...)
	b = append(b, constantFrame(0, 100, 1000)...)
	return append(b, constantFrame(1, 100, -1000)...)
}

func TestTinyFile(t *testing.T) {
	d, err := Open(audio.NewBytesSource(tinyFile()))
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.Stream(50, 150)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]float32, 200)
	n, err := s.Read(buf)
	if err != nil || n != 100 {
		t.Fatalf("Read = %d, %v", n, err)
	}
	if buf[0] != 1000.0/32768 || buf[99] != -1000.0/32768 || buf[50] != -1000.0/32768 {
		t.Fatalf("samples %v %v %v", buf[0], buf[50], buf[99])
	}
}

// FuzzDecode opens arbitrary bytes and decodes them from the start and
// from the middle: errors are fine, panics, hangs and runaway allocations
// are not.
func FuzzDecode(f *testing.F) {
	f.Add(tinyFile())
	f.Add(append([]byte("ID3\x04\x00\x00\x00\x00\x00\x02\x00\x00"), tinyFile()...))
	dir, err := os.Getwd()
	if err == nil {
		for _, sub := range []string{"subset", "faulty", "uncommon"} {
			files, _ := filepath.Glob(filepath.Join(dir, "..", "..", "..", "..", "shared", "conformance", "flac", sub, "*.flac"))
			for i, p := range files {
				if i%4 != 0 && sub == "subset" {
					continue
				}
				b, err := os.ReadFile(p)
				if err == nil {
					f.Add(b[:min(len(b), 4<<10)])
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		start := time.Now()
		msg := decodeHostile(b)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("%d bytes took %v: %s", len(b), d, msg)
		}
	})
}

// TestHugeClaims checks that headers claiming huge sizes allocate less
// than 16 MB: a STREAMINFO with 2^36 samples and the largest block and
// frame sizes, a PICTURE claiming 4 GB, a SEEKTABLE and a comment block
// claiming 16 MB, frames of 65536 samples in 8 channels of 24 and 32 bits.
func TestHugeClaims(t *testing.T) {
	si := streamInfo(65535, 65535, 44100, 8, 24, 1<<36-1)
	for i := 4; i < 10; i++ {
		si[i] = 0xFF
	}
	si32 := streamInfo(65535, 65535, 44100, 8, 32, 1<<36-1)
	frame32 := []byte{0xFF, 0xF8, 0x79, 0x7E, 0x00, 0xFF, 0xFF}
	frame32 = append(frame32, crc8(frame32))
	frame32 = append(frame32, make([]byte, 4096)...)
	pic := make([]byte, 32)
	binary.BigEndian.PutUint32(pic[28:], 0xFFFFFFF0)
	frame := []byte{0xFF, 0xF8, 0x79, 0x7C, 0x00, 0xFF, 0xFF}
	frame = append(frame, crc8(frame))
	frame = append(frame, make([]byte, 4096)...)
	files := map[string][]byte{
		"picture": append(append(append([]byte("fLaC"), block(0, false, si)...), block(6, true, pic)...), frame...),
		"seektable": append(append(append([]byte("fLaC"), block(0, false, si)...),
			0x03, 0xFF, 0xFF, 0xFF), frame...),
		"comment": append(append(append([]byte("fLaC"), block(0, false, si)...),
			0x84, 0xFF, 0xFF, 0xFF), frame...),
		"frame":   append(append([]byte("fLaC"), block(0, true, si)...), frame...),
		"frame32": append(append([]byte("fLaC"), block(0, true, si32)...), frame32...),
	}
	for name, b := range files {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		msg := decodeHostile(b)
		runtime.ReadMemStats(&m1)
		if alloc := m1.TotalAlloc - m0.TotalAlloc; alloc >= 16<<20 {
			t.Errorf("%s: allocated %d bytes (%s)", name, alloc, msg)
		} else {
			t.Logf("%s: %d bytes allocated (%s)", name, alloc, msg)
		}
	}
}
