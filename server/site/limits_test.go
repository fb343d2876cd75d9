package site_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"offcut/server/site"
)

// TestRangeLimits: overlapping and nearby ranges are merged, and a Range
// header with too many entries or parts is ignored (the whole file, 200),
// so a small request cannot ask for thousands of parts.
func TestRangeLimits(t *testing.T) {
	s := MustOpenServer(t)
	wasm := s.Fixture.Files[fxWasm]
	var overlapping []string
	for i := range 3566 {
		overlapping = append(overlapping, fmt.Sprintf("%d-%d", i%1000, i%1000+100))
	}
	// 3,566 copies of one small range sum to less than the file, so
	// http.ServeContent alone answers them with 3,566 parts.
	small := strings.Repeat("0-9,", 3565) + "0-9"
	var twenty, twentyFar []string
	for i := range 20 {
		twenty = append(twenty, fmt.Sprintf("%d-%d", 10*i, 10*i+50))
		twentyFar = append(twentyFar, fmt.Sprintf("%d-%d", 1000*i, 1000*i+10))
	}
	for _, c := range []struct {
		name, rng string
		status    int
		parts     [][2]int // for 206: the ranges sent, inclusive
	}{
		{"3,566 overlapping", "bytes=" + strings.Join(overlapping, ","), 200, nil},
		{"3,566 small overlapping", "bytes=" + small, 200, nil},
		{"20 overlapping", "bytes=" + strings.Join(twenty, ","), 206, [][2]int{{0, 240}}},
		{"20 far apart", "bytes=" + strings.Join(twentyFar, ","), 200, nil},
		{"3 far apart, out of order", "bytes=5000-5009,100-109,3000-3009", 206, [][2]int{{100, 109}, {3000, 3009}, {5000, 5009}}},
		{"2 nearby", "bytes=100-109,150-159", 206, [][2]int{{100, 159}}},
	} {
		resp, body := s.Do(t, "GET", "/"+fxWasm, "Range", c.rng)
		checkSecurityHeaders(t, c.name, resp.Header)
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", c.name, resp.StatusCode, c.status)
			continue
		}
		switch {
		case c.status == 200:
			if !bytes.Equal(body, wasm) {
				t.Errorf("%s: 200 with %d bytes, want the whole %d", c.name, len(body), len(wasm))
			}
		case len(c.parts) == 1:
			p := c.parts[0]
			if !bytes.Equal(body, wasm[p[0]:p[1]+1]) || resp.Header.Get("Content-Range") != fmt.Sprintf("bytes %d-%d/%d", p[0], p[1], len(wasm)) {
				t.Errorf("%s: %s, %d bytes; want bytes %d-%d", c.name, resp.Header.Get("Content-Range"), len(body), p[0], p[1])
			}
		default:
			_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
			if err != nil {
				t.Fatal(err)
			}
			mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
			for i := 0; ; i++ {
				part, err := mr.NextPart()
				if err != nil {
					if i != len(c.parts) {
						t.Errorf("%s: %d parts, want %d", c.name, i, len(c.parts))
					}
					break
				}
				var got bytes.Buffer
				got.ReadFrom(part)
				if i >= len(c.parts) {
					continue
				}
				p := c.parts[i]
				if part.Header.Get("Content-Range") != fmt.Sprintf("bytes %d-%d/%d", p[0], p[1], len(wasm)) || !bytes.Equal(got.Bytes(), wasm[p[0]:p[1]+1]) {
					t.Errorf("%s: part %d is %s, want bytes %d-%d", c.name, i, part.Header.Get("Content-Range"), p[0], p[1])
				}
			}
		}
	}
}

// rawServer serves the fixture site through site.Listener(ln, maxConns)
// and site.NewHTTPServer, as site.Serve does.
func rawServer(t *testing.T, maxConns int) string {
	t.Helper()
	s := MustOpenServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := site.NewHTTPServer(s.Server.Config.Handler, slog.New(slog.DiscardHandler))
	go srv.Serve(site.Listener(ln, maxConns))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// rawExchange sends req on a new connection and returns what comes back
// before the server closes it (or the deadline passes).
func rawExchange(t *testing.T, addr, req string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	go c.Write([]byte(req))
	b, _ := io.ReadAll(c)
	return string(b)
}

// TestNetHTTPErrorsCarrySecurityHeaders: the responses net/http writes by
// itself, before any handler runs, carry the security headers too.
func TestNetHTTPErrorsCarrySecurityHeaders(t *testing.T) {
	addr := rawServer(t, site.MaxConnections)
	for _, c := range []struct{ name, req, status string }{
		{"malformed", "NONSENSE\r\n\r\n", "400"},
		{"headers too large", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", site.MaxHeaderBytes+8192) + "\r\n\r\n", "431"},
		{"unknown transfer coding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: zip\r\n\r\n", "501"},
		{"HTTP/9.9", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", "505"},
		{"no Host", "GET / HTTP/1.1\r\n\r\n", "400"},
	} {
		resp := rawExchange(t, addr, c.req)
		head, _, _ := strings.Cut(resp, "\r\n\r\n")
		if !strings.HasPrefix(resp, "HTTP/1.1 "+c.status+" ") {
			t.Errorf("%s: response %.60q, want status %s", c.name, resp, c.status)
			continue
		}
		r, err := http.ReadResponse(bufio.NewReader(strings.NewReader(resp)), nil)
		if err != nil {
			t.Fatalf("%s: %v in %q", c.name, err, head)
		}
		checkSecurityHeaders(t, c.name, r.Header)
	}
	// A handler's own response is left alone: one CSP header.
	resp := rawExchange(t, addr, "GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if n := strings.Count(resp, "Content-Security-Policy:"); !strings.HasPrefix(resp, "HTTP/1.1 404") || n != 1 {
		t.Errorf("404 from the handler: %d CSP headers in %.200q", n, resp)
	}
}

// TestConnectionLimit: with room for 2 connections, a third is served only
// once one of the first two closes.
func TestConnectionLimit(t *testing.T) {
	addr := rawServer(t, 2)
	get := "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	var open []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Write([]byte(get))
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil {
			t.Fatalf("connection %d: %v", len(open), err)
		}
		open = append(open, c) // kept alive, idle
	}
	third, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	third.Write([]byte(get))
	br := bufio.NewReader(third)
	third.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := br.Peek(1); err == nil {
		t.Fatal("a third connection was served while two were open, with a limit of 2")
	}
	open[0].Close()
	third.SetReadDeadline(time.Now().Add(5 * time.Second))
	if r, err := http.ReadResponse(br, nil); err != nil || r.StatusCode != 200 {
		t.Fatalf("the third connection once one closed: %v", err)
	}
}

// TestRequestLogIsSampled: over the rate, request lines are counted and
// reported in one summary line instead; server errors are always logged.
func TestRequestLogIsSampled(t *testing.T) {
	fx := writeFixtureDist(t, 1024)
	var buf logBuffer
	s, err := site.New(site.Config{Dist: os.DirFS(fx.Dir), Logger: slog.New(slog.NewJSONHandler(&buf, nil)), RequestLogRate: 1})
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		s.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil))
	}
	lines := strings.Count(buf.String(), `"msg":"request"`)
	if lines < 10 || lines > 12 {
		t.Errorf("%d of 100 requests logged at 1 line/s (burst 10), want about 10", lines)
	}
	time.Sleep(1100 * time.Millisecond)
	s.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil))
	if !strings.Contains(buf.String(), `"msg":"requests not logged","count":`) {
		t.Errorf("no summary of the requests not logged:\n%s", buf.String())
	}
}
