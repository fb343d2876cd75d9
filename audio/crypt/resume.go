package crypt

import (
	"bytes"
	"crypto/cipher"
	"crypto/sha256"
	"fmt"
	"io"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/hkdf"
)

// Resumable is what it takes to encrypt the same plaintext again byte for
// byte, so that an upload interrupted by a reload can go on where it
// stopped: the chunks the server has already are the chunks a new run
// makes. Encrypt draws a random file key and STREAM nonce on every call;
// a Resumable fixes them (the age header with its stanza, and the nonce,
// as the ciphertext's first bytes) and computes the payload itself, as
// the age spec defines it (https://age-encryption.org/v1, "Payload"):
// ChaCha20-Poly1305 under HKDF-SHA256(file key, salt nonce, "payload")
// over 64 KiB chunks, a 11-byte big-endian counter and a last-chunk flag
// as each chunk's nonce. The output is an ordinary age file for the key.
type Resumable struct {
	prefix  []byte // the age header and the 16-byte STREAM nonce
	fileKey []byte // 16 bytes
}

// captureRecipient wraps like keyRecipient and keeps the file key.
type captureRecipient struct {
	keyRecipient
	fileKey *[]byte
}

func (c captureRecipient) Wrap(fileKey []byte) ([]*age.Stanza, error) {
	*c.fileKey = append([]byte(nil), fileKey...)
	return c.keyRecipient.Wrap(fileKey)
}

// NewResumable draws the file key and nonce of an encryption for key.
func NewResumable(key Key) (*Resumable, error) {
	var buf bytes.Buffer
	r := &Resumable{}
	// age.Encrypt writes the header and the nonce before it returns; the
	// writer it returns is not used.
	if _, err := age.Encrypt(&buf, captureRecipient{keyRecipient{stanzaKey(key)}, &r.fileKey}); err != nil {
		return nil, err
	}
	if len(r.fileKey) != 16 || buf.Len() < 16 {
		return nil, fmt.Errorf("%w: resumable: no file key", ErrMalformed)
	}
	r.prefix = buf.Bytes()
	return r, nil
}

// resumableMax bounds a sealed Resumable's plaintext (a header of one
// stanza is about 150 bytes).
const resumableMax = 4 << 10

// Seal returns r sealed for key (for storing in the browser).
func (r *Resumable) Seal(key Key) ([]byte, error) {
	return Seal(key, append(append([]byte(nil), r.fileKey...), r.prefix...))
}

// OpenResumable reads a Resumable sealed for key. It checks that the
// header is one key opens and holds the file key.
func OpenResumable(key Key, sealed []byte) (*Resumable, error) {
	if len(sealed) > resumableMax+1024 {
		return nil, fmt.Errorf("%w: resumable state of %d bytes", ErrTooLarge, len(sealed))
	}
	b, err := Open(key, sealed)
	if err != nil {
		return nil, err
	}
	return parseResumable(key, b)
}

// parseResumable reads the plaintext of a sealed Resumable: the file key,
// then the header and nonce.
func parseResumable(key Key, b []byte) (*Resumable, error) {
	if len(b) < 16+16 || len(b) > resumableMax {
		return nil, fmt.Errorf("%w: resumable state of %d bytes", ErrMalformed, len(b))
	}
	r := &Resumable{fileKey: b[:16], prefix: b[16:]}
	hdr, err := age.ExtractHeader(bytes.NewReader(r.prefix))
	if err != nil || len(r.prefix) != len(hdr)+16 {
		return nil, fmt.Errorf("%w: resumable state: not an age header and nonce", ErrMalformed)
	}
	fk, err := age.DecryptHeader(hdr, keyIdentity{stanzaKey(key)})
	if err != nil || !bytes.Equal(fk, r.fileKey) {
		return nil, fmt.Errorf("%w: resumable state: the header does not hold its file key", ErrMalformed)
	}
	return r, nil
}

// Encrypt returns a writer that encrypts what is written to it into dst,
// the same bytes every time for the same plaintext; Close writes the last
// chunk and must be called.
func (r *Resumable) Encrypt(dst io.Writer) (io.WriteCloser, error) {
	nonce := r.prefix[len(r.prefix)-16:]
	k := make([]byte, chacha20poly1305.KeySize)
	io.ReadFull(hkdf.New(sha256.New, r.fileKey, nonce, []byte("payload")), k)
	aead, err := chacha20poly1305.New(k)
	if err != nil {
		return nil, err
	}
	if _, err := dst.Write(r.prefix); err != nil {
		return nil, err
	}
	return &streamWriter{aead: aead, dst: dst, buf: make([]byte, 0, chunkSize)}, nil
}

// streamWriter is age's STREAM encryption (see Resumable).
type streamWriter struct {
	aead  cipher.AEAD
	dst   io.Writer
	buf   []byte
	out   []byte
	nonce [chacha20poly1305.NonceSize]byte
	err   error
}

func (w *streamWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if w.err != nil {
			return n, w.err
		}
		// A full chunk is only written when more data follows: the last
		// chunk is flagged, and may be full.
		if len(w.buf) == chunkSize {
			w.flush(false)
			continue
		}
		k := min(len(p), chunkSize-len(w.buf))
		w.buf = append(w.buf, p[:k]...)
		p, n = p[k:], n+k
	}
	return n, w.err
}

func (w *streamWriter) flush(last bool) {
	if last {
		w.nonce[len(w.nonce)-1] = 1
	}
	w.out = w.aead.Seal(w.out[:0], w.nonce[:], w.buf, nil)
	if _, err := w.dst.Write(w.out); err != nil {
		w.err = err
	}
	w.buf = w.buf[:0]
	for i := len(w.nonce) - 2; i >= 0; i-- {
		w.nonce[i]++
		if w.nonce[i] != 0 {
			break
		}
	}
}

// Close writes the last chunk.
func (w *streamWriter) Close() error {
	if w.err != nil {
		return w.err
	}
	w.flush(true)
	if w.err != nil {
		return w.err
	}
	w.err = errClosed
	return nil
}

var errClosed = fmt.Errorf("%w: write after close", ErrMalformed)
