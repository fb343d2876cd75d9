//go:build js && wasm

package main

// These run under js/wasm in Node (GOOS=js GOARCH=wasm go test ./wasm with
// $(go env GOROOT)/lib/wasm on PATH). Node has Blob but no FileReaderSync,
// so the read function here serves bytes from a Uint8Array kept beside
// the Blob, as the worker's would from the file.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"offcut/audio/codecs"
	"strings"
	"syscall/js"
	"testing"
)

// fakeFile returns a Blob (a File when name is set) of data, a
// read(blob, a, b) function over the same bytes, written in JavaScript as
// the worker's is, and an object whose fail property makes read throw.
func fakeFile(data []byte, name string) (blob, read, state js.Value) {
	u8 := bytesToJS(data)
	if name != "" {
		blob = js.Global().Get("File").New([]any{u8}, name)
	} else {
		blob = js.Global().Get("Blob").New([]any{u8})
	}
	state = jsObject.New()
	read = js.Global().Get("Function").New("u8", "state", `return (blob, a, b) => {
		if (state.fail) throw new DOMException("The file could not be read", "NotReadableError");
		return u8.slice(a, b);
	}`).Invoke(u8, state)
	return blob, read, state
}

func TestBlobSourceReadAt(t *testing.T) {
	blob, read, state := fakeFile([]byte("0123456789"), "digits.bin")
	in, err := newInput(blob, read, 0)
	if err != nil {
		t.Fatal(err)
	}
	src := in.src
	if src.Size() != 10 || in.name != "digits.bin" {
		t.Fatalf("size %d name %q", src.Size(), in.name)
	}
	p := make([]byte, 4)
	if n, err := src.ReadAt(p, 3); n != 4 || err != nil || string(p) != "3456" {
		t.Errorf("ReadAt(4, 3) = %d, %v, %q", n, err, p)
	}
	if n, err := src.ReadAt(p, 8); n != 2 || err != io.EOF || string(p[:2]) != "89" {
		t.Errorf("ReadAt(4, 8) = %d, %v, %q; want 2, EOF", n, err, p[:n])
	}
	if n, err := src.ReadAt(p, 10); n != 0 || err != io.EOF {
		t.Errorf("ReadAt at the end = %d, %v", n, err)
	}
	if _, err := src.ReadAt(p, -1); err == nil {
		t.Error("ReadAt at -1: no error")
	}
	// A read that throws is an error naming the file and the bytes (on a
	// new source: this one keeps the file's ends it has read).
	dropReadAhead()
	state.Set("fail", true)
	in, _ = newInput(blob, read, 0)
	_, err = in.src.ReadAt(p, 0)
	if err == nil || !strings.Contains(err.Error(), "digits.bin: reading bytes 0..4:") || !strings.Contains(err.Error(), "could not be read") {
		t.Errorf("ReadAt when read throws: %v", err)
	}
}

func TestBlobSourceShortRead(t *testing.T) {
	blob, _, _ := fakeFile([]byte("0123456789"), "")
	short := js.Global().Get("Function").New("return new Uint8Array(1)")
	in, err := newInput(blob, short, 3)
	if err != nil {
		t.Fatal(err)
	}
	if in.name != "input 3" {
		t.Errorf("a Blob without a name is called %q", in.name)
	}
	if _, err := in.src.ReadAt(make([]byte, 4), 0); !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "was the file changed?") {
		t.Errorf("short read: %v", err)
	}
}

func TestHandlerRecoversPanics(t *testing.T) {
	h := handler("frobnicate", func([]js.Value) (any, error) {
		var m map[string]int
		m["x"] = 1
		return nil, nil
	})
	defer h.Release()
	p := h.Invoke()
	if !p.InstanceOf(jsPromise) {
		t.Fatalf("a handler returned %v, not a Promise", p)
	}
	if _, err := await(p); err == nil || !strings.HasPrefix(err.Error(), "frobnicate failed: internal error: assignment to entry in nil map") {
		t.Errorf("a panicking handler's promise: %v", err)
	}
	e := handler("probe", func([]js.Value) (any, error) { return nil, errors.New("wav: no data chunk") })
	defer e.Release()
	if v := rejected(t, e.Invoke()); !v.InstanceOf(jsError) || v.Get("code").String() != codeInternal || v.Get("detail").String() != "wav: no data chunk" || v.Get("message").String() == "" {
		t.Errorf("a failing handler rejected with %v", v)
	}
	ok := handler("probe", func([]js.Value) (any, error) { return "fine", nil })
	defer ok.Release()
	if v, err := await(ok.Invoke()); err != nil || v.String() != "fine" {
		t.Errorf("a handler's promise = %v, %v", v, err)
	}
	m := handler("probe", func([]js.Value) (any, error) {
		return nil, &fileError{"a.wav", fmt.Errorf("%w: junk", codecs.ErrUnknownFormat)}
	})
	defer m.Release()
	if v := rejected(t, m.Invoke()); v.Get("code").String() != codeUnknownFormat || !strings.HasPrefix(v.Get("message").String(), "a.wav is not an audio file Offcut can open") {
		t.Errorf("an unknown format gave code %v, message %v", v.Get("code"), v.Get("message"))
	}
}

func TestRenderJS(t *testing.T) {
	wav := testWAV(8000, 1, 8000, 0)
	blob, read, _ := fakeFile(wav, "tone.wav")
	files := js.Global().Get("Array").New(blob)
	var out bytes.Buffer
	var last float64 = -1
	var ranges int
	emit := js.FuncOf(func(_ js.Value, a []js.Value) any {
		switch a[0].String() {
		case "bytes", "chunk":
			b := make([]byte, a[1].Length())
			js.CopyBytesToGo(b, a[1])
			out.Write(b)
		case "range":
			off, n := a[2].Int(), a[3].Int()
			ranges++
			out.Write(wav[off : off+n])
		case "progress":
			if d := a[1].Float(); d <= last {
				t.Errorf("progress %v after %v", d, last)
			} else {
				last = d
			}
		}
		return nil
	})
	defer emit.Release()
	doc := `{"version":1,"clips":[{"source":0,"in":100,"out":4100,"fadeIn":{"length":80}}]}`
	v, err := renderJS([]js.Value{js.ValueOf(doc), files, read, emit.Value})
	if err != nil {
		t.Fatal(err)
	}
	var s summary
	if err := json.Unmarshal([]byte(v.(string)), &s); err != nil {
		t.Fatal(err)
	}
	if s.Frames != 4000 || s.Size != int64(out.Len()) || float64(s.Size) != last || ranges != 1 || s.Lossless {
		t.Errorf("summary %+v, %d bytes out, last progress %v, %d ranges", s, out.Len(), last, ranges)
	}
	if !bytes.Equal(out.Bytes()[44+80*2:], wav[44+180*2:44+4100*2]) {
		t.Error("the range after the fade is not the source's bytes")
	}
	if _, err := renderJS([]js.Value{js.ValueOf(doc), js.ValueOf("nope"), read, emit.Value}); err == nil {
		t.Error("render with files = a string: no error")
	}
}

// rejected waits for a Promise that must reject and returns its reason.
func rejected(t *testing.T, p js.Value) js.Value {
	t.Helper()
	if !p.InstanceOf(jsPromise) {
		t.Fatalf("%v is not a Promise", p)
	}
	_, err := await(p)
	var r *rejection
	if !errors.As(err, &r) {
		t.Fatalf("the promise resolved (%v)", err)
	}
	return r.v
}
