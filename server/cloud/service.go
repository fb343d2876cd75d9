package cloud

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the parameters of the server-side Argon2id over the
// auth key. The auth key is already the output of a slow KDF in the
// browser, so these only need to make a stolen database useless.
type Argon2Params struct {
	Time      uint32
	MemoryKiB uint32
	Threads   uint8
}

// DefaultArgon2 follows OWASP's minimum for Argon2id (19 MiB, t=2).
var DefaultArgon2 = Argon2Params{Time: 2, MemoryKiB: 19 << 10, Threads: 1}

// Config sets the rules of a Service. Zero fields take the defaults.
type Config struct {
	Quota     int64         // ciphertext bytes per account (default 1 GiB)
	Keep      int           // versions kept per object (default 10)
	MinChunk  int64         // smallest chunk but the last (default 5 MiB, the S3 minimum part)
	UploadTTL time.Duration // uploads older than this are swept (default 24 h)
	Argon2    Argon2Params  // default DefaultArgon2
	// DefaultKDFParams is returned as the KDF parameters of unknown
	// e-mails; it should equal what the app sends at sign-up.
	DefaultKDFParams []byte
}

// Service is the cloud save: the rules between a MetaStore and a BlobStore.
type Service struct {
	Meta  MetaStore
	Blobs BlobStore
	cfg   Config

	secretMu sync.Mutex
	secret   []byte
}

// NewService returns a Service over meta and blobs.
func NewService(meta MetaStore, blobs BlobStore, cfg Config) *Service {
	if cfg.Quota == 0 {
		cfg.Quota = 1 << 30
	}
	if cfg.Keep == 0 {
		cfg.Keep = 10
	}
	if cfg.MinChunk == 0 {
		cfg.MinChunk = 5 << 20
	}
	if cfg.UploadTTL == 0 {
		cfg.UploadTTL = 24 * time.Hour
	}
	if cfg.Argon2 == (Argon2Params{}) {
		cfg.Argon2 = DefaultArgon2
	}
	if cfg.DefaultKDFParams == nil {
		cfg.DefaultKDFParams = []byte(`{"alg":"argon2id","m":65536,"t":3,"p":1}`)
	}
	return &Service{Meta: meta, Blobs: blobs, cfg: cfg}
}

// Config returns the service's rules, defaults filled in.
func (s *Service) Config() Config { return s.cfg }

