//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"syscall/js"
	"unsafe"

	"offcut/audio/codec"
	"offcut/audio/codec/mp4"
)

// installAAC plugs the worker's WebCodecs AAC decoder into package mp4 when
// the worker provides one: globalThis.offcutAACDecode(config, data, sizes)
// returning a Promise of a Float32Array (www/worker.js).
func installAAC() {
	fn := js.Global().Get("offcutAACDecode")
	if fn.Type() != js.TypeFunction {
		return
	}
	mp4.SetAACDecoderFactory(func(c mp4.AACConfig) (mp4.AACDecoder, error) {
		return newWebAAC(fn, c), nil
	})
}

// webAAC decodes access units through offcutAACDecode.
type webAAC struct {
	fn, cfg js.Value
	c       mp4.AACConfig
}

func newWebAAC(fn js.Value, c mp4.AACConfig) *webAAC {
	cfg := jsObject.New()
	cfg.Set("codec", fmt.Sprintf("mp4a.40.%d", c.ObjectType))
	cfg.Set("sampleRate", c.Rate)
	cfg.Set("numberOfChannels", c.Channels)
	cfg.Set("description", bytesToJS(c.ASC))
	cfg.Set("frameLength", c.FrameLength)
	return &webAAC{fn: fn, cfg: cfg, c: c}
}

// Decode implements mp4.AACDecoder: it hands the access units to
// JavaScript as one buffer and their sizes, and waits for the samples.
func (w *webAAC) Decode(aus [][]byte) ([]float32, error) {
	total := 0
	for _, au := range aus {
		total += len(au)
	}
	data := make([]byte, 0, total)
	sizes := js.Global().Get("Uint32Array").New(len(aus))
	for i, au := range aus {
		data = append(data, au...)
		sizes.SetIndex(i, len(au))
	}
	v, err := await(w.fn.Invoke(w.cfg, bytesToJS(data), sizes))
	if err != nil {
		var r *rejection
		if errors.As(err, &r) && r.v.Type() == js.TypeObject {
			switch r.v.Get("name").String() {
			case "NotSupportedError": // no WebCodecs, or not this configuration
				return nil, fmt.Errorf("%w: the browser's AAC decoder: %v", codec.ErrUnsupported, err)
			case "EncodingError": // the decoder could not decode an access unit
				return nil, fmt.Errorf("%w: the browser's AAC decoder: %v", codec.ErrMalformed, err)
			}
		}
		return nil, fmt.Errorf("the browser's AAC decoder: %w", err)
	}
	if !v.InstanceOf(jsFloat32) {
		return nil, fmt.Errorf("the browser's AAC decoder returned no Float32Array")
	}
	out := make([]float32, v.Get("length").Int())
	if len(out) > 0 {
		// WebAssembly is little-endian, as a Float32Array's bytes are
		// here: copied straight into the floats.
		b := unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), 4*len(out))
		js.CopyBytesToGo(b, jsUint8Array.New(v.Get("buffer"), v.Get("byteOffset"), len(b)))
	}
	return out, nil
}
