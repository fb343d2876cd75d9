package crypt

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
)

// fastKDF keeps the key tests quick; TestDefaultKDF runs the real cost once.
var fastKDF = KDFParams{Alg: "argon2id", Memory: minKDFMemory, Time: 1, Par: 1}

func TestDefaultKDFMatchesServer(t *testing.T) {
	// server/cloud/service.go: DefaultKDFParams for unknown e-mails.
	const server = `{"alg":"argon2id","m":65536,"t":3,"p":1}`
	if got := string(DefaultKDF.Marshal()); got != server {
		t.Fatalf("DefaultKDF = %s, server default %s", got, server)
	}
	if _, err := ParseKDFParams([]byte(server)); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultKDF(t *testing.T) {
	a, err := NewAccount("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Salt) != SaltSize || len(a.AuthKey) != KeySize || len(a.WrappedKey) != wrappedSize {
		t.Fatalf("sizes: salt %d auth %d wrapped %d", len(a.Salt), len(a.AuthKey), len(a.WrappedKey))
	}
	s, err := Login("correct horse", a.Salt, a.Params)
	if err != nil {
		t.Fatal(err)
	}
	if dk, err := s.DataKey(a.WrappedKey); err != nil || dk != a.DataKey {
		t.Fatalf("DataKey: %v", err)
	}
}

func TestAccount(t *testing.T) {
	a, err := newAccount("hunter2 hunter2", fastKDF)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Login("hunter2 hunter2", a.Salt, a.Params)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s.AuthKey, a.AuthKey) {
		t.Fatal("login auth key differs from sign-up's")
	}
	dk, err := s.DataKey(a.WrappedKey)
	if err != nil || dk != a.DataKey {
		t.Fatalf("DataKey = %x, %v; want %x", dk, err, a.DataKey)
	}
	if a.DataKey == (Key{}) || bytes.Equal(a.AuthKey, a.DataKey[:]) {
		t.Fatal("degenerate keys")
	}

	// Wrong password: another auth key, and the wrapped key does not open.
	w, err := Login("hunter3 hunter2", a.Salt, a.Params)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(w.AuthKey, a.AuthKey) {
		t.Fatal("wrong password gives the same auth key")
	}
	if _, err := w.DataKey(a.WrappedKey); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("wrong password: %v, want ErrWrongKey", err)
	}

	// Tampered and truncated wrapped keys.
	for i := range a.WrappedKey {
		b := bytes.Clone(a.WrappedKey)
		b[i] ^= 0x20
		if _, err := s.DataKey(b); err == nil {
			t.Fatalf("byte %d flipped: opened", i)
		} else if i >= 2 && !errors.Is(err, ErrWrongKey) {
			t.Fatalf("byte %d flipped: %v", i, err)
		}
	}
	for _, n := range []int{0, 1, 2, 26, wrappedSize - 1} {
		if _, err := s.DataKey(a.WrappedKey[:n]); !errors.Is(err, ErrMalformed) {
			t.Fatalf("truncated to %d: %v", n, err)
		}
	}
	// The recovery copy is not the password copy.
	if _, err := s.DataKey(a.WrappedByRecovery); !errors.Is(err, ErrMalformed) {
		t.Fatalf("recovery blob as password blob: %v", err)
	}

	// Recovery key, as typed by a user.
	typed := strings.ToLower(strings.ReplaceAll(a.RecoveryKey, "-", " "))
	rdk, err := Recover(typed, a.WrappedByRecovery)
	if err != nil || rdk != a.DataKey {
		t.Fatalf("Recover: %v", err)
	}
	if _, err := Recover(FormatRecoveryKey(NewKey()), a.WrappedByRecovery); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("wrong recovery key: %v", err)
	}
	if rak, err := RecoveryAuthKey(typed); err != nil || !bytes.Equal(rak, a.RecoveryAuthKey) || len(rak) != KeySize ||
		bytes.Equal(rak, a.AuthKey) || bytes.Contains(a.WrappedByRecovery, rak) {
		t.Fatalf("RecoveryAuthKey: %x, %v", rak, err)
	}
	if _, err := Recover("not a key", a.WrappedByRecovery); !errors.Is(err, ErrMalformed) {
		t.Fatalf("garbage recovery key: %v", err)
	}

	// Password change: the same data key under the new password only.
	rk, err := ChangePassword(rdk, "new password!")
	if err != nil {
		t.Fatal(err)
	}
	n, err := Login("new password!", rk.Salt, rk.Params)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(n.AuthKey, rk.AuthKey) || bytes.Equal(n.AuthKey, a.AuthKey) {
		t.Fatal("new auth key wrong")
	}
	if dk, err := n.DataKey(rk.WrappedKey); err != nil || dk != a.DataKey {
		t.Fatalf("after change: %v", err)
	}
	if _, err := s.DataKey(rk.WrappedKey); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("old password opens the new wrapped key: %v", err)
	}
	if _, err := ChangePassword(rdk, ""); !errors.Is(err, ErrMalformed) {
		t.Fatalf("empty password: %v", err)
	}
}

