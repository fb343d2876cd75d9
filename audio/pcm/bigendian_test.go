package pcm_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"offcut/audio"
	"offcut/audio/pcm"
)

// TestDecodeBEMatchesDecode byte-swaps random little-endian samples and
// expects DecodeBE to give exactly what Decode gives for the originals.
func TestDecodeBEMatchesDecode(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, f := range []audio.Format{
		{Rate: 1, Channels: 1, Bits: 16}, {Rate: 1, Channels: 1, Bits: 24}, {Rate: 1, Channels: 1, Bits: 32},
		{Rate: 1, Channels: 1, Bits: 32, Float: true}, {Rate: 1, Channels: 1, Bits: 64, Float: true},
	} {
		for _, n := range []int{0, 1, 3, 4, 5, 17, 1000} {
			le := make([]byte, n*f.BytesPerSample())
			for i := range le {
				le[i] = byte(r.Uint32())
			}
			if f.Float { // keep finite values: NaN != NaN
				for i := f.BytesPerSample() - 1; i < len(le); i += f.BytesPerSample() {
					le[i] &= 0x3F
				}
			}
			be := make([]byte, len(le))
			for i := 0; i < len(le); i += f.BytesPerSample() {
				s := slices.Clone(le[i : i+f.BytesPerSample()])
				slices.Reverse(s)
				copy(be[i:], s)
			}
			want, got := make([]float32, n), make([]float32, n)
			pcm.Decode(want, le, f)
			pcm.DecodeBE(got, be, f)
			if !slices.Equal(got, want) {
				t.Fatalf("%v, %d samples: DecodeBE differs from Decode of the swapped bytes", f, n)
			}
		}
	}
	// 8-bit: signed in DecodeBE and DecodeS8, unsigned in Decode.
	s8 := []byte{0x80, 0xFF, 0x00, 0x01, 0x7F}
	want := []float32{-1, -1.0 / 128, 0, 1.0 / 128, 127.0 / 128}
	got := make([]float32, len(s8))
	pcm.DecodeBE(got, s8, audio.Format{Rate: 1, Channels: 1, Bits: 8})
	if !slices.Equal(got, want) {
		t.Fatalf("DecodeBE 8-bit = %v, want %v", got, want)
	}
	clear(got)
	pcm.DecodeS8(got, s8)
	if !slices.Equal(got, want) {
		t.Fatalf("DecodeS8 = %v, want %v", got, want)
	}
}
