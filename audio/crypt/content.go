package crypt

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/hkdf"
)

// stanzaType names the age recipient stanza of this package:
//
//	-> offcut-key <base64 nonce>
//	<ChaCha20-Poly1305 of the 16-byte file key>
//
// under HKDF-SHA256(key, info "offcut age file key v1"), a 12-byte random
// nonce, associated data "offcut-key".
const stanzaType = "offcut-key"

// ContentKey is the key that content of an account is encrypted for: a
// subkey of the data key, so the data key itself never keys an AEAD
// directly.
func ContentKey(dataKey Key) Key {
	var k Key
	io.ReadFull(hkdf.New(sha256.New, dataKey[:], nil, []byte("offcut content key v1")), k[:])
	return k
}

type keyRecipient struct{ aead []byte }

func stanzaKey(k Key) []byte {
	w := make([]byte, chacha20poly1305.KeySize)
	io.ReadFull(hkdf.New(sha256.New, k[:], nil, []byte("offcut age file key v1")), w)
	return w
}

func (r keyRecipient) Wrap(fileKey []byte) ([]*age.Stanza, error) {
	aead, err := chacha20poly1305.New(r.aead)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, chacha20poly1305.NonceSize)
	rand.Read(nonce)
	return []*age.Stanza{{
		Type: stanzaType,
		Args: []string{base64.RawStdEncoding.EncodeToString(nonce)},
		Body: aead.Seal(nil, nonce, fileKey, []byte(stanzaType)),
	}}, nil
}

type keyIdentity struct{ aead []byte }

func (id keyIdentity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	aead, err := chacha20poly1305.New(id.aead)
	if err != nil {
		return nil, err
	}
	for _, s := range stanzas {
		if s.Type != stanzaType || len(s.Args) != 1 {
			continue
		}
		nonce, err := base64.RawStdEncoding.Strict().DecodeString(s.Args[0])
		if err != nil || len(nonce) != chacha20poly1305.NonceSize || len(s.Body) != 16+chacha20poly1305.Overhead {
			return nil, fmt.Errorf("%w: %s stanza", ErrMalformed, stanzaType)
		}
		fk, err := aead.Open(nil, nonce, s.Body, []byte(stanzaType))
		if err != nil {
			continue // another key's stanza
		}
		return fk, nil
	}
	return nil, age.ErrIncorrectIdentity
}

// Encrypt returns a writer that encrypts what is written to it for key into
// dst, in the age format; Close writes the last chunk and must be called.
func Encrypt(dst io.Writer, key Key) (io.WriteCloser, error) {
	return age.Encrypt(dst, keyRecipient{stanzaKey(key)})
}

// EncryptedSize is the ciphertext size of plainSize bytes encrypted by
// Encrypt (for the size of an upload before it is made).
func EncryptedSize(plainSize int64) int64 {
	var buf bytes.Buffer
	w, _ := Encrypt(&buf, Key{})
	w.Close() // header, nonce, one empty last chunk
	chunks := (plainSize + chunkSize - 1) / chunkSize
	if chunks == 0 {
		chunks = 1
	}
	return int64(buf.Len()) - chacha20poly1305.Overhead + plainSize + chunks*chacha20poly1305.Overhead
}

// chunkSize is age's STREAM chunk of plaintext.
const chunkSize = 64 << 10

// wrapErr maps age's errors to this package's sentinels.
func wrapErr(what string, err error) error {
	var noID *age.NoIdentityMatchError
	if errors.As(err, &noID) {
		return fmt.Errorf("%w: %s: no key matches the file", ErrWrongKey, what)
	}
	if errors.Is(err, ErrMalformed) || errors.Is(err, ErrWrongKey) || errors.Is(err, ErrTooLarge) {
		return fmt.Errorf("%s: %w", what, err)
	}
	return fmt.Errorf("%w: %s: %v", ErrMalformed, what, err)
}

// Decrypt returns a reader of the plaintext of src, encrypted for key.
// A truncated or altered src fails with an error wrapping ErrMalformed when
// the damaged chunk is reached.
func Decrypt(src io.Reader, key Key) (io.Reader, error) {
	r, err := age.Decrypt(src, keyIdentity{stanzaKey(key)})
	if err != nil {
		return nil, wrapErr("decrypt", err)
	}
	return errReader{r}, nil
}

type errReader struct{ r io.Reader }

func (e errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		err = wrapErr("decrypt", err)
	}
	return n, err
}

// OpenReaderAt gives random access to the plaintext of an encrypted object
// of size bytes read through src (for example HTTP Range requests). It
// reads the header, and the last chunk to authenticate the plaintext size;
// every ReadAt then reads and decrypts only the 64 KiB chunks that hold the
// range asked for. It is safe for concurrent use.
func OpenReaderAt(src io.ReaderAt, size int64, key Key) (io.ReaderAt, int64, error) {
	return openReaderAt(src, size, keyIdentity{stanzaKey(key)})
}

func openReaderAt(src io.ReaderAt, size int64, id age.Identity) (io.ReaderAt, int64, error) {
	if size < 0 {
		return nil, 0, fmt.Errorf("%w: size %d", ErrMalformed, size)
	}
	r, n, err := age.DecryptReaderAt(src, size, id)
	if err != nil {
		return nil, 0, wrapErr("open", err)
	}
	return errReaderAt{r}, n, nil
}

type errReaderAt struct{ r io.ReaderAt }

func (e errReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := e.r.ReadAt(p, off)
	if err != nil && err != io.EOF {
		err = wrapErr(fmt.Sprintf("read at %d", off), err)
	}
	return n, err
}

// MaxSealed bounds Seal and Open: names, tags and edit documents, not
// audio (the server's meta blob is at most 4 KiB; an edit document is
// uploaded as an object but read whole).
const MaxSealed = 16 << 20

// Seal encrypts a small blob for key (the same format as Encrypt).
func Seal(key Key, plaintext []byte) ([]byte, error) {
	if len(plaintext) > MaxSealed {
		return nil, fmt.Errorf("%w: %d bytes to seal (at most %d)", ErrTooLarge, len(plaintext), MaxSealed)
	}
	var buf bytes.Buffer
	w, err := Encrypt(&buf, key)
	if err != nil {
		return nil, err
	}
	w.Write(plaintext)
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Open decrypts a blob made by Seal (or any object of at most MaxSealed
// bytes of plaintext).
func Open(key Key, sealed []byte) ([]byte, error) {
	r, n, err := OpenReaderAt(bytes.NewReader(sealed), int64(len(sealed)), key)
	if err != nil {
		return nil, err
	}
	if n > MaxSealed {
		return nil, fmt.Errorf("%w: sealed blob of %d bytes (at most %d)", ErrTooLarge, n, MaxSealed)
	}
	out := make([]byte, n)
	if _, err := r.ReadAt(out, 0); err != nil && !(err == io.EOF) {
		return nil, err
	}
	return out, nil
}
