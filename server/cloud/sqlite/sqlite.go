// Package sqlite opens the cloud.MetaStore on an SQLite file through
// modernc.org/sqlite (pure Go, no cgo): the embedded default that needs
// no set-up. See https://www.sqlite.org/lang.html.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"offcut/server/cloud/sqlstore"
)

// Dialect is SQLite's: ? placeholders, no migration lock (one writer).
var Dialect = sqlstore.Dialect{
	Name: "sqlite",
	IsUnique: func(err error) bool {
		var e *sqlite.Error
		if !errors.As(err, &e) {
			return false
		}
		c := e.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY ||
			c == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	},
}

// Open opens (creating if needed) the database file at path, with foreign
// keys on, WAL and a busy timeout, and migrates it.
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	// One connection: SQLite has one writer, and a single connection
	// turns lock contention into queueing instead of SQLITE_BUSY.
	db.SetMaxOpenConns(1)
	s, err := sqlstore.Open(ctx, db, Dialect)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}
