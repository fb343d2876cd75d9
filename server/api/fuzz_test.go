package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzParseRange checks that any Range header gives a range inside the
// object, or a refusal.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"", "bytes=0-9", "bytes=-5", "bytes=5-", "bytes=9-2", "bytes=0-0,5-6", "bytes=-0", "items=1-2", "bytes=99999999999999999999-"} {
		f.Add(s, int64(100))
	}
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 0 {
			size = -size
		}
		off, n, partial, ok := parseRange(h, size)
		if !ok {
			return
		}
		if off < 0 || n < 0 || off+n > size || (!partial && (off != 0 || n != size)) {
			t.Fatalf("parseRange(%q, %d) = %d, %d, %v", h, size, off, n, partial)
		}
	})
}

// FuzzDecode checks that no body makes the strict decoder panic, and that
// what it accepts is within the limits.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"email":"a@b.c","auth_key":"AAAA"}`, `[[[[]]]]`, `{"email":"\"[[[["}`, `{} {}`, `{"x":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(b)))
		r.Header.Set("Content-Type", "application/json")
		var v struct {
			Email   string `json:"email"`
			AuthKey []byte `json:"auth_key"`
		}
		if err := decode(httptest.NewRecorder(), r, &v); err == nil && (len(b) > MaxJSON || depth(b) > MaxJSONDepth) {
			t.Fatalf("accepted %d bytes nested %d deep", len(b), depth(b))
		}
	})
}
