package cloud

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"io"
	"regexp"
	"time"
)

// MaxChunk is the largest chunk of a resumable upload.
const MaxChunk = 8 << 20

// MaxMeta bounds the opaque (encrypted) meta blob kept with each version.
const MaxMeta = 4 << 10

// MaxKeyBlob bounds the opaque wrapped key and KDF parameter blobs.
const MaxKeyBlob = 1 << 10

// User is an account. Everything but Email, the hashes and the sizes is
// opaque to the server.
type User struct {
	ID    string
	Email string
	// AuthHash is the PHC string of Argon2id over the auth key the
	// browser derived from the password (never the password).
	AuthHash string
	// KDFSalt and KDFParams are what the browser needs to derive its keys
	// again; WrappedKey is the account's data key, encrypted by the
	// browser. All three are opaque.
	KDFSalt    []byte
	KDFParams  []byte
	WrappedKey []byte
	Quota      int64
	Created    time.Time
	// RecoveryHash is the PHC string of Argon2id over the secret that
	// proves the recovery key ("" when the account has none);
	// WrappedByRecovery is the data key wrapped by the recovery key,
	// opaque, handed to anyone who asks by e-mail (GET /recovery).
	RecoveryHash      string
	WrappedByRecovery []byte
}

// Session is one signed-in device. The cookie holds a random token; the
// store keeps only its SHA-256 (TokenHash).
type Session struct {
	ID        string
	UserID    string
	TokenHash []byte
	Device    string
	Created   time.Time
	LastSeen  time.Time
	// AlertsSeen is when this session was last shown the devices signed
	// in since; sessions created after it are "new" to it.
	AlertsSeen time.Time
}

// Object is an encrypted blob saved by a user: a project or an audio file.
// Its current state is its latest Version.
type Object struct {
	ID      string
	UserID  string
	Version int64
	Size    int64
	Meta    []byte
	Created time.Time
	Updated time.Time
}

// Version is one save of an Object; the last few are kept.
type Version struct {
	ObjectID string
	UserID   string
	Version  int64
	Size     int64
	BlobKey  string
	Meta     []byte
	Created  time.Time
}

// Upload is a resumable upload in progress: a new object (BaseVersion 0)
// or a new version of an existing one. Chunks are ChunkSize bytes except
// the last.
type Upload struct {
	ID          string
	UserID      string
	ObjectID    string
	BaseVersion int64
	Size        int64
	ChunkSize   int64
	Meta        []byte
	BlobKey     string
	BlobRef     string
	Created     time.Time
	Chunks      []Chunk
}

// NChunks is the number of chunks the upload is made of.
func (u *Upload) NChunks() int64 {
	if u.Size == 0 {
		return 1
	}
	return (u.Size + u.ChunkSize - 1) / u.ChunkSize
}

// ChunkLen is the exact length of chunk n.
func (u *Upload) ChunkLen(n int64) int64 {
	if n == u.NChunks()-1 {
		return u.Size - n*u.ChunkSize
	}
	return u.ChunkSize
}

// Chunk is one received chunk of an Upload.
type Chunk struct {
	N      int64
	Size   int64
	SHA256 []byte
	ETag   string
}

// Share is a read-only link to an object, usable without an account.
// Zero Expires or MaxDownloads mean no limit.
type Share struct {
	ID           string
	UserID       string
	ObjectID     string
	Created      time.Time
	Expires      time.Time
	MaxDownloads int64
	Downloads    int64
}

