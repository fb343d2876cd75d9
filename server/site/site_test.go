package site_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"offcut/server/site"
)

func checkSecurityHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	want := map[string]string{
		"Content-Security-Policy":      site.ContentSecurityPolicy,
		"X-Content-Type-Options":       "nosniff",
		"Referrer-Policy":              "no-referrer",
		"Permissions-Policy":           "microphone=(self), camera=(), geolocation=()",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
	if csp := h.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "'unsafe-eval'") {
		t.Errorf("%s: CSP allows unsafe inline code or eval: %s", what, csp)
	}
}

func TestEncodingNegotiation(t *testing.T) {
	s := MustOpenServer(t)
	fx := s.Fixture
	tests := []struct {
		path, accept, wantEnc string
	}{
		{"/" + fxJS, "", ""},
		{"/" + fxJS, "gzip", "gzip"},
		{"/" + fxJS, "br", "br"},
		{"/" + fxJS, "gzip, deflate, br, zstd", "br"},
		{"/" + fxJS, "br;q=0, gzip", "gzip"},
		{"/" + fxJS, "br;q=0.5, gzip;q=0.8", "gzip"},
		{"/" + fxJS, "br;q=0, gzip;q=0", ""},
		{"/" + fxJS, "*", "br"},
		{"/" + fxJS, "*;q=0", ""},
		{"/" + fxJS, "gzip;q=0, *", "br"},
		{"/" + fxJS, "BR", "br"},
		{"/" + fxJS, "x-gzip", "gzip"},
		{"/" + fxJS, "identity", ""},
		{"/" + fxJS, "br;q=abc, gzip;q=2, deflate", ""},
		{"/" + fxCSS, "br, gzip", "gzip"}, // no .br variant
		{"/" + fxCSS, "br", ""},
		{"/" + fxPNG, "br, gzip", ""}, // no variants at all
		{"/", "br", "br"},
		{"/" + fxWasm, "gzip, br", "br"},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.accept, func(t *testing.T) {
			resp, body := s.Do(t, "GET", tt.path, "Accept-Encoding", tt.accept)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Encoding"); got != tt.wantEnc {
				t.Errorf("Content-Encoding = %q, want %q", got, tt.wantEnc)
			}
			if resp.ContentLength != int64(len(body)) {
				t.Errorf("Content-Length %d, body %d bytes", resp.ContentLength, len(body))
			}
			name := strings.TrimPrefix(tt.path, "/")
			if name == "" {
				name = fxIndex
			}
			switch tt.wantEnc {
			case "br":
				body = unbr(t, body)
			case "gzip":
				body = ungz(t, body)
			}
			if !bytes.Equal(body, fx.Files[name]) {
				t.Errorf("decoded body (%d bytes) differs from %s (%d bytes)", len(body), name, len(fx.Files[name]))
			}
			wantVary := name != fxPNG
			if got := resp.Header.Get("Vary") == "Accept-Encoding"; got != wantVary {
				t.Errorf("Vary = %q, want Accept-Encoding: %v", resp.Header.Get("Vary"), wantVary)
			}
		})
	}
}

