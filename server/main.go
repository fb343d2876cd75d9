// Command server serves the built Offcut web app and its cloud save API
// (/api/v1/, package api).
//
//	go run ./build && go run ./server
//
// Flags, each with an environment variable that sets its default:
//
//	-addr          OFFCUT_ADDR           listen address (default :8080)
//	-dist          OFFCUT_DIST           built app directory (default build/dist)
//	-cors-origins  OFFCUT_CORS_ORIGINS   comma-separated origins allowed to call
//	                                     /api/ cross-origin (default none)
//	-log-json      OFFCUT_LOG_JSON=1     log JSON lines instead of text
//	-log-file      OFFCUT_LOG_FILE       log to this file instead of stderr,
//	                                     rotated to FILE.1 at -log-max-mb
//	-log-max-mb    OFFCUT_LOG_MAX_MB     log file size limit (default 64)
//	-cloud         OFFCUT_CLOUD          serve the cloud save API (default true)
//	-data          OFFCUT_DATA           data directory (default ./data)
//	-db            OFFCUT_DB             SQLite file (default DATA/offcut.db) or
//	                                     postgres://user:pass@host/db
//	-blobs         OFFCUT_BLOBS          blob folder (default DATA/blobs) or
//	                                     s3://bucket?endpoint=host:port&access=K&secret=S&secure=false
//	-quota-mib     OFFCUT_QUOTA_MIB      ciphertext quota per account (default 1024)
//	-keep-versions OFFCUT_KEEP_VERSIONS  saves kept per object (default 10)
//	-client-ip-header OFFCUT_CLIENT_IP_HEADER  header whose last entry is the
//	                                     client address, behind a load balancer
//
// With no flags the cloud save keeps its rows in SQLite and its blobs in a
// folder under ./data: no set-up. The server holds no state of its own, so
// any number of instances can share one PostgreSQL and one S3 bucket (see
// docs/deploy.md).
//
// Request lines are logged at most site.DefaultRequestLogRate a second
// (server errors always); the rest are counted in a summary line.
//
// A release binary can carry the app inside it: copy build/dist to
// server/dist and build with -tags embed (see embed.go). Such a binary
// serves its embedded copy unless -dist or OFFCUT_DIST is given.
//
// SIGINT or SIGTERM shuts the server down gracefully.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"offcut/server/api"
	"offcut/server/site"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(os.Stderr, "server: %v\n", err)
		}
		os.Exit(1)
	}
}