func TestRecoveryKeyFormat(t *testing.T) {
	k := NewKey()
	s := FormatRecoveryKey(k)
	if len(s) != 13*4+12 {
		t.Fatalf("recovery key %q: %d characters", s, len(s))
	}
	got, err := ParseRecoveryKey(s)
	if err != nil || got != k {
		t.Fatalf("ParseRecoveryKey(%q) = %v", s, err)
	}
}

func TestHostileKDFParams(t *testing.T) {
	for _, p := range []string{
		`{"alg":"argon2id","m":4294967295,"t":3,"p":1}`, // 4 TiB
		`{"alg":"argon2id","m":65536,"t":4000000000,"p":1}`,
		`{"alg":"argon2id","m":65536,"t":3,"p":255}`,
		`{"alg":"argon2id","m":8,"t":1,"p":1}`, // too weak
	} {
		if _, err := Login("pw", make([]byte, 16), []byte(p)); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: %v, want ErrTooLarge", p, err)
		}
	}
	for _, p := range []string{``, `{`, `{"alg":"scrypt","m":65536,"t":3,"p":1}`, `[]`, strings.Repeat(" ", 2000)} {
		if _, err := Login("pw", make([]byte, 16), []byte(p)); err == nil {
			t.Errorf("%q: accepted", p)
		}
	}
	if _, err := Login("pw", make([]byte, 8), DefaultKDF.Marshal()); !errors.Is(err, ErrMalformed) {
		t.Errorf("short salt: %v", err)
	}
}

