package api_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"offcut/server/api"
	"offcut/server/cloud"
	"offcut/server/cloud/storetest"
)

const secretContent = "OWNER-SECRET-CONTENT"

var secretMeta = []byte("OWNER-SECRET-META")

// fixture is the world each cell of the matrix runs in: an owner with an
// object, a pending upload, a live and a revoked share link, a second and
// a revoked session; and another user with nothing of theirs shared.
type fixture struct {
	owner, second, other *Account
	obj                  Object
	up                   Upload
	upData               []byte
	share, revokedShare  string
	revokedCookie        string
	n                    int
}

var cells atomic.Int64

func newFixture(t *testing.T, s *Server) *fixture {
	cellN := cells.Add(1)
	f := &fixture{n: int(cellN)}
	f.owner = s.Register(t, fmt.Sprintf("owner%d@example.org", cellN))
	f.second = f.owner.Login(t, "phone")
	revoked := f.owner.Login(t, "old laptop")
	f.revokedCookie = revoked.Cookie
	f.owner.Want(http.StatusNoContent, "DELETE", "/api/v1/sessions/"+revoked.Session, nil, nil)
	f.other = s.Register(t, fmt.Sprintf("other%d@example.org", cellN))
	f.obj = f.owner.Save("", 0, []byte(secretContent+" v1"), secretMeta)
	f.upData = []byte(secretContent + " v2")
	f.up = f.owner.Start(f.obj.ID, 1, int64(len(f.upData)), secretMeta)
	f.owner.PutChunk(f.up, 0, f.upData)
	var sh struct{ ID string }
	f.owner.Want(http.StatusCreated, "POST", "/api/v1/objects/"+f.obj.ID+"/shares", map[string]any{}, &sh)
	f.share = sh.ID
	f.owner.Want(http.StatusCreated, "POST", "/api/v1/objects/"+f.obj.ID+"/shares", map[string]any{"max_downloads": 5}, &sh)
	f.revokedShare = sh.ID
	f.owner.Want(http.StatusNoContent, "DELETE", "/api/v1/shares/"+sh.ID, nil, nil)
	return f
}

// secrets are what must never appear in an answer to anyone but the owner.
func (f *fixture) secrets() map[string][]byte {
	return map[string][]byte{
		"e-mail":         []byte(f.owner.Email),
		"session id":     []byte(f.owner.Session),
		"second session": []byte(f.second.Session),
		"meta":           []byte(base64.StdEncoding.EncodeToString(secretMeta)),
		"content":        []byte(secretContent),
		"upload id":      []byte(f.up.ID),
		"share id":       []byte(f.share),
	}
}

const (
	anon = iota
	owner
	other
	shareLink
	revokedShare
	revokedSession
)

var actorNames = []string{"anonymous", "owner", "other user", "share link", "revoked share link", "revoked session"}

type endpoint struct {
	name string
	req  func(f *fixture, actor int) (method, path string, body any, hdr []string)
	want [6]int
	// public endpoints may show the shared object's meta and content.
	public bool
}

func shareID(f *fixture, actor int) string {
	switch actor {
	case anon:
		return cloud.NewID()
	case revokedShare:
		return f.revokedShare
	}
	return f.share
}

