package site

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Cache-Control values.
const (
	CacheImmutable  = "public, max-age=31536000, immutable" // content-hashed names
	CacheRevalidate = "no-cache"                            // fixed public URLs
)

// hashedName matches the names go run ./build gives by content:
// name.<8-12 lowercase hex>.ext.
var hashedName = regexp.MustCompile(`\.[0-9a-f]{8,12}\.[A-Za-z0-9]+$`)

// contentTypes maps extensions to media types. It is fixed here rather
// than taken from the system's mime tables, which differ between hosts.
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".wasm":        "application/wasm",
	".webmanifest": "application/manifest+json",
	".json":        "application/json",
	".map":         "application/json",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".txt":         "text/plain; charset=utf-8",
	".xml":         "application/xml",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".mp3":         "audio/mpeg",
	".wav":         "audio/wav",
	".ogg":         "audio/ogg",
	".flac":        "audio/flac",
	".m4a":         "audio/mp4",
}

// ContentType returns the media type served for a file name;
// application/octet-stream when the extension is unknown.
func ContentType(name string) string {
	if t, ok := contentTypes[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	return "application/octet-stream"
}

// CacheControl returns the Cache-Control value for a file name:
// immutable for content-hashed names, no-cache for the rest (index.html,
// offcut.js, sw.js, manifest.webmanifest ...).
func CacheControl(name string) string {
	if hashedName.MatchString(path.Base(name)) {
		return CacheImmutable
	}
	return CacheRevalidate
}

// encodings are the precompressed variants, in order of preference when
// the client weighs them equally.
var encodings = []struct{ name, ext string }{
	{"br", ".br"},
	{"gzip", ".gz"},
}

type variant struct {
	encoding string // "" for identity
	data     []byte
	etag     string
}

type file struct {
	contentType  string
	cacheControl string
	variants     []variant // identity first
}

// assets is the dist tree, in memory.
type assets struct {
	files map[string]*file // by slash path without the leading /
}

// loadAssets reads every file of dist. name.br and name.gz next to name
// become its variants; dot files are skipped.
func loadAssets(dist fs.FS) (*assets, error) {
	raw := map[string][]byte{}
	err := fs.WalkDir(dist, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := fs.ReadFile(dist, p)
		if err != nil {
			return err
		}
		raw[p] = data
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading dist: %w", err)
	}
	if _, ok := raw["index.html"]; !ok {
		return nil, fmt.Errorf("dist holds no index.html (%d files); build the app first with go run ./build", len(raw))
	}
	a := &assets{files: map[string]*file{}}
	for p, data := range raw {
		if base, enc := variantOf(p); enc != "" {
			if _, ok := raw[base]; ok {
				continue // added with its base below
			}
		}
		f := &file{
			contentType:  ContentType(p),
			cacheControl: CacheControl(p),
			variants:     []variant{{data: data, etag: etag(data)}},
		}
		for _, e := range encodings {
			if v, ok := raw[p+e.ext]; ok {
				f.variants = append(f.variants, variant{encoding: e.name, data: v, etag: etag(v)})
			}
		}
		a.files[p] = f
	}
	return a, nil
}

// variantOf reports whether p is a precompressed variant, and of what.
func variantOf(p string) (base, encoding string) {
	for _, e := range encodings {
		if b, ok := strings.CutSuffix(p, e.ext); ok {
			return b, e.name
		}
	}
	return "", ""
}

// etag is a strong validator of the exact bytes sent.
func etag(data []byte) string {
	sum := sha256.Sum256(data)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// negotiate picks the variant of f for an Accept-Encoding header: the
// acceptable (q > 0) encoding with the highest q, br before gzip on a tie,
// identity when none is acceptable. Unparseable entries are ignored.
func negotiate(f *file, acceptEncoding string) *variant {
	if len(f.variants) == 1 || acceptEncoding == "" {
		return &f.variants[0]
	}
	var best *variant
	bestQ := 0.0
	for i := 1; i < len(f.variants); i++ {
		v := &f.variants[i]
		if q := qValue(acceptEncoding, v.encoding); q > bestQ {
			best, bestQ = v, q
		}
	}
	if best == nil {
		return &f.variants[0]
	}
	return best
}

// qValue returns the weight acceptEncoding gives to coding: its own entry,
// else the "*" entry, else 0.
func qValue(acceptEncoding, coding string) float64 {
	star := 0.0
	const maxEntries = 64 // hostile headers cannot make this loop long
	n := 0
	for entry := range strings.SplitSeq(acceptEncoding, ",") {
		if n++; n > maxEntries {
			break
		}
		name, params, _ := strings.Cut(entry, ";")
		name = strings.TrimSpace(name)
		q := 1.0
		if params != "" {
			k, v, ok := strings.Cut(strings.TrimSpace(params), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		switch {
		case strings.EqualFold(name, coding) || (coding == "gzip" && strings.EqualFold(name, "x-gzip")):
			return q
		case name == "*":
			star = q
		}
	}
	return star
}

func (s *Site) serveStatic(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		plainError(w, http.StatusMethodNotAllowed, r.Method+" is not allowed; use GET or HEAD")
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" {
		name = "index.html"
	}
	f, ok := s.assets.files[name]
	if !ok {
		plainError(w, http.StatusNotFound, "no such file")
		return
	}
	if rg := r.Header.Get("Range"); rg != "" {
		// Coalesce overlapping and nearby ranges, and ignore (serve the
		// whole file, as RFC 9110 allows) a set that stays too many.
		if nr, ok := limitRanges(rg, int64(len(f.variants[0].data))); !ok {
			r.Header.Del("Range")
		} else {
			r.Header.Set("Range", nr)
		}
	}
	v := &f.variants[0]
	if r.Header.Get("Range") == "" {
		v = negotiate(f, r.Header.Get("Accept-Encoding"))
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", f.cacheControl)
	h.Set("ETag", v.etag)
	if len(f.variants) > 1 {
		h.Set("Vary", "Accept-Encoding")
	}
	if v.encoding != "" {
		// ServeContent leaves Content-Length out when Content-Encoding is
		// set; the variant is whole (no Range), so its length is exact.
		h.Set("Content-Encoding", v.encoding)
		h.Set("Content-Length", strconv.Itoa(len(v.data)))
		w = &encodedWriter{w}
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(v.data))
}

// encodedWriter drops the variant's Content-Encoding and Content-Length
// when ServeContent answers with an error (412, say) instead of the
// variant's bytes.
type encodedWriter struct{ http.ResponseWriter }

func (e *encodedWriter) WriteHeader(code int) {
	if code >= 400 {
		h := e.Header()
		h.Del("Content-Encoding")
		h.Del("Content-Length")
	}
	e.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (e *encodedWriter) Unwrap() http.ResponseWriter { return e.ResponseWriter }

// Limits on Range requests.
const (
	// MaxRanges is the most parts a multipart/byteranges response has,
	// after overlapping and nearby ranges are merged; a request asking for
	// more gets the whole file (200).
	MaxRanges = 16
	// maxRangeSpecs bounds the entries of a Range header parsed at all.
	maxRangeSpecs = 64
	// rangeGap merges ranges closer than this: a part's own headers cost
	// about as much.
	rangeGap = 80
)

// limitRanges rewrites a Range header for a representation of size bytes:
// overlapping, adjacent and nearby (< rangeGap) ranges are merged, in
// ascending order. ok is false when the request should be served whole:
// more than maxRangeSpecs entries, or more than MaxRanges after merging.
// A header that does not parse, or has an unsatisfiable entry, is returned
// unchanged for http.ServeContent to answer (416).
func limitRanges(h string, size int64) (string, bool) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found {
		return h, true
	}
	if strings.Count(spec, ",") >= maxRangeSpecs {
		return "", false
	}
	type span struct{ a, b int64 } // inclusive
	var spans []span
	for part := range strings.SplitSeq(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		first, last, ok := strings.Cut(part, "-")
		if !ok {
			return h, true
		}
		var sp span
		switch {
		case first == "":
			n, err := strconv.ParseInt(last, 10, 64)
			if err != nil || n <= 0 {
				return h, true
			}
			sp = span{max(0, size-n), size - 1}
		default:
			a, err := strconv.ParseInt(first, 10, 64)
			if err != nil || a < 0 {
				return h, true
			}
			b := size - 1
			if last != "" {
				if b, err = strconv.ParseInt(last, 10, 64); err != nil || b < a {
					return h, true
				}
			}
			sp = span{a, min(b, size-1)}
		}
		if sp.a >= size {
			return h, true
		}
		spans = append(spans, sp)
	}
	if len(spans) <= 1 {
		return h, true
	}
	slices.SortFunc(spans, func(x, y span) int { return cmp.Compare(x.a, y.a) })
	merged := spans[:1]
	for _, sp := range spans[1:] {
		m := &merged[len(merged)-1]
		if sp.a <= m.b+1+rangeGap {
			m.b = max(m.b, sp.b)
			continue
		}
		merged = append(merged, sp)
	}
	if len(merged) > MaxRanges {
		return "", false
	}
	var b strings.Builder
	b.WriteString("bytes=")
	for i, sp := range merged {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%d-%d", sp.a, sp.b)
	}
	return b.String(), true
}
