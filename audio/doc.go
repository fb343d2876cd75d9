// Package audio is the core of the Offcut engine: audio formats, random-access
// sources, streams of float32 frames and the small composable stream
// constructors (Take, Seq, Silence, Gain, Envelope, Mix, Remix) that every
// edit is built from.
//
// Positions and lengths are always in frames (one sample per channel) of the
// stream they belong to, so every operation is sample-exact.
//
// The package imports neither syscall/js nor net/http: the same code runs in
// the browser (js/wasm, in a Web Worker), on the command line and in tests.
package audio