func encrypt(t testing.TB, key Key, pt []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := Encrypt(&buf, key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(pt); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func randBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// countingReaderAt counts the bytes read from it.
type countingReaderAt struct {
	r     io.ReaderAt
	bytes atomic.Int64
	calls atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.bytes.Add(int64(n))
	c.calls.Add(1)
	return n, err
}

func TestContentRoundTrip(t *testing.T) {
	key := ContentKey(NewKey())
	for _, n := range []int{0, 1, 1000, chunkSize - 1, chunkSize, chunkSize + 1, 3*chunkSize + 77} {
		pt := randBytes(n, uint64(n))
		ct := encrypt(t, key, pt)
		if int64(len(ct)) != EncryptedSize(int64(n)) {
			t.Errorf("%d bytes: ciphertext %d, EncryptedSize %d", n, len(ct), EncryptedSize(int64(n)))
		}
		if bytes.Contains(ct, pt[:min(n, 64)]) && n >= 16 {
			t.Errorf("%d bytes: plaintext visible in ciphertext", n)
		}
		r, err := Decrypt(bytes.NewReader(ct), key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("%d bytes: Decrypt: %v", n, err)
		}
		ra, size, err := OpenReaderAt(bytes.NewReader(ct), int64(len(ct)), key)
		if err != nil || size != int64(n) {
			t.Fatalf("%d bytes: OpenReaderAt size %d, %v", n, size, err)
		}
		got = make([]byte, n)
		if m, err := ra.ReadAt(got, 0); m != n || (err != nil && err != io.EOF) || !bytes.Equal(got, pt) {
			t.Fatalf("%d bytes: ReadAt whole: %d, %v", n, m, err)
		}
		s, err := Seal(key, pt)
		if err != nil {
			t.Fatal(err)
		}
		if o, err := Open(key, s); err != nil || !bytes.Equal(o, pt) {
			t.Fatalf("%d bytes: Seal/Open: %v", n, err)
		}
	}
}

func TestRandomAccess(t *testing.T) {
	key := ContentKey(NewKey())
	const n = 20*chunkSize + 12345
	pt := randBytes(n, 7)
	ct := encrypt(t, key, pt)
	src := &countingReaderAt{r: bytes.NewReader(ct)}
	ra, size, err := OpenReaderAt(src, int64(len(ct)), key)
	if err != nil || size != n {
		t.Fatal(size, err)
	}
	if got := src.bytes.Load(); got > 2*(chunkSize+16)+4096 {
		t.Errorf("opening read %d bytes; want the header and the last chunk only", got)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 300; i++ {
		off := rnd.Int64N(n + 10)
		ln := rnd.IntN(3 * chunkSize)
		if i%3 == 0 {
			ln = rnd.IntN(100)
		}
		buf := make([]byte, ln)
		before := src.bytes.Load()
		m, err := ra.ReadAt(buf, off)
		want := pt[min(off, n):min(off+int64(ln), n)]
		if m != len(want) || !bytes.Equal(buf[:m], want) {
			t.Fatalf("ReadAt(%d, %d) = %d bytes, want %d", off, ln, m, len(want))
		}
		if m < ln && err != io.EOF {
			t.Fatalf("ReadAt(%d, %d) short without EOF: %v", off, ln, err)
		}
		if m == ln && err != nil && err != io.EOF {
			t.Fatalf("ReadAt(%d, %d): %v", off, ln, err)
		}
		// Only the chunks holding [off, off+m) may be read.
		if m > 0 {
			chunks := (off+int64(m)-1)/chunkSize - off/chunkSize + 1
			if read := src.bytes.Load() - before; read > chunks*(chunkSize+16) {
				t.Fatalf("ReadAt(%d, %d) read %d ciphertext bytes for %d chunks", off, ln, read, chunks)
			}
		}
	}
}

func TestWrongKeyTamperTruncate(t *testing.T) {
	key := ContentKey(NewKey())
	pt := randBytes(2*chunkSize+100, 3)
	ct := encrypt(t, key, pt)
	if _, _, err := OpenReaderAt(bytes.NewReader(ct), int64(len(ct)), ContentKey(NewKey())); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("wrong key: %v", err)
	}
	if _, err := Decrypt(bytes.NewReader(ct), NewKey()); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("wrong key, Decrypt: %v", err)
	}
	if _, err := Open(NewKey(), ct); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("wrong key, Open: %v", err)
	}
	// Flip one byte anywhere: open or the read of its chunk must fail.
	rnd := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 200; i++ {
		pos := rnd.IntN(len(ct))
		if i < 100 {
			pos = rnd.IntN(200) // the header
		}
		b := bytes.Clone(ct)
		b[pos] ^= 1 << rnd.IntN(8)
		ra, _, err := OpenReaderAt(bytes.NewReader(b), int64(len(b)), key)
		if err == nil {
			got := make([]byte, len(pt))
			_, err = ra.ReadAt(got, 0)
			if err == io.EOF {
				err = nil
			}
		}
		if err == nil {
			t.Fatalf("byte %d flipped: read without error", pos)
		}
		if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrWrongKey) {
			t.Fatalf("byte %d flipped: %v does not wrap a sentinel", pos, err)
		}
		if r, err := Decrypt(bytes.NewReader(b), key); err == nil {
			if _, err := io.ReadAll(r); err == nil {
				t.Fatalf("byte %d flipped: Decrypt read without error", pos)
			}
		}
	}
	// Truncated: every length but the whole fails.
	for _, n := range []int{0, 1, 10, 100, len(ct) - chunkSize - 17, len(ct) - 17, len(ct) - 1} {
		_, _, err := OpenReaderAt(bytes.NewReader(ct[:n]), int64(n), key)
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("truncated to %d: %v", n, err)
		}
		if r, err := Decrypt(bytes.NewReader(ct[:n]), key); err == nil {
			if _, err := io.ReadAll(r); !errors.Is(err, ErrMalformed) {
				t.Errorf("truncated to %d, Decrypt: %v", n, err)
			}
		}
	}
}