func TestCacheAndTypes(t *testing.T) {
	s := MustOpenServer(t)
	tests := []struct{ path, ctype, cache string }{
		{"/", "text/html; charset=utf-8", "no-cache"},
		{"/index.html", "text/html; charset=utf-8", "no-cache"},
		{"/offcut.js", "text/javascript; charset=utf-8", "no-cache"},
		{"/sw.js", "text/javascript; charset=utf-8", "no-cache"},
		{"/manifest.webmanifest", "application/manifest+json", "no-cache"},
		{"/robots.txt", "text/plain; charset=utf-8", "no-cache"},
		{"/favicon.ico", "image/x-icon", "no-cache"},
		{"/asset-manifest.json", "application/json", "no-cache"},
		{"/" + fxJS, "text/javascript; charset=utf-8", site.CacheImmutable},
		{"/" + fxCSS, "text/css; charset=utf-8", site.CacheImmutable},
		{"/" + fxSVG, "image/svg+xml", site.CacheImmutable},
		{"/" + fxPNG, "image/png", site.CacheImmutable},
		{"/" + fxWasm, "application/wasm", site.CacheImmutable},
	}
	for _, tt := range tests {
		for _, ae := range []string{"", "br, gzip"} {
			resp, _ := s.Do(t, "GET", tt.path, "Accept-Encoding", ae)
			what := fmt.Sprintf("GET %s (Accept-Encoding %q)", tt.path, ae)
			if resp.StatusCode != 200 {
				t.Errorf("%s: status %d", what, resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("%s: Content-Type = %q, want %q", what, got, tt.ctype)
			}
			if got := resp.Header.Get("Cache-Control"); got != tt.cache {
				t.Errorf("%s: Cache-Control = %q, want %q", what, got, tt.cache)
			}
			checkSecurityHeaders(t, what, resp.Header)
		}
	}
}

func TestETag(t *testing.T) {
	s := MustOpenServer(t)
	etags := map[string]string{}
	for _, ae := range []string{"", "gzip", "br"} {
		resp, _ := s.Do(t, "GET", "/"+fxJS, "Accept-Encoding", ae)
		et := resp.Header.Get("ETag")
		if !strings.HasPrefix(et, `"`) || !strings.HasSuffix(et, `"`) || len(et) < 10 {
			t.Fatalf("ETag %q is not a strong validator", et)
		}
		for other, oet := range etags {
			if oet == et {
				t.Errorf("variants %q and %q share the ETag %s", ae, other, et)
			}
		}
		etags[ae] = et

		resp, body := s.Do(t, "GET", "/"+fxJS, "Accept-Encoding", ae, "If-None-Match", et)
		if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("If-None-Match %s (Accept-Encoding %q): status %d with %d bytes, want 304 and none", et, ae, resp.StatusCode, len(body))
		}
		if resp.Header.Get("ETag") != et || resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("304 lacks ETag or Vary: %v", resp.Header)
		}
		checkSecurityHeaders(t, "304", resp.Header)
	}
	// A failed precondition is a plain 412, not a half-encoded body.
	resp, body := s.Do(t, "GET", "/"+fxJS, "Accept-Encoding", "br", "If-Match", `"nope"`)
	if resp.StatusCode != http.StatusPreconditionFailed || resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("If-Match mismatch: status %d, Content-Encoding %q, body %.40q", resp.StatusCode, resp.Header.Get("Content-Encoding"), body)
	}
	// The identity ETag does not validate the br variant.
	resp, _ = s.Do(t, "GET", "/"+fxJS, "Accept-Encoding", "br", "If-None-Match", etags[""])
	if resp.StatusCode != 200 {
		t.Errorf("br request with the identity ETag: status %d, want 200", resp.StatusCode)
	}
	resp, _ = s.Do(t, "GET", "/"+fxJS, "If-None-Match", `"x", `+etags[""])
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with a list: status %d, want 304", resp.StatusCode)
	}
}

func TestRange(t *testing.T) {
	s := MustOpenServer(t)
	wasm := s.Fixture.Files[fxWasm]
	resp, body := s.Do(t, "GET", "/"+fxWasm, "Range", "bytes=100-199", "Accept-Encoding", "br, gzip")
	if resp.StatusCode != http.StatusPartialContent {
		t.Fatalf("Range: status %d, want 206", resp.StatusCode)
	}
	if ce := resp.Header.Get("Content-Encoding"); ce != "" {
		t.Errorf("Range answered from the %s variant; want identity", ce)
	}
	if !bytes.Equal(body, wasm[100:200]) {
		t.Errorf("Range body differs from bytes 100-199")
	}
	if got, want := resp.Header.Get("Content-Range"), fmt.Sprintf("bytes 100-199/%d", len(wasm)); got != want {
		t.Errorf("Content-Range = %q, want %q", got, want)
	}
	resp, body = s.Do(t, "GET", "/"+fxWasm, "Range", "bytes=-10")
	if resp.StatusCode != 206 || !bytes.Equal(body, wasm[len(wasm)-10:]) {
		t.Errorf("suffix Range: status %d, %d bytes", resp.StatusCode, len(body))
	}
	for _, bad := range []string{fmt.Sprintf("bytes=%d-", len(wasm)), "bytes=abc", "bytes=5-1", "lines=1-2", "bytes=-", strings.Repeat("bytes=1-2,", 2000)} {
		resp, _ = s.Do(t, "GET", "/"+fxWasm, "Range", bad)
		if resp.StatusCode != http.StatusRequestedRangeNotSatisfiable && resp.StatusCode != 200 {
			t.Errorf("Range %.40q: status %d, want 416 (or 200 ignoring it)", bad, resp.StatusCode)
		}
		checkSecurityHeaders(t, "bad Range", resp.Header)
	}
	resp, _ = s.Do(t, "GET", "/"+fxWasm, "Range", "bytes=abc")
	if resp.StatusCode != http.StatusRequestedRangeNotSatisfiable {
		t.Errorf("Range bytes=abc: status %d, want 416", resp.StatusCode)
	}
}

