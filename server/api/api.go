// Package api serves Offcut's cloud save under /api/v1/ over a
// cloud.Service: accounts, sessions (a __Host- cookie), resumable chunked
// uploads, range downloads, versions, share links and export. It is the
// only place where a cloud.Error becomes an HTTP status.
//
// Every body is capped, every JSON body is strict (unknown fields, trailing
// data and deep nesting are refused), every id is checked by shape before
// a store sees it, unsafe methods must come from the app's own origin or
// an explicitly allowed one, and sign-in and sign-up are rate-limited per
// client address and per account. Internal errors are logged and shown as
// "internal error". See docs/api.md for the routes.
package api

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"offcut/server/cloud"
)

// CookieName is the session cookie. The __Host- prefix makes browsers
// insist on Secure, Path=/ and no Domain.
const CookieName = "__Host-offcut_session"

// SessionMaxAge is how long a session cookie lives without use.
const SessionMaxAge = 30 * 24 * time.Hour

// MaxJSON caps every JSON request body.
const MaxJSON = 64 << 10

// MaxJSONDepth caps the nesting of JSON request bodies.
const MaxJSONDepth = 8

// Config configures the API handler.
type Config struct {
	Service *cloud.Service
	// TrustedOrigins may send unsafe requests besides the app's own
	// origin: the same explicit list as the CORS origins.
	TrustedOrigins []string
	// ClientIPHeader, when set (e.g. X-Forwarded-For behind a load
	// balancer), names the header whose last entry is the client address
	// used for rate limits. Empty means the connection's address.
	ClientIPHeader string
	// Limits of sign-in and sign-up attempts; zero fields take defaults.
	IPLimit, AccountLimit Limit
	Logger                *slog.Logger
}

// Limit is a token bucket: Burst attempts at once, then one per Every.
type Limit struct {
	Burst int
	Every time.Duration
}

// Handler serves /api/v1/.
type Handler struct {
	svc      *cloud.Service
	log      *slog.Logger
	ipHeader string
	ipLim    *limiter
	acctLim  *limiter
	h        http.Handler
}

// New returns the API handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Service == nil {
		return nil, errors.New("api: no service")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.IPLimit == (Limit{}) {
		cfg.IPLimit = Limit{Burst: 20, Every: 6 * time.Second}
	}
	if cfg.AccountLimit == (Limit{}) {
		cfg.AccountLimit = Limit{Burst: 10, Every: 12 * time.Second}
	}
	a := &Handler{svc: cfg.Service, log: cfg.Logger, ipHeader: cfg.ClientIPHeader,
		ipLim: newLimiter(cfg.IPLimit), acctLim: newLimiter(cfg.AccountLimit)}
	mux := http.NewServeMux()
	route := func(pattern string, f func(http.ResponseWriter, *http.Request) error) {
		mux.Handle(pattern, a.wrap(f))
	}
	authed := func(pattern string, f func(http.ResponseWriter, *http.Request, *cloud.Session) error) {
		mux.Handle(pattern, a.wrap(a.auth(f)))
	}
	route("GET /api/v1/salt", a.salt)
	route("POST /api/v1/register", a.register)
	route("POST /api/v1/login", a.login)
	route("GET /api/v1/recovery", a.recoveryBlob)
	route("POST /api/v1/recover", a.recover)
	authed("POST /api/v1/logout", a.logout)
	authed("GET /api/v1/account", a.account)
	authed("DELETE /api/v1/account", a.deleteAccount)
	authed("PUT /api/v1/account/keys", a.changeKeys)
	authed("GET /api/v1/sessions", a.sessions)
	authed("DELETE /api/v1/sessions/{id}", a.revokeSession)
	authed("GET /api/v1/export", a.export)
	authed("GET /api/v1/objects", a.objects)
	authed("POST /api/v1/objects", a.newObject)
	authed("GET /api/v1/objects/{id}", a.object)
	authed("GET /api/v1/objects/{id}/data", a.objectData)
	authed("DELETE /api/v1/objects/{id}", a.deleteObject)
	authed("GET /api/v1/objects/{id}/versions", a.versions)
	authed("POST /api/v1/objects/{id}/versions/{v}/restore", a.restore)
	authed("POST /api/v1/objects/{id}/uploads", a.newVersion)
	authed("GET /api/v1/uploads/{id}", a.uploadStatus)
	authed("PUT /api/v1/uploads/{id}/chunks/{n}", a.putChunk)
	authed("POST /api/v1/uploads/{id}/complete", a.complete)
	authed("DELETE /api/v1/uploads/{id}", a.abort)
	authed("POST /api/v1/objects/{id}/shares", a.createShare)
	authed("GET /api/v1/shares", a.shares)
	authed("DELETE /api/v1/shares/{id}", a.revokeShare)
	route("GET /api/v1/shares/{id}", a.shareInfo)
	route("GET /api/v1/shares/{id}/data", a.shareData)
	route("/api/", func(w http.ResponseWriter, r *http.Request) error {
		return cloud.Errorf(cloud.ENOTFOUND, "no API endpoint %s %s", r.Method, trunc(r.URL.Path, 200))
	})

	cop := http.NewCrossOriginProtection()
	for _, o := range cfg.TrustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, err
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.writeError(w, r, cloud.Errorf(cloud.EFORBIDDEN, "cross-origin request refused: origin %q may not %s here", trunc(r.Header.Get("Origin"), 100), r.Method))
	}))
	a.h = cop.Handler(mux)
	return a, nil
}

