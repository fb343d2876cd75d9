package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io"
	"net"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"offcut/server/cloud"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is everything that differs between the databases.
type Dialect struct {
	// Name is "sqlite" or "postgres", for messages.
	Name string
	// Numbered placeholders ($1, $2…) instead of ?.
	Numbered bool
	// LockMigrations, when set, runs in the migration transaction before
	// anything else, so instances starting together migrate once.
	LockMigrations string
	// IsUnique reports a unique-constraint violation.
	IsUnique func(error) bool
}

// Store is a cloud.MetaStore on a *sql.DB.
type Store struct {
	db *sql.DB
	d  Dialect
}

var _ cloud.MetaStore = (*Store)(nil)

// Open runs the pending migrations on db and returns the store.
func Open(ctx context.Context, db *sql.DB, d Dialect) (*Store, error) {
	s := &Store{db: db, d: d}
	if err := s.migrate(ctx); err != nil {
		return nil, fmt.Errorf("%s: migrating: %w", d.Name, err)
	}
	return s, nil
}

// DB returns the underlying database, for tests.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) q(query string) string {
	if !s.d.Numbered {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *Store) migrate(ctx context.Context) error {
	names, err := migrations.ReadDir("migrations")
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if s.d.LockMigrations != "" {
		if _, err := tx.ExecContext(ctx, s.d.LockMigrations); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied BIGINT NOT NULL)`); err != nil {
		return err
	}
	var cur int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&cur); err != nil {
		return err
	}
	for _, e := range names {
		v, err := strconv.ParseInt(strings.SplitN(e.Name(), "_", 2)[0], 10, 64)
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", e.Name())
		}
		if v <= cur {
			continue
		}
		body, err := migrations.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return err
		}
		for _, stmt := range splitSQL(string(body)) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migration %s: %w", e.Name(), err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, applied) VALUES (?, ?)`), v, micros(time.Now())); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// splitSQL splits a migration into statements at semicolons ending a
// line, dropping -- comments.
func splitSQL(body string) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.SplitSeq(body, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line + "\n")
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, cur.String())
	}
	return out
}

// nb keeps an empty byte slice from becoming NULL.
func nb(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// wrap turns driver errors into domain errors: no rows into
// cloud.ErrNotFound, a lost connection into cloud.ErrUnavailable.
func (s *Store) wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return cloud.ErrNotFound
	case isConnErr(err):
		return fmt.Errorf("%s: %s: %w (%v)", s.d.Name, op, cloud.ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %s: %w", s.d.Name, op, err)
}

func isConnErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, io.EOF) || strings.Contains(err.Error(), "conn closed") ||
		strings.Contains(err.Error(), "terminating connection") || strings.Contains(err.Error(), "the database system is")
}

