//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package aac_test

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"offcut/audio/codec/aac"
)

// FuzzEncode feeds arbitrary settings and samples (NaN, infinities and
// out-of-range values included) to the encoder: it either refuses the
// settings or codes every sample into an access unit after the delay. It
// must never panic. (The engine's js/wasm build compiles faac without
// bounds checks, build/wasm.go: this runs natively with them.)
func FuzzEncode(f *testing.F) {
	f.Add([]byte{7, 2, 128, 0, 0, 1, 2, 3, 4})
	f.Add([]byte{0, 1, 8, 0xff, 0x7f, 0, 0x80, 0, 0, 0xc0, 0x7f})
	f.Add([]byte{8, 2, 255, 0, 0, 0x80, 0x7f, 0, 0, 0x80, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 3 {
			return
		}
		rates := append(aac.Rates, 0, 7, 44000)
		opt := aac.Options{Rate: rates[int(b[0])%len(rates)], Channels: int(b[1] % 4), Bitrate: int(b[2]) * 3}
		b = b[3:]
		if opt.Channels == 0 || len(b) > 1<<16 {
			return
		}
		e, err := aac.NewEncoder(opt)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "aac: ") {
				t.Fatalf("%+v: %v", opt, err)
			}
			return
		}
		defer e.Close()
		n := len(b) / 4 / opt.Channels
		x := make([]float32, n*opt.Channels)
		for i := range x {
			x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		units, err := e.Encode(x)
		if err != nil {
			t.Fatalf("%+v: %v", opt, err)
		}
		more, err := e.Flush()
		if err != nil {
			t.Fatalf("%+v: %v", opt, err)
		}
		if k := len(units) + len(more); k != (n+aac.FrameSize-1)/aac.FrameSize+1 {
			t.Fatalf("%+v: %d frames coded into %d access units", opt, n, k)
		}
	})
}
