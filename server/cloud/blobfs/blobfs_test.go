package blobfs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"offcut/server/cloud"
)

// TestHostileKeys: no key, ref or prefix that BlobKey could not have
// made reaches the file system.
func TestHostileKeys(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(dir, "secret")
	os.WriteFile(secret, []byte("x"), 0o600)
	ctx := context.Background()
	id := cloud.NewID()
	for _, key := range []string{
		"../secret", "u/../../secret", "/etc/passwd", "u/" + id + "/" + id + "/..", "u/" + id + "/" + id,
		"u/" + id + "/" + id + "/" + strings.ToUpper(id), "u/" + id + "/" + id + "/" + id + "/x", "", "u\\" + id,
	} {
		if _, err := s.Get(ctx, key, 0, 1); cloud.ErrorCode(err) != cloud.EINVALID {
			t.Errorf("Get(%q): %v", key, err)
		}
		if err := s.Delete(ctx, key); cloud.ErrorCode(err) != cloud.EINVALID {
			t.Errorf("Delete(%q): %v", key, err)
		}
		if _, err := s.BeginUpload(ctx, key); cloud.ErrorCode(err) != cloud.EINVALID {
			t.Errorf("BeginUpload(%q): %v", key, err)
		}
	}
	good := cloud.BlobKey(id, id)
	if _, err := s.PutPart(ctx, good, "../../x", 0, strings.NewReader("x"), 1, ""); cloud.ErrorCode(err) != cloud.EINVALID {
		t.Errorf("PutPart with a hostile ref: %v", err)
	}
	for _, p := range []string{"", "/", "u", "../", "u/../", "u/" + id, "u/" + id + "/../"} {
		if err := s.DeletePrefix(ctx, p); cloud.ErrorCode(err) != cloud.EINVALID {
			t.Errorf("DeletePrefix(%q): %v", p, err)
		}
	}
	if _, err := os.Stat(secret); err != nil {
		t.Fatal("the file outside the store is gone")
	}
}

// TestAtomicPart: a part whose reader fails leaves nothing behind.
func TestAtomicPart(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	key := cloud.BlobKey(cloud.NewID(), cloud.NewID())
	ref, err := s.BeginUpload(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutPart(ctx, key, ref, 0, &failing{}, 10, ""); err == nil {
		t.Fatal("a failing reader stored a part")
	}
	list, _ := s.List(ctx, "u/")
	dir := filepath.Join(s.Root(), filepath.FromSlash(key)) + uploadSuffix + ref
	entries, _ := os.ReadDir(dir)
	if len(list) != 1 || !list[0].Upload || len(entries) != 0 {
		t.Fatalf("after a failed part: list %+v, upload folder %v", list, entries)
	}
}

type failing struct{ n int }

func (f *failing) Read(p []byte) (int, error) {
	if f.n > 0 {
		return 0, os.ErrClosed
	}
	f.n++
	return copy(p, "abc"), nil
}
