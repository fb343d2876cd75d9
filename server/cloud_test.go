package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"offcut/server/api"
	"offcut/server/cloud"
	"offcut/server/cloud/storetest"
)

var servers *storetest.Servers

func TestMain(m *testing.M) { storetest.Main(m, &servers) }

// TestRunScale starts the server as main does with -db postgres://… and
// -blobs s3://…, saves an object through it and finds it in PostgreSQL
// and in the bucket.
func TestRunScale(t *testing.T) {
	env := servers.PostgresS3(t, cloud.Config{})
	dist := fixtureDir(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-dist", dist, "-db", env.DBURL, "-blobs", env.BlobsURL},
			env2(map[string]string{"OFFCUT_DATA": t.TempDir()}), pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no startup line: %v (run: %v)", err, <-done)
	}
	base := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
	go io.Copy(io.Discard, pr)

	var cookie string
	do := func(method, path string, body []byte, hdr ...string) (int, []byte) {
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(body))
		req.Header.Set("Origin", base)
		if body != nil && hdr == nil {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		if cookie != "" {
			req.AddCookie(&http.Cookie{Name: api.CookieName, Value: cookie})
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		for _, c := range resp.Cookies() {
			if c.Name == api.CookieName {
				cookie = c.Value
			}
		}
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	reg, _ := json.Marshal(map[string]any{"email": "scale@example.org", "auth_key": bytes.Repeat([]byte{7}, 32),
		"kdf_salt": bytes.Repeat([]byte{1}, 16), "kdf_params": []byte("p"), "wrapped_key": []byte("k")})
	if st, b := do("POST", "/api/v1/register", reg); st != 201 {
		t.Fatalf("register: %d %s", st, b)
	}
	data := []byte("ciphertext, as far as the server knows")
	var up struct{ ID string }
	st, b := do("POST", "/api/v1/objects", []byte(fmt.Sprintf(`{"size":%d}`, len(data))))
	if st != 201 || json.Unmarshal(b, &up) != nil {
		t.Fatalf("start: %d %s", st, b)
	}
	h := sha256.Sum256(data)
	if st, b := do("PUT", "/api/v1/uploads/"+up.ID+"/chunks/0", data, api.ChunkHashHeader, hex.EncodeToString(h[:])); st != 200 {
		t.Fatalf("chunk: %d %s", st, b)
	}
	var o struct{ ID string }
	if st, b := do("POST", "/api/v1/uploads/"+up.ID+"/complete", nil); st != 200 || json.Unmarshal(b, &o) != nil {
		t.Fatalf("complete: %d %s", st, b)
	}
	if st, b := do("GET", "/api/v1/objects/"+o.ID+"/data", nil, "Range", "bytes=0-9"); st != 206 || string(b) != string(data[:10]) {
		t.Fatalf("range: %d %q", st, b)
	}
	all := env.ListAll(t)
	if len(all) != 1 || !strings.Contains(all[0], o.ID) {
		t.Fatalf("bucket holds %q", all)
	}
	var n int
	env.Meta.DB().QueryRow("SELECT COUNT(*) FROM objects WHERE id = $1", o.ID).Scan(&n)
	if n != 1 {
		t.Fatalf("%d rows for the object in PostgreSQL", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func env2(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
