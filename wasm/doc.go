// Command wasm is Offcut's engine adapter for a Web Worker, built with
//
//	GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o offcut.wasm ./wasm
//
// (go run ./build does this). It is the only package that imports
// syscall/js, and only in main_js.go; the rest is plain Go, tested natively.
//
// On start it sets globalThis.offcutEngine to an object of synchronous
// functions that www/worker.js calls. Inputs are Blobs (the user's Files),
// read by range on demand through a JavaScript function read(blob, a, b)
// that returns a Uint8Array of bytes [a, b) (FileReaderSync in the worker);
// nothing copies a whole file into the Go heap. Every function returns its
// result, or an Error whose message says what failed; a Go panic is
// recovered and returned as such an Error.
//
//	probe(file, read)                           -> JSON of probeInfo
//	peaks(file, read, buckets, from, to, onProgress)
//	                                            -> {from, to, min, max}
//	plan(projectJSON, files, read)              -> JSON of summary
//	render(projectJSON, files, read, emit)      -> JSON of summary
//	stats()                                     -> JSON of Go memory figures
//
// render calls emit("bytes", u8), emit("range", input, offset, length),
// emit("chunk", u8) for the output's pieces in order (a fresh Uint8Array
// each time, so the Blob part owns it) and emit("progress", done, total)
// with bytes of output done, monotonic, total constant. Computed chunks are
// at most 1 MiB.
package main
