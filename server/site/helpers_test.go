package site_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/andybalholm/brotli"

	"offcut/server/site"
)

// Fixture paths, named the way go run ./build names them.
const (
	fxIndex    = "index.html"
	fxEngine   = "offcut.js"
	fxSW       = "sw.js"
	fxManifest = "manifest.webmanifest"
	fxJS       = "js/app.0123456789.js"
	fxCSS      = "css/app.abcdef0123.css" // has only a .gz variant
	fxSVG      = "img/logo.0123abcd45.svg"
	fxPNG      = "img/icon.0123456789.png" // no variants
	fxWasm     = "offcut.89abcdef01.wasm"
	fxRobots   = "robots.txt"
	fxFavicon  = "favicon.ico"
)

// fixture is a dist directory written for a test.
type fixture struct {
	Dir   string
	Files map[string][]byte // identity bytes by path
}

// compressible returns n bytes of text-like, deterministic content.
func compressible(n int, seed uint64) []byte {
	words := []string{"offcut ", "audio ", "wasm ", "frame ", "sample ", "cut ", "join ", "fade ", "\n", "0x1f ", "{}; "}
	r := rand.New(rand.NewPCG(seed, seed))
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		if r.IntN(8) == 0 {
			b.WriteByte(byte(r.IntN(256)))
		}
	}
	return b.Bytes()[:n]
}

// writeFixtureDist writes a dist tree like go run ./build's, with a wasm
// of wasmSize bytes, and .br/.gz variants where the build would write them.
func writeFixtureDist(tb testing.TB, wasmSize int) *fixture {
	tb.Helper()
	fx := &fixture{Dir: tb.TempDir(), Files: map[string][]byte{
		fxIndex:               []byte(`<!doctype html><html><head><link rel="stylesheet" href="css/app.abcdef0123.css"><script type="module" src="js/app.0123456789.js"></script></head><body>` + strings.Repeat("<p>Offcut cuts audio in your browser.</p>", 40) + `</body></html>`),
		fxEngine:              []byte(`export class Engine{constructor(){this.w=new Worker(new URL("./js/app.0123456789.js",import.meta.url))}}` + strings.Repeat("//x\n", 50)),
		fxSW:                  []byte(`const PRECACHE=["index.html"];self.addEventListener("install",e=>{});` + strings.Repeat(";", 300)),
		fxManifest:            []byte(`{"name":"Offcut","icons":[{"src":"img/logo.0123abcd45.svg"}]}` + strings.Repeat(" ", 200)),
		fxJS:                  compressible(20_000, 1),
		fxCSS:                 []byte(strings.Repeat("body{margin:0}", 100)),
		fxSVG:                 []byte(`<svg xmlns="http://www.w3.org/2000/svg">` + strings.Repeat(`<rect width="1" height="1"/>`, 30) + `</svg>`),
		fxPNG:                 compressible(300, 2),
		fxWasm:                append([]byte("\x00asm\x01\x00\x00\x00"), compressible(wasmSize-8, 3)...),
		fxRobots:              []byte("User-agent: *\n"),
		fxFavicon:             compressible(500, 4),
		"asset-manifest.json": []byte(`{"version":"0123456789ab"}`),
	}}
	for name, data := range fx.Files {
		write(tb, filepath.Join(fx.Dir, name), data)
		switch name {
		case fxPNG, fxRobots, fxFavicon, "asset-manifest.json":
			continue
		case fxCSS:
			write(tb, filepath.Join(fx.Dir, name+".gz"), gz(tb, data))
			continue
		}
		write(tb, filepath.Join(fx.Dir, name+".gz"), gz(tb, data))
		write(tb, filepath.Join(fx.Dir, name+".br"), br(tb, data))
	}
	write(tb, filepath.Join(fx.Dir, ".hidden"), []byte("secret"))
	return fx
}

func write(tb testing.TB, p string, data []byte) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		tb.Fatal(err)
	}
}

func gz(tb testing.TB, data []byte) []byte {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	w.Write(data)
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func br(tb testing.TB, data []byte) []byte {
	var b bytes.Buffer
	w := brotli.NewWriterLevel(&b, 6) // the build uses 11; 6 keeps fixtures fast
	w.Write(data)
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func unbr(tb testing.TB, data []byte) []byte {
	tb.Helper()
	out, err := io.ReadAll(brotli.NewReader(bytes.NewReader(data)))
	if err != nil {
		tb.Fatalf("brotli: %v", err)
	}
	return out
}

func ungz(tb testing.TB, data []byte) []byte {
	tb.Helper()
	r, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("gzip: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		tb.Fatalf("gzip: %v", err)
	}
	return out
}

// Server is a Site over a fixture dist, listening on loopback.
type Server struct {
	*httptest.Server
	Fixture *fixture
	Log     *logBuffer   // the site's log output
	Client  *http.Client // no transparent decompression
}

type options struct {
	origins  []string
	wasmSize int
	discard  bool
}

// Option changes what MustOpenServer builds.
type Option func(*options)

// withOrigins allows CORS origins on /api/.
func withOrigins(o ...string) Option { return func(op *options) { op.origins = o } }

// withWasmSize sets the size of the fixture wasm.
func withWasmSize(n int) Option { return func(op *options) { op.wasmSize = n } }

// withoutLog discards the request log (for benchmarks).
func withoutLog() Option { return func(op *options) { op.discard = true } }

// MustOpenServer starts a Site over a fresh fixture dist on 127.0.0.1 and
// closes it when the test ends.
func MustOpenServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	op := options{wasmSize: 64 << 10}
	for _, o := range opts {
		o(&op)
	}
	fx := writeFixtureDist(tb, op.wasmSize)
	logBuf := &logBuffer{}
	var h slog.Handler = slog.NewJSONHandler(logBuf, nil)
	if op.discard {
		h = slog.DiscardHandler
	}
	s, err := site.New(site.Config{Dist: os.DirFS(fx.Dir), CORSOrigins: op.origins, Logger: slog.New(h)})
	if err != nil {
		tb.Fatalf("site.New: %v", err)
	}
	ts := httptest.NewServer(s)
	tb.Cleanup(ts.Close)
	tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}
	tb.Cleanup(tr.CloseIdleConnections)
	return &Server{Server: ts, Fixture: fx, Log: logBuf, Client: &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Do sends a request with the given headers (pairs of name, value) and
// returns the response with its body read.
func (s *Server) Do(tb testing.TB, method, path string, headers ...string) (*http.Response, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, s.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return resp, body
}

// logBuffer collects log output; safe for the server and the test at once.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
