package api_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"offcut/server/api"
	"offcut/server/cloud"
	"offcut/server/cloud/storetest"
)

func bothBackends(t *testing.T, f func(t *testing.T, env *storetest.Env)) {
	t.Run("sqlite+folder", func(t *testing.T) { f(t, storetest.SQLiteFolder(t, cloud.Config{})) })
	t.Run("postgres+s3", func(t *testing.T) { f(t, servers.PostgresS3(t, cloud.Config{})) })
}

// TestDeleteAccountProven deletes an account with objects, versions,
// shares, sessions and an upload in progress, then looks in every table
// and the whole blob store for anything of it.
func TestDeleteAccountProven(t *testing.T) {
	bothBackends(t, func(t *testing.T, env *storetest.Env) {
		s := MustOpenServer(t, env, api.Config{})
		a := s.Register(t, "gone@example.org")
		b := s.Register(t, "stays@example.org")
		a2 := a.Login(t, "second device")
		big := storetest.RandBytes(int(env.Chunk + 10))
		o := a.Save("", 0, big, []byte("m"))
		a.Save(o.ID, 1, []byte("v2"), nil)
		a2.Save("", 0, []byte("another"), nil)
		up := a.Start("", 0, 2*env.Chunk, nil)
		a.PutChunk(up, 0, storetest.RandBytes(int(2*env.Chunk)))
		var sh struct{ ID string }
		a.Want(201, "POST", "/api/v1/objects/"+o.ID+"/shares", map[string]any{}, &sh)
		bo := b.Save("", 0, []byte("b's"), nil)
		var bsh struct{ ID string }
		b.Want(201, "POST", "/api/v1/objects/"+bo.ID+"/shares", map[string]any{}, &bsh)
		var acct struct{ Email string }
		a.Want(200, "GET", "/api/v1/account", nil, &acct)
		uid := userID(t, env, "gone@example.org")
		before := env.ListAll(t)
		if n := count(before, uid); n < 4 {
			t.Fatalf("setup: %d blob entries of the user in %q", n, before)
		}

		a.Want(http.StatusNoContent, "DELETE", "/api/v1/account", nil, nil)

		for table, n := range env.Rows(t, uid) {
			if n != 0 {
				t.Errorf("table %s holds %d rows of the deleted user", table, n)
			}
		}
		if all := env.ListAll(t); count(all, uid) != 0 {
			t.Errorf("blob store still holds %q", all)
		}
		var users int
		env.Meta.DB().QueryRow("SELECT COUNT(*) FROM users").Scan(&users)
		if users != 1 {
			t.Errorf("%d users left, want 1", users)
		}
		s.Client(t).Want(404, "GET", "/api/v1/shares/"+sh.ID, nil, nil)
		s.Client(t).Want(404, "GET", "/api/v1/shares/"+sh.ID+"/data", nil, nil)
		a2.Want(401, "GET", "/api/v1/objects", nil, nil)
		a.Want(401, "GET", "/api/v1/account", nil, nil)
		if got := s.Client(t).Want(200, "GET", "/api/v1/shares/"+bsh.ID+"/data", nil, nil); !bytes.Equal(got, []byte("b's")) {
			t.Errorf("the other user's share answers %q", got)
		}
	})
}

