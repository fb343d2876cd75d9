package flac

import (
	"math"
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

// TestRiceWrite writes Rice codes of every parameter, long codes
// (over 32 bits) included, and reads them back.
func TestRiceWrite(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for k := uint(0); k <= 30; k++ {
		vals := make([]int32, 3000)
		for i := range vals {
			switch e := rng.IntN(50); {
			case k < 16 && e < 2: // extremes: up to 2^16 unary zeros
				vals[i] = int32(rng.IntN(1<<(k+16)) - 1<<(k+15))
			case e == 0:
				vals[i] = math.MinInt32
			case e == 1:
				vals[i] = math.MaxInt32
			default:
				vals[i] = int32(rng.NormFloat64() * float64(int64(1)<<k))
			}
		}
		var w bitWriter
		w.write(5, 3) // unaligned start
		w.rice(vals, k)
		w.zeros(64)
		w.align()
		r := newBitReader(audio.NewBytesSource(w.buf))
		if r.read(3) != 5 {
			t.Fatal("prefix")
		}
		got := make([]int32, len(vals))
		r.rice(got, k)
		if r.err != nil {
			t.Fatalf("k=%d: %v", k, r.err)
		}
		for i := range got {
			if got[i] != vals[i] {
				t.Fatalf("k=%d: value %d = %d, want %d", k, i, got[i], vals[i])
			}
		}
	}
}

// BenchmarkRiceWrite encodes 4096 Rice codes of parameter 6.
func BenchmarkRiceWrite(b *testing.B) {
	_, vals := riceData(4096, 6)
	var w bitWriter
	b.SetBytes(int64(len(vals)))
	for b.Loop() {
		w.buf = w.buf[:0]
		w.rice(vals, 6)
	}
}
