package crypt

import (
	"bytes"
	"io"
	"testing"
)

var fuzzKey = Key{1, 2, 3}

// FuzzOpen feeds arbitrary ciphertext to every reader of this package: no
// panic, no hang, errors wrap a sentinel, and what opens reads back within
// its claimed size.
func FuzzOpen(f *testing.F) {
	for _, n := range []int{0, 5, chunkSize + 3} {
		var buf bytes.Buffer
		w, _ := Encrypt(&buf, fuzzKey)
		w.Write(randBytes(n, 1))
		w.Close()
		f.Add(buf.Bytes())
	}
	f.Add([]byte("age-encryption.org/v1\n-> offcut-key AAAAAAAAAAAAAAAA\n\n--- AAAA\n"))
	f.Fuzz(func(t *testing.T, ct []byte) {
		if p, err := Open(fuzzKey, ct); err == nil && len(p) > len(ct) {
			t.Fatalf("opened %d bytes from %d", len(p), len(ct))
		}
		if r, n, err := OpenReaderAt(bytes.NewReader(ct), int64(len(ct)), fuzzKey); err == nil {
			if n > int64(len(ct)) {
				t.Fatalf("plaintext size %d from %d bytes", n, len(ct))
			}
			buf := make([]byte, 100)
			r.ReadAt(buf, n/2)
		}
		if r, err := Decrypt(bytes.NewReader(ct), fuzzKey); err == nil {
			io.Copy(io.Discard, r)
		}
		var sk ShareKey
		if r, n, err := OpenShared(bytes.NewReader(ct), int64(len(ct)), sk); err == nil {
			r.ReadAt(make([]byte, 10), n-5)
		}
		ShareKeyOf(bytes.NewReader(ct), int64(len(ct)), fuzzKey)
	})
}

// FuzzParse feeds arbitrary text to the parsers of keys, fragments and KDF
// parameters.
func FuzzParse(f *testing.F) {
	f.Add("#k=AAAAAAAAAAAAAAAAAAAAAA")
	f.Add(FormatRecoveryKey(fuzzKey))
	f.Add(`{"alg":"argon2id","m":65536,"t":3,"p":1}`)
	f.Fuzz(func(t *testing.T, s string) {
		if sk, err := ParseShareFragment(s); err == nil {
			if back, _ := ParseShareFragment(sk.Fragment()); back != sk {
				t.Fatal("fragment round trip")
			}
		}
		if k, err := ParseRecoveryKey(s); err == nil {
			if back, _ := ParseRecoveryKey(FormatRecoveryKey(k)); back != k {
				t.Fatal("recovery key round trip")
			}
		}
		ParseKDFParams([]byte(s))
		Recover(s, []byte(s))
	})
}

// FuzzResumable: a resumable upload's state (after its seal is opened) is
// either refused or an encryption whose output opens for the key.
func FuzzResumable(f *testing.F) {
	r, _ := NewResumable(fuzzKey)
	f.Add(append(append([]byte(nil), r.fileKey...), r.prefix...))
	f.Add([]byte("0123456789abcdefage-encryption.org/v1\n--- AAAA\n0123456789abcdef"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseResumable(fuzzKey, b)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		w, err := r.Encrypt(&buf)
		if err != nil {
			return
		}
		w.Write([]byte("hello"))
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if p, err := Open(fuzzKey, buf.Bytes()); err != nil || string(p) != "hello" {
			t.Fatalf("an accepted state encrypts what does not open: %q, %v", p, err)
		}
	})
}
