// Package s3 is a cloud.BlobStore on any S3-compatible store (AWS S3,
// MinIO, Ceph, versitygw) through github.com/minio/minio-go/v7. Uploads
// are S3 multipart uploads, one part per chunk, so their state lives in
// the store and survives a restart of the server; each part carries its
// SHA-256 in X-Amz-Content-Sha256, which the store checks as well. See
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html.
package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"offcut/server/cloud"
)

// Config names a bucket on an S3 endpoint.
type Config struct {
	Endpoint  string // host:port
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string
	Secure    bool
}

// ParseURL reads s3://bucket?endpoint=host:port&access=K&secret=S&secure=false&region=R.
// Missing keys are taken from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return Config{}, fmt.Errorf("s3: %q is not of the form s3://bucket?endpoint=host:port", raw)
	}
	q := u.Query()
	c := Config{Bucket: u.Host, Endpoint: q.Get("endpoint"), AccessKey: q.Get("access"), SecretKey: q.Get("secret"),
		Region: q.Get("region"), Secure: true}
	if c.Endpoint == "" {
		c.Endpoint = "s3.amazonaws.com"
	}
	if v := q.Get("secure"); v != "" {
		if c.Secure, err = strconv.ParseBool(v); err != nil {
			return Config{}, fmt.Errorf("s3: secure=%q is not a boolean", v)
		}
	}
	if c.AccessKey == "" {
		c.AccessKey = os.Getenv("AWS_ACCESS_KEY_ID")
	}
	if c.SecretKey == "" {
		c.SecretKey = os.Getenv("AWS_SECRET_ACCESS_KEY")
	}
	return c, nil
}

// Store is a cloud.BlobStore in one bucket.
type Store struct {
	c      *minio.Client
	core   minio.Core
	bucket string
}

var _ cloud.BlobStore = (*Store)(nil)

// Open connects and creates the bucket if it does not exist.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:     cfg.Secure,
		Region:     cfg.Region,
		MaxRetries: 2,
	})
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	s := &Store{c: c, core: minio.Core{Client: c}, bucket: cfg.Bucket}
	ok, err := c.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, s.wrap("bucket exists", err)
	}
	if !ok {
		if err := c.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region}); err != nil {
			return nil, s.wrap("make bucket", err)
		}
	}
	return s, nil
}

// Client returns the minio client, for tests.
func (s *Store) Client() *minio.Client { return s.c }

// Bucket returns the bucket name.
func (s *Store) Bucket() string { return s.bucket }

func (s *Store) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	r := minio.ToErrorResponse(err)
	switch {
	case r.Code == "NoSuchKey" || r.Code == "NoSuchUpload":
		return fmt.Errorf("s3: %s: %w", op, cloud.ErrNotFound)
	case r.Code == "" || r.StatusCode >= 500:
		return fmt.Errorf("s3: %s: %w (%v)", op, cloud.ErrUnavailable, err)
	}
	return fmt.Errorf("s3: %s: %w", op, err)
}

func checkKey(key string) error {
	if !cloud.ValidBlobKey(key) {
		return cloud.Errorf(cloud.EINVALID, "blob key %q is malformed", key)
	}
	return nil
}

// BeginUpload implements cloud.BlobStore.
func (s *Store) BeginUpload(ctx context.Context, key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	ref, err := s.core.NewMultipartUpload(ctx, s.bucket, key, minio.PutObjectOptions{ContentType: "application/octet-stream"})
	return ref, s.wrap("begin upload", err)
}

// PutPart implements cloud.BlobStore.
func (s *Store) PutPart(ctx context.Context, key, ref string, n int64, r io.Reader, size int64, sha256Hex string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	p, err := s.core.PutObjectPart(ctx, s.bucket, key, ref, int(n)+1, r, size,
		minio.PutObjectPartOptions{Sha256Hex: sha256Hex, DisableContentSha256: true})
	return p.ETag, s.wrap(fmt.Sprintf("put part %d", n), err)
}

// CompleteUpload implements cloud.BlobStore.
func (s *Store) CompleteUpload(ctx context.Context, key, ref string, parts []cloud.Part) error {
	if err := checkKey(key); err != nil {
		return err
	}
	cp := make([]minio.CompletePart, len(parts))
	for i, p := range parts {
		cp[i] = minio.CompletePart{PartNumber: int(p.N) + 1, ETag: p.ETag}
	}
	_, err := s.core.CompleteMultipartUpload(ctx, s.bucket, key, ref, cp, minio.PutObjectOptions{})
	return s.wrap("complete upload", err)
}

// AbortUpload implements cloud.BlobStore.
func (s *Store) AbortUpload(ctx context.Context, key, ref string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	return s.wrap("abort upload", s.core.AbortMultipartUpload(ctx, s.bucket, key, ref))
}

// Get implements cloud.BlobStore.
func (s *Store) Get(ctx context.Context, key string, off, n int64) (io.ReadCloser, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	if n == 0 {
		if _, err := s.c.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{}); err != nil {
			return nil, s.wrap("get", err)
		}
		return io.NopCloser(io.LimitReader(nil, 0)), nil
	}
	var o minio.GetObjectOptions
	if err := o.SetRange(off, off+n-1); err != nil {
		return nil, err
	}
	rc, _, _, err := s.core.GetObject(ctx, s.bucket, key, o)
	return rc, s.wrap("get", err)
}

// Copy implements cloud.BlobStore.
func (s *Store) Copy(ctx context.Context, src, dst string) error {
	if err := checkKey(src); err != nil {
		return err
	}
	if err := checkKey(dst); err != nil {
		return err
	}
	_, err := s.c.CopyObject(ctx, minio.CopyDestOptions{Bucket: s.bucket, Object: dst},
		minio.CopySrcOptions{Bucket: s.bucket, Object: src})
	return s.wrap("copy", err)
}

// Delete implements cloud.BlobStore.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	return s.wrap("delete", s.c.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}))
}

// DeletePrefix implements cloud.BlobStore.
func (s *Store) DeletePrefix(ctx context.Context, prefix string) error {
	list, err := s.List(ctx, prefix)
	if err != nil {
		return err
	}
	for _, b := range list {
		if b.Upload {
			err = s.core.AbortMultipartUpload(ctx, s.bucket, b.Key, b.Ref)
		} else {
			err = s.c.RemoveObject(ctx, s.bucket, b.Key, minio.RemoveObjectOptions{})
		}
		if err := s.wrap("delete prefix", err); err != nil && !errors.Is(err, cloud.ErrNotFound) {
			return err
		}
	}
	return nil
}

// List implements cloud.BlobStore.
func (s *Store) List(ctx context.Context, prefix string) ([]cloud.BlobInfo, error) {
	if !cloud.ValidBlobPrefix(prefix) {
		return nil, cloud.Errorf(cloud.EINVALID, "blob prefix %q is malformed", prefix)
	}
	var out []cloud.BlobInfo
	for o := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			return nil, s.wrap("list", o.Err)
		}
		out = append(out, cloud.BlobInfo{Key: o.Key, Size: o.Size, Modified: o.LastModified})
	}
	for u := range s.c.ListIncompleteUploads(ctx, s.bucket, prefix, true) {
		if u.Err != nil {
			return nil, s.wrap("list uploads", u.Err)
		}
		out = append(out, cloud.BlobInfo{Key: u.Key, Ref: u.UploadID, Modified: u.Initiated, Upload: true})
	}
	return out, nil
}
