// Package blobfs is a cloud.BlobStore in a local folder, the default that
// needs no set-up. Keys are checked against cloud.ValidBlobKey before they
// become paths, every write goes to a temporary file renamed into place,
// and an upload in progress is a folder of part files beside its blob.
package blobfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"offcut/server/cloud"
)

// Store keeps blobs under a root folder.
type Store struct {
	root string
}

var _ cloud.BlobStore = (*Store)(nil)

// Open returns the store rooted at dir, creating it.
func Open(dir string) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blobfs: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(abs, "u"), 0o700); err != nil {
		return nil, fmt.Errorf("blobfs: %w", err)
	}
	return &Store{root: abs}, nil
}

// Root returns the folder, for tests.
func (s *Store) Root() string { return s.root }

const uploadSuffix = ".up-"

func (s *Store) path(key string) (string, error) {
	if !cloud.ValidBlobKey(key) {
		return "", cloud.Errorf(cloud.EINVALID, "blob key %q is malformed", key)
	}
	return filepath.Join(s.root, filepath.FromSlash(key)), nil
}

func (s *Store) uploadDir(key, ref string) (string, error) {
	p, err := s.path(key)
	if err != nil {
		return "", err
	}
	if !cloud.ValidID(ref) {
		return "", cloud.Errorf(cloud.EINVALID, "upload ref %q is malformed", ref)
	}
	return p + uploadSuffix + ref, nil
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blobfs: %s: %w", op, cloud.ErrNotFound)
	}
	return fmt.Errorf("blobfs: %s: %w", op, err)
}

// BeginUpload implements cloud.BlobStore.
func (s *Store) BeginUpload(ctx context.Context, key string) (string, error) {
	ref := cloud.NewID()
	dir, err := s.uploadDir(key, ref)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", wrap("begin upload", err)
	}
	return ref, nil
}

// writeAtomic writes size bytes of r to path through a temporary file in
// the same folder; nothing appears at path unless all went well.
func writeAtomic(path string, r io.Reader, size int64, sync bool) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	n, err := io.Copy(f, r)
	if err != nil {
		return err
	}
	if size >= 0 && n != size {
		return fmt.Errorf("wrote %d bytes, expected %d", n, size)
	}
	if sync {
		if err := f.Sync(); err != nil {
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// PutPart implements cloud.BlobStore.
func (s *Store) PutPart(ctx context.Context, key, ref string, n int64, r io.Reader, size int64, _ string) (string, error) {
	dir, err := s.uploadDir(key, ref)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(dir); err != nil {
		return "", wrap("put part", err)
	}
	if err := writeAtomic(filepath.Join(dir, strconv.FormatInt(n, 10)), r, size, false); err != nil {
		return "", wrap(fmt.Sprintf("put part %d", n), err)
	}
	return "", nil
}

// CompleteUpload implements cloud.BlobStore.
func (s *Store) CompleteUpload(ctx context.Context, key, ref string, parts []cloud.Part) error {
	dir, err := s.uploadDir(key, ref)
	if err != nil {
		return err
	}
	files := make([]io.Reader, 0, len(parts))
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	for i, p := range parts {
		if p.N != int64(i) {
			return fmt.Errorf("blobfs: complete upload: part %d listed at position %d", p.N, i)
		}
		f, err := os.Open(filepath.Join(dir, strconv.Itoa(i)))
		if err != nil {
			return wrap("complete upload", err)
		}
		closers = append(closers, f)
		files = append(files, f)
	}
	p, _ := s.path(key)
	if err := writeAtomic(p, io.MultiReader(files...), -1, true); err != nil {
		return wrap("complete upload", err)
	}
	return wrap("complete upload", os.RemoveAll(dir))
}

// AbortUpload implements cloud.BlobStore.
func (s *Store) AbortUpload(ctx context.Context, key, ref string) error {
	dir, err := s.uploadDir(key, ref)
	if err != nil {
		return err
	}
	if _, err := os.Stat(dir); err != nil {
		return wrap("abort upload", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return wrap("abort upload", err)
	}
	os.Remove(filepath.Dir(dir)) // the object's folder, when it is empty
	return nil
}

type section struct {
	io.Reader
	io.Closer
}

// Get implements cloud.BlobStore.
func (s *Store) Get(ctx context.Context, key string, off, n int64) (io.ReadCloser, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, wrap("get", err)
	}
	return section{io.NewSectionReader(f, off, n), f}, nil
}

// Copy implements cloud.BlobStore.
func (s *Store) Copy(ctx context.Context, src, dst string) error {
	ps, err := s.path(src)
	if err != nil {
		return err
	}
	pd, err := s.path(dst)
	if err != nil {
		return err
	}
	f, err := os.Open(ps)
	if err != nil {
		return wrap("copy", err)
	}
	defer f.Close()
	if err := os.MkdirAll(filepath.Dir(pd), 0o700); err != nil {
		return wrap("copy", err)
	}
	return wrap("copy", writeAtomic(pd, f, -1, true))
}

// Delete implements cloud.BlobStore.
func (s *Store) Delete(ctx context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil {
		return wrap("delete", err)
	}
	os.Remove(filepath.Dir(p)) // the object's folder, when it is empty
	return nil
}

// DeletePrefix implements cloud.BlobStore.
func (s *Store) DeletePrefix(ctx context.Context, prefix string) error {
	if !cloud.ValidBlobPrefix(prefix) {
		return cloud.Errorf(cloud.EINVALID, "blob prefix %q is malformed", prefix)
	}
	dir := filepath.Join(s.root, filepath.FromSlash(prefix))
	if prefix == "u/" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return wrap("delete prefix", err)
		}
		for _, e := range entries {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return wrap("delete prefix", err)
			}
		}
		return nil
	}
	return wrap("delete prefix", os.RemoveAll(dir))
}

// List implements cloud.BlobStore. Temporary files are listed under
// their own names, which no key can have, so they are never mistaken
// for blobs.
func (s *Store) List(ctx context.Context, prefix string) ([]cloud.BlobInfo, error) {
	if !cloud.ValidBlobPrefix(prefix) {
		return nil, cloud.Errorf(cloud.EINVALID, "blob prefix %q is malformed", prefix)
	}
	var out []cloud.BlobInfo
	base := filepath.Join(s.root, filepath.FromSlash(prefix))
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		rel, _ := filepath.Rel(s.root, p)
		rel = filepath.ToSlash(rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			if i := strings.LastIndex(rel, uploadSuffix); i > 0 {
				out = append(out, cloud.BlobInfo{Key: rel[:i], Ref: rel[i+len(uploadSuffix):], Modified: info.ModTime(), Upload: true})
				return fs.SkipDir
			}
			return nil
		}
		out = append(out, cloud.BlobInfo{Key: rel, Size: info.Size(), Modified: info.ModTime()})
		return nil
	})
	if err != nil {
		return nil, wrap("list", err)
	}
	return out, nil
}