// Secret implements cloud.MetaStore.
func (s *Store) Secret(ctx context.Context) ([]byte, error) {
	b := make([]byte, 32)
	rand.Read(b)
	if _, err := s.db.ExecContext(ctx, s.q(`INSERT INTO settings (name, value) VALUES ('secret', ?) ON CONFLICT (name) DO NOTHING`), b); err != nil {
		return nil, s.wrap("secret", err)
	}
	var v []byte
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = 'secret'`).Scan(&v)
	return v, s.wrap("secret", err)
}

const userCols = `id, email, auth_hash, kdf_salt, kdf_params, wrapped_key, quota, created, recovery_hash, wrapped_by_recovery`

func scanUser(r interface{ Scan(...any) error }) (*cloud.User, error) {
	var u cloud.User
	var c int64
	if err := r.Scan(&u.ID, &u.Email, &u.AuthHash, &u.KDFSalt, &u.KDFParams, &u.WrappedKey, &u.Quota, &c, &u.RecoveryHash, &u.WrappedByRecovery); err != nil {
		return nil, err
	}
	u.Created = fromMicros(c)
	return &u, nil
}

// CreateUser implements cloud.MetaStore.
func (s *Store) CreateUser(ctx context.Context, u *cloud.User) error {
	var wbr any // NULL, not an empty blob, when there is none
	if len(u.WrappedByRecovery) > 0 {
		wbr = u.WrappedByRecovery
	}
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		u.ID, u.Email, u.AuthHash, u.KDFSalt, u.KDFParams, u.WrappedKey, u.Quota, micros(u.Created), u.RecoveryHash, wbr)
	if err != nil && s.d.IsUnique(err) {
		return cloud.Errorf(cloud.ECONFLICT, "an account with this e-mail exists; sign in instead")
	}
	return s.wrap("create user", err)
}

// UserByEmail implements cloud.MetaStore.
func (s *Store) UserByEmail(ctx context.Context, email string) (*cloud.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, s.q(`SELECT `+userCols+` FROM users WHERE email = ?`), email))
	return u, s.wrap("user by e-mail", err)
}

// UserByID implements cloud.MetaStore.
func (s *Store) UserByID(ctx context.Context, id string) (*cloud.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, s.q(`SELECT `+userCols+` FROM users WHERE id = ?`), id))
	return u, s.wrap("user by id", err)
}

// UpdateKeys implements cloud.MetaStore.
func (s *Store) UpdateKeys(ctx context.Context, id, authHash string, kdfSalt, kdfParams, wrappedKey []byte) error {
	return s.exec1(ctx, "update keys", `UPDATE users SET auth_hash = ?, kdf_salt = ?, kdf_params = ?, wrapped_key = ? WHERE id = ?`,
		authHash, kdfSalt, kdfParams, wrappedKey, id)
}

// SetRecovery implements cloud.MetaStore.
func (s *Store) SetRecovery(ctx context.Context, id, recoveryHash string, wrappedByRecovery []byte) error {
	var wbr any
	if len(wrappedByRecovery) > 0 {
		wbr = wrappedByRecovery
	}
	return s.exec1(ctx, "set recovery", `UPDATE users SET recovery_hash = ?, wrapped_by_recovery = ? WHERE id = ?`, recoveryHash, wbr, id)
}

// DeleteUser implements cloud.MetaStore. It deletes explicitly, table by
// table, rather than trusting cascades alone.
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	return s.tx(ctx, "delete user", func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM upload_chunks WHERE upload_id IN (SELECT id FROM uploads WHERE user_id = ?)`,
			`DELETE FROM uploads WHERE user_id = ?`,
			`DELETE FROM shares WHERE user_id = ?`,
			`DELETE FROM versions WHERE user_id = ?`,
			`DELETE FROM objects WHERE user_id = ?`,
			`DELETE FROM sessions WHERE user_id = ?`,
			`DELETE FROM users WHERE id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, s.q(q), id); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) tx(ctx context.Context, op string, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(op, err)
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		var ce *cloud.Error
		if errors.As(err, &ce) {
			return err
		}
		return s.wrap(op, err)
	}
	return s.wrap(op, tx.Commit())
}

const sessionCols = `id, user_id, token_hash, device, created, last_seen, alerts_seen`

func scanSession(r interface{ Scan(...any) error }) (*cloud.Session, error) {
	var x cloud.Session
	var c, l, a int64
	if err := r.Scan(&x.ID, &x.UserID, &x.TokenHash, &x.Device, &c, &l, &a); err != nil {
		return nil, err
	}
	x.Created, x.LastSeen, x.AlertsSeen = fromMicros(c), fromMicros(l), fromMicros(a)
	return &x, nil
}

// CreateSession implements cloud.MetaStore.
func (s *Store) CreateSession(ctx context.Context, x *cloud.Session) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO sessions (`+sessionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		x.ID, x.UserID, x.TokenHash, x.Device, micros(x.Created), micros(x.LastSeen), micros(x.AlertsSeen))
	return s.wrap("create session", err)
}

// SessionByToken implements cloud.MetaStore.
func (s *Store) SessionByToken(ctx context.Context, tokenHash []byte) (*cloud.Session, error) {
	x, err := scanSession(s.db.QueryRowContext(ctx, s.q(`SELECT `+sessionCols+` FROM sessions WHERE token_hash = ?`), tokenHash))
	return x, s.wrap("session by token", err)
}

// TouchSession implements cloud.MetaStore.
func (s *Store) TouchSession(ctx context.Context, id string, t time.Time) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE sessions SET last_seen = ? WHERE id = ?`), micros(t), id)
	return s.wrap("touch session", err)
}

// SetAlertsSeen implements cloud.MetaStore.
func (s *Store) SetAlertsSeen(ctx context.Context, id string, t time.Time) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE sessions SET alerts_seen = ? WHERE id = ?`), micros(t), id)
	return s.wrap("set alerts seen", err)
}

