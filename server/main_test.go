package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func fixtureDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>Offcut</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// withData adds OFFCUT_DATA, so the cloud save's SQLite file and blob
// folder go to a temporary directory.
func withData(t *testing.T, m map[string]string) map[string]string {
	out := map[string]string{"OFFCUT_DATA": t.TempDir()}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TestRun starts the server as main does, reads the startup line, makes a
// request to the URL it printed and shuts down by cancelling the context.
func TestRun(t *testing.T) {
	dist := fixtureDir(t)
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"flags", []string{"-addr", "127.0.0.1:0", "-dist", dist}, nil},
		{"env", nil, map[string]string{"OFFCUT_ADDR": "127.0.0.1:0", "OFFCUT_DIST": dist, "OFFCUT_LOG_JSON": "1", "OFFCUT_CORS_ORIGINS": "https://a.example"}},
		{"flag beats env", []string{"-addr", "127.0.0.1:0"}, map[string]string{"OFFCUT_ADDR": "256.0.0.1:1", "OFFCUT_DIST": dist}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			pr, pw := io.Pipe()
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, tc.args, env(withData(t, tc.env)), pw, io.Discard)
				pw.Close()
			}()
			line, err := bufio.NewReader(pr).ReadString('\n')
			if err != nil {
				t.Fatalf("no startup line: %v (run: %v)", err, <-done)
			}
			m := regexp.MustCompile(`^Offcut is running at (http://127\.0\.0\.1:\d+)\n$`).FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("startup line %q", line)
			}
			go io.Copy(io.Discard, pr)
			resp, err := http.Get(m[1] + "/")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(body) != "<p>Offcut</p>" {
				t.Errorf("GET / at the printed URL: %d %q", resp.StatusCode, body)
			}
			// The cloud save is on by default, on SQLite and a folder.
			resp, err = http.Get(m[1] + "/api/v1/salt?email=a@example.org")
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), `"kdf_salt"`) {
				t.Errorf("GET /api/v1/salt: %d %q", resp.StatusCode, body)
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("run returned %v after cancel, want nil", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("run did not return after cancel")
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	dist := fixtureDir(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-dist", filepath.Join(dist, "missing")}, "go run ./build"},
		{[]string{"-dist", t.TempDir(), "-addr", "127.0.0.1:0"}, "index.html"},
		{[]string{"-dist", dist, "-cors-origins", "*"}, `"*"`},
		{[]string{"-dist", dist, "-addr", "127.0.0.1:99999"}, "listening on 127.0.0.1:99999"},
		{[]string{"-nope"}, "flag provided but not defined"},
		{[]string{"-dist", dist, "-log-file", filepath.Join(dist, "no", "dir.log")}, "log file:"},
		{[]string{"-dist", dist, "extra"}, "unexpected arguments"},
		{[]string{"-dist", dist, "-db", "postgres://127.0.0.1:1/x?connect_timeout=1"}, "database: postgres"},
		{[]string{"-dist", dist, "-blobs", "s3://"}, "blob store"},
		{[]string{"-dist", dist, "-quota-mib", "0"}, "must be positive"},
	} {
		var stderr strings.Builder
		err := run(context.Background(), tc.args, env(withData(t, nil)), io.Discard, &stderr)
		if err == nil || !strings.Contains(err.Error()+stderr.String(), tc.want) {
			t.Errorf("run(%q): error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
}

// TestRotatingLogFile: the log file is rotated to FILE.1 before it would
// pass its limit, so the log never takes more than twice the limit.
func TestRotatingLogFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "server.log")
	r, err := openRotating(p, 4096)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(strings.Repeat("x", 99) + "\n")
	for range 1000 {
		if _, err := r.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	r.Close()
	total := int64(0)
	for _, name := range []string{p, p + ".1"} {
		st, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() > 4096 || st.Size()%100 != 0 {
			t.Errorf("%s is %d bytes, want at most 4096 of whole lines", filepath.Base(name), st.Size())
		}
		total += st.Size()
	}
	if m, _ := filepath.Glob(p + "*"); len(m) != 2 || total < 4000 {
		t.Errorf("log files %v, %d bytes", m, total)
	}
}
