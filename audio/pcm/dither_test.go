package pcm

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"offcut/audio"
)

// TestTPDFDistribution: the dither is triangular on (-1, 1) LSB: mean 0,
// variance 1/6, a histogram that follows 1-|x|, and neighbouring samples
// (the channels of a frame, consecutive frames) uncorrelated.
func TestTPDFDistribution(t *testing.T) {
	const n = 1 << 21
	const bins = 20
	var sum, sq, lag float64
	var hist [bins]int
	prev := 0.0
	for i := uint64(0); i < n; i++ {
		x := tpdf(i)
		if x <= -1 || x >= 1 {
			t.Fatalf("tpdf(%d) = %v, outside (-1, 1)", i, x)
		}
		sum += x
		sq += x * x
		lag += x * prev
		prev = x
		hist[int((x+1)/2*bins)]++
	}
	mean, variance, corr := sum/n, sq/n-(sum/n)*(sum/n), lag/sq
	if math.Abs(mean) > 0.002 || math.Abs(variance-1.0/6) > 0.002 || math.Abs(corr) > 0.005 {
		t.Errorf("mean %.4f variance %.4f lag-1 correlation %.4f; want 0, 1/6, 0", mean, variance, corr)
	}
	for k, c := range hist {
		// The triangle's mass over bin k of (-1, 1).
		a, b := -1+2*float64(k)/bins, -1+2*float64(k+1)/bins
		cdf := func(x float64) float64 {
			if x < 0 {
				return (1 + x) * (1 + x) / 2
			}
			return 1 - (1-x)*(1-x)/2
		}
		want := (cdf(b) - cdf(a)) * n
		if math.Abs(float64(c)-want) > 5*math.Sqrt(want) {
			t.Errorf("bin %d [%.1f, %.1f): %d samples, want %.0f", k, a, b, c, want)
		}
	}
}

// TestDitherByPosition: the dithered bytes of frames [F, G) are the same
// whether the output is encoded in one call from frame 0, in odd-sized
// pieces, or from frame F after SetFrame; and the dither differs between
// channels of a frame.
func TestDitherByPosition(t *testing.T) {
	f := audio.Format{Rate: 44100, Channels: 2, Bits: 16}
	const frames = 10007
	src := make([]float32, frames*2)
	for i := range src {
		src[i] = float32(math.Sin(float64(i)*0.001)) * 0.3
	}
	whole := make([]byte, len(src)*2)
	NewEncoder(f, true).Encode(whole, src)

	pieces := make([]byte, len(src)*2)
	e := NewEncoder(f, true)
	for i := 0; i < frames; {
		j := min(frames, i+1+i%997)
		e.Encode(pieces[4*i:4*j], src[2*i:2*j])
		i = j
	}
	if !bytes.Equal(whole, pieces) {
		t.Errorf("encoding in pieces gave other bytes than in one call")
	}
	for _, from := range []int{1, 4096, 5003, frames - 1} {
		e := NewEncoder(f, true)
		e.SetFrame(int64(from))
		part := make([]byte, (frames-from)*4)
		e.Encode(part, src[2*from:])
		if !bytes.Equal(part, whole[4*from:]) {
			t.Errorf("from frame %d after SetFrame: other bytes than the whole encode's", from)
		}
	}
	// The channels of a frame get dither of their own.
	same := 0
	for i := range frames {
		if tpdf(uint64(2*i)) == tpdf(uint64(2*i+1)) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d frames got the same dither on both channels", same)
	}
}

// BenchmarkEncodeDither16 encodes float samples to 16 bits with dither
// (an MP3 decoded to WAV).
func BenchmarkEncodeDither16(b *testing.B) {
	f := audio.Format{Rate: 44100, Channels: 2, Bits: 16}
	src := make([]float32, 8192*2)
	for i := range src {
		src[i] = float32(math.Sin(float64(i)*0.01)) * 0.5
	}
	dst := make([]byte, len(src)*2)
	e := NewEncoder(f, true)
	b.SetBytes(int64(len(dst)))
	for b.Loop() {
		e.Encode(dst, src)
	}
}

