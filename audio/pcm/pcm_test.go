package pcm_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"testing"

	"offcut/audio"
	"offcut/audio/pcm"
)

// TestIntegerRoundTripIsExact decodes every 8- and 16-bit value and a
// spread of 24-bit values, encodes them again and expects the same bytes.
func TestIntegerRoundTripIsExact(t *testing.T) {
	cases := map[int][]byte{}
	for v := 0; v < 256; v++ {
		cases[8] = append(cases[8], byte(v))
	}
	for v := -32768; v < 32768; v++ {
		cases[16] = binary.LittleEndian.AppendUint16(cases[16], uint16(int16(v)))
	}
	for v := -8388608; v < 8388608; v += 997 {
		u := uint32(int32(v))
		cases[24] = append(cases[24], byte(u), byte(u>>8), byte(u>>16))
	}
	cases[24] = append(cases[24], 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x80)
	for bits, in := range cases {
		f := audio.Format{Rate: 1, Channels: 1, Bits: bits}
		fl := make([]float32, len(in)/(bits/8))
		pcm.Decode(fl, in, f)
		out := make([]byte, len(in))
		pcm.NewEncoder(f, false).Encode(out, fl)
		if !bytes.Equal(in, out) {
			t.Errorf("%d-bit: decode then encode changed the bytes", bits)
		}
	}
}

func TestScaleAndClamp(t *testing.T) {
	f := audio.Format{Rate: 1, Channels: 1, Bits: 16}
	e := pcm.NewEncoder(f, false)
	out := make([]byte, 10)
	e.Encode(out, []float32{1, -1, 1.5, -2, 0.5})
	want := []int16{32767, -32768, 32767, -32768, 16384}
	for i, w := range want {
		if got := int16(binary.LittleEndian.Uint16(out[2*i:])); got != w {
			t.Errorf("sample %d = %d, want %d", i, got, w)
		}
	}
	if e.Clipped != 2 {
		t.Errorf("Clipped = %d, want 2 (full scale itself is not clipping)", e.Clipped)
	}
	if e.Peak != 2 {
		t.Errorf("Peak = %v, want 2", e.Peak)
	}
	// Floats keep out-of-range values: no clipping in a float file.
	ff := audio.Format{Rate: 1, Channels: 1, Bits: 32, Float: true}
	fo := make([]byte, 4)
	pcm.NewEncoder(ff, true).Encode(fo, []float32{1.5})
	if v := math.Float32frombits(binary.LittleEndian.Uint32(fo)); v != 1.5 {
		t.Errorf("float sample = %v, want 1.5", v)
	}
	// 32-bit integers: full scale maps to the extremes.
	f32 := audio.Format{Rate: 1, Channels: 1, Bits: 32}
	o32 := make([]byte, 8)
	pcm.NewEncoder(f32, false).Encode(o32, []float32{-1, 0.25})
	if a, b := int32(binary.LittleEndian.Uint32(o32)), int32(binary.LittleEndian.Uint32(o32[4:])); a != math.MinInt32 || b != 1<<29 {
		t.Errorf("32-bit = %d, %d", a, b)
	}
}

func TestReaderYieldsExactBytes(t *testing.T) {
	f := audio.Format{Rate: 8000, Channels: 3, Bits: 24}
	s := audio.Silence(8000, 3, 12345)
	b, err := io.ReadAll(pcm.NewReader(s, pcm.NewEncoder(f, false)))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 12345*9 {
		t.Fatalf("read %d bytes, want %d", len(b), 12345*9)
	}
}

func BenchmarkDecode16(b *testing.B) {
	benchDecode(b, audio.Format{Rate: 44100, Channels: 2, Bits: 16})
}
func BenchmarkDecode24(b *testing.B) {
	benchDecode(b, audio.Format{Rate: 44100, Channels: 2, Bits: 24})
}
func BenchmarkDecodeF32(b *testing.B) {
	benchDecode(b, audio.Format{Rate: 44100, Channels: 2, Bits: 32, Float: true})
}

func benchDecode(b *testing.B, f audio.Format) {
	src := make([]byte, 1<<20/f.BytesPerSample()*f.BytesPerSample())
	dst := make([]float32, len(src)/f.BytesPerSample())
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		pcm.Decode(dst, src, f)
	}
}

// TestNonFiniteIsSilence: NaN and infinite samples are written as 0 in
// every format (a NaN converted to an integer is undefined, and on amd64
// is full-scale negative), and counted.
func TestNonFiniteIsSilence(t *testing.T) {
	bad := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0.5}
	for _, f := range []audio.Format{
		{Rate: 1, Channels: 1, Bits: 8}, {Rate: 1, Channels: 1, Bits: 16}, {Rate: 1, Channels: 1, Bits: 24},
		{Rate: 1, Channels: 1, Bits: 32}, {Rate: 1, Channels: 1, Bits: 32, Float: true}, {Rate: 1, Channels: 1, Bits: 64, Float: true},
	} {
		e := pcm.NewEncoder(f, true)
		out := make([]byte, len(bad)*f.BytesPerSample())
		e.Encode(out, bad)
		got := make([]float32, len(bad))
		pcm.Decode(got, out, f)
		for i := range 3 {
			if math.Abs(float64(got[i])) > 1.0/64 { // dither may add an LSB
				t.Errorf("%v: sample %d (%v) written as %v, want silence", f, i, bad[i], got[i])
			}
		}
		if e.NonFinite != 3 || e.Peak != 0.5 {
			t.Errorf("%v: NonFinite %d, Peak %v; want 3 and 0.5", f, e.NonFinite, e.Peak)
		}
	}
}