// Sessions implements cloud.MetaStore.
func (s *Store) Sessions(ctx context.Context, userID string) ([]*cloud.Session, error) {
	return query(ctx, s, "sessions", scanSession, `SELECT `+sessionCols+` FROM sessions WHERE user_id = ? ORDER BY created, id`, userID)
}

func query[T any](ctx context.Context, s *Store, op string, scan func(interface{ Scan(...any) error }) (T, error), q string, args ...any) ([]T, error) {
	rows, err := s.db.QueryContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, s.wrap(op, err)
		}
		out = append(out, x)
	}
	return out, s.wrap(op, rows.Err())
}

func (s *Store) exec1(ctx context.Context, op, q string, args ...any) error {
	res, err := s.db.ExecContext(ctx, s.q(q), args...)
	if err != nil {
		return s.wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return s.wrap(op, err)
	}
	if n == 0 {
		return cloud.ErrNotFound
	}
	return nil
}

// DeleteSession implements cloud.MetaStore.
func (s *Store) DeleteSession(ctx context.Context, userID, id string) error {
	return s.exec1(ctx, "delete session", `DELETE FROM sessions WHERE id = ? AND user_id = ?`, id, userID)
}

const uploadCols = `id, user_id, object_id, base_version, size, chunk_size, meta, blob_key, blob_ref, created`

func scanUpload(r interface{ Scan(...any) error }) (*cloud.Upload, error) {
	var u cloud.Upload
	var c int64
	if err := r.Scan(&u.ID, &u.UserID, &u.ObjectID, &u.BaseVersion, &u.Size, &u.ChunkSize, &u.Meta, &u.BlobKey, &u.BlobRef, &c); err != nil {
		return nil, err
	}
	u.Created = fromMicros(c)
	return &u, nil
}

// CreateUpload implements cloud.MetaStore.
func (s *Store) CreateUpload(ctx context.Context, u *cloud.Upload) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO uploads (`+uploadCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		u.ID, u.UserID, u.ObjectID, u.BaseVersion, u.Size, u.ChunkSize, nb(u.Meta), u.BlobKey, u.BlobRef, micros(u.Created))
	return s.wrap("create upload", err)
}

// Upload implements cloud.MetaStore.
func (s *Store) Upload(ctx context.Context, userID, id string) (*cloud.Upload, error) {
	u, err := scanUpload(s.db.QueryRowContext(ctx, s.q(`SELECT `+uploadCols+` FROM uploads WHERE id = ? AND user_id = ?`), id, userID))
	if err != nil {
		return nil, s.wrap("upload", err)
	}
	u.Chunks, err = query(ctx, s, "upload chunks", func(r interface{ Scan(...any) error }) (cloud.Chunk, error) {
		var c cloud.Chunk
		err := r.Scan(&c.N, &c.Size, &c.SHA256, &c.ETag)
		return c, err
	}, `SELECT n, size, sha256, etag FROM upload_chunks WHERE upload_id = ? ORDER BY n`, id)
	return u, err
}

// PutChunk implements cloud.MetaStore.
func (s *Store) PutChunk(ctx context.Context, uploadID string, c cloud.Chunk) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO upload_chunks (upload_id, n, size, sha256, etag) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (upload_id, n) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256, etag = excluded.etag`),
		uploadID, c.N, c.Size, c.SHA256, c.ETag)
	if err != nil && s.d.IsUnique(err) { // a foreign key: the upload is gone
		return cloud.ErrNotFound
	}
	return s.wrap("put chunk", err)
}

// DeleteUpload implements cloud.MetaStore.
func (s *Store) DeleteUpload(ctx context.Context, userID, id string) error {
	return s.tx(ctx, "delete upload", func(tx *sql.Tx) error { return deleteUpload(ctx, s, tx, userID, id) })
}

