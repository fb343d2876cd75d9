//go:build js && wasm

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall/js"
	"testing"

	"offcut/audio/codec/mp4"
)

// TestAACThroughPromise opens an AAC file (FFmpeg-made, from the mp4
// package's test data) and computes its waveform through the engine's
// peaks handler, with a stand-in for the worker's offcutAACDecode that
// settles its Promise later from a timer, as WebCodecs would: the job,
// running in its goroutine, waits for JavaScript between batches.
func TestAACThroughPromise(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "audio", "codec", "mp4", "testdata", "tiny-aac.m4a"))
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	fake := js.FuncOf(func(_ js.Value, a []js.Value) any {
		calls++
		cfg, sizes := a[0], a[2]
		if !strings.HasPrefix(cfg.Get("codec").String(), "mp4a.40.") || cfg.Get("description").Length() < 2 {
			return js.Global().Get("Promise").Call("reject", jsError.New("bad config"))
		}
		n := sizes.Length() * cfg.Get("frameLength").Int() * cfg.Get("numberOfChannels").Int()
		return js.Global().Get("Function").New("n", `return new Promise((resolve) =>
			setTimeout(() => resolve(new Float32Array(n).fill(0.25)), 1))`).Invoke(n)
	})
	defer fake.Release()
	js.Global().Set("offcutAACDecode", fake)
	defer js.Global().Delete("offcutAACDecode")
	installAAC()
	defer mp4.SetAACDecoderFactory(nil)

	blob, read, _ := fakeFile(b, "tiny.m4a")
	h := handler("peaks", peaksJS)
	defer h.Release()
	v, err := await(h.Invoke(blob, read, 10))
	if err != nil {
		t.Fatal(err)
	}
	mx := v.Get("max")
	if mx.Length() != 10 || calls == 0 {
		t.Fatalf("%d buckets after %d decoder calls", mx.Length(), calls)
	}
	for i := range mx.Length() {
		if got := mx.Index(i).Float(); got != 0.25 {
			t.Fatalf("bucket %d max = %v, want the stand-in decoder's 0.25", i, got)
		}
	}
	// A rejected decode becomes the job's error, in the UI's terms.
	for _, c := range []struct{ name, code string }{
		{"NotSupportedError", codeUnsupported}, {"EncodingError", codeMalformed}, {"Error", codeInternal},
	} {
		js.Global().Set("offcutAACDecode", js.Global().Get("Function").New("name",
			`return () => Promise.reject(new DOMException("AudioDecoder says no", name))`).Invoke(c.name))
		installAAC()
		e := rejected(t, h.Invoke(blob, read, 10))
		if e.Get("code").String() != c.code || !strings.Contains(e.Get("detail").String(), "the browser's AAC decoder: AudioDecoder says no") {
			t.Errorf("%s: rejected with code %v, detail %v; want code %s", c.name, e.Get("code"), e.Get("detail"), c.code)
		}
	}
}
