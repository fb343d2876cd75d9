//go:build js && wasm

package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"io"
	"math/rand"
	"syscall/js"
	"testing"

	"offcut/audio/crypt"
)

// TestCloudInput: a cloud file (a plain object with a cloud url, size and
// key) opens through the worker's read function as the plaintext of the
// encrypted object: probe reads it, reads fetch blocks of at most
// cloudAhead, and a render's range of it comes out as bytes, not as a
// slice descriptor (the worker cannot slice a cloud file).
func TestCloudInput(t *testing.T) {
	defer dropReadAhead()
	// A WAV of 3 s of noise, encrypted for the account.
	const rate, frames = 8000, 24000
	pcm := make([]byte, frames*2)
	rand.New(rand.NewSource(2)).Read(pcm)
	var wav bytes.Buffer
	wav.WriteString("RIFF")
	binary.Write(&wav, binary.LittleEndian, uint32(36+len(pcm)))
	wav.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(rate * 2), uint16(2), uint16(16)} {
		binary.Write(&wav, binary.LittleEndian, v)
	}
	wav.WriteString("data")
	binary.Write(&wav, binary.LittleEndian, uint32(len(pcm)))
	wav.Write(pcm)
	plain := wav.Bytes()
	dk := crypt.NewKey()
	var ct bytes.Buffer
	w, _ := crypt.Encrypt(&ct, crypt.ContentKey(dk))
	w.Write(plain)
	w.Close()

	u8 := bytesToJS(ct.Bytes())
	state := jsObject.New()
	state.Set("max", 0)
	read := js.Global().Get("Function").New("u8", "state", `return (blob, a, b) => {
		if (!blob.cloud) throw new Error('not a cloud file');
		state.max = Math.max(state.max, b - a);
		return Promise.resolve(u8.slice(a, b));
	}`).Invoke(u8, state)
	file := jsObject.New()
	file.Set("name", "noise.wav")
	file.Set("size", len(plain))
	c := jsObject.New()
	c.Set("url", "/api/v1/objects/x/data?version=1")
	c.Set("size", ct.Len())
	c.Set("key", base64.StdEncoding.EncodeToString(dk[:]))
	file.Set("cloud", c)

	in, err := newInput(file, read, 0)
	if err != nil {
		t.Fatal(err)
	}
	if in.src.Size() != int64(len(plain)) || in.key == "" {
		t.Fatalf("size %d (want %d), key %q", in.src.Size(), len(plain), in.key)
	}
	info, err := probe(in)
	if err != nil {
		t.Fatal(err)
	}
	if info.Frames != frames {
		t.Errorf("probe: %d frames, want %d", info.Frames, frames)
	}
	got := make([]byte, len(plain))
	if n, err := in.src.ReadAt(got, 0); n != len(plain) || (err != nil && err != io.EOF) || !bytes.Equal(got, plain) {
		t.Fatalf("the plaintext differs: %v", err)
	}
	if m := state.Get("max").Int(); m > cloudAhead+64<<10 {
		t.Errorf("a read of %d bytes (at most %d ahead)", m, cloudAhead)
	}

	// A range of the cloud input reaches the sink as bytes.
	var out bytes.Buffer
	emit := js.FuncOf(func(_ js.Value, a []js.Value) any {
		if a[0].String() == "range" {
			t.Errorf("a range of a cloud file reached the worker")
		}
		if a[0].String() == "bytes" {
			b := make([]byte, a[1].Length())
			js.CopyBytesToGo(b, a[1])
			out.Write(b)
		}
		return nil
	})
	defer emit.Release()
	sink := jsSink{emit.Value, []input{in}}
	if err := sink.Range(0, 44+1000, 5000); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), plain[1044:6044]) {
		t.Errorf("the range's bytes differ")
	}

	// A wrong key is an error, not a panic.
	c.Set("key", base64.StdEncoding.EncodeToString(make([]byte, 32)))
	c.Set("url", "/other")
	if _, err := newInput(file, read, 0); err == nil {
		t.Errorf("a wrong key opened the object")
	}
	c.Set("size", -1)
	if _, err := newInput(file, read, 0); err == nil {
		t.Errorf("a cloud file without a size opened")
	}
}
