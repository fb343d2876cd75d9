// Command wasm is Offcut's engine adapter for a Web Worker, built with
// GOOS=js GOARCH=wasm by go run ./build, with the WebAssembly features
// (GOWASM) and compiler flags (GCFlags) that build/wasm.go sets and
// explains. It is the only package that imports syscall/js, and only in
// its *_js.go files; the rest is plain Go, tested natively.
//
// On start it sets globalThis.offcutEngine to an object of functions that
// www/worker.js calls. Each returns a Promise: the job runs in a goroutine
// of its own so that it can wait for asynchronous browser APIs (a Go call
// still inside a js.FuncOf callback cannot). The worker runs jobs one at a
// time. When the worker defines globalThis.offcutAACDecode(config, data,
// sizes) (WebCodecs AudioDecoder; Promise of a Float32Array), AAC in MP4 is
// decoded through it (aac_js.go). Inputs are Blobs (the user's Files),
// read by range on demand through a JavaScript function read(blob, a, b)
// that returns a Uint8Array of bytes [a, b), or a Promise of one;
// nothing copies a whole file into the Go heap. Every Promise resolves with
// the result, or rejects with an Error whose message says what failed; a Go
// panic is recovered and rejected as such an Error.
//
//	probe(file, read)                           -> JSON of probeInfo
//	peaks(file, read, buckets, from, to, onProgress)
//	                                            -> {from, to, min, max}
//	plan(projectJSON, files, read)              -> JSON of summary
//	render(projectJSON, files, read, emit[, split])
//	                                            -> JSON of summary, or with
//	                                               split {"split": segments}
//	                                               of an output made in
//	                                               segments (renderOrSplit)
//	stats()                                     -> JSON of Go memory figures and
//	                                               the Blob reads so far (reads,
//	                                               readBytes, readWaitMs)
//
// render calls emit("bytes", u8), emit("range", input, offset, length),
// emit("chunk", u8) for the output's pieces in order (a fresh Uint8Array
// each time, so the Blob part owns it) and emit("progress", done, total)
// with bytes of output done, monotonic, total constant. Computed chunks are
// at most 1 MiB.
package main
