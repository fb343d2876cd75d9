package opus

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"offcut/audio"
	"offcut/audio/codec"
)

// FuzzEncode encodes fuzzed samples (any float32 bit patterns: NaN,
// infinities, huge values) at fuzzed settings: no panic, and the file
// decodes to exactly the announced length.
func FuzzEncode(f *testing.F) {
	f.Add([]byte{0, 0, 0x80, 0x7f, 0, 0, 0xc0, 0x7f}, uint8(1), uint16(96), uint8(0), uint8(3))
	f.Add(bytes.Repeat([]byte{1, 2, 3, 4}, 300), uint8(2), uint16(6), uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, raw []byte, ch uint8, kbps uint16, app uint8, rate uint8) {
		channels := int(ch%3) + 1
		if ch%7 == 6 {
			channels = 6
		}
		rates := []int{8000, 16000, 44100, 48000, 22050}
		r := rates[int(rate)%len(rates)]
		opt := EncoderOptions{Bitrate: MinBitrate + int(kbps)%(MaxBitrate-MinBitrate+1), Application: Application(app % 2)}
		if len(raw) > 4*channels*8000 {
			raw = raw[:4*channels*8000]
		}
		n := len(raw) / 4 / channels
		samples := make([]float32, n*channels)
		for i := range samples {
			samples[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		var out bytes.Buffer
		st, err := Encode(&out, audio.Samples(r, channels, samples), opt)
		if n == 0 {
			if !errors.Is(err, codec.ErrNoAudio) {
				t.Fatalf("no samples: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("%d Hz, %d channels, %+v: %v", r, channels, opt, err)
		}
		d, err := Open(audio.NewBytesSource(out.Bytes()))
		if err != nil {
			t.Fatalf("reopening: %v", err)
		}
		if want := EncodedFrames(int64(n), r); d.Info().Frames != want || st.Granule-int64(st.PreSkip) != want {
			t.Fatalf("%d frames, granule %d, want %d", d.Info().Frames, st.Granule, want)
		}
	})
}
