package api_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"offcut/server/api"
	"offcut/server/cloud"
	"offcut/server/cloud/blobfs"
	"offcut/server/cloud/postgres"
	"offcut/server/cloud/s3"
	"offcut/server/cloud/sqlite"
	"offcut/server/cloud/storetest"
	"offcut/server/site"
)

// TestHelperServer is not a test: BenchmarkLoad runs the test binary
// again with it, so the server's memory is measured in a process of its
// own. It serves the stores named by OFFCUT_BENCH_DB and OFFCUT_BENCH_BLOBS
// until its stdin closes.
func TestHelperServer(t *testing.T) {
	if os.Getenv(storetest.HelperEnv) == "" {
		t.Skip("helper process for BenchmarkLoad")
	}
	ctx := context.Background()
	var meta cloud.MetaStore
	var err error
	if db := os.Getenv("OFFCUT_BENCH_DB"); strings.HasPrefix(db, "postgres://") {
		meta, err = postgres.Open(ctx, db)
	} else {
		meta, err = sqlite.Open(ctx, db)
	}
	if err != nil {
		t.Fatal(err)
	}
	var blobs cloud.BlobStore
	if b := os.Getenv("OFFCUT_BENCH_BLOBS"); strings.HasPrefix(b, "s3://") {
		cfg, _ := s3.ParseURL(b)
		blobs, err = s3.Open(ctx, cfg)
	} else {
		blobs, err = blobfs.Open(b)
	}
	if err != nil {
		t.Fatal(err)
	}
	cfg := storetest.TestConfig(storetest.S3Chunk)
	cfg.Quota = 1 << 40
	h, err := api.New(api.Config{Service: cloud.NewService(meta, blobs, cfg), IPLimit: api.Limit{Burst: 1 << 30, Every: 1},
		AccountLimit: api.Limit{Burst: 1 << 30, Every: 1}, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	st, err := site.New(site.Config{Dist: fstest.MapFS{"index.html": {Data: []byte("x")}}, API: h, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("URL http://%s\n", ln.Addr())
	srv := site.NewHTTPServer(st, discardLogger())
	go srv.Serve(ln)
	io.Copy(io.Discard, os.Stdin)
	srv.Close()
}

// procKiB reads a field (VmRSS, VmHWM) of /proc/PID/status in KiB.
func procKiB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return -1
}

// BenchmarkLoad: 50 users at once each upload an object (10 MiB by
// default, OFFCUT_BENCH_MIB to change) in 5 MiB chunks and download it
// again, through the real server in its own process, on both back ends.
// It reports the throughput beside a plain copy of the same bytes
// (file to file, as cp does) and the server's resident memory.
func BenchmarkLoad(b *testing.B) {
	mib := 10
	if v, err := strconv.Atoi(os.Getenv("OFFCUT_BENCH_MIB")); err == nil && v > 0 {
		mib = v
	}
	size := int64(mib) << 20
	const users = 50
	cpMBps := copyBaseline(b, users*size)
	for _, name := range []string{"sqlite+folder", "postgres+s3"} {
		b.Run(name, func(b *testing.B) {
			var env *storetest.Env
			if name == "sqlite+folder" {
				env = storetest.SQLiteFolder(b, cloud.Config{})
			} else {
				env = servers.PostgresS3(b, cloud.Config{})
			}
			env.Chunk = storetest.S3Chunk
			cmd := exec.Command(os.Args[0], "-test.run", "^TestHelperServer$")
			cmd.Env = append(os.Environ(), storetest.HelperEnv+"=1", "OFFCUT_BENCH_DB="+env.DBURL, "OFFCUT_BENCH_BLOBS="+env.BlobsURL)
			stdin, _ := cmd.StdinPipe()
			stdout, _ := cmd.StdoutPipe()
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			defer func() { stdin.Close(); cmd.Wait() }()
			line, err := bufio.NewReader(stdout).ReadString('\n')
			url, ok := strings.CutPrefix(strings.TrimSpace(line), "URL ")
			if err != nil || !ok {
				b.Fatalf("helper server said %q: %v", line, err)
			}
			go io.Copy(io.Discard, stdout)
			s := &Server{Server: nil, Env: env}
			accts := make([]*Account, users)
			for i := range accts {
				accts[i] = registerAt(b, s, url, fmt.Sprintf("load%d@example.org", i))
			}
			pid := cmd.Process.Pid
			rssBefore := procKiB(pid, "VmRSS")
			b.SetBytes(2 * users * size)
			b.ResetTimer()
			start := time.Now()
			for i := range b.N {
				var wg sync.WaitGroup
				errs := make(chan error, users)
				for u, a := range accts {
					wg.Go(func() {
						if err := roundTrip(a, url, size, uint64(i*users+u)); err != nil {
							errs <- fmt.Errorf("user %d: %w", u, err)
						}
					})
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					b.Fatal(err)
				}
			}
			el := time.Since(start)
			b.StopTimer()
			mbps := float64(2*users*size*int64(b.N)) / el.Seconds() / 1e6
			b.ReportMetric(mbps, "MB/s")
			b.ReportMetric(cpMBps, "cp-MB/s")
			b.ReportMetric(mbps/cpMBps, "x-cp")
			b.ReportMetric(float64(procKiB(pid, "VmHWM"))/1024, "server-peak-MiB")
			b.ReportMetric(float64(rssBefore)/1024, "server-idle-MiB")
			b.ReportMetric(float64(users*size)/(1<<20), "MiB-per-round")
		})
	}
}

// copyBaseline copies n bytes file to file (copy_file_range, as cp) and
// returns MB/s.
func copyBaseline(b *testing.B, n int64) float64 {
	dir := b.TempDir()
	src := filepath.Join(dir, "src")
	f, _ := os.Create(src)
	rng := rand.NewChaCha8([32]byte{1})
	if _, err := io.CopyN(f, rng, n); err != nil {
		b.Fatal(err)
	}
	f.Close()
	start := time.Now()
	for i := range 2 { // up and down: the bytes move twice
		in, _ := os.Open(src)
		out, _ := os.Create(filepath.Join(dir, "dst"+strconv.Itoa(i)))
		if _, err := io.Copy(out, in); err != nil {
			b.Fatal(err)
		}
		out.Sync()
		in.Close()
		out.Close()
	}
	return float64(2*n) / time.Since(start).Seconds() / 1e6
}

func registerAt(b *testing.B, s *Server, url, email string) *Account {
	c := &Client{t: b, s: &Server{Server: nil, Env: s.Env}, Origin: url, Header: http.Header{}}
	c.s.Server = fakeURL(url)
	key := storetest.RandBytes(32)
	c.Want(201, "POST", "/api/v1/register", map[string]any{"email": email, "auth_key": key,
		"kdf_salt": storetest.RandBytes(16), "kdf_params": []byte("p"), "wrapped_key": []byte("k")}, nil)
	return &Account{Client: c, Email: email, AuthKey: key}
}

// roundTrip uploads size pseudo-random bytes in chunks and downloads them
// again, streaming both ways; only one chunk is ever held.
func roundTrip(a *Account, url string, size int64, seed uint64) error {
	var up Upload
	if resp, out := a.Do("POST", "/api/v1/objects", map[string]any{"size": size, "chunk_size": storetest.S3Chunk}); resp.StatusCode != 201 {
		return fmt.Errorf("start: %d %s", resp.StatusCode, out)
	} else if err := jsonUnmarshal(out, &up); err != nil {
		return err
	}
	rng := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})
	whole := sha256.New()
	buf := make([]byte, up.ChunkSize)
	for n := range up.Chunks {
		c := buf[:min(up.ChunkSize, size-n*up.ChunkSize)]
		rng.Read(c)
		whole.Write(c)
		h := sha256.Sum256(c)
		req, _ := http.NewRequest("PUT", fmt.Sprintf("%s/api/v1/uploads/%s/chunks/%d", url, up.ID, n), bytes.NewReader(c))
		req.Header.Set(api.ChunkHashHeader, fmt.Sprintf("%x", h))
		req.Header.Set("Origin", url)
		req.AddCookie(&http.Cookie{Name: api.CookieName, Value: a.Cookie})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("chunk %d: %d", n, resp.StatusCode)
		}
	}
	var o Object
	if resp, out := a.Do("POST", "/api/v1/uploads/"+up.ID+"/complete", nil); resp.StatusCode != 200 {
		return fmt.Errorf("complete: %d %s", resp.StatusCode, out)
	} else if err := jsonUnmarshal(out, &o); err != nil {
		return err
	}
	req, _ := http.NewRequest("GET", url+"/api/v1/objects/"+o.ID+"/data", nil)
	req.AddCookie(&http.Cookie{Name: api.CookieName, Value: a.Cookie})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	got := sha256.New()
	n, err := io.Copy(got, resp.Body)
	if err != nil || n != size || !bytes.Equal(got.Sum(nil), whole.Sum(nil)) {
		return fmt.Errorf("download: %d of %d bytes, %v, hash match %v", n, size, err, bytes.Equal(got.Sum(nil), whole.Sum(nil)))
	}
	// Free the quota and the disk for the next round.
	if resp, out := a.Do("DELETE", "/api/v1/objects/"+o.ID, nil); resp.StatusCode != 204 {
		return fmt.Errorf("delete: %d %s", resp.StatusCode, out)
	}
	return nil
}
