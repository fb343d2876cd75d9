//go:build !(amd64 || arm64 || wasm || 386 || riscv64 || loong64 || ppc64le || mipsle || mips64le)

package pcm

const littleEndian = false

func view16(b []byte, n int) []int16    { panic("pcm: no typed views on big-endian machines") }
func view32(b []byte, n int) []int32    { panic("pcm: no typed views on big-endian machines") }
func viewF32(b []byte, n int) []float32 { panic("pcm: no typed views on big-endian machines") }

func viewU32(b []byte, n int) []uint32 { panic("pcm: no typed views on big-endian machines") }
