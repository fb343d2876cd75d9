// Package testenv starts the real servers the cloud tests run against, on
// 127.0.0.1 with free ports: a throwaway PostgreSQL cluster (initdb +
// pg_ctl from Debian's postgresql package, fsync off) and versitygw (an
// S3 gateway over a folder; make test-deps installs it into .cache/bin).
// A missing binary skips the tests that need it, or fails them when
// OFFCUT_REQUIRE_TOOLS is set (as make test does under CI).
package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RequireEnv names the environment variable that turns a missing server
// binary from a skip into a failure (the same as audiotest.RequireEnv).
const RequireEnv = "OFFCUT_REQUIRE_TOOLS"

// ErrMissing is wrapped by the errors of Postgres and S3 when a binary is
// not installed.
var ErrMissing = errors.New("not installed")

// Need skips t (or fails it under OFFCUT_REQUIRE_TOOLS) when err says a
// server is missing, and fails it for any other error.
func Need(t testing.TB, err error) {
	t.Helper()
	switch {
	case err == nil:
	case errors.Is(err, ErrMissing):
		Missing(t, "%v (make test-deps installs it)", err)
	default:
		t.Fatal(err)
	}
}

// Missing skips t, or fails it when OFFCUT_REQUIRE_TOOLS is set.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv(RequireEnv) != "" {
		t.Fatalf("required by %s: "+format, append([]any{RequireEnv}, args...)...)
	}
	t.Skipf(format, args...)
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitPort(port int, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing listens on 127.0.0.1:%d after %v", port, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// pgBin finds a PostgreSQL program on PATH or in Debian's versioned folder.
func pgBin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(m) > 0 {
		return m[len(m)-1], nil
	}
	return "", fmt.Errorf("PostgreSQL's %s: %w", name, ErrMissing)
}

// Postgres is a throwaway cluster.
type Postgres struct {
	// URL connects as the superuser to the database "postgres".
	URL  string
	Port int

	dir, data, sock string
	pgctl           string
	asUser          *user.User
}

// StartPostgres makes and starts a cluster in a new temporary folder.
// Call Close to stop it and remove the folder.
func StartPostgres() (*Postgres, error) {
	initdb, err := pgBin("initdb")
	if err != nil {
		return nil, err
	}
	pgctl, err := pgBin("pg_ctl")
	if err != nil {
		return nil, err
	}
	p := &Postgres{pgctl: pgctl}
	if os.Geteuid() == 0 { // initdb refuses root: run as postgres
		if p.asUser, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root and no postgres user: %w", ErrMissing)
		}
	}
	if p.dir, err = os.MkdirTemp("", "offcut-pg-"); err != nil {
		return nil, err
	}
	p.data, p.sock = filepath.Join(p.dir, "data"), filepath.Join(p.dir, "sock")
	for _, d := range []string{p.data, p.sock} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return nil, err
		}
	}
	if err := p.chown(p.dir, p.data, p.sock); err != nil {
		p.Close()
		return nil, err
	}
	if out, err := p.cmd(initdb, "-D", p.data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8").CombinedOutput(); err != nil {
		p.Close()
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	if p.Port, err = FreePort(); err != nil {
		p.Close()
		return nil, err
	}
	if err := p.Start(); err != nil {
		p.Close()
		return nil, err
	}
	p.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.Port)
	return p, nil
}

func (p *Postgres) chown(paths ...string) error {
	if p.asUser == nil {
		return nil
	}
	uid, _ := strconv.Atoi(p.asUser.Uid)
	gid, _ := strconv.Atoi(p.asUser.Gid)
	for _, d := range paths {
		if err := os.Chown(d, uid, gid); err != nil {
			return err
		}
	}
	return nil
}

func (p *Postgres) cmd(name string, args ...string) *exec.Cmd {
	c := exec.Command(name, args...)
	if p.asUser != nil && !devNullWritable() {
		// Some sandboxes make /dev/null read-only for all but root, and
		// initdb's shell redirections to it then fail. Give the
		// postgres programs a private writable null device instead, in
		// a mount namespace of their own: the machine is left alone.
		if null, err := p.nullDevice(); err == nil {
			c = exec.Command("unshare", append([]string{"--mount", "--propagation", "private", "sh", "-c",
				`mount --bind "$0" /dev/null && u=$1 g=$2 && shift 2 && exec setpriv --reuid="$u" --regid="$g" --clear-groups -- "$@"`,
				null, p.asUser.Uid, p.asUser.Gid, name}, args...)...)
			c.Dir = p.dir
			c.Env = append(os.Environ(), "HOME="+p.dir)
			return c
		}
	}
	c.Dir = p.dir
	if p.asUser != nil {
		uid, _ := strconv.Atoi(p.asUser.Uid)
		gid, _ := strconv.Atoi(p.asUser.Gid)
		c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
		c.Env = append(os.Environ(), "HOME="+p.dir)
	}
	return c
}

