package main

// This file is the pure-Go half of the worker's cloud transfers (issue 11):
// an encrypted, chunked upload of a local file read by range, and a cloud
// source, the plaintext of an encrypted object read by range through
// crypt.OpenReaderAt (or crypt.OpenShared for a share link). cloud_js.go
// binds them to the worker.

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"offcut/audio/crypt"
)

// Upload chunks are what the server accepts (docs/api.md): 5 to 8 MiB,
// the last one shorter.
const (
	minUploadChunk = 5 << 20
	maxUploadChunk = 8 << 20
)

// errUploadChunk is wrapped when a chunk size is out of the server's range.
var errUploadChunk = errors.New("upload chunk size out of range")

// uploadChunker collects ciphertext into chunks of exactly size bytes (the
// last one shorter) and hands each to put with its index and SHA-256 in
// hex. It holds one chunk at a time.
type uploadChunker struct {
	buf  []byte
	n    int
	put  func(n int, b []byte, sha string) error
	sent int64
}

func (c *uploadChunker) Write(p []byte) (int, error) {
	w := 0
	for len(p) > 0 {
		k := min(len(p), cap(c.buf)-len(c.buf))
		c.buf = append(c.buf, p[:k]...)
		p, w = p[k:], w+k
		if len(c.buf) == cap(c.buf) {
			if err := c.flush(); err != nil {
				return w, err
			}
		}
	}
	return w, nil
}

func (c *uploadChunker) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	sum := sha256.Sum256(c.buf)
	if err := c.put(c.n, c.buf, hex.EncodeToString(sum[:])); err != nil {
		return fmt.Errorf("upload chunk %d: %w", c.n, err)
	}
	c.n++
	c.sent += int64(len(c.buf))
	c.buf = c.buf[:0]
	return nil
}

// encryptUpload reads size bytes of src in order, encrypts them with res
// (age STREAM, the same bytes on every run) and hands the ciphertext to
// put in chunks of chunkSize bytes, the last one shorter, in order,
// except the chunks in skip (the server has them: a resumed upload). It
// returns the ciphertext size, which equals crypt.EncryptedSize(size).
// progress gets plaintext bytes read. Memory: one chunk and one read
// buffer.
func encryptUpload(src io.ReaderAt, size int64, res *crypt.Resumable, chunkSize int, skip map[int]bool, put func(n int, b []byte, sha string) error, progress func(done, total int64)) (int64, error) {
	if chunkSize < minUploadChunk || chunkSize > maxUploadChunk {
		return 0, fmt.Errorf("%w: %d bytes (want %d to %d)", errUploadChunk, chunkSize, minUploadChunk, maxUploadChunk)
	}
	if size < 0 {
		return 0, fmt.Errorf("upload of a negative size %d", size)
	}
	c := &uploadChunker{buf: make([]byte, 0, chunkSize), put: func(n int, b []byte, sha string) error {
		if skip[n] {
			return nil
		}
		return put(n, b, sha)
	}}
	w, err := res.Encrypt(c)
	if err != nil {
		return 0, err
	}
	buf := make([]byte, 1<<20)
	for off := int64(0); off < size; {
		n := int(min(int64(len(buf)), size-off))
		k, err := src.ReadAt(buf[:n], off)
		if k < n {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, fmt.Errorf("reading bytes %d..%d to upload: %w", off, off+int64(n), err)
		}
		if _, err := w.Write(buf[:n]); err != nil {
			return 0, err
		}
		off += int64(n)
		if progress != nil {
			progress(off, size)
		}
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	if err := c.flush(); err != nil {
		return 0, err
	}
	if want := crypt.EncryptedSize(size); c.sent != want {
		return 0, fmt.Errorf("upload: %d bytes of ciphertext, expected %d", c.sent, want)
	}
	return c.sent, nil
}

// plainSource is the plaintext of an encrypted object: an audio.Source.
type plainSource struct {
	r io.ReaderAt
	n int64
}

func (p *plainSource) ReadAt(b []byte, off int64) (int, error) { return p.r.ReadAt(b, off) }

// Size implements audio.Source.
func (p *plainSource) Size() int64 { return p.n }

// openCloud opens the plaintext of an encrypted object of size bytes read
// through ct: with the account's data key (standard base64), or, when
// share is not empty, with the share key of a link's fragment ("k=…").
func openCloud(ct io.ReaderAt, size int64, dataKey, share string) (*plainSource, error) {
	var (
		r   io.ReaderAt
		n   int64
		err error
	)
	if share != "" {
		sk, perr := crypt.ParseShareFragment(share)
		if perr != nil {
			return nil, perr
		}
		r, n, err = crypt.OpenShared(ct, size, sk)
	} else {
		dk, kerr := key("data_key", dataKey)
		if kerr != nil {
			return nil, kerr
		}
		r, n, err = crypt.OpenReaderAt(ct, size, crypt.ContentKey(dk))
	}
	if err != nil {
		return nil, err
	}
	return &plainSource{r, n}, nil
}

// shareFragment is the URL fragment ("#k=…") that opens the object of size
// bytes read through ct, encrypted for the account of dataKey.
func shareFragment(ct io.ReaderAt, size int64, dataKey string) (string, error) {
	dk, err := key("data_key", dataKey)
	if err != nil {
		return "", err
	}
	sk, err := crypt.ShareKeyOf(ct, size, crypt.ContentKey(dk))
	if err != nil {
		return "", err
	}
	return sk.Fragment(), nil
}

// openSharedBlob decrypts a small object (an edit document) with the share
// key of a link's fragment.
func openSharedBlob(share string, ct []byte) ([]byte, error) {
	p, err := openCloud(bytes.NewReader(ct), int64(len(ct)), "", share)
	if err != nil {
		return nil, err
	}
	if p.n > crypt.MaxSealed {
		return nil, fmt.Errorf("%w: shared document of %d bytes", crypt.ErrTooLarge, p.n)
	}
	out := make([]byte, p.n)
	if _, err := p.ReadAt(out, 0); err != nil && err != io.EOF {
		return nil, err
	}
	return out, nil
}

// newResume draws the file key and nonce of an upload for the account of
// dataKey, sealed for it (the page keeps it until the upload completes).
func newResume(dataKey string) ([]byte, error) {
	dk, err := key("data_key", dataKey)
	if err != nil {
		return nil, err
	}
	r, err := crypt.NewResumable(crypt.ContentKey(dk))
	if err != nil {
		return nil, err
	}
	return r.Seal(crypt.ContentKey(dk))
}

// openResume opens newResume's answer (standard base64).
func openResume(dataKey, state string) (*crypt.Resumable, error) {
	dk, err := key("data_key", dataKey)
	if err != nil {
		return nil, err
	}
	if len(state) > 8192 {
		return nil, fmt.Errorf("%w: upload state of %d characters", crypt.ErrMalformed, len(state))
	}
	b, err := base64.StdEncoding.DecodeString(state)
	if err != nil {
		return nil, fmt.Errorf("%w: upload state is not base64: %v", crypt.ErrMalformed, err)
	}
	return crypt.OpenResumable(crypt.ContentKey(dk), b)
}
