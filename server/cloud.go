package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"offcut/server/cloud"
	"offcut/server/cloud/blobfs"
	"offcut/server/cloud/postgres"
	"offcut/server/cloud/s3"
	"offcut/server/cloud/sqlite"
)

// cloudConfig is what the flags say about the cloud save.
type cloudConfig struct {
	data, db, blobs string
	quotaMiB        int64
	keep            int
}

// openCloud opens the stores the flags name: SQLite and a folder under
// the data directory by default, PostgreSQL for a postgres:// URL, S3 for
// an s3:// URL. It returns the service, a description for the log and a
// function that closes the stores.
func openCloud(ctx context.Context, c cloudConfig) (*cloud.Service, string, func(), error) {
	db := c.db
	if db == "" {
		db = filepath.Join(c.data, "offcut.db")
	}
	var meta cloud.MetaStore
	var desc string
	var err error
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		meta, err = postgres.Open(ctx, db)
		desc = "postgres"
	} else {
		db = strings.TrimPrefix(db, "sqlite://")
		meta, err = sqlite.Open(ctx, db)
		desc = "sqlite " + db
	}
	if err != nil {
		return nil, "", nil, fmt.Errorf("database: %w", err)
	}
	blobs := c.blobs
	if blobs == "" {
		blobs = filepath.Join(c.data, "blobs")
	}
	var bs cloud.BlobStore
	if strings.HasPrefix(blobs, "s3://") {
		cfg, err := s3.ParseURL(blobs)
		if err == nil {
			bs, err = s3.Open(ctx, cfg)
		}
		if err != nil {
			meta.Close()
			return nil, "", nil, fmt.Errorf("blob store: %w", err)
		}
		desc += ", s3 bucket " + cfg.Bucket + " at " + cfg.Endpoint
	} else {
		if bs, err = blobfs.Open(blobs); err != nil {
			meta.Close()
			return nil, "", nil, fmt.Errorf("blob store: %w", err)
		}
		desc += ", blob folder " + blobs
	}
	svc := cloud.NewService(meta, bs, cloud.Config{Quota: c.quotaMiB << 20, Keep: c.keep})
	return svc, desc, func() { meta.Close() }, nil
}

// sweep runs the service's sweeper once a minute after start and then
// every hour until ctx is done. Several instances may sweep at once.
func sweep(ctx context.Context, svc *cloud.Service, log *slog.Logger) {
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ups, blobs, err := svc.Sweep(ctx, time.Hour)
		if err != nil {
			log.Warn("sweep", "error", err)
		} else if ups+blobs > 0 {
			log.Info("swept", "uploads", ups, "blobs", blobs)
		}
		t.Reset(time.Hour)
	}
}
