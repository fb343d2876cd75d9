//go:build !(amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm)

package lame

import (
	"fmt"
	"io"
	"runtime"

	"offcut/audio"
	"offcut/audio/codec"
)

// The transpiled LAME has the memory layout of 64-bit little-endian
// machines; on other targets the package builds but cannot encode.

var errArch error = fmt.Errorf("lame: no MP3 encoder on %s: %w", runtime.GOARCH, codec.ErrUnsupported)

// Encoder is unavailable on this architecture.
type Encoder struct{}

// NewEncoder fails on this architecture.
func NewEncoder(Options) (*Encoder, error) { return nil, errArch }

// Delay is 0.
func (*Encoder) Delay() int { return 0 }

// Padding is 0.
func (*Encoder) Padding() int { return 0 }

// Encode fails.
func (*Encoder) Encode([]float32) ([]byte, error) { return nil, errArch }

// Flush fails.
func (*Encoder) Flush() ([]byte, error) { return nil, errArch }

// EmptyReservoirAt fails.
func (*Encoder) EmptyReservoirAt(int) error { return errArch }

// EncodeSegment fails on this architecture.
func EncodeSegment(io.Writer, audio.Stream, Options, int64, int64) (Segment, error) {
	return Segment{}, errArch
}

// Close does nothing.
func (*Encoder) Close() {}

// Result describes a written MP3.
type Result struct {
	Samples        int64
	Frames         int
	Bytes          int64
	Delay, Padding int
}

// Write fails on this architecture.
func Write(io.Writer, audio.Stream, Options) (Result, error) { return Result{}, errArch }

// Stream is not available on this architecture.
func Stream(io.Writer, audio.Stream, Options) ([]byte, Result, error) {
	return nil, Result{}, errArch
}

// InfoSize is not available on this architecture.
func InfoSize(int, bool) int { return 0 }