// BenchmarkEncode16 encodes float samples to 16 bits without dither (an
// MP3 decoded to a 16-bit WAV).
func BenchmarkEncode16(b *testing.B) { benchEncode(b, 16, false) }

// BenchmarkEncode24 encodes float samples to 24 bits without dither.
func BenchmarkEncode24(b *testing.B) { benchEncode(b, 24, false) }

func benchEncode(b *testing.B, bits int, dither bool) {
	f := audio.Format{Rate: 44100, Channels: 2, Bits: bits}
	src := make([]float32, 8192*2)
	for i := range src {
		src[i] = float32(math.Sin(float64(i)*0.01)) * 0.5
	}
	dst := make([]byte, len(src)*bits/8)
	e := NewEncoder(f, dither)
	b.SetBytes(int64(len(dst)))
	for b.Loop() {
		e.Encode(dst, src)
	}
}

// TestEncodeMatchesRoundToEven: every integer width (the 16-bit loop of
// its own among them) gives what rounding x·2^(bits-1) to even and holding it at the range gives, counting clipped and
// non-finite samples as the general path does: halves, the range's edges,
// full scale, beyond it, NaN, infinities, -0 and subnormals among random
// samples.
func TestEncodeMatchesRoundToEven(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	src := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 1.5, -1.5, 0.5 / 32768, 1.5 / 32768, -2.5 / 32768, 32767.5 / 32768, -32768.5 / 32768, 32766.5 / 32768,
		float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), math.SmallestNonzeroFloat32, math.MaxFloat32, -math.MaxFloat32, 1 + 1.0/32768, -1 - 1.0/32768, -1 - 2.0/32768}
	for range 100000 {
		switch r.IntN(3) {
		case 0:
			src = append(src, float32(r.NormFloat64()*0.3))
		case 1:
			src = append(src, float32(r.IntN(70000)-35000)/32768+float32(r.IntN(2))/65536)
		default:
			src = append(src, math.Float32frombits(r.Uint32()))
		}
	}
	for _, bits := range []int{8, 16, 24, 32} {
		scale := float64(int64(1) << (bits - 1))
		bps := bits / 8
		var clipped, nonFinite int64
		var peak float64
		want := make([]byte, bps*len(src))
		for i, v := range src {
			x := float64(v)
			a := math.Abs(x)
			if math.IsNaN(x) || math.IsInf(x, 0) {
				nonFinite++
				x, a = 0, 0
			}
			peak = max(peak, a)
			y := math.RoundToEven(x * scale)
			if y < -scale-1 || y > scale {
				clipped++
			}
			n := int32(max(-scale, min(scale-1, y)))
			if bits == 8 {
				n += 128
			}
			var b [4]byte
			binary.LittleEndian.PutUint32(b[:], uint32(n))
			copy(want[bps*i:], b[:bps])
		}
		e := NewEncoder(audio.Format{Rate: 8000, Channels: 1, Bits: bits}, false)
		got := make([]byte, len(want))
		// In two calls, as a stream is encoded.
		h := len(src) / 3
		e.Encode(got[:bps*h], src[:h])
		e.Encode(got[bps*h:], src[h:])
		for i := range src {
			if !bytes.Equal(got[bps*i:bps*i+bps], want[bps*i:bps*i+bps]) {
				t.Fatalf("%d-bit sample %d (%g): got % x, want % x", bits, i, src[i], got[bps*i:bps*i+bps], want[bps*i:bps*i+bps])
			}
		}
		if e.Clipped != clipped || e.NonFinite != nonFinite || e.Peak != peak {
			t.Errorf("%d-bit: clipped %d, non-finite %d, peak %g; want %d, %d, %g", bits, e.Clipped, e.NonFinite, e.Peak, clipped, nonFinite, peak)
		}
	}
}
