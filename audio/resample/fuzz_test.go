package resample

import (
	"math"
	"testing"
)

// FuzzNew converts short streams between arbitrary rates, channel counts
// and read sizes and checks the Stream contract, the exact length and that
// the output stays finite and bounded.
func FuzzNew(f *testing.F) {
	f.Add(uint16(44100), uint16(48000), uint8(2), uint16(1000), uint16(7), false)
	f.Add(uint16(48000), uint16(44100), uint8(1), uint16(1), uint16(1), true)
	f.Add(uint16(8000), uint16(65535), uint8(3), uint16(0), uint16(100), false)
	f.Add(uint16(65535), uint16(1000), uint8(6), uint16(5000), uint16(4096), false)
	f.Add(uint16(1), uint16(200), uint8(1), uint16(3), uint16(2), true)
	f.Fuzz(func(t *testing.T, in, out uint16, ch uint8, n, bufFrames uint16, std bool) {
		if in == 0 || out == 0 || ch == 0 || ch > 8 || bufFrames == 0 {
			return
		}
		if OutLen(int64(n), int(in), int(out)) > 200000 {
			return
		}
		q := VeryHigh
		if std {
			q = Standard
		}
		x := make([]float32, int(n)*int(ch))
		for i := range x {
			x[i] = float32(math.Sin(float64(i)*0.37)) * 0.9
		}
		s, err := New(newSlice(int(in), int(ch), x), int(out), q)
		if err != nil {
			t.Fatal(err)
		}
		if want := OutLen(int64(n), int(in), int(out)); s.Len() != want {
			t.Fatalf("Len() = %d, want %d", s.Len(), want)
		}
		for i, v := range readAll(t, s, int(bufFrames)) {
			if math.IsNaN(float64(v)) || math.Abs(float64(v)) > 2 {
				t.Fatalf("sample %d = %v", i, v)
			}
		}
	})
}
