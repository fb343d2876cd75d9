package crypt

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/hkdf"
)

// Errors wrapped by every failure of this package, so callers can tell a
// wrong secret from damaged data.
var (
	// ErrWrongKey: the password, recovery key or key does not open the
	// data (or the data was tampered with: AEAD cannot tell the two apart).
	ErrWrongKey = errors.New("crypt: wrong password or key, or the data was altered")
	// ErrMalformed: the data is not in the expected format (truncated,
	// unknown version, bad length).
	ErrMalformed = errors.New("crypt: malformed data")
	// ErrTooLarge: a size or parameter beyond this package's bounds.
	ErrTooLarge = errors.New("crypt: too large")
)

// KeySize is the size of data keys, share keys and the auth key.
const KeySize = 32

// SaltSize is the size of the per-account KDF salt (the server accepts
// 16 to 64 bytes).
const SaltSize = 16

// Key is a 256-bit symmetric key.
type Key [KeySize]byte

// NewKey returns a random key.
func NewKey() Key {
	var k Key
	if _, err := io.ReadFull(rand.Reader, k[:]); err != nil {
		panic("crypt: crypto/rand failed: " + err.Error())
	}
	return k
}

// KDFParams are the Argon2id parameters, stored on the server as the JSON
// kdf_params blob (the server's default for unknown e-mails is the same
// JSON: {"alg":"argon2id","m":65536,"t":3,"p":1}).
type KDFParams struct {
	Alg    string `json:"alg"`
	Memory uint32 `json:"m"` // KiB
	Time   uint32 `json:"t"`
	Par    uint8  `json:"p"`
}

// DefaultKDF is 64 MiB, t=3, p=1.
var DefaultKDF = KDFParams{Alg: "argon2id", Memory: 64 << 10, Time: 3, Par: 1}

// Bounds on KDF parameters read from the server: a hostile server must
// not make the browser allocate gigabytes or spin for minutes, nor weaken
// the derivation below a floor.
const (
	maxKDFMemory = 256 << 10 // KiB (256 MiB)
	minKDFMemory = 19 << 10  // KiB (OWASP's floor)
	maxKDFTime   = 10
	maxKDFPar    = 4
)

// Marshal returns the JSON blob sent as kdf_params.
func (p KDFParams) Marshal() []byte {
	b, _ := json.Marshal(p)
	return b
}

// ParseKDFParams reads a kdf_params blob and checks its bounds.
func ParseKDFParams(b []byte) (KDFParams, error) {
	var p KDFParams
	if len(b) > 1024 {
		return p, fmt.Errorf("%w: KDF parameters of %d bytes", ErrTooLarge, len(b))
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("%w: KDF parameters: %v", ErrMalformed, err)
	}
	if p.Alg != "argon2id" {
		return p, fmt.Errorf("%w: KDF %q (want argon2id)", ErrMalformed, p.Alg)
	}
	if p.Memory < minKDFMemory || p.Memory > maxKDFMemory || p.Time < 1 || p.Time > maxKDFTime || p.Par < 1 || p.Par > maxKDFPar {
		return p, fmt.Errorf("%w: Argon2id m=%d KiB t=%d p=%d outside m=%d..%d, t=1..%d, p=1..%d",
			ErrTooLarge, p.Memory, p.Time, p.Par, minKDFMemory, maxKDFMemory, maxKDFTime, maxKDFPar)
	}
	return p, nil
}

// Account is what sign-up produces. Salt, Params, AuthKey and WrappedKey
// go to POST /register (kdf_salt, kdf_params, auth_key, wrapped_key).
// RecoveryKey is shown to the user once and never stored;
// WrappedByRecovery is the data key wrapped by it, and RecoveryAuthKey
// the secret that proves to the server that the user holds it (as AuthKey
// proves the password); the server keeps both (see the package doc).
type Account struct {
	Salt              []byte
	Params            []byte
	AuthKey           []byte
	WrappedKey        []byte
	RecoveryKey       string
	WrappedByRecovery []byte
	RecoveryAuthKey   []byte
	DataKey           Key
}

