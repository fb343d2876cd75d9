package site_test

import (
	"bytes"
	"fmt"
	"mime"
	"mime/multipart"
	"strings"
	"testing"
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
