// Package storetest is the contract every pair of cloud stores passes
// (MetaStore + BlobStore, driven through cloud.Service), and the helpers
// that set up each pair on real servers: SQLite + a folder, and
// PostgreSQL + S3 (versitygw), both started by package testenv.
package storetest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"offcut/server/cloud"
	"offcut/server/cloud/blobfs"
	"offcut/server/cloud/postgres"
	"offcut/server/cloud/s3"
	"offcut/server/cloud/sqlite"
	"offcut/server/cloud/sqlstore"
	"offcut/server/internal/testenv"
)

// Env is one pair of stores behind a Service.
type Env struct {
	Name    string
	Service *cloud.Service
	Meta    *sqlstore.Store
	Blobs   cloud.BlobStore
	// ListAll lists everything in the blob store: every blob and
	// incomplete upload, whatever its key.
	ListAll func(t testing.TB) []string
	// Faults, when set, can stop and restart the servers behind the
	// stores.
	PG *testenv.Postgres
	S3 *testenv.Versitygw
	// Chunk is the chunk size tests upload with: the smallest the blob
	// store allows (S3 parts but the last are at least 5 MiB).
	Chunk int64
	// DBURL and BlobsURL configure the server's flags for this pair.
	DBURL, BlobsURL string
}

// FastArgon2 keeps tests quick; production uses cloud.DefaultArgon2.
var FastArgon2 = cloud.Argon2Params{Time: 1, MemoryKiB: 1024, Threads: 1}

// Chunk sizes of the two pairs: a folder takes any size; S3 parts but
// the last are at least 5 MiB.
const (
	FolderChunk = 64 << 10
	S3Chunk     = 5 << 20
)

// TestConfig is the Service configuration tests use unless they say
// otherwise: quota of 64 chunks, three versions kept, fast Argon2id.
func TestConfig(chunk int64) cloud.Config {
	return cloud.Config{Quota: 64 * chunk, Keep: 3, MinChunk: chunk, Argon2: FastArgon2}
}

// Servers are the PostgreSQL cluster and S3 gateway shared by a test
// binary; errors say why one is not there.
type Servers struct {
	PG     *testenv.Postgres
	PGErr  error
	S3     *testenv.Versitygw
	S3Err  error
	serial atomic.Int64
}

// StartServers starts both servers, for TestMain. Missing ones are noted,
// not fatal: the tests that need them skip (or fail under CI).
func StartServers() *Servers {
	s := &Servers{}
	s.PG, s.PGErr = testenv.StartPostgres()
	s.S3, s.S3Err = testenv.StartVersitygw()
	return s
}

// HelperEnv is set in a test binary re-run as a helper process (a server
// for a benchmark): it starts no servers of its own.
const HelperEnv = "OFFCUT_TEST_HELPER"

var errFuzzing = errors.New("servers are not started while fuzzing")

// Close stops both servers.
func (s *Servers) Close() {
	if s.PG != nil {
		s.PG.Close()
	}
	if s.S3 != nil {
		s.S3.Close()
	}
}

// Main runs a test binary with the servers up: use it as TestMain's body.
func Main(m *testing.M, s **Servers) {
	flag.Parse()
	if f := flag.Lookup("test.fuzz"); os.Getenv(HelperEnv) != "" || f != nil && f.Value.String() != "" {
		// Fuzzing needs no servers (and each worker would start its own).
		*s = &Servers{PGErr: errFuzzing, S3Err: errFuzzing}
		os.Exit(m.Run())
	}
	*s = StartServers()
	code := m.Run()
	(*s).Close()
	os.Exit(code)
}

// SQLiteFolder returns a fresh SQLite database and blob folder in
// t.TempDir().
func SQLiteFolder(t testing.TB, cfg cloud.Config) *Env {
	if cfg.MinChunk == 0 {
		cfg = TestConfig(FolderChunk)
	}
	t.Helper()
	dir := t.TempDir()
	meta, err := sqlite.Open(context.Background(), dir+"/offcut.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { meta.Close() })
	blobs, err := blobfs.Open(dir + "/blobs")
	if err != nil {
		t.Fatal(err)
	}
	return &Env{
		Name: "sqlite+folder", Chunk: cfg.MinChunk, Service: cloud.NewService(meta, blobs, cfg), Meta: meta, Blobs: blobs,
		DBURL: dir + "/offcut.db", BlobsURL: dir + "/blobs",
		ListAll: func(t testing.TB) []string {
			var out []string
			err := walk(blobs.Root(), func(rel string) { out = append(out, rel) })
			if err != nil {
				t.Fatal(err)
			}
			return out
		},
	}
}

// PostgresS3 returns a fresh PostgreSQL database and S3 bucket on the
// shared servers, or skips t when they are missing.
func (s *Servers) PostgresS3(t testing.TB, cfg cloud.Config) *Env {
	t.Helper()
	if cfg.MinChunk == 0 {
		cfg = TestConfig(S3Chunk)
	}
	testenv.Need(t, s.PGErr)
	testenv.Need(t, s.S3Err)
	n := s.serial.Add(1)
	ctx := context.Background()
	url, err := s.PG.NewDatabase(fmt.Sprintf("t%d_%d", os.Getpid(), n))
	if err != nil {
		t.Fatal(err)
	}
	meta, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { meta.Close() })
	bucket := fmt.Sprintf("offcut-%d-%d", os.Getpid(), n)
	blobsURL := fmt.Sprintf("s3://%s?endpoint=%s&access=%s&secret=%s&secure=false", bucket, s.S3.Endpoint, s.S3.Access, s.S3.Secret)
	bcfg, err := s3.ParseURL(blobsURL)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := s3.Open(ctx, bcfg)
	if err != nil {
		t.Fatal(err)
	}
	return &Env{
		Name: "postgres+s3", Chunk: cfg.MinChunk, Service: cloud.NewService(meta, blobs, cfg), Meta: meta, Blobs: blobs,
		PG: s.PG, S3: s.S3, DBURL: url, BlobsURL: blobsURL,
		ListAll: func(t testing.TB) []string {
			t.Helper()
			c := blobs.Client()
			var out []string
			for o := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
				if o.Err != nil {
					t.Fatal(o.Err)
				}
				out = append(out, o.Key)
			}
			for u := range c.ListIncompleteUploads(ctx, bucket, "", true) {
				if u.Err != nil {
					t.Fatal(u.Err)
				}
				out = append(out, "upload:"+u.Key)
			}
			return out
		},
	}
}

// Rows counts the rows of every table that mention the user id.
func (e *Env) Rows(t testing.TB, userID string) map[string]int {
	t.Helper()
	db := e.Meta.DB()
	q := func(s string) string {
		if e.Name == "postgres+s3" {
			return strings.ReplaceAll(s, "?", "$1")
		}
		return s
	}
	out := map[string]int{}
	for table, where := range map[string]string{
		"users":         "id = ?",
		"sessions":      "user_id = ?",
		"objects":       "user_id = ?",
		"versions":      "user_id = ?",
		"uploads":       "user_id = ?",
		"upload_chunks": "upload_id IN (SELECT id FROM uploads WHERE user_id = ?) OR upload_id NOT IN (SELECT id FROM uploads)",
		"shares":        "user_id = ?",
	} {
		var n int
		if err := db.QueryRow(q("SELECT COUNT(*) FROM "+table+" WHERE "+where), userID).Scan(&n); err != nil {
			t.Fatalf("counting %s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

// Wait polls f until it is true or d passes.
func Wait(d time.Duration, f func() bool) bool {
	deadline := time.Now().Add(d)
	for !f() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}