// Session is what a sign-in produces: the auth key to send to POST /login,
// and the key-encryption key that opens wrapped_key once the server has
// answered. Both are secrets: keep them in memory only.
type Session struct {
	AuthKey []byte
	KEK     Key
}

// derive runs Argon2id and splits the master key with HKDF-SHA256.
func derive(password string, salt []byte, p KDFParams) (authKey []byte, kek Key, err error) {
	if password == "" {
		return nil, kek, fmt.Errorf("%w: empty password", ErrMalformed)
	}
	if len(salt) < 16 || len(salt) > 64 {
		return nil, kek, fmt.Errorf("%w: KDF salt of %d bytes (want 16 to 64)", ErrMalformed, len(salt))
	}
	master := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Par, KeySize)
	authKey = make([]byte, KeySize)
	if _, err := io.ReadFull(hkdf.New(sha256.New, master, salt, []byte("offcut auth key v1")), authKey); err != nil {
		return nil, kek, err
	}
	if _, err := io.ReadFull(hkdf.New(sha256.New, master, salt, []byte("offcut key-encryption key v1")), kek[:]); err != nil {
		return nil, kek, err
	}
	return authKey, kek, nil
}

// NewAccount derives the keys of a new account from its password: a
// random salt, a random data key wrapped by the password and by a new
// recovery key.
func NewAccount(password string) (*Account, error) {
	return newAccount(password, DefaultKDF)
}

func newAccount(password string, p KDFParams) (*Account, error) {
	salt := make([]byte, SaltSize)
	rand.Read(salt)
	auth, kek, err := derive(password, salt, p)
	if err != nil {
		return nil, err
	}
	dk := NewKey()
	rk := NewKey()
	return &Account{
		Salt: salt, Params: p.Marshal(), AuthKey: auth,
		WrappedKey:        wrapKey(kek, dk, kindPassword),
		RecoveryKey:       FormatRecoveryKey(rk),
		WrappedByRecovery: wrapKey(recoveryKEK(rk), dk, kindRecovery),
		RecoveryAuthKey:   recoveryAuthKey(rk),
		DataKey:           dk,
	}, nil
}

// Login derives the auth key and key-encryption key from the password and
// the salt and kdf_params that GET /salt returned.
func Login(password string, salt, params []byte) (*Session, error) {
	p, err := ParseKDFParams(params)
	if err != nil {
		return nil, err
	}
	auth, kek, err := derive(password, salt, p)
	if err != nil {
		return nil, err
	}
	return &Session{AuthKey: auth, KEK: kek}, nil
}

// DataKey unwraps the account's data key (wrapped_key from GET /account).
func (s *Session) DataKey(wrapped []byte) (Key, error) {
	return unwrapKey(s.KEK, wrapped, kindPassword)
}

// Rekey is what a password change sends to PUT /account/keys (with the old
// auth key): new_auth_key, kdf_salt, kdf_params, wrapped_key.
type Rekey struct {
	Salt, Params, AuthKey, WrappedKey []byte
}

// ChangePassword re-wraps the data key under a new password (a new salt
// too). It is also the second half of a recovery: Recover gives the data
// key, ChangePassword a new password for it.
func ChangePassword(dataKey Key, newPassword string) (*Rekey, error) {
	salt := make([]byte, SaltSize)
	rand.Read(salt)
	auth, kek, err := derive(newPassword, salt, DefaultKDF)
	if err != nil {
		return nil, err
	}
	return &Rekey{Salt: salt, Params: DefaultKDF.Marshal(), AuthKey: auth, WrappedKey: wrapKey(kek, dataKey, kindPassword)}, nil
}

// Recover unwraps the data key with the recovery key the user wrote down.
func Recover(recoveryKey string, wrappedByRecovery []byte) (Key, error) {
	rk, err := ParseRecoveryKey(recoveryKey)
	if err != nil {
		return Key{}, err
	}
	return unwrapKey(recoveryKEK(rk), wrappedByRecovery, kindRecovery)
}

