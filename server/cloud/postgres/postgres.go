// Package postgres opens the cloud.MetaStore on PostgreSQL through
// github.com/jackc/pgx/v5 (its database/sql driver), for deployments with
// several stateless server instances. See
// https://www.postgresql.org/docs/15/sql.html.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"offcut/server/cloud/sqlstore"
)

// Dialect is PostgreSQL's: $n placeholders, and an advisory lock so that
// instances starting together run the migrations once.
var Dialect = sqlstore.Dialect{
	Name:           "postgres",
	Numbered:       true,
	LockMigrations: "SELECT pg_advisory_xact_lock(7291640113)",
	IsUnique: func(err error) bool {
		var e *pgconn.PgError
		// 23505 unique_violation, 23503 foreign_key_violation
		return errors.As(err, &e) && (e.Code == "23505" || e.Code == "23503")
	},
}

// Open connects to the database at url (postgres://user:pass@host/db?…)
// and migrates it.
func Open(ctx context.Context, url string) (*sqlstore.Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connecting: %w", err)
	}
	s, err := sqlstore.Open(ctx, db, Dialect)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}
