//go:build js && wasm

package main

import "syscall/js"

// silence(file, read, thresholdDB, minFrames)
func silenceJS(args []js.Value) (any, error) {
	in, err := newInput(arg(args, 0), arg(args, 1), 0)
	if err != nil {
		return nil, err
	}
	th := -50.0
	if v := arg(args, 2); v.Type() == js.TypeNumber {
		th = v.Float()
	}
	r, err := findSilence(in, th, intArg(arg(args, 3), 0))
	if err != nil {
		return nil, err
	}
	return toJSON(r)
}
