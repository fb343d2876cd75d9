//go:build purego || wasm

package opus

// build is the build whose encoder bytes TestGolden checks: gopus's
// portable Go loops (js/wasm, or any build with -tags purego).
const build = "portable"

func hostMatchesGolden() bool { return true }