func endpoints() []endpoint {
	const (
		s200 = http.StatusOK
		s201 = http.StatusCreated
		s204 = http.StatusNoContent
		s401 = http.StatusUnauthorized
		s404 = http.StatusNotFound
	)
	authed := func(ok, otherStatus int) [6]int { return [6]int{s401, ok, otherStatus, s401, s401, s401} }
	simple := func(method, path string) func(*fixture, int) (string, string, any, []string) {
		return func(f *fixture, _ int) (string, string, any, []string) {
			return method, strings.ReplaceAll(path, "{obj}", f.obj.ID), nil, nil
		}
	}
	return []endpoint{
		{"salt", func(f *fixture, _ int) (string, string, any, []string) {
			return "GET", "/api/v1/salt?email=" + f.owner.Email, nil, nil
		}, [6]int{s200, s200, s200, s200, s200, s200}, false},
		{"register", func(f *fixture, a int) (string, string, any, []string) {
			return "POST", "/api/v1/register", map[string]any{"email": fmt.Sprintf("new%d-%d@example.org", f.n, a), "auth_key": storetest.RandBytes(32),
				"kdf_salt": storetest.RandBytes(16), "kdf_params": []byte("p"), "wrapped_key": []byte("k")}, nil
		}, [6]int{s201, s201, s201, s201, s201, s201}, false},
		{"login wrong key", func(f *fixture, _ int) (string, string, any, []string) {
			return "POST", "/api/v1/login", map[string]any{"email": f.owner.Email, "auth_key": storetest.RandBytes(32)}, nil
		}, [6]int{s401, s401, s401, s401, s401, s401}, false},
		{"logout", simple("POST", "/api/v1/logout"), authed(s204, s204), false},
		{"account", simple("GET", "/api/v1/account"), authed(s200, s200), false},
		{"delete account", simple("DELETE", "/api/v1/account"), authed(s204, s204), false},
		{"change keys", func(f *fixture, a int) (string, string, any, []string) {
			key := storetest.RandBytes(32)
			if a == owner {
				key = f.owner.AuthKey
			}
			return "PUT", "/api/v1/account/keys", map[string]any{"auth_key": key, "new_auth_key": storetest.RandBytes(32),
				"kdf_salt": storetest.RandBytes(16), "kdf_params": []byte("p"), "wrapped_key": []byte("k")}, nil
		}, authed(s204, http.StatusForbidden), false},
		{"sessions", simple("GET", "/api/v1/sessions"), authed(s200, s200), false},
		{"revoke session", func(f *fixture, _ int) (string, string, any, []string) {
			return "DELETE", "/api/v1/sessions/" + f.second.Session, nil, nil
		}, authed(s204, s404), false},
		{"export", simple("GET", "/api/v1/export"), authed(s200, s200), false},
		{"objects", simple("GET", "/api/v1/objects"), authed(s200, s200), false},
		{"new object", func(f *fixture, _ int) (string, string, any, []string) {
			return "POST", "/api/v1/objects", map[string]any{"size": 10}, nil
		}, authed(s201, s201), false},
		{"object", simple("GET", "/api/v1/objects/{obj}"), authed(s200, s404), false},
		{"object data", simple("GET", "/api/v1/objects/{obj}/data"), authed(s200, s404), false},
		{"object range", func(f *fixture, _ int) (string, string, any, []string) {
			return "GET", "/api/v1/objects/" + f.obj.ID + "/data", nil, []string{"Range", "bytes=0-5"}
		}, authed(http.StatusPartialContent, s404), false},
		{"delete object", simple("DELETE", "/api/v1/objects/{obj}"), authed(s204, s404), false},
		{"versions", simple("GET", "/api/v1/objects/{obj}/versions"), authed(s200, s404), false},
		{"restore", simple("POST", "/api/v1/objects/{obj}/versions/1/restore"), authed(s200, s404), false},
		{"new version", func(f *fixture, _ int) (string, string, any, []string) {
			return "POST", "/api/v1/objects/" + f.obj.ID + "/uploads", map[string]any{"size": 10, "base_version": 1}, nil
		}, authed(s201, s404), false},
		{"upload status", func(f *fixture, _ int) (string, string, any, []string) {
			return "GET", "/api/v1/uploads/" + f.up.ID, nil, nil
		}, authed(s200, s404), false},
		{"put chunk", func(f *fixture, _ int) (string, string, any, []string) {
			return "PUT", "/api/v1/uploads/" + f.up.ID + "/chunks/0", f.upData, []string{api.ChunkHashHeader, storetest.Hex(f.upData)}
		}, authed(s200, s404), false},
		{"complete", func(f *fixture, _ int) (string, string, any, []string) {
			return "POST", "/api/v1/uploads/" + f.up.ID + "/complete", nil, nil
		}, authed(s200, s404), false},
		{"abort", func(f *fixture, _ int) (string, string, any, []string) {
			return "DELETE", "/api/v1/uploads/" + f.up.ID, nil, nil
		}, authed(s204, s404), false},
		{"create share", func(f *fixture, _ int) (string, string, any, []string) {
			return "POST", "/api/v1/objects/" + f.obj.ID + "/shares", map[string]any{"expires_in": 3600}, nil
		}, authed(s201, s404), false},
		{"shares", simple("GET", "/api/v1/shares"), authed(s200, s200), false},
		{"revoke share", func(f *fixture, _ int) (string, string, any, []string) {
			return "DELETE", "/api/v1/shares/" + f.share, nil, nil
		}, authed(s204, s404), false},
		{"share info", func(f *fixture, a int) (string, string, any, []string) {
			return "GET", "/api/v1/shares/" + shareID(f, a), nil, nil
		}, [6]int{s404, s200, s200, s200, s404, s200}, true},
		{"share data", func(f *fixture, a int) (string, string, any, []string) {
			return "GET", "/api/v1/shares/" + shareID(f, a) + "/data", nil, nil
		}, [6]int{s404, s200, s200, s200, s404, s200}, true},
	}
}

// TestAuthorization runs every endpoint as every kind of caller and
// checks the status and that no answer to anyone but the owner holds
// anything of the owner's.
func TestAuthorization(t *testing.T) {
	bothBackends(t, func(t *testing.T, env *storetest.Env) { testAuthorization(t, MustOpenServer(t, env, api.Config{})) })
}

func testAuthorization(t *testing.T, s *Server) {
	for _, ep := range endpoints() {
		t.Run(ep.name, func(t *testing.T) {
			t.Parallel()
			for actor, name := range actorNames {
				f := newFixture(t, s)
				var c *Client
				switch actor {
				case owner:
					c = f.owner.Client
				case other:
					c = f.other.Client
				case revokedSession:
					c = s.Client(t)
					c.Cookie = f.revokedCookie
				default:
					c = s.Client(t)
				}
				method, path, body, hdr := ep.req(f, actor)
				resp, out := c.Do(method, path, body, hdr...)
				if resp.StatusCode != ep.want[actor] {
					t.Errorf("%s as %s: status %d, want %d: %.200s", ep.name, name, resp.StatusCode, ep.want[actor], out)
				}
				if actor == owner {
					continue
				}
				for what, secret := range f.secrets() {
					if ep.public && actor != revokedShare && actor != anon && (what == "meta" || what == "content") {
						continue
					}
					if bytes.Contains(out, secret) || bytes.Contains([]byte(fmt.Sprint(resp.Header)), secret) {
						t.Errorf("%s as %s: the answer holds the owner's %s: %.300s", ep.name, name, what, out)
					}
				}
			}
		})
	}
}
