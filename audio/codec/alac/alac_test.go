package alac_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"offcut/audio/codec/alac"
)

// bitWriter writes big-endian bit fields.
type bitWriter struct {
	b []byte
	n int
}

func (w *bitWriter) put(v uint32, bits int) {
	for i := bits - 1; i >= 0; i-- {
		if w.n%8 == 0 {
			w.b = append(w.b, 0)
		}
		w.b[len(w.b)-1] |= byte(v>>i&1) << (7 - w.n%8)
		w.n++
	}
}

func config(frameLength uint32, bits, ch uint8) []byte {
	c := binary.BigEndian.AppendUint32(nil, frameLength)
	c = append(c, 0, bits, 40, 10, 14, ch)
	c = binary.BigEndian.AppendUint16(c, 255)
	c = binary.BigEndian.AppendUint32(c, 0)
	c = binary.BigEndian.AppendUint32(c, 0)
	return binary.BigEndian.AppendUint32(c, 44100)
}

// verbatim writes a frame of uncompressed (escape) elements: one SCE per
// channel when single, else one CPE.
func verbatim(samples [][]int32, bits int, pair bool) []byte {
	w := &bitWriter{}
	n := len(samples[0])
	elem := func(tag uint32, chans [][]int32) {
		w.put(tag, 3)
		w.put(0, 4)
		w.put(0, 12)
		w.put(0b1001, 4) // partial frame, no shift, escape
		w.put(uint32(n), 32)
		for i := range n {
			for _, c := range chans {
				w.put(uint32(c[i])&(1<<bits-1), bits)
			}
		}
	}
	if pair {
		elem(1, samples)
	} else {
		for _, c := range samples {
			elem(0, [][]int32{c})
		}
	}
	w.put(7, 3)
	return w.b
}

// TestVerbatim decodes hand-made uncompressed frames exactly, in 16, 24
// and 32 bits, mono and stereo.
func TestVerbatim(t *testing.T) {
	for _, bits := range []int{16, 24, 32} {
		for _, pair := range []bool{false, true} {
			lim := int64(1) << (bits - 1)
			l := []int32{0, 1, -1, int32(lim - 1), int32(-lim), 12345, -54321 % int32(lim)}
			r := []int32{int32(-lim), 7, int32(lim - 1), 0, -2, 3, 99}
			chans := [][]int32{l}
			if pair {
				chans = append(chans, r)
			}
			cfg, err := alac.ParseConfig(config(16, uint8(bits), uint8(len(chans))))
			if err != nil {
				t.Fatal(err)
			}
			d, err := alac.NewDecoder(cfg)
			if err != nil {
				t.Fatal(err)
			}
			var out []int32
			n, err := d.Decode(verbatim(chans, bits, pair), &out)
			if err != nil {
				t.Fatalf("%d-bit pair=%v: %v", bits, pair, err)
			}
			var want []int32
			for i := range l {
				for _, c := range chans {
					want = append(want, c[i])
				}
			}
			if n != len(l) || !slices.Equal(out, want) {
				t.Fatalf("%d-bit pair=%v: decoded %d frames %v, want %v", bits, pair, n, out, want)
			}
		}
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range [][]byte{
		config(0, 16, 2), config(1<<20, 16, 2), config(4096, 12, 2), config(4096, 16, 0), config(4096, 16, 9), config(4096, 16, 2)[:20],
	} {
		if _, err := alac.ParseConfig(c); !errors.Is(err, alac.ErrMalformed) {
			t.Errorf("ParseConfig(% X) = %v, want ErrMalformed", c, err)
		}
	}
}

// FuzzDecode decodes arbitrary frames under arbitrary configurations:
// errors are fine, panics and out-of-range output are not.
func FuzzDecode(f *testing.F) {
	f.Add(config(16, 16, 2), verbatim([][]int32{{1, 2, 3}, {4, 5, 6}}, 16, true))
	f.Add(config(16, 24, 1), verbatim([][]int32{{1, -2, 3}}, 24, false))
	// A real file's configuration and first frames.
	if b, err := os.ReadFile(filepath.Join("..", "mp4", "testdata", "tiny-alac.m4a")); err == nil {
		if i, j := bytes.LastIndex(b, []byte("alac")), bytes.Index(b, []byte("mdat")); i > 0 && j > 0 && i+32 <= len(b) {
			f.Add(b[i+8:i+32], b[j+4:])
		}
	}
	f.Fuzz(func(t *testing.T, cfg, frame []byte) {
		c, err := alac.ParseConfig(cfg)
		if err != nil {
			return
		}
		if c.FrameLength > 8192 {
			return // bounded by MaxFrameLength; smaller keeps the fuzzer fast
		}
		d, err := alac.NewDecoder(c)
		if err != nil {
			t.Fatal(err)
		}
		var out []int32
		n, err := d.Decode(frame, &out)
		if err != nil {
			return
		}
		if n <= 0 || n > int(c.FrameLength) || len(out) != n*int(c.NumChannels) {
			t.Fatalf("decoded %d frames, %d samples (frame length %d, %d channels)", n, len(out), c.FrameLength, c.NumChannels)
		}
		lim := int64(1) << (c.BitDepth - 1)
		for _, v := range out {
			if int64(v) < -lim || int64(v) >= lim {
				t.Fatalf("sample %d outside %d bits", v, c.BitDepth)
			}
		}
	})
}
