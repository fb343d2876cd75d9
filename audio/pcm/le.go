//go:build amd64 || arm64 || wasm || 386 || riscv64 || loong64 || ppc64le || mipsle || mips64le

package pcm

import "unsafe"

// On little-endian machines stored WAV samples have the machine's own byte
// order, so 16-bit, 32-bit and float samples can be read through a typed
// view of the bytes: one load per sample instead of one per byte (4× faster
// under js/wasm). The views are only read; loads need no alignment on these
// architectures.

const littleEndian = true

func view16(b []byte, n int) []int16 {
	return unsafe.Slice((*int16)(unsafe.Pointer(unsafe.SliceData(b[:2*n]))), n)
}

func view32(b []byte, n int) []int32 {
	return unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(b[:4*n]))), n)
}

func viewF32(b []byte, n int) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(b[:4*n]))), n)
}

func viewU32(b []byte, n int) []uint32 {
	return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(b[:4*n]))), n)
}
