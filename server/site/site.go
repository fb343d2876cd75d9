package site

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/rs/cors"
)

// ContentSecurityPolicy is sent with every response. The wasm engine needs
// 'wasm-unsafe-eval'; nothing needs inline script or style.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
	"style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// securityHeaders are set on every response, errors included.
var securityHeaders = [][2]string{
	{"Content-Security-Policy", ContentSecurityPolicy},
	{"X-Content-Type-Options", "nosniff"},
	{"Referrer-Policy", "no-referrer"},
	{"Permissions-Policy", "microphone=(self), camera=(), geolocation=()"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{"Cross-Origin-Resource-Policy", "same-origin"},
}

// MaxPathLength bounds the escaped request path; longer ones get 414.
const MaxPathLength = 2048

// Config configures a Site.
type Config struct {
	// Dist is the built app: the output directory of go run ./build, as
	// os.DirFS(dir) or an embedded copy. It is read once, by New.
	Dist fs.FS
	// CORSOrigins lists the origins (scheme://host[:port]) allowed to call
	// /api/ cross-origin. Empty means none; see ParseOrigins.
	CORSOrigins []string
	// API, when set, serves /api/ (the cloud save, package api); without
	// it every /api/ request is a JSON 404.
	API http.Handler
	// Logger receives one line per request and the details of internal
	// errors. Nil means slog.Default().
	Logger *slog.Logger
	// RequestLogRate bounds request log lines per second (bursts of ten
	// times as many pass); requests over it are counted and reported in a
	// "requests not logged" line instead. Server errors (5xx) are always
	// logged. 0 means DefaultRequestLogRate; negative means no limit.
	RequestLogRate float64
}

// DefaultRequestLogRate is the request log's rate limit in lines per
// second: at ~120 bytes a line, at most ~520 MB a day however busy the
// server is (4.7 million requests made 551 MB unlimited).
const DefaultRequestLogRate = 50

// Site is the whole HTTP handler: static app, /healthz and /api/, wrapped
// in request logging, security headers, panic recovery and request-path
// checks.
type Site struct {
	assets  *assets
	log     *slog.Logger
	handler http.Handler
	sampler *sampler
}

// New loads cfg.Dist into memory and returns the Site serving it. The dist
// must hold index.html.
func New(cfg Config) (*Site, error) {
	if cfg.Dist == nil {
		return nil, errors.New("site: no dist file system given")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	a, err := loadAssets(cfg.Dist)
	if err != nil {
		return nil, err
	}
	for _, o := range cfg.CORSOrigins {
		if _, err := ParseOrigins(o); err != nil {
			return nil, err
		}
	}
	rate := cfg.RequestLogRate
	if rate == 0 {
		rate = DefaultRequestLogRate
	}
	s := &Site{assets: a, log: log, sampler: newSampler(rate, time.Now)}

	var api http.Handler = http.HandlerFunc(s.serveAPI)
	if cfg.API != nil {
		api = cfg.API
	}
	if len(cfg.CORSOrigins) > 0 {
		// rs/cors treats an empty list as "*", so it is only wired in
		// with an explicit, non-empty list.
		api = cors.New(cors.Options{
			AllowedOrigins:   cfg.CORSOrigins,
			AllowedMethods:   []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete},
			AllowedHeaders:   []string{"Content-Type", "Range", "X-Chunk-Sha256"},
			ExposedHeaders:   []string{"Content-Range", "Content-Length", "Accept-Ranges", "ETag", "X-Object-Version"},
			AllowCredentials: true,
			MaxAge:           600,
		}).Handler(api)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", serveHealth)
	mux.Handle("/api/", api)
	mux.HandleFunc("/", s.serveStatic)

	s.handler = s.logRequests(withSecurityHeaders(s.recoverPanics(checkPath(mux))))
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Assets reports how many files (not counting precompressed variants) and
// how many bytes (identity variants) the site serves.
func (s *Site) Assets() (files int, bytes int64) {
	for _, f := range s.assets.files {
		files++
		bytes += int64(len(f.variants[0].data))
	}
	return files, bytes
}

func serveHealth(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok"))
}

func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, kv := range securityHeaders {
			h.Set(kv[0], kv[1])
		}
		next.ServeHTTP(w, r)
	})
}

