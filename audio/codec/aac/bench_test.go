//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package aac_test

import (
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/aac"
)

// BenchmarkEncode60s encodes 60 s of a 44.1 kHz stereo music-like signal
// at 128 kbit/s and, natively, has ffmpeg's own AAC encoder (-threads 1)
// do the same from the same WAV in the same iteration
// (audiotest.EncodeBench: go/ffmpeg, lower is better; ffmpeg's time
// includes reading the WAV and writing its M4A).
func BenchmarkEncode60s(b *testing.B) {
	const rate, ch, secs = 44100, 2, 60
	x := audiotest.Music(rate*secs, ch, rate, 3)
	for i := range x {
		x[i] *= 0.8
	}
	audiotest.EncodeBench{
		Seconds: secs,
		Encode: func() error {
			e, err := aac.NewEncoder(aac.Options{Rate: rate, Channels: ch, Bitrate: 128})
			if err != nil {
				return err
			}
			defer e.Close()
			for p := x; len(p) > 0; {
				n := min(len(p), 4096*ch)
				if _, err := e.Encode(p[:n]); err != nil {
					return err
				}
				p = p[n:]
			}
			_, err = e.Flush()
			return err
		},
		WAV:  audiotest.WAV(audio.Format{Rate: rate, Channels: ch, Bits: 16}, x),
		Tool: "ffmpeg", Args: []string{"-threads", "1", "-v", "error", "-y", "-i", "IN", "-c:a", "aac", "-b:a", "128k", "OUT"}, Ext: ".m4a",
	}.Run(b)
}
