//go:build !(amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm)

package aac

import (
	"fmt"
	"runtime"

	"offcut/audio/codec"
)

// The transpiled faac has the memory layout of 64-bit little-endian
// machines; on other targets the package builds but cannot encode.

var errArch error = fmt.Errorf("aac: no AAC encoder on %s: %w", runtime.GOARCH, codec.ErrUnsupported)

// Encoder is unavailable on this architecture.
type Encoder struct{}

// NewEncoder fails on this architecture.
func NewEncoder(Options) (*Encoder, error) { return nil, errArch }

// Config is nil.
func (*Encoder) Config() []byte { return nil }

// Delay is FrameSize, as where the encoder runs.
func (*Encoder) Delay() int { return FrameSize }

// Encode fails.
func (*Encoder) Encode([]float32) ([][]byte, error) { return nil, errArch }

// Flush fails.
func (*Encoder) Flush() ([][]byte, error) { return nil, errArch }

// Close does nothing.
func (*Encoder) Close() {}
