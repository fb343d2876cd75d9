package silence_test

import (
	"encoding/binary"
	"math"
	"testing"

	"offcut/audio/silence"
)

// FuzzFind holds Find to the reference definition on arbitrary samples
// (NaN, infinities and denormals included), channel counts and settings.
func FuzzFind(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 63, 0, 0, 0, 0}, uint8(1), -50.0, int64(1))
	f.Add(make([]byte, 64), uint8(2), -90.0, int64(0))
	f.Fuzz(func(t *testing.T, b []byte, chans uint8, th float64, min int64) {
		ch := 1 + int(chans%4)
		n := len(b) / 4 / ch
		s := make([]float32, n*ch)
		for i := range s {
			s[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		o := silence.Options{ThresholdDB: th, Min: min}
		got, err := silence.Find(&mem{ch: ch, rate: 8000, s: s}, o)
		if o.Check() != nil {
			if err == nil {
				t.Fatalf("%+v accepted", o)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if want := reference(s, ch, o); got != want {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})
}