func userID(t *testing.T, env *storetest.Env, email string) string {
	u, err := env.Meta.UserByEmail(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func count(keys []string, sub string) int {
	n := 0
	for _, k := range keys {
		if strings.Contains(k, sub) {
			n++
		}
	}
	return n
}

// TestS3KilledMidUpload kills versitygw between two chunks: the chunk
// fails with a clear 503, the upload resumes from its status once the
// gateway is back, and the bucket ends up holding exactly the blobs the
// database knows, with no incomplete upload left.
func TestS3KilledMidUpload(t *testing.T) {
	env := servers.PostgresS3(t, cloud.Config{})
	s := MustOpenServer(t, env, api.Config{})
	a := s.Register(t, "fault@example.org")
	data := storetest.RandBytes(int(3 * env.Chunk))
	up := a.Start("", 0, int64(len(data)), nil)
	if resp, out := a.PutChunk(up, 0, data); resp.StatusCode != 200 {
		t.Fatalf("chunk 0: %d %s", resp.StatusCode, out)
	}
	// Chunk 1 is half sent, and so half streamed on to S3, when the
	// gateway dies.
	restarted := false
	defer func() {
		if !restarted {
			env.S3.Start()
		}
	}()
	c1 := data[up.ChunkSize : 2*up.ChunkSize]
	pr, pw := io.Pipe()
	go func() {
		pw.Write(c1[:len(c1)/2])
		time.Sleep(300 * time.Millisecond)
		env.S3.Kill()
		pw.Write(c1[len(c1)/2:])
		pw.Close()
	}()
	req, _ := http.NewRequest("PUT", s.URL+"/api/v1/uploads/"+up.ID+"/chunks/1", pr)
	req.ContentLength = int64(len(c1))
	req.Header.Set(api.ChunkHashHeader, storetest.Hex(c1))
	req.Header.Set("Origin", s.URL)
	req.AddCookie(&http.Cookie{Name: api.CookieName, Value: a.Cookie})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || errCode(out) != cloud.EUNAVAILABLE {
		t.Fatalf("chunk 1 with S3 killed mid-chunk: %d %s", res.StatusCode, out)
	}
	resp, out := a.PutChunk(up, 2, data)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("chunk 2 with S3 down: %d %s", resp.StatusCode, out)
	}
	resp, out = a.Do("POST", "/api/v1/uploads/"+up.ID+"/complete", nil)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("complete with chunks missing: %d %s", resp.StatusCode, out)
	}
	if err := env.S3.Start(); err != nil {
		t.Fatal(err)
	}
	restarted = true
	var st Upload
	a.Want(200, "GET", "/api/v1/uploads/"+up.ID, nil, &st)
	if fmt.Sprint(st.Received) != "[0]" {
		t.Fatalf("after the restart the upload has chunks %v, want [0]", st.Received)
	}
	for n := int64(1); n < st.Chunks; n++ {
		if resp, out := a.PutChunk(up, n, data); resp.StatusCode != 200 {
			t.Fatalf("chunk %d after restart: %d %s", n, resp.StatusCode, out)
		}
	}
	var o Object
	a.Want(200, "POST", "/api/v1/uploads/"+up.ID+"/complete", nil, &o)
	if got := a.Want(200, "GET", "/api/v1/objects/"+o.ID+"/data", nil, nil); !bytes.Equal(got, data) {
		t.Fatal("the resumed object differs from what was sent")
	}
	keys, err := env.Meta.BlobKeys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	all := env.ListAll(t)
	if len(all) != 1 || !keys[all[0]] || len(keys) != 1 {
		t.Fatalf("bucket holds %q; the database knows %v", all, keys)
	}
}

// TestPostgresRestartedMidRequest stops PostgreSQL under the server:
// requests fail with a clear 503 and work again once it is back, with no
// half-written rows.
func TestPostgresRestartedMidRequest(t *testing.T) {
	env := servers.PostgresS3(t, cloud.Config{})
	s := MustOpenServer(t, env, api.Config{})
	a := s.Register(t, "pgfault@example.org")
	o := a.Save("", 0, []byte("before"), nil)
	up := a.Start(o.ID, 1, 5, nil)
	a.PutChunk(up, 0, []byte("after"))
	if err := env.PG.Stop(); err != nil {
		t.Fatal(err)
	}
	stopped := true
	defer func() {
		if stopped {
			env.PG.Start()
		}
	}()
	resp, out := a.Do("POST", "/api/v1/uploads/"+up.ID+"/complete", nil)
	if resp.StatusCode != http.StatusServiceUnavailable || errCode(out) != cloud.EUNAVAILABLE {
		t.Fatalf("complete with PostgreSQL down: %d %s", resp.StatusCode, out)
	}
	if err := env.PG.Start(); err != nil {
		t.Fatal(err)
	}
	stopped = false
	// Nothing was half done: the same upload completes now.
	var vs []struct{ Version int64 }
	a.Want(200, "GET", "/api/v1/objects/"+o.ID+"/versions", nil, &vs)
	if len(vs) != 1 {
		t.Fatalf("versions after the failed request: %v", vs)
	}
	a.Want(200, "POST", "/api/v1/uploads/"+up.ID+"/complete", nil, nil)
	if got := a.Want(200, "GET", "/api/v1/objects/"+o.ID+"/data", nil, nil); string(got) != "after" {
		t.Fatalf("object reads %q", got)
	}
	keys, _ := env.Meta.BlobKeys(t.Context())
	if all := env.ListAll(t); len(all) != 2 || !keys[all[0]] || !keys[all[1]] {
		t.Fatalf("bucket holds %q; the database knows %v", all, keys)
	}
}
