//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package lame_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"offcut/audio"
	"offcut/audio/codec/lame"
	"offcut/audio/codec/mp3"
)

// FuzzWrite feeds arbitrary settings and samples (NaN, infinities and
// out-of-range values included) to Write: it either refuses the settings
// with ErrOptions or writes a file that package mp3 decodes to exactly the
// input's length. It must never panic.
func FuzzWrite(f *testing.F) {
	f.Add([]byte{7, 2, 0, 8, 0, 0, 1, 2, 3, 4})
	f.Add([]byte{4, 1, 3, 200, 5, 9, 0xff, 0x7f, 0, 0x80})
	f.Add([]byte{0, 2, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 6 {
			return
		}
		rates := append(lame.Rates, 0, 7, 96000)
		opt := lame.Options{
			Rate:     rates[int(b[0])%len(rates)],
			Channels: int(b[1] % 4),
			Mode:     lame.Mode(b[2] % 5),
			Quality:  lame.Quality(b[5] % 12),
		}
		if b[3] >= 128 {
			opt.VBR, opt.VBRQuality = true, int(b[4]%11)
		} else {
			opt.Bitrate = []int{0, 7, 8, 16, 32, 64, 128, 160, 192, 320, 330}[int(b[3])%11]
		}
		b = b[6:]
		if opt.Channels == 0 || len(b) > 1<<16 {
			return
		}
		n := len(b) / 4 / opt.Channels
		x := make([]float32, n*opt.Channels)
		for i := range x {
			x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		var out bytes.Buffer
		_, err := lame.Write(&out, audio.Samples(max(opt.Rate, 1), opt.Channels, x), opt)
		if err != nil {
			if !errors.Is(err, lame.ErrOptions) {
				t.Fatalf("%+v: %v", opt, err)
			}
			return
		}
		d, err := mp3.Open(audio.NewBytesSource(out.Bytes()))
		if err != nil {
			t.Fatalf("%+v: decoding the output: %v", opt, err)
		}
		if got := d.Info().Frames; got != int64(n) {
			t.Fatalf("%+v: decodes to %d frames, want %d", opt, got, n)
		}
	})
}
