//go:build !(amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm)

package vorbis

import (
	"fmt"
	"io"
	"runtime"

	"offcut/audio"
	"offcut/audio/codec"
)

// The transpiled libvorbis has the memory layout of 64-bit little-endian
// machines; on other targets the package decodes but cannot encode.

// Limits of the encoder's settings.
const (
	MinQuality  = -1
	MaxQuality  = 10
	MinRate     = 8000
	MaxRate     = 192000
	MaxChannels = 8
)

// ErrOptions is wrapped by every error about unusable encoder settings.
var ErrOptions = fmt.Errorf("vorbis: unsupported encoder settings: %w", codec.ErrUnsupported)

var errArch = fmt.Errorf("vorbis: no Vorbis encoder on %s: %w", runtime.GOARCH, codec.ErrUnsupported)

// EncodeOptions are the encoder's settings.
type EncodeOptions struct {
	Quality  float64
	Tags     map[string]string
	Pictures []audio.Picture
	Serial   uint32
}

// EncodeResult describes an encoded stream.
type EncodeResult struct {
	Frames, Bytes int64
	Vendor        string
}

// CheckEncode fails on this architecture.
func CheckEncode(rate, channels int, quality float64) error { return errArch }

// Encode fails on this architecture.
func Encode(io.Writer, audio.Stream, EncodeOptions) (EncodeResult, error) {
	return EncodeResult{}, errArch
}