// NormalizeEmail trims and lower-cases an e-mail address and checks its
// shape.
func NormalizeEmail(email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	at := strings.IndexByte(e, '@')
	if len(e) > 254 || at < 1 || at == len(e)-1 || strings.ContainsAny(e, " \t\r\n\x00") || strings.Count(e, "@") != 1 {
		return "", Errorf(EINVALID, "%q is not an e-mail address", truncate(email, 64))
	}
	return e, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// Salt returns the KDF salt and parameters of the account with the given
// e-mail. Unknown e-mails get a deterministic fake salt (an HMAC of the
// e-mail under the server secret) and the default parameters, so the
// answer does not tell whether an account exists.
func (s *Service) Salt(ctx context.Context, email string) (salt, params []byte, err error) {
	e, err := NormalizeEmail(email)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.Meta.UserByEmail(ctx, e)
	if err == nil {
		return u.KDFSalt, u.KDFParams, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, nil, err
	}
	sec, err := s.serverSecret(ctx)
	if err != nil {
		return nil, nil, err
	}
	m := hmac.New(sha256.New, sec)
	m.Write([]byte("offcut kdf salt\x00" + e))
	return m.Sum(nil)[:16], s.cfg.DefaultKDFParams, nil
}

func (s *Service) serverSecret(ctx context.Context) ([]byte, error) {
	s.secretMu.Lock()
	defer s.secretMu.Unlock()
	if s.secret == nil {
		sec, err := s.Meta.Secret(ctx)
		if err != nil {
			return nil, err // tried again next time
		}
		s.secret = sec
	}
	return s.secret, nil
}

// SessionIdle ends a session unused for this long.
const SessionIdle = 30 * 24 * time.Hour

// Registration is what the browser sends to open an account.
type Registration struct {
	Email      string
	AuthKey    []byte
	KDFSalt    []byte
	KDFParams  []byte
	WrappedKey []byte
	Device     string
	// RecoveryAuthKey and WrappedByRecovery, both or neither, let the
	// account be recovered with the recovery key (Recover).
	RecoveryAuthKey   []byte
	WrappedByRecovery []byte
}

// RecoveryBlobSize is the size of a wrapped-by-recovery key blob
// (audio/crypt: version, kind 'r', a 24-byte nonce, XChaCha20-Poly1305 of
// a 32-byte key), the size of the fake one an unknown e-mail gets.
const RecoveryBlobSize = 74

func checkRecovery(r Registration) error {
	if len(r.RecoveryAuthKey) == 0 && len(r.WrappedByRecovery) == 0 {
		return nil
	}
	if err := checkAuthKey(r.RecoveryAuthKey); err != nil {
		return Errorf(EINVALID, "recovery %s", ErrorMessage(err))
	}
	if len(r.WrappedByRecovery) != RecoveryBlobSize {
		return Errorf(EINVALID, "wrapped-by-recovery key must be %d bytes, got %d", RecoveryBlobSize, len(r.WrappedByRecovery))
	}
	return nil
}

func checkAuthKey(k []byte) error {
	if len(k) < 16 || len(k) > 64 {
		return Errorf(EINVALID, "auth key must be 16 to 64 bytes, got %d", len(k))
	}
	return nil
}

func checkKeyBlobs(r Registration) error {
	if len(r.KDFSalt) < 16 || len(r.KDFSalt) > 64 {
		return Errorf(EINVALID, "KDF salt must be 16 to 64 bytes, got %d", len(r.KDFSalt))
	}
	for name, b := range map[string][]byte{"KDF parameters": r.KDFParams, "wrapped key": r.WrappedKey} {
		if len(b) == 0 || len(b) > MaxKeyBlob {
			return Errorf(EINVALID, "%s must be 1 to %d bytes, got %d", name, MaxKeyBlob, len(b))
		}
	}
	return nil
}

// ChangeKeys replaces the auth key, KDF salt and parameters and wrapped
// data key of the session's account (a password change: the browser
// re-wraps the data key, nothing is re-uploaded) once the current auth key
// checks out. Every other session of the account ends.
func (s *Service) ChangeKeys(ctx context.Context, sess *Session, current []byte, r Registration) error {
	if err := checkAuthKey(r.AuthKey); err != nil {
		return err
	}
	if err := checkKeyBlobs(r); err != nil {
		return err
	}
	u, err := s.Meta.UserByID(ctx, sess.UserID)
	if err != nil {
		return err
	}
	if !checkAuthHash(u.AuthHash, current) {
		return Errorf(EFORBIDDEN, "the current password is wrong")
	}
	if err := s.Meta.UpdateKeys(ctx, u.ID, s.hashAuthKey(r.AuthKey), r.KDFSalt, r.KDFParams, r.WrappedKey); err != nil {
		return err
	}
	list, err := s.Meta.Sessions(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, x := range list {
		if x.ID != sess.ID {
			if err := s.Meta.DeleteSession(ctx, u.ID, x.ID); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
	}
	return nil
}

// checkNewKeys checks the keys of a sign-up or a recovery and returns the
// device name to use.
func checkNewKeys(r Registration) (device string, err error) {
	if err := checkAuthKey(r.AuthKey); err != nil {
		return "", err
	}
	if err := checkKeyBlobs(r); err != nil {
		return "", err
	}
	if err := checkRecovery(r); err != nil {
		return "", err
	}
	return checkDevice(r.Device)
}

func checkDevice(d string) (string, error) {
	d = strings.TrimSpace(d)
	if len(d) > 100 {
		return "", Errorf(EINVALID, "device name is longer than 100 bytes")
	}
	if d == "" {
		d = "unnamed device"
	}
	return d, nil
}

// Register opens an account and signs its first device in. It returns the
// session and the secret token for its cookie.
func (s *Service) Register(ctx context.Context, r Registration) (*Session, string, error) {
	email, err := NormalizeEmail(r.Email)
	if err != nil {
		return nil, "", err
	}
	device, err := checkNewKeys(r)
	if err != nil {
		return nil, "", err
	}
	u := &User{
		ID: NewID(), Email: email, AuthHash: s.hashAuthKey(r.AuthKey),
		KDFSalt: r.KDFSalt, KDFParams: r.KDFParams, WrappedKey: r.WrappedKey,
		Quota: s.cfg.Quota, Created: now(),
	}
	if len(r.RecoveryAuthKey) > 0 {
		u.RecoveryHash, u.WrappedByRecovery = s.hashAuthKey(r.RecoveryAuthKey), r.WrappedByRecovery
	}
	if err := s.Meta.CreateUser(ctx, u); err != nil {
		return nil, "", err
	}
	return s.newSession(ctx, u.ID, device, u.Created)
}

func (s *Service) newSession(ctx context.Context, userID, device string, t time.Time) (*Session, string, error) {
	token := NewToken()
	sess := &Session{ID: NewID(), UserID: userID, TokenHash: TokenHash(token), Device: device,
		Created: t, LastSeen: t, AlertsSeen: t}
	if err := s.Meta.CreateSession(ctx, sess); err != nil {
		return nil, "", err
	}
	return sess, token, nil
}

// TokenHash is what the store keeps of a session token.
func TokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// ErrBadLogin is the one answer for an unknown e-mail and a wrong key.
var ErrBadLogin = &Error{Code: EUNAUTHORIZED, Message: "wrong e-mail or password"}

// Login checks the auth key of the account and signs a new device in. The
// answer and the work done are the same for an unknown e-mail and a wrong
// key.
func (s *Service) Login(ctx context.Context, email string, authKey []byte, device string) (*Session, string, error) {
	if err := checkAuthKey(authKey); err != nil {
		return nil, "", err
	}
	device, err := checkDevice(device)
	if err != nil {
		return nil, "", err
	}
	e, err := NormalizeEmail(email)
	if err != nil {
		return nil, "", ErrBadLogin
	}
	u, err := s.Meta.UserByEmail(ctx, e)
	if errors.Is(err, ErrNotFound) {
		s.hashAuthKey(authKey) // the same work as a real check
		return nil, "", ErrBadLogin
	} else if err != nil {
		return nil, "", err
	}
	if !checkAuthHash(u.AuthHash, authKey) {
		return nil, "", ErrBadLogin
	}
	return s.newSession(ctx, u.ID, device, now())
}

// RecoveryBlob returns the data key wrapped by the account's recovery
// key, for the browser to unwrap with the key the user wrote down. An
// unknown e-mail, or an account without a recovery key, gets a stable
// fake of the same size and look, so the answer says nothing of whether
// an account exists.
func (s *Service) RecoveryBlob(ctx context.Context, email string) ([]byte, error) {
	e, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	u, err := s.Meta.UserByEmail(ctx, e)
	if err == nil && len(u.WrappedByRecovery) == RecoveryBlobSize {
		return u.WrappedByRecovery, nil
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	sec, err := s.serverSecret(ctx)
	if err != nil {
		return nil, err
	}
	fake := []byte{1, 'r'}
	for i := byte(0); len(fake) < RecoveryBlobSize; i++ {
		m := hmac.New(sha256.New, sec)
		m.Write([]byte("offcut recovery blob\x00" + e))
		m.Write([]byte{i})
		fake = append(fake, m.Sum(nil)...)
	}
	return fake[:RecoveryBlobSize], nil
}

// ErrBadRecovery is the one answer for an unknown e-mail, an account
// without a recovery key and a wrong recovery key.
var ErrBadRecovery = &Error{Code: EUNAUTHORIZED, Message: "wrong e-mail or recovery key"}

// Recover sets new keys on an account whose user lost the password but
// holds the recovery key (recoveryAuthKey proves it): r carries the new
// auth key, KDF salt and parameters and the data key wrapped anew, and
// may carry a new recovery key's pair. Every session of the account ends;
// the new one is returned with its token.
func (s *Service) Recover(ctx context.Context, email string, recoveryAuthKey []byte, r Registration) (*Session, string, error) {
	if err := checkAuthKey(recoveryAuthKey); err != nil {
		return nil, "", err
	}
	device, err := checkNewKeys(r)
	if err != nil {
		return nil, "", err
	}
	e, err := NormalizeEmail(email)
	if err != nil {
		return nil, "", ErrBadRecovery
	}
	u, err := s.Meta.UserByEmail(ctx, e)
	if errors.Is(err, ErrNotFound) {
		s.hashAuthKey(recoveryAuthKey) // the same work as a real check
		return nil, "", ErrBadRecovery
	} else if err != nil {
		return nil, "", err
	}
	if u.RecoveryHash == "" {
		s.hashAuthKey(recoveryAuthKey)
		return nil, "", ErrBadRecovery
	}
	if !checkAuthHash(u.RecoveryHash, recoveryAuthKey) {
		return nil, "", ErrBadRecovery
	}
	if err := s.Meta.UpdateKeys(ctx, u.ID, s.hashAuthKey(r.AuthKey), r.KDFSalt, r.KDFParams, r.WrappedKey); err != nil {
		return nil, "", err
	}
	if len(r.RecoveryAuthKey) > 0 {
		if err := s.Meta.SetRecovery(ctx, u.ID, s.hashAuthKey(r.RecoveryAuthKey), r.WrappedByRecovery); err != nil {
			return nil, "", err
		}
	}
	list, err := s.Meta.Sessions(ctx, u.ID)
	if err != nil {
		return nil, "", err
	}
	for _, x := range list {
		if err := s.Meta.DeleteSession(ctx, u.ID, x.ID); err != nil && !errors.Is(err, ErrNotFound) {
			return nil, "", err
		}
	}
	return s.newSession(ctx, u.ID, device, now())
}

// Authenticate returns the live session of a cookie token, refreshing
// its last-seen time at most once a minute.
func (s *Service) Authenticate(ctx context.Context, token string) (*Session, error) {
	if len(token) != 52 || !idPattern.MatchString(token[:26]) || !idPattern.MatchString(token[26:]) {
		return nil, Errorf(EUNAUTHORIZED, "not signed in")
	}
	sess, err := s.Meta.SessionByToken(ctx, TokenHash(token))
	if errors.Is(err, ErrNotFound) {
		return nil, Errorf(EUNAUTHORIZED, "not signed in (the session ended or was revoked)")
	} else if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(sess.TokenHash, TokenHash(token)) != 1 {
		return nil, Errorf(EUNAUTHORIZED, "not signed in")
	}
	if now().Sub(sess.LastSeen) > SessionIdle {
		s.Meta.DeleteSession(ctx, sess.UserID, sess.ID)
		return nil, Errorf(EUNAUTHORIZED, "not signed in (the session expired)")
	}
	if t := now(); t.Sub(sess.LastSeen) > time.Minute {
		if err := s.Meta.TouchSession(ctx, sess.ID, t); err != nil {
			return nil, err
		}
		sess.LastSeen = t
	}
	return sess, nil
}

// SessionView is a session as listed to its user.
type SessionView struct {
	*Session
	Current bool
	// New marks a device signed in since the current session last listed
	// them: shown once.
	New bool
}

// Sessions lists the user's sessions and marks, once, those signed in
// since cur last looked.
func (s *Service) Sessions(ctx context.Context, cur *Session) ([]SessionView, error) {
	list, err := s.Meta.Sessions(ctx, cur.UserID)
	if err != nil {
		return nil, err
	}
	out := make([]SessionView, len(list))
	for i, x := range list {
		out[i] = SessionView{Session: x, Current: x.ID == cur.ID,
			New: x.ID != cur.ID && x.Created.After(cur.AlertsSeen)}
	}
	if err := s.Meta.SetAlertsSeen(ctx, cur.ID, now()); err != nil {
		return nil, err
	}
	return out, nil
}

// RevokeSession ends one session of the user.
func (s *Service) RevokeSession(ctx context.Context, userID, id string) error {
	if !ValidID(id) {
		return Errorf(EINVALID, "session id %q is malformed", truncate(id, 40))
	}
	return s.Meta.DeleteSession(ctx, userID, id)
}

// Usage is an account's storage as shown to its user.
type Usage struct {
	Stored, Pending, Quota int64
}

// Account returns the user and their usage.
func (s *Service) Account(ctx context.Context, userID string) (*User, Usage, error) {
	u, err := s.Meta.UserByID(ctx, userID)
	if err != nil {
		return nil, Usage{}, err
	}
	st, pe, err := s.Meta.Usage(ctx, userID)
	return u, Usage{Stored: st, Pending: pe, Quota: u.Quota}, err
}

// DeleteAccount removes every blob, upload, object, version, share,
// session and row of the user, and returns only when all are gone.
func (s *Service) DeleteAccount(ctx context.Context, userID string) error {
	prefix := UserPrefix(userID)
	if err := s.Blobs.DeletePrefix(ctx, prefix); err != nil {
		return fmt.Errorf("deleting blobs of user %s: %w", userID, err)
	}
	if err := s.Meta.DeleteUser(ctx, userID); err != nil {
		return err
	}
	// An upload racing with the deletion may have written after the first
	// pass; nothing can write once the rows are gone.
	if err := s.Blobs.DeletePrefix(ctx, prefix); err != nil {
		return fmt.Errorf("deleting blobs of user %s: %w", userID, err)
	}
	return nil
}

// UploadRequest starts an upload: a new object (ObjectID "") or a new
// version of ObjectID, which must be at BaseVersion when it completes.
type UploadRequest struct {
	ObjectID    string
	BaseVersion int64
	Size        int64
	ChunkSize   int64 // 0 means MaxChunk
	Meta        []byte
}

// StartUpload checks the request against the quota and starts a
// resumable upload.
func (s *Service) StartUpload(ctx context.Context, userID string, r UploadRequest) (*Upload, error) {
	if r.ChunkSize == 0 {
		r.ChunkSize = MaxChunk
	}
	switch {
	case r.Size < 0:
		return nil, Errorf(EINVALID, "size %d is negative", r.Size)
	case r.ChunkSize < s.cfg.MinChunk || r.ChunkSize > MaxChunk:
		return nil, Errorf(EINVALID, "chunk size %d is outside [%d, %d]", r.ChunkSize, s.cfg.MinChunk, MaxChunk)
	case len(r.Meta) > MaxMeta:
		return nil, Errorf(ETOOLARGE, "meta is %d bytes; the limit is %d", len(r.Meta), MaxMeta)
	case r.Size/r.ChunkSize >= 10000:
		return nil, Errorf(ETOOLARGE, "size %d needs more than 10000 chunks of %d bytes", r.Size, r.ChunkSize)
	}
	if r.ObjectID == "" {
		if r.BaseVersion != 0 {
			return nil, Errorf(EINVALID, "a new object has base version 0, not %d", r.BaseVersion)
		}
		r.ObjectID = NewID()
	} else {
		if !ValidID(r.ObjectID) {
			return nil, Errorf(EINVALID, "object id %q is malformed", truncate(r.ObjectID, 40))
		}
		o, err := s.Meta.Object(ctx, userID, r.ObjectID)
		if err != nil {
			return nil, err
		}
		if o.Version != r.BaseVersion {
			return nil, Errorf(ECONFLICT, "object %s is at version %d, not %d: another save came first", o.ID, o.Version, r.BaseVersion)
		}
	}
	if err := s.checkQuota(ctx, userID, r.Size); err != nil {
		return nil, err
	}
	key := BlobKey(userID, r.ObjectID)
	ref, err := s.Blobs.BeginUpload(ctx, key)
	if err != nil {
		return nil, err
	}
	u := &Upload{ID: NewID(), UserID: userID, ObjectID: r.ObjectID, BaseVersion: r.BaseVersion,
		Size: r.Size, ChunkSize: r.ChunkSize, Meta: nonNil(r.Meta), BlobKey: key, BlobRef: ref, Created: now()}
	if err := s.Meta.CreateUpload(ctx, u); err != nil {
		s.Blobs.AbortUpload(context.WithoutCancel(ctx), key, ref)
		return nil, err
	}
	return u, nil
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func (s *Service) checkQuota(ctx context.Context, userID string, more int64) error {
	u, err := s.Meta.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	st, pe, err := s.Meta.Usage(ctx, userID)
	if err != nil {
		return err
	}
	if st+pe+more > u.Quota {
		return Errorf(EQUOTA, "storage quota exceeded: %d bytes used or in uploads, %d more asked, quota %d", st+pe, more, u.Quota)
	}
	return nil
}

// UploadStatus returns the upload with the chunks received so far.
func (s *Service) UploadStatus(ctx context.Context, userID, id string) (*Upload, error) {
	if !ValidID(id) {
		return nil, Errorf(EINVALID, "upload id %q is malformed", truncate(id, 40))
	}
	return s.Meta.Upload(ctx, userID, id)
}

var (
	errHashMismatch = errors.New("SHA-256 mismatch")
	errShortBody    = errors.New("body shorter than its length")
)

// verifier passes size bytes through, hashing them, and fails the read
// that completes them if their SHA-256 is not want: the store then
// aborts the write, so a bad chunk is never kept.
type verifier struct {
	r          io.Reader
	h          hash.Hash
	want       []byte
	n, size    int64
	err        error
	gotHashHex string
}

func (v *verifier) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	if rem := v.size - v.n; int64(len(p)) > rem {
		p = p[:rem]
	}
	if len(p) == 0 {
		return 0, io.EOF
	}
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	if v.n == v.size {
		sum := v.h.Sum(nil)
		if !bytes.Equal(sum, v.want) {
			v.gotHashHex = hex.EncodeToString(sum)
			v.err = errHashMismatch
			return n, v.err
		}
		return n, io.EOF
	}
	if err == io.EOF {
		v.err = errShortBody
		return n, v.err
	} else if err != nil {
		v.err = err
	}
	return n, err
}

// PutChunk stores chunk n of the upload from body, which must be exactly
// the chunk's length and hash to sha256Hex. Bytes beyond the quota, a
// wrong hash or a short body leave nothing stored.
func (s *Service) PutChunk(ctx context.Context, userID, uploadID string, n int64, body io.Reader, length int64, sha256Hex string) (*Upload, error) {
	up, err := s.UploadStatus(ctx, userID, uploadID)
	if err != nil {
		return nil, err
	}
	if n < 0 || n >= up.NChunks() {
		return nil, Errorf(EINVALID, "chunk %d is outside [0, %d)", n, up.NChunks())
	}
	want := up.ChunkLen(n)
	if length != want {
		return nil, Errorf(EINVALID, "chunk %d must be %d bytes, the request says %d", n, want, length)
	}
	sum, err := hex.DecodeString(sha256Hex)
	if err != nil || len(sum) != sha256.Size {
		return nil, Errorf(EINVALID, "chunk %d: the SHA-256 header must be 64 hex digits", n)
	}
	var have int64
	for _, c := range up.Chunks {
		if c.N == n {
			have = c.Size
		}
	}
	if err := s.checkQuota(ctx, userID, want-have); err != nil {
		return nil, err
	}
	v := &verifier{r: body, h: sha256.New(), want: sum, size: want}
	etag, err := s.Blobs.PutPart(ctx, up.BlobKey, up.BlobRef, n, v, want, sha256Hex)
	switch {
	case errors.Is(v.err, errHashMismatch):
		return nil, Errorf(EINVALID, "chunk %d: SHA-256 mismatch: the header says %s, the body hashes to %s", n, sha256Hex, v.gotHashHex)
	case errors.Is(v.err, errShortBody):
		return nil, Errorf(EINVALID, "chunk %d: the body ended after %d of %d bytes", n, v.n, want)
	case v.err != nil:
		return nil, Errorf(EINVALID, "chunk %d: reading the body failed after %d of %d bytes", n, v.n, want)
	case err != nil:
		return nil, err
	}
	if err := s.Meta.PutChunk(ctx, up.ID, Chunk{N: n, Size: want, SHA256: sum, ETag: etag}); err != nil {
		return nil, err
	}
	return s.Meta.Upload(ctx, userID, up.ID)
}

// CompleteUpload joins the chunks into a blob and makes it the newest
// version of the object.
func (s *Service) CompleteUpload(ctx context.Context, userID, uploadID string) (*Object, error) {
	up, err := s.UploadStatus(ctx, userID, uploadID)
	if err != nil {
		return nil, err
	}
	have := make(map[int64]Chunk, len(up.Chunks))
	for _, c := range up.Chunks {
		have[c.N] = c
	}
	var missing []string
	parts := make([]Part, 0, up.NChunks())
	for n := range up.NChunks() {
		c, ok := have[n]
		if !ok {
			if len(missing) < 20 {
				missing = append(missing, fmt.Sprint(n))
			}
			continue
		}
		parts = append(parts, Part{N: n, ETag: c.ETag})
	}
	if len(missing) > 0 {
		return nil, Errorf(ECONFLICT, "upload %s is missing chunks %s", up.ID, strings.Join(missing, ","))
	}
	if err := s.Blobs.CompleteUpload(ctx, up.BlobKey, up.BlobRef, parts); err != nil {
		return nil, err
	}
	v := &Version{ObjectID: up.ObjectID, UserID: userID, Version: up.BaseVersion + 1, Size: up.Size,
		BlobKey: up.BlobKey, Meta: up.Meta, Created: now()}
	o, dropped, err := s.Meta.AddVersion(ctx, v, up.BaseVersion, s.cfg.Keep, up.ID)
	if ErrorCode(err) == ECONFLICT {
		bg := context.WithoutCancel(ctx)
		s.Blobs.Delete(bg, up.BlobKey)
		s.Meta.DeleteUpload(bg, userID, up.ID)
		return nil, err
	} else if err != nil {
		return nil, err // the blob is an orphan until Sweep
	}
	s.deleteBlobs(ctx, dropped)
	return o, nil
}

// deleteBlobs removes blobs whose rows are gone; failures leave orphans
// for Sweep.
func (s *Service) deleteBlobs(ctx context.Context, keys []string) {
	bg := context.WithoutCancel(ctx)
	for _, k := range keys {
		s.Blobs.Delete(bg, k)
	}
}

// AbortUpload drops an upload and its chunks.
func (s *Service) AbortUpload(ctx context.Context, userID, uploadID string) error {
	up, err := s.UploadStatus(ctx, userID, uploadID)
	if err != nil {
		return err
	}
	if err := s.Blobs.AbortUpload(ctx, up.BlobKey, up.BlobRef); err != nil {
		return err
	}
	return s.Meta.DeleteUpload(ctx, userID, up.ID)
}

// Version returns version v of the user's object (0: the newest).
func (s *Service) Version(ctx context.Context, userID, objectID string, v int64) (*Version, error) {
	if !ValidID(objectID) {
		return nil, Errorf(EINVALID, "object id %q is malformed", truncate(objectID, 40))
	}
	vs, err := s.Meta.Versions(ctx, userID, objectID)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, ErrNotFound
	}
	if v == 0 {
		return vs[len(vs)-1], nil
	}
	for _, x := range vs {
		if x.Version == v {
			return x, nil
		}
	}
	return nil, Errorf(ENOTFOUND, "object %s has no version %d (kept: %d to %d)", objectID, v, vs[0].Version, vs[len(vs)-1].Version)
}

// Versions lists the kept versions of an object, oldest first.
func (s *Service) Versions(ctx context.Context, userID, objectID string) ([]*Version, error) {
	if !ValidID(objectID) {
		return nil, Errorf(EINVALID, "object id %q is malformed", truncate(objectID, 40))
	}
	vs, err := s.Meta.Versions(ctx, userID, objectID)
	if err == nil && len(vs) == 0 {
		err = ErrNotFound
	}
	return vs, err
}

// Restore makes a copy of version v the newest version of the object.
func (s *Service) Restore(ctx context.Context, userID, objectID string, v int64) (*Object, error) {
	old, err := s.Version(ctx, userID, objectID, v)
	if err != nil {
		return nil, err
	}
	o, err := s.Meta.Object(ctx, userID, objectID)
	if err != nil {
		return nil, err
	}
	if err := s.checkQuota(ctx, userID, old.Size); err != nil {
		return nil, err
	}
	key := BlobKey(userID, objectID)
	if err := s.Blobs.Copy(ctx, old.BlobKey, key); err != nil {
		return nil, err
	}
	nv := &Version{ObjectID: objectID, UserID: userID, Version: o.Version + 1, Size: old.Size,
		BlobKey: key, Meta: old.Meta, Created: now()}
	no, dropped, err := s.Meta.AddVersion(ctx, nv, o.Version, s.cfg.Keep, "")
	if err != nil {
		s.Blobs.Delete(context.WithoutCancel(ctx), key)
		return nil, err
	}
	s.deleteBlobs(ctx, dropped)
	return no, nil
}

// DeleteObject removes an object with its versions and shares.
func (s *Service) DeleteObject(ctx context.Context, userID, objectID string) error {
	if !ValidID(objectID) {
		return Errorf(EINVALID, "object id %q is malformed", truncate(objectID, 40))
	}
	keys, err := s.Meta.DeleteObject(ctx, userID, objectID)
	if err != nil {
		return err
	}
	s.deleteBlobs(ctx, keys)
	return nil
}

// ShareRequest creates a share link; zero fields mean no limit.
type ShareRequest struct {
	ObjectID     string
	ExpiresIn    time.Duration
	MaxDownloads int64
}

// CreateShare makes a read-only link to one of the user's objects.
func (s *Service) CreateShare(ctx context.Context, userID string, r ShareRequest) (*Share, error) {
	if !ValidID(r.ObjectID) {
		return nil, Errorf(EINVALID, "object id %q is malformed", truncate(r.ObjectID, 40))
	}
	if r.ExpiresIn < 0 || r.MaxDownloads < 0 {
		return nil, Errorf(EINVALID, "expiry and download limit must not be negative")
	}
	if _, err := s.Meta.Object(ctx, userID, r.ObjectID); err != nil {
		return nil, err
	}
	sh := &Share{ID: NewID(), UserID: userID, ObjectID: r.ObjectID, Created: now(), MaxDownloads: r.MaxDownloads}
	if r.ExpiresIn > 0 {
		sh.Expires = sh.Created.Add(r.ExpiresIn)
	}
	return sh, s.Meta.CreateShare(ctx, sh)
}

// RevokeShare deletes a share link of the user.
func (s *Service) RevokeShare(ctx context.Context, userID, id string) error {
	if !ValidID(id) {
		return Errorf(EINVALID, "share id %q is malformed", truncate(id, 40))
	}
	return s.Meta.DeleteShare(ctx, userID, id)
}

// OpenShare returns the share and the newest version of its object, or
// ErrNotFound for an unknown, revoked or expired link. count records a
// download against the link's limit, and fails with ErrNotFound once it is
// used up. A download is a read from the first byte: the range reads that
// continue it are not counted (a ranged reader in the browser must be able
// to finish), so a limit caps how many times a link can be opened.
func (s *Service) OpenShare(ctx context.Context, id string, count bool) (*Share, *Version, error) {
	if !ValidID(id) {
		return nil, nil, ErrNotFound
	}
	sh, err := s.Meta.Share(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	t := now()
	if !sh.Expires.IsZero() && !t.Before(sh.Expires) {
		return nil, nil, ErrNotFound
	}
	v, err := s.Version(ctx, sh.UserID, sh.ObjectID, 0)
	if err != nil {
		return nil, nil, err
	}
	if count {
		if err := s.Meta.CountDownload(ctx, id, t); err != nil {
			return nil, nil, err
		}
	}
	return sh, v, nil
}

// Sweep removes what interrupted work left behind: uploads older than
// the upload TTL, and blobs and incomplete blob uploads no row refers to
// that are older than grace (younger ones may belong to work in flight).
// It returns the number of uploads and blobs removed.
func (s *Service) Sweep(ctx context.Context, grace time.Duration) (uploads, blobs int, err error) {
	t := now()
	old, err := s.Meta.UploadsBefore(ctx, t.Add(-s.cfg.UploadTTL))
	if err != nil {
		return 0, 0, err
	}
	for _, u := range old {
		if err := s.Blobs.AbortUpload(ctx, u.BlobKey, u.BlobRef); err != nil && !errors.Is(err, ErrNotFound) {
			return uploads, 0, err
		}
		if err := s.Meta.DeleteUpload(ctx, u.UserID, u.ID); err != nil && !errors.Is(err, ErrNotFound) {
			return uploads, 0, err
		}
		uploads++
	}
	// List first, then read the rows: a blob written in between is
	// referenced by then, or young.
	list, err := s.Blobs.List(ctx, "u/")
	if err != nil {
		return uploads, 0, err
	}
	keys, err := s.Meta.BlobKeys(ctx)
	if err != nil {
		return uploads, 0, err
	}
	for _, b := range list {
		if keys[b.Key] || t.Sub(b.Modified) < grace {
			continue
		}
		if b.Upload {
			err = s.Blobs.AbortUpload(ctx, b.Key, b.Ref)
		} else {
			err = s.Blobs.Delete(ctx, b.Key)
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			return uploads, blobs, err
		}
		blobs++
	}
	return uploads, blobs, nil
}

// hashAuthKey returns the PHC string of Argon2id over key with a fresh salt.
func (s *Service) hashAuthKey(key []byte) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	p := s.cfg.Argon2
	sum := argon2.IDKey(key, salt, p.Time, p.MemoryKiB, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(sum))
}

// checkAuthHash compares key with a PHC string made by hashAuthKey, in
// constant time.
func checkAuthHash(phc string, key []byte) bool {
	var v int
	var p Argon2Params
	f := strings.Split(phc, "$")
	if len(f) != 6 || f[1] != "argon2id" {
		return false
	}
	if _, err := fmt.Sscanf(f[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	if _, err := sscanParams(f[3], &p); err != nil ||
		p.MemoryKiB > 1<<20 || p.Time > 16 || p.Threads == 0 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(f[4])
	want, err2 := base64.RawStdEncoding.DecodeString(f[5])
	if err1 != nil || err2 != nil || len(want) != 32 {
		return false
	}
	got := argon2.IDKey(key, salt, p.Time, p.MemoryKiB, p.Threads, 32)
	return subtle.ConstantTimeCompare(got, want) == 1
}

// CountDownload records one download of a share against its limit; it
// answers ErrNotFound once the link is expired or used up.
func (s *Service) CountDownload(ctx context.Context, shareID string) error {
	return s.Meta.CountDownload(ctx, shareID, now())
}

func sscanParams(s string, p *Argon2Params) (int, error) {
	if i := strings.LastIndexByte(s, '$'); i >= 0 && strings.HasPrefix(s, "$argon2id$") {
		// a whole PHC string: its fourth field
		if f := strings.Split(s, "$"); len(f) > 3 {
			s = f[3]
		}
	}
	return fmt.Sscanf(s, "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads)
}