// ServeHTTP implements http.Handler.
func (a *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	a.h.ServeHTTP(w, r)
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// statusOf maps error codes to statuses: here and nowhere else.
var statusOf = map[string]int{
	cloud.EINVALID:      http.StatusBadRequest,
	cloud.EUNAUTHORIZED: http.StatusUnauthorized,
	cloud.EFORBIDDEN:    http.StatusForbidden,
	cloud.ENOTFOUND:     http.StatusNotFound,
	cloud.ECONFLICT:     http.StatusConflict,
	cloud.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	cloud.EQUOTA:        http.StatusRequestEntityTooLarge,
	cloud.ERATELIMITED:  http.StatusTooManyRequests,
	cloud.EUNAVAILABLE:  http.StatusServiceUnavailable,
	cloud.EINTERNAL:     http.StatusInternalServerError,
}

// Status returns the HTTP status of an error code.
func Status(code string) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

func (a *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := cloud.ErrorCode(err)
	switch code {
	case cloud.EINTERNAL:
		a.log.Error("internal error", "method", r.Method, "path", trunc(r.URL.Path, 200), "error", err)
	case cloud.EUNAVAILABLE:
		a.log.Warn("back end unavailable", "method", r.Method, "path", trunc(r.URL.Path, 200), "error", err)
	}
	if code == cloud.ERATELIMITED {
		w.Header().Set("Retry-After", "60")
	}
	writeJSON(w, Status(code), errorBody{Error: cloud.ErrorMessage(err), Code: code})
}

type errorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// wrap turns a handler returning an error into an http.Handler.
func (a *Handler) wrap(f func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := f(w, r); err != nil {
			var rw *responseStarted
			if errors.As(err, &rw) {
				// Headers are out: the status can no longer change.
				a.log.Warn("response broken off", "path", trunc(r.URL.Path, 200), "error", rw.err)
				return
			}
			a.writeError(w, r, err)
		}
	})
}

// responseStarted marks an error after the body began.
type responseStarted struct{ err error }

func (e *responseStarted) Error() string { return "response started: " + e.err.Error() }
func (e *responseStarted) Unwrap() error { return e.err }

func (a *Handler) auth(f func(http.ResponseWriter, *http.Request, *cloud.Session) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := r.Cookie(CookieName)
		if err != nil {
			return cloud.Errorf(cloud.EUNAUTHORIZED, "not signed in")
		}
		sess, err := a.svc.Authenticate(r.Context(), c.Value)
		if err != nil {
			if cloud.ErrorCode(err) == cloud.EUNAUTHORIZED {
				clearCookie(w)
			}
			return err
		}
		return f(w, r, sess)
	}
}

func setCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: token, Path: "/", MaxAge: int(SessionMaxAge / time.Second),
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
}

func clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
}
