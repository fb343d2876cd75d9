//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"
	"time"

	"offcut/audio/zipout"
)

// zipSink hands an archive's headers to the worker as bytes and its
// entries' data as ranges of the Blobs the entries came from; a cloud
// file's entry goes as its decrypted bytes (the worker cannot slice one).
type zipSink struct {
	emit js.Value
	ins  []input
}

func (s zipSink) Write(p []byte) (int, error) {
	s.emit.Invoke("bytes", bytesToJS(p))
	return len(p), nil
}

func (s zipSink) WriteRange(entry int, off, n int64) error {
	if entry >= 0 && entry < len(s.ins) {
		if p, ok := s.ins[entry].src.(*plainSource); ok {
			return copyPlain(p, off, n, func(b []byte) error {
				_, err := s.Write(b)
				return err
			})
		}
	}
	s.emit.Invoke("range", entry, off, n)
	return nil
}

// zip(files, names, modified, read, emit) stores files (Blobs or cloud
// files) in one ZIP
// archive under names (made safe and unique), dated modified (ms since
// the epoch). The entries' bytes are read once, for their CRC-32; the
// archive refers to them by range.
func zipJS(args []js.Value) (any, error) {
	ins, err := inputs(arg(args, 0), arg(args, 3))
	if err != nil {
		return nil, err
	}
	names := arg(args, 1)
	if names.Type() != js.TypeObject || names.Length() != len(ins) {
		return nil, fmt.Errorf("zip needs one name per file")
	}
	when := time.Now()
	if m := arg(args, 2); m.Type() == js.TypeNumber {
		when = time.UnixMilli(int64(m.Float()))
	}
	emit := arg(args, 4)
	if emit.Type() != js.TypeFunction {
		return nil, fmt.Errorf("zip needs an emit function")
	}
	var total, base int64
	for _, in := range ins {
		total += in.src.Size()
	}
	z := zipout.NewWriter(zipSink{emit, ins})
	progress := throttle(func(done, total int64) { emit.Invoke("progress", done, total) })
	z.Progress = func(done, _ int64) { progress(base+done, total) }
	stored := make([]any, len(ins))
	for i, in := range ins {
		n := names.Index(i)
		if n.Type() != js.TypeString {
			return nil, fmt.Errorf("name %d is not a string", i)
		}
		name, err := z.Add(zipout.Entry{Name: n.String(), Modified: when, Data: in.src, Size: in.src.Size()})
		if err != nil {
			return nil, err
		}
		stored[i] = name
		base += in.src.Size()
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	progress(total, total)
	return toJSON(stored)
}

// namesJS(names) returns, as JSON, the names zip would store files named
// names under: the names to write them into a folder with.
func namesJS(args []js.Value) (any, error) {
	v := arg(args, 0)
	if v.Type() != js.TypeObject {
		return nil, fmt.Errorf("names needs an array of names")
	}
	n := v.Length()
	if n > maxZipNames {
		return nil, fmt.Errorf("names: %d names (at most %d)", n, maxZipNames)
	}
	in := make([]string, n)
	for i := range in {
		s := v.Index(i)
		if s.Type() != js.TypeString {
			return nil, fmt.Errorf("name %d is not a string", i)
		}
		in[i] = s.String()
	}
	return jsonOf(zipout.Names(in), nil)
}

// maxZipNames bounds one names call (a batch of files, not more).
const maxZipNames = 1 << 16