func deleteUpload(ctx context.Context, s *Store, tx *sql.Tx, userID, id string) error {
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM upload_chunks WHERE upload_id = ?`), id); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, s.q(`DELETE FROM uploads WHERE id = ? AND user_id = ?`), id, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return cloud.ErrNotFound
	}
	return nil
}

// UploadsBefore implements cloud.MetaStore.
func (s *Store) UploadsBefore(ctx context.Context, t time.Time) ([]*cloud.Upload, error) {
	return query(ctx, s, "uploads before", scanUpload, `SELECT `+uploadCols+` FROM uploads WHERE created < ? ORDER BY created`, micros(t))
}

// Usage implements cloud.MetaStore.
func (s *Store) Usage(ctx context.Context, userID string) (stored, pending int64, err error) {
	err = s.db.QueryRowContext(ctx, s.q(`SELECT
		(SELECT COALESCE(SUM(size), 0) FROM versions WHERE user_id = ?),
		(SELECT COALESCE(SUM(c.size), 0) FROM upload_chunks c JOIN uploads u ON u.id = c.upload_id WHERE u.user_id = ?)`),
		userID, userID).Scan(&stored, &pending)
	return stored, pending, s.wrap("usage", err)
}

const objectCols = `id, user_id, version, size, meta, created, updated`

func scanObject(r interface{ Scan(...any) error }) (*cloud.Object, error) {
	var o cloud.Object
	var c, u int64
	if err := r.Scan(&o.ID, &o.UserID, &o.Version, &o.Size, &o.Meta, &c, &u); err != nil {
		return nil, err
	}
	o.Created, o.Updated = fromMicros(c), fromMicros(u)
	return &o, nil
}

// AddVersion implements cloud.MetaStore.
func (s *Store) AddVersion(ctx context.Context, v *cloud.Version, base int64, keep int, uploadID string) (*cloud.Object, []string, error) {
	var o *cloud.Object
	var dropped []string
	err := s.tx(ctx, "add version", func(tx *sql.Tx) error {
		t := micros(v.Created)
		if base == 0 {
			_, err := tx.ExecContext(ctx, s.q(`INSERT INTO objects (`+objectCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`),
				v.ObjectID, v.UserID, v.Version, v.Size, nb(v.Meta), t, t)
			if err != nil && s.d.IsUnique(err) {
				return cloud.Errorf(cloud.ECONFLICT, "object %s exists already", v.ObjectID)
			} else if err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, s.q(`UPDATE objects SET version = ?, size = ?, meta = ?, updated = ?
				WHERE id = ? AND user_id = ? AND version = ?`), v.Version, v.Size, nb(v.Meta), t, v.ObjectID, v.UserID, base)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return cloud.Errorf(cloud.ECONFLICT, "object %s is no longer at version %d: another save came first", v.ObjectID, base)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO versions (object_id, version, user_id, size, blob_key, meta, created) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			v.ObjectID, v.Version, v.UserID, v.Size, v.BlobKey, nb(v.Meta), t); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, s.q(`SELECT blob_key FROM versions WHERE object_id = ? AND version <= ?`), v.ObjectID, v.Version-int64(keep))
		if err != nil {
			return err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return err
			}
			dropped = append(dropped, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM versions WHERE object_id = ? AND version <= ?`), v.ObjectID, v.Version-int64(keep)); err != nil {
			return err
		}
		if uploadID != "" {
			if err := deleteUpload(ctx, s, tx, v.UserID, uploadID); err != nil {
				return err
			}
		}
		o, err = scanObject(tx.QueryRowContext(ctx, s.q(`SELECT `+objectCols+` FROM objects WHERE id = ?`), v.ObjectID))
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return o, dropped, nil
}

// Objects implements cloud.MetaStore.
func (s *Store) Objects(ctx context.Context, userID string) ([]*cloud.Object, error) {
	return query(ctx, s, "objects", scanObject, `SELECT `+objectCols+` FROM objects WHERE user_id = ? ORDER BY created, id`, userID)
}

// Object implements cloud.MetaStore.
func (s *Store) Object(ctx context.Context, userID, id string) (*cloud.Object, error) {
	o, err := scanObject(s.db.QueryRowContext(ctx, s.q(`SELECT `+objectCols+` FROM objects WHERE id = ? AND user_id = ?`), id, userID))
	return o, s.wrap("object", err)
}

func scanVersion(r interface{ Scan(...any) error }) (*cloud.Version, error) {
	var v cloud.Version
	var c int64
	if err := r.Scan(&v.ObjectID, &v.UserID, &v.Version, &v.Size, &v.BlobKey, &v.Meta, &c); err != nil {
		return nil, err
	}
	v.Created = fromMicros(c)
	return &v, nil
}

// Versions implements cloud.MetaStore.
func (s *Store) Versions(ctx context.Context, userID, objectID string) ([]*cloud.Version, error) {
	return query(ctx, s, "versions", scanVersion, `SELECT object_id, user_id, version, size, blob_key, meta, created
		FROM versions WHERE object_id = ? AND user_id = ? ORDER BY version`, objectID, userID)
}

// DeleteObject implements cloud.MetaStore.
func (s *Store) DeleteObject(ctx context.Context, userID, id string) ([]string, error) {
	var keys []string
	err := s.tx(ctx, "delete object", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q(`SELECT blob_key FROM versions WHERE object_id = ? AND user_id = ?`), id, userID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return err
			}
			keys = append(keys, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM shares WHERE object_id = ? AND user_id = ?`,
			`DELETE FROM versions WHERE object_id = ? AND user_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, s.q(q), id, userID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM objects WHERE id = ? AND user_id = ?`), id, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return cloud.ErrNotFound
		}
		return nil
	})
	return keys, err
}

