//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package lame_test

import (
	"bytes"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/lame"
)

// BenchmarkEncode60s encodes 60 s of a 44.1 kHz stereo music-like signal at
// 128 kbit/s with Write and, natively, with the lame command on the same
// WAV in the same iteration (audiotest.EncodeBench: go/lame, lower is
// better, in wall and CPU time).
func BenchmarkEncode60s(b *testing.B) {
	const rate, ch, secs = 44100, 2, 60
	x, wav := music(rate*secs, ch, rate)
	var buf bytes.Buffer
	audiotest.EncodeBench{
		Seconds: secs,
		Encode: func() error {
			buf.Reset()
			_, err := lame.Write(&buf, audio.Samples(rate, ch, x), lame.Options{Bitrate: 128})
			return err
		},
		WAV:  wav,
		Tool: "lame", Args: []string{"--quiet", "-b", "128", "IN", "OUT"}, Ext: ".mp3",
	}.Run(b)
}