func devNullWritable() bool {
	st, err := os.Stat(os.DevNull)
	return err == nil && st.Mode().Perm()&0o002 != 0
}

// nullDevice makes a world-writable null device node in the cluster's
// folder (root only).
func (p *Postgres) nullDevice() (string, error) {
	path := filepath.Join(p.dir, "null")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		return "", err
	}
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		return "", err
	}
	return path, os.Chmod(path, 0o666)
}

// Start starts the cluster (again, after Stop) and waits until it answers.
func (p *Postgres) Start() error {
	opts := fmt.Sprintf("-F -p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=32MB -c full_page_writes=off", p.Port, p.sock)
	out, err := p.cmd(p.pgctl, "-D", p.data, "-w", "-t", "30", "-l", filepath.Join(p.dir, "log"), "-o", opts, "start").CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(p.dir, "log"))
		return fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, lastLines(log, 20))
	}
	return nil
}

// Stop stops the cluster at once (pg_ctl -m immediate), as a crash would.
func (p *Postgres) Stop() error {
	out, err := p.cmd(p.pgctl, "-D", p.data, "-w", "-m", "immediate", "stop").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %v\n%s", err, out)
	}
	return nil
}

// Close stops the cluster and removes its folder.
func (p *Postgres) Close() {
	if p.data != "" {
		p.cmd(p.pgctl, "-D", p.data, "-m", "immediate", "stop").Run()
	}
	os.RemoveAll(p.dir)
}

// NewDatabase creates an empty database and returns its URL.
func (p *Postgres) NewDatabase(name string) (string, error) {
	psql, err := pgBin("psql")
	if err != nil {
		return "", err
	}
	out, err := exec.Command(psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", p.URL, "-c", "CREATE DATABASE "+name+" STRATEGY = FILE_COPY").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("creating database %s: %v\n%s", name, err, out)
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.Port, name), nil
}

func lastLines(b []byte, n int) []byte {
	lines := bytes.Split(b, []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return bytes.Join(lines, []byte("\n"))
}

// Versitygw is a running S3 gateway over a temporary folder.
type Versitygw struct {
	Endpoint       string // 127.0.0.1:port
	Access, Secret string
	Port           int
	Dir            string
	bin            string
	mu             sync.Mutex
	cmd            *exec.Cmd
	waitErr        chan error
	logFile        *os.File
}

// versitygwBin finds versitygw on PATH or in the module's .cache/bin.
func versitygwBin() (string, error) {
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, ".cache", "bin", "versitygw")
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", fmt.Errorf("versitygw (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0): %w", ErrMissing)
}

// StartVersitygw starts versitygw over a new temporary folder. Call Close
// to stop it and remove the folder.
func StartVersitygw() (*Versitygw, error) {
	bin, err := versitygwBin()
	if err != nil {
		return nil, err
	}
	v := &Versitygw{bin: bin, Access: "offcuttest", Secret: "offcut-test-secret-key"}
	if v.Dir, err = os.MkdirTemp("", "offcut-s3-"); err != nil {
		return nil, err
	}
	if v.Port, err = FreePort(); err != nil {
		return nil, err
	}
	v.Endpoint = "127.0.0.1:" + strconv.Itoa(v.Port)
	if err := os.Mkdir(filepath.Join(v.Dir, "root"), 0o700); err != nil {
		return nil, err
	}
	if err := v.Start(); err != nil {
		v.Close()
		return nil, err
	}
	return v, nil
}

// Start starts the gateway (again, after Kill) and waits for its port.
func (v *Versitygw) Start() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.cmd != nil {
		return errors.New("versitygw is running already")
	}
	lf, err := os.OpenFile(filepath.Join(v.Dir, "log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	c := exec.Command(v.bin, "--access", v.Access, "--secret", v.Secret, "--port", v.Endpoint, "posix", filepath.Join(v.Dir, "root"))
	c.Stdout, c.Stderr = lf, lf
	if err := c.Start(); err != nil {
		lf.Close()
		return fmt.Errorf("starting versitygw: %w", err)
	}
	v.cmd, v.logFile, v.waitErr = c, lf, make(chan error, 1)
	go func() { v.waitErr <- c.Wait() }()
	if err := waitPort(v.Port, 15*time.Second); err != nil {
		v.mu.Unlock()
		v.Kill()
		v.mu.Lock()
		log, _ := os.ReadFile(filepath.Join(v.Dir, "log"))
		return fmt.Errorf("versitygw: %w\n%s", err, lastLines(log, 20))
	}
	return nil
}

// Kill kills the gateway (SIGKILL), as a crash would.
func (v *Versitygw) Kill() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.cmd == nil {
		return
	}
	v.cmd.Process.Kill()
	<-v.waitErr
	v.logFile.Close()
	v.cmd = nil
}

// Close kills the gateway and removes its folder.
func (v *Versitygw) Close() {
	v.Kill()
	os.RemoveAll(v.Dir)
}

// Context returns a context for setting up servers in TestMain.
func Context() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), time.Minute)
}