// RecoveryAuthKey is the secret a recovery sends in place of the auth key,
// derived from the recovery key as typed.
func RecoveryAuthKey(recoveryKey string) ([]byte, error) {
	rk, err := ParseRecoveryKey(recoveryKey)
	if err != nil {
		return nil, err
	}
	return recoveryAuthKey(rk), nil
}

func recoveryAuthKey(rk Key) []byte {
	k := make([]byte, KeySize)
	io.ReadFull(hkdf.New(sha256.New, rk[:], nil, []byte("offcut recovery auth key v1")), k)
	return k
}

func recoveryKEK(rk Key) Key {
	var k Key
	io.ReadFull(hkdf.New(sha256.New, rk[:], nil, []byte("offcut recovery key v1")), k[:])
	return k
}

// Wrapped key blob: version 1 | kind | 24-byte nonce | XChaCha20-Poly1305
// of the 32-byte key (48 bytes), the first two bytes as associated data.
const (
	wrapVersion  = 1
	kindPassword = 'p'
	kindRecovery = 'r'
	wrappedSize  = 2 + chacha20poly1305.NonceSizeX + KeySize + chacha20poly1305.Overhead
)

func wrapKey(kek, k Key, kind byte) []byte {
	aead, _ := chacha20poly1305.NewX(kek[:])
	out := make([]byte, 2+chacha20poly1305.NonceSizeX, wrappedSize)
	out[0], out[1] = wrapVersion, kind
	rand.Read(out[2:])
	return aead.Seal(out, out[2:], k[:], out[:2])
}

func unwrapKey(kek Key, b []byte, kind byte) (Key, error) {
	var k Key
	if len(b) != wrappedSize {
		return k, fmt.Errorf("%w: wrapped key of %d bytes (want %d)", ErrMalformed, len(b), wrappedSize)
	}
	if b[0] != wrapVersion {
		return k, fmt.Errorf("%w: wrapped key version %d (want %d)", ErrMalformed, b[0], wrapVersion)
	}
	if b[1] != kind {
		return k, fmt.Errorf("%w: wrapped key of kind %q (want %q)", ErrMalformed, b[1], kind)
	}
	aead, _ := chacha20poly1305.NewX(kek[:])
	pt, err := aead.Open(nil, b[2:2+chacha20poly1305.NonceSizeX], b[2+chacha20poly1305.NonceSizeX:], b[:2])
	if err != nil {
		return k, fmt.Errorf("%w: the wrapped data key does not open", ErrWrongKey)
	}
	copy(k[:], pt)
	return k, nil
}

var recoveryEnc = base32.StdEncoding.WithPadding(base32.NoPadding)

// FormatRecoveryKey writes a recovery key as 13 groups of 4 base32
// letters and digits separated by dashes.
func FormatRecoveryKey(k Key) string {
	s := recoveryEnc.EncodeToString(k[:]) // 52 characters
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(s[i : i+4])
	}
	return b.String()
}

// ParseRecoveryKey reads a recovery key as typed: case, spaces and dashes
// do not matter; 0, 1 and 8 are read as O, I and B.
func ParseRecoveryKey(s string) (Key, error) {
	var k Key
	if len(s) > 200 {
		return k, fmt.Errorf("%w: recovery key of %d characters", ErrMalformed, len(s))
	}
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '\t', '\n', '\r':
			return -1
		case '0':
			return 'O'
		case '1':
			return 'I'
		case '8':
			return 'B'
		}
		return r
	}, strings.ToUpper(s))
	b, err := recoveryEnc.DecodeString(s)
	if err != nil || len(b) != KeySize {
		return k, fmt.Errorf("%w: not a recovery key (want 52 letters and digits in groups of 4)", ErrMalformed)
	}
	copy(k[:], b)
	return k, nil
}
