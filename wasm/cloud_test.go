package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"math/rand"
	"testing"

	"offcut/audio/crypt"
)

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r     io.ReaderAt
	bytes int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.bytes += int64(n)
	return n, err
}

// TestEncryptUpload: the chunks are chunk_size bytes (the last shorter),
// in order, with their SHA-256; put together they are EncryptedSize bytes
// that decrypt to the file, and a range of the plaintext read through
// openCloud reads only the ciphertext chunks that hold it.
func TestEncryptUpload(t *testing.T) {
	plain := make([]byte, 11<<20+12345)
	rand.New(rand.NewSource(1)).Read(plain)
	dk := crypt.NewKey()
	dkS := base64.StdEncoding.EncodeToString(dk[:])
	state, err := newResume(dkS)
	if err != nil {
		t.Fatal(err)
	}
	res, err := openResume(dkS, base64.StdEncoding.EncodeToString(state))
	if err != nil {
		t.Fatal(err)
	}
	var ct bytes.Buffer
	var sizes []int
	var last int64
	n, err := encryptUpload(bytes.NewReader(plain), int64(len(plain)), res, 5<<20, nil, func(i int, b []byte, sha string) error {
		if i != len(sizes) {
			t.Fatalf("chunk %d came as %d", len(sizes), i)
		}
		sum := sha256.Sum256(b)
		if sha != hex.EncodeToString(sum[:]) {
			t.Fatalf("chunk %d: wrong sha", i)
		}
		sizes = append(sizes, len(b))
		ct.Write(b)
		return nil
	}, func(done, total int64) {
		if done < last || total != int64(len(plain)) {
			t.Fatalf("progress %d/%d after %d", done, total, last)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != crypt.EncryptedSize(int64(len(plain))) || int64(ct.Len()) != n {
		t.Fatalf("%d bytes, %d put, EncryptedSize %d", n, ct.Len(), crypt.EncryptedSize(int64(len(plain))))
	}
	if len(sizes) != 3 || sizes[0] != 5<<20 || sizes[1] != 5<<20 || sizes[2] != int(n)-10<<20 {
		t.Fatalf("chunk sizes %v", sizes)
	}
	if last != int64(len(plain)) {
		t.Fatalf("progress ended at %d", last)
	}
	// A resumed run (the state opened again, chunks 0 and 2 at the server)
	// sends chunk 1 alone, the same bytes as the first run's.
	res2, err := openResume(dkS, base64.StdEncoding.EncodeToString(state))
	if err != nil {
		t.Fatal(err)
	}
	var again []int
	if _, err := encryptUpload(bytes.NewReader(plain), int64(len(plain)), res2, 5<<20, map[int]bool{0: true, 2: true}, func(i int, b []byte, sha string) error {
		again = append(again, i)
		if !bytes.Equal(b, ct.Bytes()[5<<20:10<<20]) {
			t.Errorf("resumed chunk %d differs from the first run's", i)
		}
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	if len(again) != 1 || again[0] != 1 {
		t.Errorf("resumed run sent chunks %v, want [1]", again)
	}
	cr := &countingReaderAt{r: bytes.NewReader(ct.Bytes())}
	src, err := openCloud(cr, n, dkS, "")
	if err != nil {
		t.Fatal(err)
	}
	if src.Size() != int64(len(plain)) {
		t.Fatalf("plaintext size %d, want %d", src.Size(), len(plain))
	}
	opened := cr.bytes
	got := make([]byte, 1000)
	if _, err := src.ReadAt(got, 7<<20); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plain[7<<20:7<<20+1000]) {
		t.Fatal("range read differs from the file")
	}
	if read := cr.bytes - opened; read > 2*(64<<10+16) {
		t.Errorf("a 1000-byte read fetched %d bytes of ciphertext", read)
	}
	// The share key opens the same bytes, and nothing else is needed.
	frag, err := shareFragment(bytes.NewReader(ct.Bytes()), n, dkS)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := openCloud(bytes.NewReader(ct.Bytes()), n, "", frag)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sh.ReadAt(got, 100); err != nil || !bytes.Equal(got, plain[100:1100]) {
		t.Fatalf("shared read: %v", err)
	}
	if _, err := openResume(dkS, "!!"); !errors.Is(err, crypt.ErrMalformed) {
		t.Errorf("bad state: %v", err)
	}
	// A wrong key fails clearly.
	other := crypt.NewKey()
	if _, err := openCloud(bytes.NewReader(ct.Bytes()), n, base64.StdEncoding.EncodeToString(other[:]), ""); !errors.Is(err, crypt.ErrWrongKey) {
		t.Errorf("wrong key: %v", err)
	}
}

// TestEncryptUploadErrors: a chunk size the server refuses, a put that
// fails (cancelled) and a short file stop the upload with an error.
func TestEncryptUploadErrors(t *testing.T) {
	put := func(int, []byte, string) error { return nil }
	res, err := crypt.NewResumable(crypt.Key{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := encryptUpload(bytes.NewReader(nil), 0, res, 1<<20, nil, put, nil); !errors.Is(err, errUploadChunk) {
		t.Errorf("1 MiB chunks: %v", err)
	}
	stop := errors.New("cancelled")
	plain := make([]byte, 6<<20)
	if _, err := encryptUpload(bytes.NewReader(plain), int64(len(plain)), res, 5<<20, nil, func(int, []byte, string) error { return stop }, nil); !errors.Is(err, stop) {
		t.Errorf("failing put: %v", err)
	}
	if _, err := encryptUpload(bytes.NewReader(plain), int64(len(plain))+10, res, 5<<20, nil, put, nil); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("short file: %v", err)
	}
	// An empty file is one chunk of header and an empty last STREAM chunk.
	var chunks int
	n, err := encryptUpload(bytes.NewReader(nil), 0, res, 5<<20, nil, func(int, []byte, string) error { chunks++; return nil }, nil)
	if err != nil || chunks != 1 || n != crypt.EncryptedSize(0) {
		t.Errorf("empty file: %d bytes in %d chunks, %v", n, chunks, err)
	}
}
