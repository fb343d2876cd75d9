package wav_test

import (
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/wav"
)

// TestDecoderContract runs the contract every format's decoder passes, on
// WAVs of every sample format: exact decode, sample-exact seeking, and
// truncated or corrupted copies that fail cleanly.
func TestDecoderContract(t *testing.T) {
	for _, f := range []audio.Format{
		{Rate: 8000, Channels: 1, Bits: 8},
		{Rate: 44100, Channels: 2, Bits: 16},
		{Rate: 48000, Channels: 6, Bits: 24},
		{Rate: 22050, Channels: 2, Bits: 32},
		{Rate: 96000, Channels: 1, Bits: 32, Float: true},
		{Rate: 32000, Channels: 2, Bits: 64, Float: true},
	} {
		t.Run(f.String(), func(t *testing.T) {
			samples := audiotest.Signal(5000, f.Channels, f.Rate, 7)
			file := audiotest.WAV(f, samples)
			// The decode of what was stored (quantised to the format).
			d, err := wav.Open(audio.NewBytesSource(file))
			if err != nil {
				t.Fatal(err)
			}
			s, _ := d.Stream(0, d.Info().Frames)
			want := audiotest.ReadAll(t, s)
			audiotest.CheckDecoder(t, audiotest.DecoderCase{
				Open: func(src audio.Source) (audio.Decoder, error) { return wav.Open(src) },
				File: file,
				Want: want,
			})
		})
	}
}
