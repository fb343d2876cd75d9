package crypt

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"testing"
)

// TestResumable: two runs give the same bytes, an age file that Decrypt
// and OpenReaderAt read for the key, of EncryptedSize bytes, at every
// edge of a 64 KiB chunk; the sealed state comes back; a wrong key or a
// damaged state is refused.
func TestResumable(t *testing.T) {
	key := NewKey()
	r, err := NewResumable(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := r.Seal(key)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := OpenResumable(key, sealed)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	for _, n := range []int{0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 2 * chunkSize, 3*chunkSize + 77, 1 << 20} {
		plain := make([]byte, n)
		rng.Read(plain)
		enc := func(r *Resumable, step int) []byte {
			var buf bytes.Buffer
			w, err := r.Encrypt(&buf)
			if err != nil {
				t.Fatal(err)
			}
			for p := plain; len(p) > 0; {
				k := min(step, len(p))
				w.Write(p[:k])
				p = p[k:]
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}
		a, b := enc(r, 1000), enc(r2, 70000)
		if !bytes.Equal(a, b) {
			t.Fatalf("%d bytes: two runs differ", n)
		}
		if int64(len(a)) != EncryptedSize(int64(n)) {
			t.Fatalf("%d bytes: %d of ciphertext, EncryptedSize %d", n, len(a), EncryptedSize(int64(n)))
		}
		d, err := Decrypt(bytes.NewReader(a), key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(d)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: decrypt: %v", n, err)
		}
		ra, m, err := OpenReaderAt(bytes.NewReader(a), int64(len(a)), key)
		if err != nil || m != int64(n) {
			t.Fatalf("%d bytes: OpenReaderAt: %d, %v", n, m, err)
		}
		if n > 10 {
			p := make([]byte, 10)
			if _, err := ra.ReadAt(p, int64(n-10)); err != nil && err != io.EOF || !bytes.Equal(p, plain[n-10:]) {
				t.Fatalf("%d bytes: the last 10 differ: %v", n, err)
			}
		}
	}
	if _, err := OpenResumable(NewKey(), sealed); !errors.Is(err, ErrWrongKey) && !errors.Is(err, ErrMalformed) {
		t.Errorf("another key: %v", err)
	}
	// A state whose header is not the file key's.
	other, _ := NewResumable(key)
	bad := &Resumable{fileKey: r.fileKey, prefix: other.prefix}
	bs, _ := bad.Seal(key)
	if _, err := OpenResumable(key, bs); !errors.Is(err, ErrMalformed) {
		t.Errorf("mismatched state: %v", err)
	}
	if _, err := OpenResumable(key, make([]byte, 1<<20)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge state: %v", err)
	}
}
