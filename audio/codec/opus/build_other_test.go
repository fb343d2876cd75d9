//go:build !amd64 && !wasm && !purego

package opus

// build names a build with no recorded hashes (gopus's arm64 kernels).
const build = "other"

func hostMatchesGolden() bool { return false }
