//go:build js && wasm

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"syscall/js"

	"offcut/audio/crypt"
)

// installCloud adds the cloud transfers to the engine object (see
// cloud.go). Both return a Promise like the other jobs:
//
//	upload(file, read, data_key, chunk_size, put, progress, state, skip) -> JSON {size, chunks}
//	newResume(data_key)                                      -> base64 state of an upload
//	shareKey(cloudFile, read, data_key)                      -> "#k=…"
//	encryptedSize(n)                                         -> JSON number
//	openShared(fragment, u8)                                 -> Uint8Array (a small shared object)
//
// put(n, u8, sha256hex) sends ciphertext chunk n and returns a Promise;
// a rejected one stops the upload (cancelled, or the network gave up).
//
// A cloud file is a plain object {name, size, cloud: {url, size, key |
// share}} passed wherever a File goes (probe, peaks, plan, render): url
// answers Range requests with the object's ciphertext of cloud.size bytes
// (the worker's read function fetches them), key is the account's data
// key, share a share link's fragment.
func installCloud(api js.Value) {
	api.Set("upload", handler("upload", func(a []js.Value) (any, error) {
		in, err := newInput(arg(a, 0), arg(a, 1), 0)
		if err != nil {
			return nil, err
		}
		put := arg(a, 4)
		if put.Type() != js.TypeFunction {
			return nil, fmt.Errorf("upload needs a put function")
		}
		res, err := openResume(str(a, 2), str(a, 6))
		if err != nil {
			return nil, err
		}
		skip := map[int]bool{}
		if s := arg(a, 7); s.Type() == js.TypeObject && s.Get("length").Type() == js.TypeNumber {
			for i := 0; i < s.Length() && i < 1<<20; i++ {
				skip[int(intArg(s.Index(i), -1))] = true
			}
		}
		chunks := 0
		n, err := encryptUpload(in.src, in.src.Size(), res, int(intArg(arg(a, 3), 0)), skip, func(i int, b []byte, sha string) error {
			chunks++
			_, err := await(put.Invoke(i, bytesToJS(b), sha))
			return err
		}, progressFunc(arg(a, 5)))
		if err != nil {
			return nil, err
		}
		return toJSON(map[string]int64{"size": n, "chunks": int64(chunks)})
	}))
	api.Set("newResume", handler("newResume", func(a []js.Value) (any, error) {
		b, err := newResume(str(a, 0))
		if err != nil {
			return nil, err
		}
		return toJSON(b)
	}))
	api.Set("encryptedSize", handler("encryptedSize", func(a []js.Value) (any, error) {
		n := intArg(arg(a, 0), -1)
		if n < 0 {
			return nil, fmt.Errorf("encryptedSize of %d bytes", n)
		}
		return toJSON(crypt.EncryptedSize(n))
	}))
	api.Set("openShared", handler("openShared", func(a []js.Value) (any, error) {
		b, err := u8(a, 1)
		if err != nil {
			return nil, err
		}
		return bytesOf(openSharedBlob(str(a, 0), b))
	}))
	api.Set("shareKey", handler("shareKey", func(a []js.Value) (any, error) {
		blob, read := arg(a, 0), arg(a, 1)
		c := blob.Get("cloud")
		if blob.Type() != js.TypeObject || c.Type() != js.TypeObject {
			return nil, fmt.Errorf("shareKey needs a cloud file")
		}
		src := &blobSource{blob: blob, read: read, size: intArg(c.Get("size"), -1), name: "cloud object"}
		return shareFragment(src, src.size, str(a, 2))
	}))
}

// cloudAhead is the largest block read ahead from a cloud object: 1 MiB
// Range requests, so a cut fetches little more than it uses.
const cloudAhead = 1 << 20

var (
	cloudMu    sync.Mutex
	cloudOpen  = map[string]*plainSource{} // opened cloud files by url, size and key
	cloudOrder []string
)

// cloudInput is newInput for a cloud file (ok false: blob is not one).
// An opened object is kept for later jobs, so its header is read once (a
// share's download count goes up on reads from byte 0).
func cloudInput(blob, read js.Value, i int) (in input, ok bool, err error) {
	if blob.Type() != js.TypeObject {
		return in, false, nil
	}
	c := blob.Get("cloud")
	if c.Type() != js.TypeObject {
		return in, false, nil
	}
	if read.Type() != js.TypeFunction {
		return in, true, fmt.Errorf("no read function for input %d", i)
	}
	url, size := c.Get("url"), intArg(c.Get("size"), -1)
	if url.Type() != js.TypeString || size < 0 {
		return in, true, fmt.Errorf("input %d: a cloud file needs a url and a size", i)
	}
	name := fmt.Sprintf("input %d", i)
	if n := blob.Get("name"); n.Type() == js.TypeString && n.String() != "" {
		name = n.String()
	}
	dk, share := str([]js.Value{c.Get("key")}, 0), str([]js.Value{c.Get("share")}, 0)
	id := fmt.Sprintf("cloud %q %d %s %s", url.String(), size, dk, share)
	cloudMu.Lock()
	p := cloudOpen[id]
	cloudMu.Unlock()
	if p == nil {
		ct := &blobSource{blob: blob, read: read, size: size, name: name, aheadMax: cloudAhead}
		if p, err = openCloud(ct, size, dk, share); err != nil {
			return in, true, fmt.Errorf("%s: %w", name, err)
		}
		cloudMu.Lock()
		cloudOpen[id] = p
		cloudOrder = append(cloudOrder, id)
		if len(cloudOrder) > 8 {
			delete(cloudOpen, cloudOrder[0])
			cloudOrder = cloudOrder[1:]
		}
		cloudMu.Unlock()
	}
	return input{src: p, name: name, key: cloudID(id)}, true, nil
}

// cloudRange hands length bytes of a cloud input's plaintext from off to
// the sink as literal bytes (the worker cannot slice a cloud file).
func cloudRange(s jsSink, p *plainSource, off, length int64) error {
	return copyPlain(p, off, length, s.Bytes)
}

// copyPlain reads length bytes of a cloud input's plaintext from off and
// hands them to emit a MiB at a time.
func copyPlain(p *plainSource, off, length int64, emit func([]byte) error) error {
	buf := make([]byte, min(length, 1<<20))
	for length > 0 {
		b := buf[:min(length, int64(len(buf)))]
		if _, err := p.ReadAt(b, off); err != nil && err != io.EOF {
			return err
		}
		if err := emit(b); err != nil {
			return err
		}
		off += int64(len(b))
		length -= int64(len(b))
	}
	return nil
}

// cloudID names a cloud file across jobs (a hash: the id holds its key).
func cloudID(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}
