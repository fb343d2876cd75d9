//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package vorbis_test

import (
	"bytes"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/vorbis"
	"offcut/audio/pcm"
)

// BenchmarkEncode60s encodes 60 s of a 44.1 kHz stereo signal at quality 5
// with Encode and, natively, with oggenc -q 5 on the same WAV in the same
// iteration (audiotest.EncodeBench: go/oggenc, lower is better, in wall
// and CPU time).
func BenchmarkEncode60s(b *testing.B) {
	const rate, ch, secs = 44100, 2, 60
	f := audio.Format{Rate: rate, Channels: ch, Bits: 16}
	wav := audiotest.WAV(f, audiotest.Signal(rate*secs, ch, rate, 7))
	x := make([]float32, rate*secs*ch)
	pcm.Decode(x, wav[len(wav)-len(x)*2:], f)
	var buf bytes.Buffer
	audiotest.EncodeBench{
		Seconds: secs,
		Encode: func() error {
			buf.Reset()
			_, err := vorbis.Encode(&buf, audio.Samples(rate, ch, x), vorbis.EncodeOptions{Quality: 5})
			return err
		},
		WAV:  wav,
		Tool: "oggenc", Args: []string{"-Q", "-q", "5", "-o", "OUT", "IN"}, Ext: ".ogg",
	}.Run(b)
}
