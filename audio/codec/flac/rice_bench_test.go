package flac

import (
	"math/rand/v2"
	"testing"

	"offcut/audio"
)

// riceData returns n Rice codes of parameter k for values of about k+1
// bits, as big-endian bytes.
func riceData(n int, k uint) ([]byte, []int32) {
	rng := rand.New(rand.NewPCG(1, 2))
	var out []byte
	var acc uint64
	var nacc uint
	put := func(v uint64, bits uint) {
		for bits > 0 {
			b := min(bits, 8)
			acc = acc<<b | (v>>(bits-b))&(1<<b-1)
			nacc += b
			bits -= b
			for nacc >= 8 {
				out = append(out, byte(acc>>(nacc-8)))
				nacc -= 8
			}
		}
	}
	vals := make([]int32, n)
	for i := range vals {
		v := int32(rng.NormFloat64() * float64(int(1)<<k))
		vals[i] = v
		u := uint64(v<<1) ^ uint64(v>>31)
		u &= 1<<32 - 1
		q := u >> k
		for range q {
			put(0, 1)
		}
		put(1, 1)
		put(u&(1<<k-1), k)
	}
	put(0, 64)
	return out, vals
}

func TestRice(t *testing.T) {
	for _, k := range []uint{0, 1, 5, 11, 14, 20} {
		data, want := riceData(5000, k)
		r := newBitReader(audio.NewBytesSource(data))
		got := make([]int32, len(want))
		r.rice(got, k)
		if r.err != nil {
			t.Fatal(r.err)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("k=%d: value %d = %d, want %d", k, i, got[i], want[i])
			}
		}
	}
}

// BenchmarkRice decodes Rice codes of parameter 6 (typical of 16-bit
// music).
func BenchmarkRice(b *testing.B) {
	data, want := riceData(4096, 6)
	src := audio.NewBytesSource(data)
	got := make([]int32, len(want))
	r := newBitReader(src)
	b.SetBytes(int64(len(want)))
	for b.Loop() {
		r.seek(0)
		r.rice(got, 6)
	}
}