// checkPath rejects request paths that no asset can have, with a 4xx that
// says why, before the mux would clean or redirect them.
func checkPath(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case len(r.URL.EscapedPath()) > MaxPathLength:
			plainError(w, http.StatusRequestURITooLong, fmt.Sprintf("request path is longer than %d bytes", MaxPathLength))
		case !strings.HasPrefix(p, "/"):
			plainError(w, http.StatusBadRequest, "request path must start with /")
		case !utf8.ValidString(p) || strings.ContainsAny(p, "\x00\\"):
			plainError(w, http.StatusBadRequest, "request path holds invalid UTF-8, a NUL byte or a backslash")
		case hasDotSegment(p):
			plainError(w, http.StatusBadRequest, `request path holds a "." or ".." segment`)
		case strings.Contains(p, "//"):
			plainError(w, http.StatusBadRequest, "request path holds an empty segment (//)")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func hasDotSegment(p string) bool {
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// plainError writes a short text/plain error that is never cached.
func plainError(w http.ResponseWriter, code int, msg string) {
	h := w.Header()
	h.Del("Content-Encoding")
	h.Del("ETag")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	fmt.Fprintf(w, "%d %s: %s\n", code, http.StatusText(code), msg)
}

func (s *Site) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic serving request", "method", r.Method, "path", logPath(r.URL.Path),
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if rec, ok := w.(*recorder); !ok || rec.status == 0 {
				plainError(w, http.StatusInternalServerError, "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// recorder notes the status and size of a response for the request log.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Site) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		ok, dropped := s.sampler.allow(rec.status >= 500)
		if dropped > 0 {
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "requests not logged",
				slog.Int64("count", dropped), slog.Float64("limit_per_second", s.sampler.rate))
		}
		if !ok {
			return
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("path", logPath(r.URL.Path)),
			slog.Int("status", rec.status),
			slog.Int64("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
		)
	})
}

// logPath shortens hostile paths for the log.
func logPath(p string) string {
	const max = 256
	if len(p) > max {
		return p[:max] + "…(" + strconv.Itoa(len(p)) + " bytes)"
	}
	return p
}

// ParseOrigins splits a comma-separated list of CORS origins and checks
// each is a bare http(s) origin: scheme://host[:port], no path, no
// wildcard. An empty string gives an empty list.
func ParseOrigins(list string) ([]string, error) {
	var out []string
	for o := range strings.SplitSeq(list, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" ||
			strings.Contains(o, "*") {
			return nil, fmt.Errorf("CORS origin %q is not of the form https://host[:port] (wildcards are not allowed)", o)
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return out, nil
}

// URLFor turns a listener address into the URL to print at startup: an
// unspecified host (":8080", "0.0.0.0", "::") becomes localhost.
func URLFor(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// sampler is a token bucket for request log lines.
type sampler struct {
	mu      sync.Mutex
	rate    float64 // tokens a second; <= 0: unlimited
	burst   float64
	tokens  float64
	last    time.Time
	dropped int64
	now     func() time.Time
}

func newSampler(rate float64, now func() time.Time) *sampler {
	return &sampler{rate: rate, burst: 10 * rate, tokens: 10 * rate, last: now(), now: now}
}

// allow reports whether a line may be logged (always when force), and how
// many lines were dropped since the last one logged, to report them.
func (s *sampler) allow(force bool) (ok bool, dropped int64) {
	if s.rate <= 0 {
		return true, 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.now()
	s.tokens = min(s.burst, s.tokens+t.Sub(s.last).Seconds()*s.rate)
	s.last = t
	if s.tokens < 1 && !force {
		s.dropped++
		return false, 0
	}
	s.tokens = max(0, s.tokens-1)
	dropped, s.dropped = s.dropped, 0
	return true, dropped
}
