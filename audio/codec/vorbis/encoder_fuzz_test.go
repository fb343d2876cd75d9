//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package vorbis_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"offcut/audio"
	"offcut/audio/codec/vorbis"
)

// FuzzEncode encodes arbitrary samples (any float32 bits: NaN, Inf, huge)
// at arbitrary settings: settings out of range are refused with
// ErrOptions, everything else encodes without a panic to a file our
// decoder reads back at exactly the input's length.
func FuzzEncode(f *testing.F) {
	f.Add(int8(5), uint8(2), uint32(44100), []byte("\x00\x00\x80\x3f\x00\x00\x80\xbf"))
	f.Add(int8(-1), uint8(6), uint32(8000), bytes.Repeat([]byte{0xff, 0xff, 0x7f, 0x7f}, 300))
	f.Add(int8(11), uint8(0), uint32(0), []byte{})
	f.Fuzz(func(t *testing.T, q int8, ch uint8, rate uint32, data []byte) {
		c, r := int(ch%10), int(rate%200000)
		if c == 0 || len(data) > 1<<16 {
			c = 1
		}
		x := make([]float32, len(data)/4/c*c)
		for i := range x {
			x[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		}
		var buf bytes.Buffer
		res, err := vorbis.Encode(&buf, audio.Samples(r, c, x), vorbis.EncodeOptions{Quality: float64(q) / 2})
		if err != nil {
			if !errors.Is(err, vorbis.ErrOptions) {
				t.Fatalf("q%g %d ch %d Hz: %v", float64(q)/2, c, r, err)
			}
			return
		}
		if res.Frames != int64(len(x)/c) {
			t.Fatalf("%d frames encoded of %d", res.Frames, len(x)/c)
		}
		if res.Frames == 0 {
			return
		}
		d, err := vorbis.Open(audio.NewBytesSource(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if d.Info().Frames != res.Frames {
			t.Fatalf("decoder says %d frames, %d encoded", d.Info().Frames, res.Frames)
		}
	})
}