// BlobKeys implements cloud.MetaStore.
func (s *Store) BlobKeys(ctx context.Context) (map[string]bool, error) {
	keys, err := query(ctx, s, "blob keys", func(r interface{ Scan(...any) error }) (string, error) {
		var k string
		return k, r.Scan(&k)
	}, `SELECT blob_key FROM versions UNION ALL SELECT blob_key FROM uploads`)
	if err != nil {
		return nil, err
	}
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m, nil
}

const shareCols = `id, user_id, object_id, created, expires, max_downloads, downloads`

func scanShare(r interface{ Scan(...any) error }) (*cloud.Share, error) {
	var x cloud.Share
	var c, e int64
	if err := r.Scan(&x.ID, &x.UserID, &x.ObjectID, &c, &e, &x.MaxDownloads, &x.Downloads); err != nil {
		return nil, err
	}
	x.Created, x.Expires = fromMicros(c), fromMicros(e)
	return &x, nil
}

// CreateShare implements cloud.MetaStore.
func (s *Store) CreateShare(ctx context.Context, x *cloud.Share) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO shares (`+shareCols+`) SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS
		(SELECT 1 FROM objects WHERE id = ? AND user_id = ?)`),
		x.ID, x.UserID, x.ObjectID, micros(x.Created), micros(x.Expires), x.MaxDownloads, x.Downloads, x.ObjectID, x.UserID)
	return s.wrap("create share", err)
}

// Share implements cloud.MetaStore.
func (s *Store) Share(ctx context.Context, id string) (*cloud.Share, error) {
	x, err := scanShare(s.db.QueryRowContext(ctx, s.q(`SELECT `+shareCols+` FROM shares WHERE id = ?`), id))
	return x, s.wrap("share", err)
}

// Shares implements cloud.MetaStore.
func (s *Store) Shares(ctx context.Context, userID string) ([]*cloud.Share, error) {
	return query(ctx, s, "shares", scanShare, `SELECT `+shareCols+` FROM shares WHERE user_id = ? ORDER BY created, id`, userID)
}

// DeleteShare implements cloud.MetaStore.
func (s *Store) DeleteShare(ctx context.Context, userID, id string) error {
	return s.exec1(ctx, "delete share", `DELETE FROM shares WHERE id = ? AND user_id = ?`, id, userID)
}

// CountDownload implements cloud.MetaStore.
func (s *Store) CountDownload(ctx context.Context, id string, t time.Time) error {
	return s.exec1(ctx, "count download", `UPDATE shares SET downloads = downloads + 1
		WHERE id = ? AND (expires = 0 OR expires > ?) AND (max_downloads = 0 OR downloads < max_downloads)`, id, micros(t))
}

// Tables lists the tables of the schema, for tests that prove a user left
// no row behind.
func (s *Store) Tables() []string {
	t := []string{"users", "sessions", "objects", "versions", "uploads", "upload_chunks", "shares"}
	return slices.Clone(t)
}
