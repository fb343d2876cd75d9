package crypt

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
)

// ShareKey opens one object and nothing else: it is the object's own
// 16-byte age file key, random for every object (and every new version of
// it). A share link carries it in its URL fragment; the server serves the
// object's ciphertext unchanged, so sharing costs no re-encryption, no
// upload and no key blob on the server.
type ShareKey [16]byte

// ShareKeyOf reads the header of an object encrypted for key (only the
// header: a few hundred bytes from the start of src) and returns its share
// key.
func ShareKeyOf(src io.ReaderAt, size int64, key Key) (ShareKey, error) {
	var sk ShareKey
	hdr, err := age.ExtractHeader(io.NewSectionReader(src, 0, size))
	if err != nil {
		return sk, wrapErr("share", err)
	}
	fk, err := age.DecryptHeader(hdr, keyIdentity{stanzaKey(key)})
	if err != nil {
		return sk, wrapErr("share", err)
	}
	if len(fk) != len(sk) {
		return sk, fmt.Errorf("%w: share: file key of %d bytes", ErrMalformed, len(fk))
	}
	copy(sk[:], fk)
	return sk, nil
}

// OpenShared is OpenReaderAt for someone who holds only a share key.
func OpenShared(src io.ReaderAt, size int64, sk ShareKey) (io.ReaderAt, int64, error) {
	r, n, err := openReaderAt(src, size, age.NewInjectedFileKeyIdentity(sk[:]))
	if err != nil && strings.Contains(err.Error(), "bad header MAC") {
		// With an injected file key a wrong key shows as a header MAC
		// mismatch.
		return nil, 0, fmt.Errorf("%w: share key does not open the file", ErrWrongKey)
	}
	return r, n, err
}

// Fragment is the URL fragment of a share link: "#k=" and the key in
// unpadded base64url (22 characters).
func (sk ShareKey) Fragment() string {
	return "#k=" + base64.RawURLEncoding.EncodeToString(sk[:])
}

// ParseShareFragment reads the key of a share link from its URL fragment
// ("#k=…", with or without the "#"; other &-separated fields are ignored).
func ParseShareFragment(frag string) (ShareKey, error) {
	var sk ShareKey
	if len(frag) > 1024 {
		return sk, fmt.Errorf("%w: share fragment of %d bytes", ErrMalformed, len(frag))
	}
	frag = strings.TrimPrefix(frag, "#")
	for _, f := range strings.Split(frag, "&") {
		v, ok := strings.CutPrefix(f, "k=")
		if !ok {
			continue
		}
		b, err := base64.RawURLEncoding.Strict().DecodeString(v)
		if err != nil || len(b) != len(sk) {
			return sk, fmt.Errorf("%w: share key %q is not 22 base64url characters", ErrMalformed, v)
		}
		copy(sk[:], b)
		return sk, nil
	}
	return sk, fmt.Errorf("%w: no k= in the share link's fragment", ErrMalformed)
}