func TestHead(t *testing.T) {
	s := MustOpenServer(t)
	resp, body := s.Do(t, "HEAD", "/"+fxWasm, "Accept-Encoding", "br")
	if resp.StatusCode != 200 || len(body) != 0 {
		t.Fatalf("HEAD: status %d, %d body bytes", resp.StatusCode, len(body))
	}
	if resp.Header.Get("Content-Encoding") != "br" || resp.Header.Get("Content-Type") != "application/wasm" || resp.ContentLength <= 0 {
		t.Errorf("HEAD headers: %v (length %d)", resp.Header, resp.ContentLength)
	}
	resp, _ = s.Do(t, "HEAD", "/healthz")
	if resp.StatusCode != 200 {
		t.Errorf("HEAD /healthz: status %d", resp.StatusCode)
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	s := MustOpenServer(t)
	for _, p := range []string{"/nope", "/nope.html", "/js/", "/js", "/img/", "/.hidden", "/index.html.br", "/" + fxJS + ".gz", "/index.html/", "/%00"} {
		resp, body := s.Do(t, "GET", p)
		if resp.StatusCode != 404 && resp.StatusCode != 400 {
			t.Errorf("GET %s: status %d, want 404", p, resp.StatusCode)
		}
		if bytes.Contains(body, []byte("<html")) {
			t.Errorf("GET %s: answered with HTML (index.html?): %.60s", p, body)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", p, ct)
		}
		checkSecurityHeaders(t, "GET "+p, resp.Header)
	}
	resp, _ := s.Do(t, "POST", "/index.html")
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /index.html: status %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	resp, body := s.Do(t, "GET", "/healthz")
	if resp.StatusCode != 200 || string(body) != "ok" {
		t.Errorf("GET /healthz: %d %q", resp.StatusCode, body)
	}
	checkSecurityHeaders(t, "/healthz", resp.Header)
}

// rawRequest sends bytes as they are over a new connection and returns
// the response status and body.
func rawRequest(t *testing.T, s *Server, req string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", s.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the response to %.60q: %v", req, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestHostileRequests(t *testing.T) {
	s := MustOpenServer(t)
	secret := "module offcut"
	for _, target := range []string{
		"/../go.mod", "/../../../../etc/passwd", "/%2e%2e/go.mod", "/%2e%2e%2fgo.mod", "/js/..%2f..%2fgo.mod",
		"/./index.html", "/js/%2e/app.js", "/..\\go.mod", "/%5c..%5cgo.mod", "/index.html%00.js",
		"/" + strings.Repeat("a", 5000), "/%ff%fe", "//etc/passwd", "*",
	} {
		code, body := rawRequest(t, s, "GET "+target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		if code < 400 || code >= 500 {
			t.Errorf("GET %.60s: status %d, want 4xx", target, code)
		}
		if strings.Contains(body, secret) || strings.Contains(body, "root:") {
			t.Errorf("GET %.60s leaked a file outside dist", target)
		}
	}
	// A path beyond the server's header limit.
	code, _ := rawRequest(t, s, "GET /"+strings.Repeat("b", 100<<10)+" HTTP/1.1\r\nHost: x\r\n\r\n")
	if code < 400 || code >= 500 {
		t.Errorf("100 kB path: status %d, want 4xx", code)
	}
	// Hostile headers are ignored or refused, never a 500.
	for _, hdr := range []string{
		"Accept-Encoding: " + strings.Repeat("br;q=, ", 3000),
		"Accept-Encoding: ;;;,,,q=1;q=0",
		"Range: bytes=" + strings.Repeat("0-0,", 3000),
		"Range: bytes=99999999999999999999999-",
		"If-None-Match: " + strings.Repeat(`W/"`, 1000),
	} {
		code, _ := rawRequest(t, s, "GET /"+fxWasm+" HTTP/1.1\r\nHost: x\r\n"+hdr+"\r\nConnection: close\r\n\r\n")
		if code >= 500 {
			t.Errorf("header %.50s...: status %d", hdr, code)
		}
	}
	if strings.Contains(s.Log.String(), "panic") {
		t.Errorf("a hostile request made a handler panic:\n%s", s.Log.String())
	}
}

func TestAPIAndCORS(t *testing.T) {
	const allowed = "https://app.example.com"
	s := MustOpenServer(t, withOrigins(allowed))
	resp, body := s.Do(t, "GET", "/api/projects", "Origin", allowed)
	if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("GET /api/projects: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var e struct{ Error string }
	if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
		t.Errorf("API error body %q: want {\"error\":\"...\"} (%v)", body, err)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != allowed {
		t.Errorf("listed origin on /api/: ACAO = %q, want %q", got, allowed)
	}
	checkSecurityHeaders(t, "/api/", resp.Header)

	resp, _ = s.Do(t, "GET", "/api/projects", "Origin", "https://evil.example")
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("unlisted origin: ACAO = %q", got)
	}
	resp, _ = s.Do(t, "OPTIONS", "/api/projects", "Origin", allowed, "Access-Control-Request-Method", "PUT")
	if resp.Header.Get("Access-Control-Allow-Origin") != allowed || resp.StatusCode >= 300 {
		t.Errorf("preflight from listed origin: %d, ACAO %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
	resp, _ = s.Do(t, "OPTIONS", "/api/projects", "Origin", "https://evil.example", "Access-Control-Request-Method", "PUT")
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from unlisted origin got ACAO %q", resp.Header.Get("Access-Control-Allow-Origin"))
	}
	// CORS is for /api/ only.
	for _, p := range []string{"/", "/" + fxJS, "/healthz", "/nope"} {
		resp, _ = s.Do(t, "GET", p, "Origin", allowed)
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("GET %s from a listed origin: ACAO = %q, want none outside /api/", p, got)
		}
	}

	// No origins configured: nobody gets ACAO, not even on /api/.
	s2 := MustOpenServer(t)
	for _, o := range []string{allowed, "https://evil.example", "null"} {
		resp, _ = s2.Do(t, "GET", "/api/x", "Origin", o)
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("no origins configured, Origin %s: ACAO = %q", o, got)
		}
		resp, _ = s2.Do(t, "OPTIONS", "/api/x", "Origin", o, "Access-Control-Request-Method", "POST")
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("no origins configured, preflight from %s: ACAO = %q", o, got)
		}
	}
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		err        error
		code, msg  string
		wantStatus int
	}{
		{site.Errorf(site.ENOTFOUND, "no project %d", 7), site.ENOTFOUND, "no project 7", 404},
		{fmt.Errorf("wrapped: %w", site.Errorf(site.EINVALID, "bad name")), site.EINVALID, "bad name", 400},
		{site.Errorf(site.ECONFLICT, "c"), site.ECONFLICT, "c", 409},
		{site.Errorf(site.EUNAUTHORIZED, "u"), site.EUNAUTHORIZED, "u", 401},
		{site.Errorf(site.EINTERNAL, "secret detail"), site.EINTERNAL, "internal error", 500},
		{errors.New("disk on fire"), site.EINTERNAL, "internal error", 500},
	}
	for _, tt := range tests {
		if got := site.ErrorCode(tt.err); got != tt.code {
			t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.code)
		}
		if got := site.ErrorMessage(tt.err); got != tt.msg {
			t.Errorf("ErrorMessage(%v) = %q, want %q", tt.err, got, tt.msg)
		}
		if got := site.ErrorStatus(site.ErrorCode(tt.err)); got != tt.wantStatus {
			t.Errorf("status for %v = %d, want %d", tt.err, got, tt.wantStatus)
		}
	}
	if site.ErrorCode(nil) != "" || site.ErrorMessage(nil) != "" {
		t.Errorf("nil error has a code or message")
	}
}