// MetaStore keeps the rows: users, sessions, objects, versions, uploads
// and shares. Lookups scoped by a user id answer ErrNotFound for rows of
// another user. Implementations: sqlstore (SQLite, PostgreSQL).
type MetaStore interface {
	// Secret returns the server secret, made once and shared by every
	// instance (it keys the fake salts of unknown e-mails).
	Secret(ctx context.Context) ([]byte, error)

	CreateUser(ctx context.Context, u *User) error // ECONFLICT if the e-mail is taken
	UserByEmail(ctx context.Context, email string) (*User, error)
	UserByID(ctx context.Context, id string) (*User, error)
	UpdateKeys(ctx context.Context, id, authHash string, kdfSalt, kdfParams, wrappedKey []byte) error
	// SetRecovery replaces the account's recovery hash and wrapped key.
	SetRecovery(ctx context.Context, id, recoveryHash string, wrappedByRecovery []byte) error
	// DeleteUser removes the user and every row that refers to it.
	DeleteUser(ctx context.Context, id string) error

	CreateSession(ctx context.Context, s *Session) error
	SessionByToken(ctx context.Context, tokenHash []byte) (*Session, error)
	TouchSession(ctx context.Context, id string, now time.Time) error
	SetAlertsSeen(ctx context.Context, id string, now time.Time) error
	Sessions(ctx context.Context, userID string) ([]*Session, error)
	DeleteSession(ctx context.Context, userID, id string) error

	CreateUpload(ctx context.Context, u *Upload) error
	Upload(ctx context.Context, userID, id string) (*Upload, error)
	PutChunk(ctx context.Context, uploadID string, c Chunk) error
	DeleteUpload(ctx context.Context, userID, id string) error
	UploadsBefore(ctx context.Context, t time.Time) ([]*Upload, error)
	// Usage returns the bytes of every kept version and of every chunk
	// received for uploads in progress.
	Usage(ctx context.Context, userID string) (stored, pending int64, err error)

	// AddVersion makes v the newest version of its object, atomically: the
	// object is created when base is 0 (ECONFLICT if it exists) and
	// otherwise must be at version base (ECONFLICT if not); versions older
	// than the newest keep are dropped and their blob keys returned. A
	// non-empty uploadID is deleted in the same transaction.
	AddVersion(ctx context.Context, v *Version, base int64, keep int, uploadID string) (o *Object, dropped []string, err error)
	Objects(ctx context.Context, userID string) ([]*Object, error)
	Object(ctx context.Context, userID, id string) (*Object, error)
	Versions(ctx context.Context, userID, objectID string) ([]*Version, error)
	// DeleteObject removes the object, its versions and shares and returns
	// the blob keys of its versions.
	DeleteObject(ctx context.Context, userID, id string) ([]string, error)
	// BlobKeys returns the blob keys of every version and upload.
	BlobKeys(ctx context.Context) (map[string]bool, error)

	CreateShare(ctx context.Context, s *Share) error
	Share(ctx context.Context, id string) (*Share, error)
	Shares(ctx context.Context, userID string) ([]*Share, error)
	DeleteShare(ctx context.Context, userID, id string) error
	// CountDownload records one download of the share if it is within its
	// expiry and download limit, and returns ENOTFOUND otherwise.
	CountDownload(ctx context.Context, id string, now time.Time) error

	Close() error
}

// Part names an uploaded part of a multipart blob upload.
type Part struct {
	N    int64
	ETag string
}

// BlobInfo is one entry of a blob listing.
type BlobInfo struct {
	Key      string
	Size     int64
	Modified time.Time
	// Upload is set for incomplete multipart uploads, with their Ref.
	Upload bool
	Ref    string
}

// BlobStore keeps ciphertext bytes under keys made by BlobKey and
// UploadKey. Implementations: blobfs (a folder), s3.
type BlobStore interface {
	// BeginUpload starts a multipart upload to key and returns its ref.
	BeginUpload(ctx context.Context, key string) (ref string, err error)
	// PutPart stores part n (0-based) of size bytes read from r, whose
	// SHA-256 is sha256Hex. An error from r aborts the part: nothing of
	// it is kept.
	PutPart(ctx context.Context, key, ref string, n int64, r io.Reader, size int64, sha256Hex string) (etag string, err error)
	// CompleteUpload joins the parts, in order, into the blob at key.
	CompleteUpload(ctx context.Context, key, ref string, parts []Part) error
	AbortUpload(ctx context.Context, key, ref string) error
	// Get streams n bytes of the blob at key from offset off.
	Get(ctx context.Context, key string, off, n int64) (io.ReadCloser, error)
	Copy(ctx context.Context, src, dst string) error
	Delete(ctx context.Context, key string) error
	// DeletePrefix removes every blob and incomplete upload under prefix.
	DeletePrefix(ctx context.Context, prefix string) error
	// List lists blobs and incomplete uploads under prefix.
	List(ctx context.Context, prefix string) ([]BlobInfo, error)
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// idPattern matches ids made by NewID: 128 random bits as 26 base32 letters.
var idPattern = regexp.MustCompile(`^[a-z2-7]{26}$`)

// NewID returns a fresh 128-bit random id as 26 lower-case base32 letters.
func NewID() string {
	var b [16]byte
	rand.Read(b[:])
	return idEncoding.EncodeToString(b[:])
}

// NewToken returns a fresh 256-bit random secret token.
func NewToken() string {
	var b [32]byte
	rand.Read(b[:])
	return idEncoding.EncodeToString(b[:])
}

// ValidID reports whether s has the shape of an id made by NewID. Every
// id from a request is checked with it before any store sees it.
func ValidID(s string) bool { return idPattern.MatchString(s) }

// UserPrefix is the blob key prefix under which every blob of a user lives.
func UserPrefix(userID string) string { return "u/" + userID + "/" }

// BlobKey returns a new blob key for a version of an object of the user.
func BlobKey(userID, objectID string) string {
	return UserPrefix(userID) + objectID + "/" + NewID()
}

// blobKeyPattern matches every key BlobKey makes.
var blobKeyPattern = regexp.MustCompile(`^u/[a-z2-7]{26}/[a-z2-7]{26}/[a-z2-7]{26}$`)

// ValidBlobKey reports whether key has the shape BlobKey makes; blob
// stores refuse any other key.
func ValidBlobKey(key string) bool { return blobKeyPattern.MatchString(key) }

// ValidBlobPrefix reports whether p is "u/" or a UserPrefix.
func ValidBlobPrefix(p string) bool {
	return p == "u/" || (len(p) == 29 && p[:2] == "u/" && p[28] == '/' && ValidID(p[2:28]))
}

func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