// run is main with its surroundings passed in, for tests. It returns once
// ctx is done and the server has shut down.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("server", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", envOr(getenv, "OFFCUT_ADDR", ":8080"), "listen address (env OFFCUT_ADDR)")
	dist := fl.String("dist", envOr(getenv, "OFFCUT_DIST", "build/dist"), "directory of the built app, from go run ./build (env OFFCUT_DIST)")
	origins := fl.String("cors-origins", getenv("OFFCUT_CORS_ORIGINS"), "comma-separated origins allowed to call /api/ cross-origin, e.g. https://app.example.com (env OFFCUT_CORS_ORIGINS; default none)")
	logJSON := fl.Bool("log-json", envBool(getenv, "OFFCUT_LOG_JSON"), "log JSON lines instead of text (env OFFCUT_LOG_JSON)")
	cloudOn := fl.Bool("cloud", envOr(getenv, "OFFCUT_CLOUD", "true") != "false", "serve the cloud save API under /api/v1/ (env OFFCUT_CLOUD)")
	var cc cloudConfig
	fl.StringVar(&cc.data, "data", envOr(getenv, "OFFCUT_DATA", "data"), "data directory for the default SQLite file and blob folder (env OFFCUT_DATA)")
	fl.StringVar(&cc.db, "db", getenv("OFFCUT_DB"), "SQLite file or postgres:// URL (env OFFCUT_DB; default DATA/offcut.db)")
	fl.StringVar(&cc.blobs, "blobs", getenv("OFFCUT_BLOBS"), "blob folder or s3://bucket?endpoint=host:port&access=K&secret=S&secure=false (env OFFCUT_BLOBS; default DATA/blobs)")
	quota, _ := strconv.ParseInt(envOr(getenv, "OFFCUT_QUOTA_MIB", "1024"), 10, 64)
	fl.Int64Var(&cc.quotaMiB, "quota-mib", quota, "ciphertext quota per account in MiB (env OFFCUT_QUOTA_MIB)")
	keep, _ := strconv.Atoi(envOr(getenv, "OFFCUT_KEEP_VERSIONS", "10"))
	fl.IntVar(&cc.keep, "keep-versions", keep, "saves kept per object (env OFFCUT_KEEP_VERSIONS)")
	ipHeader := fl.String("client-ip-header", getenv("OFFCUT_CLIENT_IP_HEADER"), "header whose last entry is the client address, e.g. X-Forwarded-For behind a load balancer (env OFFCUT_CLIENT_IP_HEADER)")
	logFile := fl.String("log-file", getenv("OFFCUT_LOG_FILE"), "log to this file instead of stderr, rotated to FILE.1 when it reaches -log-max-mb (env OFFCUT_LOG_FILE)")
	logMax := fl.Int64("log-max-mb", envInt(getenv, "OFFCUT_LOG_MAX_MB", 64), "size limit of -log-file in MB; the log takes at most twice this (env OFFCUT_LOG_MAX_MB)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fl.Args())
	}

	logw := stderr
	if *logFile != "" {
		rf, err := openRotating(*logFile, *logMax<<20)
		if err != nil {
			return fmt.Errorf("log file: %w", err)
		}
		defer rf.Close()
		logw = rf
	}
	var h slog.Handler = slog.NewTextHandler(logw, nil)
	if *logJSON {
		h = slog.NewJSONHandler(logw, nil)
	}
	log := slog.New(h)

	distSet := getenv("OFFCUT_DIST") != ""
	fl.Visit(func(f *flag.Flag) { distSet = distSet || f.Name == "dist" })
	var distFS fs.FS
	source := *dist
	if emb, ok := embeddedDist(); ok && !distSet {
		distFS, source = emb, "embedded copy"
	} else {
		st, err := os.Stat(*dist)
		if err != nil {
			return fmt.Errorf("dist directory: %w (build the app first: go run ./build)", err)
		}
		if !st.IsDir() {
			return fmt.Errorf("dist %s is not a directory", *dist)
		}
		distFS = os.DirFS(*dist)
	}
	corsOrigins, err := site.ParseOrigins(*origins)
	if err != nil {
		return err
	}
	var apiHandler http.Handler
	if *cloudOn {
		if cc.quotaMiB <= 0 || cc.keep <= 0 {
			return fmt.Errorf("-quota-mib and -keep-versions must be positive")
		}
		svc, desc, closeStores, err := openCloud(ctx, cc)
		if err != nil {
			return err
		}
		defer closeStores()
		apiHandler, err = api.New(api.Config{Service: svc, TrustedOrigins: corsOrigins, ClientIPHeader: *ipHeader, Logger: log})
		if err != nil {
			return err
		}
		go sweep(ctx, svc, log)
		log.Info("cloud save", "stores", desc)
	}
	s, err := site.New(site.Config{Dist: distFS, CORSOrigins: corsOrigins, API: apiHandler, Logger: log})
	if err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", *addr, err)
	}
	files, size := s.Assets()
	log.Info("serving", "dist", source, "files", files, "bytes", size, "addr", ln.Addr().String(), "cors_origins", corsOrigins)
	fmt.Fprintf(stdout, "Offcut is running at %s\n", site.URLFor(ln.Addr()))
	err = site.Serve(ctx, ln, s, log)
	log.Info("stopped")
	return err
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func envInt(getenv func(string) string, key string, def int64) int64 {
	if v, err := strconv.ParseInt(getenv(key), 10, 64); err == nil {
		return v
	}
	return def
}

func envBool(getenv func(string) string, key string) bool {
	b, _ := strconv.ParseBool(getenv(key))
	return b
}
