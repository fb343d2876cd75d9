//go:build amd64 && !purego

package opus

import "golang.org/x/sys/cpu"

// build is the build whose encoder bytes TestGolden checks: on amd64
// without -tags purego gopus sums in libopus's SSE order and, where the CPU
// has them, with AVX2/FMA kernels, so its bytes differ from js/wasm's.
const build = "amd64"

// hostMatchesGolden reports whether this CPU takes the kernels the amd64
// hashes were recorded with (AVX2 and FMA).
func hostMatchesGolden() bool { return cpu.X86.HasAVX2 && cpu.X86.HasFMA }
