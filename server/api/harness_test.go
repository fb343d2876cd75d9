package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"offcut/server/api"
	"offcut/server/cloud"
	"offcut/server/cloud/storetest"
	"offcut/server/site"
)

var servers *storetest.Servers

func TestMain(m *testing.M) { storetest.Main(m, &servers) }

// Server is the whole site with the API, over one pair of stores.
type Server struct {
	*httptest.Server
	Env *storetest.Env
}

// MustOpenServer serves the site and API over env, as main wires them.
func MustOpenServer(tb testing.TB, env *storetest.Env, cfg api.Config) *Server {
	tb.Helper()
	cfg.Service = env.Service
	if cfg.Logger == nil {
		cfg.Logger = discardLogger()
	}
	if cfg.IPLimit == (api.Limit{}) {
		cfg.IPLimit = api.Limit{Burst: 100000, Every: 1}
	}
	h, err := api.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	st, err := site.New(site.Config{Dist: fstest.MapFS{"index.html": {Data: []byte("<p>Offcut</p>")}},
		CORSOrigins: cfg.TrustedOrigins, API: h, Logger: discardLogger()})
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{Server: httptest.NewServer(st), Env: env}
	tb.Cleanup(s.Close)
	return s
}

// Client is one browser: a cookie and an origin.
type Client struct {
	t      testing.TB
	s      *Server
	Cookie string
	Origin string
	Header http.Header
}

func (s *Server) Client(t testing.TB) *Client {
	return &Client{t: t, s: s, Origin: s.URL, Header: http.Header{}}
}

// Do sends a request; body is JSON-encoded unless it is []byte.
func (c *Client) Do(method, path string, body any, hdr ...string) (*http.Response, []byte) {
	c.t.Helper()
	var r io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	case string:
		r, ct = strings.NewReader(b), "application/json"
	default:
		j, _ := json.Marshal(b)
		r, ct = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, c.s.URL+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if c.Origin != "" && method != http.MethodGet && method != http.MethodHead {
		req.Header.Set("Origin", c.Origin)
	}
	if c.Cookie != "" {
		req.AddCookie(&http.Cookie{Name: api.CookieName, Value: c.Cookie})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading: %v", method, path, err)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == api.CookieName {
			c.Cookie = ck.Value
			if ck.MaxAge < 0 {
				c.Cookie = ""
			}
		}
	}
	return resp, out
}

// Want sends a request and checks the status; it decodes JSON into v.
func (c *Client) Want(status int, method, path string, body any, v any, hdr ...string) []byte {
	c.t.Helper()
	resp, out := c.Do(method, path, body, hdr...)
	if resp.StatusCode != status {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, status, out)
	}
	if v != nil {
		if err := json.Unmarshal(out, v); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, out)
		}
	}
	return out
}

// Account is a registered user's client and secrets.
type Account struct {
	*Client
	Email   string
	AuthKey []byte
	Session string
}

func (s *Server) Register(t testing.TB, email string) *Account {
	t.Helper()
	c := s.Client(t)
	key := storetest.RandBytes(32)
	var out struct {
		SessionID string `json:"session_id"`
	}
	c.Want(http.StatusCreated, "POST", "/api/v1/register", map[string]any{"email": email, "auth_key": key,
		"kdf_salt": storetest.RandBytes(16), "kdf_params": []byte(`{"t":3}`), "wrapped_key": storetest.RandBytes(48), "device": "Firefox on Linux"}, &out)
	return &Account{Client: c, Email: email, AuthKey: key, Session: out.SessionID}
}

// Login signs the account in again from a new client.
func (a *Account) Login(t testing.TB, device string) *Account {
	t.Helper()
	c := a.s.Client(t)
	var out struct {
		SessionID string `json:"session_id"`
	}
	c.Want(http.StatusOK, "POST", "/api/v1/login", map[string]any{"email": a.Email, "auth_key": a.AuthKey, "device": device}, &out)
	return &Account{Client: c, Email: a.Email, AuthKey: a.AuthKey, Session: out.SessionID}
}

type Upload struct {
	ID        string  `json:"id"`
	ObjectID  string  `json:"object_id"`
	Size      int64   `json:"size"`
	ChunkSize int64   `json:"chunk_size"`
	Chunks    int64   `json:"chunks"`
	Received  []int64 `json:"received"`
}

type Object struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	Size    int64  `json:"size"`
	Meta    []byte `json:"meta"`
}

// Start begins an upload of size bytes: a new object (id "") or a new
// version.
func (c *Client) Start(id string, base int64, size int64, meta []byte) Upload {
	c.t.Helper()
	var up Upload
	path := "/api/v1/objects"
	if id != "" {
		path += "/" + id + "/uploads"
	}
	c.Want(http.StatusCreated, "POST", path, map[string]any{"size": size, "chunk_size": c.s.Env.Chunk, "meta": meta, "base_version": base}, &up)
	return up
}

// PutChunk sends chunk n of data.
func (c *Client) PutChunk(up Upload, n int64, data []byte) (*http.Response, []byte) {
	c.t.Helper()
	b := data[n*up.ChunkSize : min(int64(len(data)), (n+1)*up.ChunkSize)]
	return c.Do("PUT", fmt.Sprintf("/api/v1/uploads/%s/chunks/%d", up.ID, n), b, api.ChunkHashHeader, storetest.Hex(b))
}

// Save uploads data as a new object or version and completes it.
func (c *Client) Save(id string, base int64, data, meta []byte) Object {
	c.t.Helper()
	up := c.Start(id, base, int64(len(data)), meta)
	for n := range up.Chunks {
		if resp, out := c.PutChunk(up, n, data); resp.StatusCode != http.StatusOK {
			c.t.Fatalf("chunk %d: %d %s", n, resp.StatusCode, out)
		}
	}
	var o Object
	c.Want(http.StatusOK, "POST", "/api/v1/uploads/"+up.ID+"/complete", nil, &o)
	return o
}

func errCode(b []byte) string {
	var e struct{ Code string }
	json.Unmarshal(b, &e)
	return e.Code
}

var _ = cloud.ENOTFOUND