func TestHostileSizes(t *testing.T) {
	key := ContentKey(NewKey())
	ct := encrypt(t, key, randBytes(1000, 1))
	for _, size := range []int64{-1, 1 << 62, int64(len(ct)) + 1, int64(len(ct)) + 1<<40} {
		_, _, err := OpenReaderAt(bytes.NewReader(ct), size, key)
		if err == nil {
			t.Errorf("size %d: opened", size)
		}
	}
	// A header line claiming a huge size is bounded by age (2 MiB header).
	huge := []byte("age-encryption.org/v1\n-> offcut-key " + strings.Repeat("A", 3<<20))
	if _, _, err := OpenReaderAt(bytes.NewReader(huge), int64(len(huge)), key); !errors.Is(err, ErrMalformed) {
		t.Errorf("huge header: %v", err)
	}
	if _, err := Seal(key, make([]byte, MaxSealed+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Seal over the bound: %v", err)
	}
}

func TestAllocBoundedOnHostileSize(t *testing.T) {
	key := ContentKey(NewKey())
	ct := encrypt(t, key, nil)
	var before, after runtimeMem
	before.read()
	for i := 0; i < 5; i++ {
		OpenReaderAt(bytes.NewReader(ct), 1<<50, key)
	}
	after.read()
	if d := after.total - before.total; d > 16<<20 {
		t.Fatalf("opening with a claimed size of 1 PiB allocated %d bytes", d)
	}
}

func TestShare(t *testing.T) {
	dk := NewKey()
	key := ContentKey(dk)
	pt := randBytes(5*chunkSize+3, 9)
	ct := encrypt(t, key, pt)
	src := &countingReaderAt{r: bytes.NewReader(ct)}
	sk, err := ShareKeyOf(src, int64(len(ct)), key)
	if err != nil {
		t.Fatal(err)
	}
	if got := src.bytes.Load(); got > 8192 {
		t.Errorf("ShareKeyOf read %d bytes; the header is enough", got)
	}
	frag := sk.Fragment()
	if !strings.HasPrefix(frag, "#k=") || len(frag) != 3+22 {
		t.Fatalf("fragment %q", frag)
	}
	got, err := ParseShareFragment("#x=1&" + frag[1:])
	if err != nil || got != sk {
		t.Fatalf("ParseShareFragment: %v", err)
	}
	ra, n, err := OpenShared(bytes.NewReader(ct), int64(len(ct)), got)
	if err != nil || n != int64(len(pt)) {
		t.Fatalf("OpenShared: %d, %v", n, err)
	}
	buf := make([]byte, 1000)
	if _, err := ra.ReadAt(buf, 3*chunkSize-500); err != nil || !bytes.Equal(buf, pt[3*chunkSize-500:3*chunkSize+500]) {
		t.Fatalf("shared ReadAt: %v", err)
	}
	// The key of one object opens no other object.
	other := encrypt(t, key, pt)
	if _, _, err := OpenShared(bytes.NewReader(other), int64(len(other)), sk); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("share key on another object: %v", err)
	}
	for _, f := range []string{"", "#", "#k=", "#k=abc", "#k=" + strings.Repeat("A", 23), "#k=" + strings.Repeat("A", 2000), "#k=++++++++++++++++++++++"} {
		if _, err := ParseShareFragment(f); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseShareFragment(%q): %v", f, err)
		}
	}
	if _, err := ShareKeyOf(bytes.NewReader(ct), int64(len(ct)), NewKey()); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("ShareKeyOf with a wrong key: %v", err)
	}
}