func TestRequestLog(t *testing.T) {
	s := MustOpenServer(t)
	s.Do(t, "GET", "/"+fxJS, "Accept-Encoding", "br")
	s.Do(t, "GET", "/missing")
	var lines []map[string]any
	for l := range strings.SplitSeq(strings.TrimSpace(s.Log.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want one per request:\n%s", len(lines), s.Log.String())
	}
	for _, k := range []string{"method", "path", "status", "bytes", "duration"} {
		if _, ok := lines[0][k]; !ok {
			t.Errorf("log line lacks %s: %v", k, lines[0])
		}
	}
	if lines[0]["path"] != "/"+fxJS || lines[0]["status"] != 200.0 || lines[0]["bytes"].(float64) <= 0 {
		t.Errorf("first log line: %v", lines[0])
	}
	if lines[1]["status"] != 404.0 {
		t.Errorf("second log line: %v", lines[1])
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := site.New(site.Config{Dist: fstest.MapFS{"a.js": {Data: []byte("x")}}}); err == nil || !strings.Contains(err.Error(), "index.html") {
		t.Errorf("dist without index.html: got %v, want an error naming index.html", err)
	}
	if _, err := site.New(site.Config{}); err == nil {
		t.Errorf("no dist: no error")
	}
	dist := fstest.MapFS{"index.html": {Data: []byte("hi")}}
	if _, err := site.New(site.Config{Dist: dist, CORSOrigins: []string{"*"}}); err == nil {
		t.Errorf("wildcard origin accepted")
	}
}

func TestParseOrigins(t *testing.T) {
	got, err := site.ParseOrigins(" https://App.example.com , http://localhost:5173,")
	if err != nil || strings.Join(got, " ") != "https://app.example.com http://localhost:5173" {
		t.Errorf("ParseOrigins = %q, %v", got, err)
	}
	if got, err := site.ParseOrigins(""); err != nil || len(got) != 0 {
		t.Errorf(`ParseOrigins("") = %q, %v`, got, err)
	}
	for _, bad := range []string{"*", "https://*.example.com", "example.com", "ftp://x", "https://x/path", "https://u@x", "null"} {
		if _, err := site.ParseOrigins(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseOrigins(%q): error %v, want one naming it", bad, err)
		}
	}
}

func TestURLFor(t *testing.T) {
	for _, tt := range []struct{ addr, want string }{
		{"0.0.0.0:8080", "http://localhost:8080"},
		{"[::]:8080", "http://localhost:8080"},
		{"127.0.0.1:9000", "http://127.0.0.1:9000"},
		{"[::1]:80", "http://[::1]:80"},
	} {
		addr, err := net.ResolveTCPAddr("tcp", tt.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := site.URLFor(addr); got != tt.want {
			t.Errorf("URLFor(%s) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

// TestGracefulShutdown cancels Serve's context while a request is in
// flight: the request completes, new connections are refused, Serve
// returns nil.
func TestGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	var served atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		served.Add(1)
		io.WriteString(w, "done")
	})
	ctx, cancel := context.WithCancel(context.Background())
	serveErr := make(chan error, 1)
	go func() { serveErr <- site.Serve(ctx, ln, h, slog.New(slog.DiscardHandler)) }()

	url := "http://" + ln.Addr().String() + "/"
	respc := make(chan string, 1)
	go func() {
		resp, err := http.Get(url)
		if err != nil {
			respc <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		respc <- string(b)
	}()
	<-started
	cancel()
	time.Sleep(100 * time.Millisecond) // let Shutdown close the listener
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Errorf("new connection accepted after shutdown began")
	}
	select {
	case err := <-serveErr:
		t.Fatalf("Serve returned %v with a request in flight", err)
	default:
	}
	close(release)
	if got := <-respc; got != "done" {
		t.Errorf("in-flight request got %q, want done", got)
	}
	select {
	case err := <-serveErr:
		if err != nil {
			t.Errorf("Serve returned %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after shutdown")
	}
}

func TestEmbeddedLikeFS(t *testing.T) {
	// Any fs.FS works as dist (the embed build uses embed.FS).
	dist := fstest.MapFS{
		"index.html":    {Data: []byte("<p>hi</p>")},
		"index.html.gz": {Data: gz(t, []byte("<p>hi</p>"))},
	}
	s, err := site.New(site.Config{Dist: dist, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	ts := srv.URL
	req, _ := http.NewRequest("GET", ts+"/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("Content-Encoding") != "gzip" || string(ungz(t, body)) != "<p>hi</p>" {
		t.Errorf("MapFS dist: %v %q", resp.Header, body)
	}
}
