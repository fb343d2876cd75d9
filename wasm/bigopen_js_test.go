//go:build js && wasm

package main

import (
	"encoding/binary"
	"syscall/js"
	"testing"
)

// blobFile is a File in memory read as the worker reads one
// (Blob.slice().arrayBuffer()), counting the reads and their bytes.
func blobFile(data []byte, name string) (blob, read, state js.Value) {
	blob = js.Global().Get("File").New([]any{bytesToJS(data)}, name)
	state = jsObject.New()
	state.Set("calls", 0)
	state.Set("bytes", 0)
	read = js.Global().Get("Function").New("state", `return (blob, a, b) => {
		state.calls++;
		state.bytes += b - a;
		return blob.slice(a, b).arrayBuffer().then((buf) => new Uint8Array(buf));
	}`).Invoke(state)
	return blob, read, state
}

// silentMP3 is n frames of 128 kbit/s 44.1 kHz stereo layer III, silent.
func silentMP3(n int) []byte {
	const size = 417
	b := make([]byte, n*size)
	for i := range n {
		binary.BigEndian.PutUint32(b[i*size:], 0xfffb9064)
	}
	return b
}

// BenchmarkProbeMP3Blob probes an hour of MP3 through the worker's read
// path (a File read by Blob.slice), reporting the Blob reads it makes.
func BenchmarkProbeMP3Blob(b *testing.B) {
	data := silentMP3(3600 * 44100 / 1152)
	blob, read, state := blobFile(data, "hour.mp3")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		handles = newHandleCache(32)
		dropReadAhead()
		state.Set("calls", 0)
		state.Set("bytes", 0)
		in, err := newInput(blob, read, 0)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := probe(in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(state.Get("calls").Float(), "blob-reads")
	b.ReportMetric(state.Get("bytes").Float()/float64(len(data)), "bytes-read/size")
}
