package crypt

import (
	"bytes"
	"io"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

const benchSize = 8 << 20

// BenchmarkChaCha20Poly1305 is the reference: the bare AEAD over the same
// bytes in 64 KiB chunks, the floor of what age's STREAM can reach.
func BenchmarkChaCha20Poly1305(b *testing.B) {
	pt := randBytes(benchSize, 1)
	aead, _ := chacha20poly1305.New(make([]byte, 32))
	nonce := make([]byte, 12)
	out := make([]byte, 0, chunkSize+16)
	b.SetBytes(benchSize)
	for b.Loop() {
		for off := 0; off < len(pt); off += chunkSize {
			out = aead.Seal(out[:0], nonce, pt[off:off+chunkSize], nil)
		}
	}
}

func BenchmarkEncrypt(b *testing.B) {
	pt := randBytes(benchSize, 1)
	key := ContentKey(NewKey())
	b.SetBytes(benchSize)
	for b.Loop() {
		w, _ := Encrypt(io.Discard, key)
		w.Write(pt)
		w.Close()
	}
}

func BenchmarkDecrypt(b *testing.B) {
	key := ContentKey(NewKey())
	ct := encrypt(b, key, randBytes(benchSize, 1))
	b.SetBytes(benchSize)
	for b.Loop() {
		r, err := Decrypt(bytes.NewReader(ct), key)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, r)
	}
}

// BenchmarkReadAt reads the whole object through OpenReaderAt in 64 KiB
// reads, as the engine's decoders do.
func BenchmarkReadAt(b *testing.B) {
	key := ContentKey(NewKey())
	ct := encrypt(b, key, randBytes(benchSize, 1))
	buf := make([]byte, chunkSize)
	b.SetBytes(benchSize)
	for b.Loop() {
		r, n, err := OpenReaderAt(bytes.NewReader(ct), int64(len(ct)), key)
		if err != nil {
			b.Fatal(err)
		}
		for off := int64(0); off < n; off += chunkSize {
			r.ReadAt(buf, off)
		}
	}
}

// BenchmarkArgon2id is the cost of a sign-in (and of sign-up) at the
// default parameters: 64 MiB, t=3, p=1.
func BenchmarkArgon2id(b *testing.B) {
	salt := make([]byte, SaltSize)
	for b.Loop() {
		if _, err := Login("correct horse battery staple", salt, DefaultKDF.Marshal()); err != nil {
			b.Fatal(err)
		}
	}
}
