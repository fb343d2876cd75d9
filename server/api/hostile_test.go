package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"offcut/server/api"
	"offcut/server/cloud"
	"offcut/server/cloud/storetest"
)

func sqliteServer(t *testing.T, cfg api.Config, mod func(*cloud.Config)) *Server {
	c := storetest.TestConfig(storetest.FolderChunk)
	if mod != nil {
		mod(&c)
	}
	return MustOpenServer(t, storetest.SQLiteFolder(t, c), cfg)
}

// nothingStored checks the blob store holds exactly the given number of
// entries and the account no pending upload bytes.
func nothingStored(t *testing.T, s *Server, a *Account, blobs int) {
	t.Helper()
	if all := s.Env.ListAll(t); len(all) != blobs {
		t.Fatalf("blob store holds %q, want %d entries", all, blobs)
	}
	var acct struct{ Stored, Pending int64 }
	a.Want(http.StatusOK, "GET", "/api/v1/account", nil, &acct)
	if acct.Pending != 0 {
		t.Fatalf("%d bytes pending after rejected requests", acct.Pending)
	}
}

func TestHostileBodies(t *testing.T) {
	s := sqliteServer(t, api.Config{}, nil)
	a := s.Register(t, "h@example.org")
	anon := s.Client(t)
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
	}{
		{"oversized JSON", "POST", "/api/v1/register", `{"email":"` + strings.Repeat("a", api.MaxJSON) + `@x.org"}`, 413},
		{"deep JSON", "POST", "/api/v1/register", strings.Repeat("[", 100000) + strings.Repeat("]", 100000), 413},
		{"deep JSON, small", "POST", "/api/v1/login", `{"email":"a@b.c","auth_key":` + strings.Repeat("[", 20) + strings.Repeat("]", 20) + `}`, 400},
		{"unknown field", "POST", "/api/v1/login", `{"email":"a@b.c","auth_key":"AAAAAAAAAAAAAAAAAAAAAA==","admin":true}`, 400},
		{"trailing data", "POST", "/api/v1/login", `{"email":"a@b.c","auth_key":"AAAAAAAAAAAAAAAAAAAAAA=="} {}`, 400},
		{"not JSON", "POST", "/api/v1/login", []byte("email=a@b.c"), 400},
		{"bad e-mail", "GET", "/api/v1/salt?email=%00", nil, 400},
		{"recovery: bad e-mail", "GET", "/api/v1/recovery?email=%00", nil, 400},
		{"recover: oversized JSON", "POST", "/api/v1/recover", `{"email":"` + strings.Repeat("a", api.MaxJSON) + `@x.org"}`, 413},
		{"recover: unknown field", "POST", "/api/v1/recover", `{"email":"a@b.c","recovery_proof":"AAAAAAAAAAAAAAAAAAAAAA==","admin":true}`, 400},
		{"recover: short proof", "POST", "/api/v1/recover", map[string]any{"email": "h@example.org", "recovery_proof": []byte("short"), "auth_key": bytes.Repeat([]byte{1}, 32),
			"kdf_salt": bytes.Repeat([]byte{2}, 16), "kdf_params": []byte("p"), "wrapped_key": []byte("w")}, 400},
		{"register: recovery blob of the wrong size", "POST", "/api/v1/register", map[string]any{"email": "r@example.org", "auth_key": bytes.Repeat([]byte{1}, 32),
			"kdf_salt": bytes.Repeat([]byte{2}, 16), "kdf_params": []byte("p"), "wrapped_key": []byte("w"),
			"recovery_auth_key": bytes.Repeat([]byte{3}, 32), "wrapped_by_recovery": []byte("not 74 bytes")}, 400},
		{"register: recovery blob without its proof", "POST", "/api/v1/register", map[string]any{"email": "r@example.org", "auth_key": bytes.Repeat([]byte{1}, 32),
			"kdf_salt": bytes.Repeat([]byte{2}, 16), "kdf_params": []byte("p"), "wrapped_key": []byte("w"),
			"wrapped_by_recovery": bytes.Repeat([]byte{4}, cloud.RecoveryBlobSize)}, 400},
	} {
		resp, out := anon.Do(tc.method, tc.path, tc.body)
		if resp.StatusCode != tc.status || errCode(out) == "" {
			t.Errorf("%s: %d %s, want %d with a code", tc.name, resp.StatusCode, out, tc.status)
		}
	}
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
	}{
		{"object id traversal", "GET", "/api/v1/objects/..%2f..%2fetc%2fpasswd/data", nil, 400},
		{"object id dots", "GET", "/api/v1/objects/../data", nil, 400},
		{"object id encoded dots", "GET", "/api/v1/objects/%2e%2e/data", nil, 400},
		{"object id upper case", "GET", "/api/v1/objects/AAAAAAAAAAAAAAAAAAAAAAAAAA", nil, 400},
		{"upload id traversal", "PUT", "/api/v1/uploads/..%2F..%2Fx/chunks/0", []byte("x"), 400},
		{"negative chunk", "PUT", "/api/v1/uploads/" + cloud.NewID() + "/chunks/-1", []byte("x"), 400},
		{"huge chunk number", "PUT", "/api/v1/uploads/" + cloud.NewID() + "/chunks/99999999999999999999", []byte("x"), 400},
		{"session id traversal", "DELETE", "/api/v1/sessions/..%2f", nil, 400},
		{"share id traversal", "GET", "/api/v1/shares/..%2f..%2fu/data", nil, 400},
		{"share id not an id", "GET", "/api/v1/shares/u%2fx/data", nil, 404},
		{"backslash", "GET", "/api/v1/objects/a\\b", nil, 400},
		{"negative size", "POST", "/api/v1/objects", map[string]any{"size": -1}, 400},
		{"meta too big", "POST", "/api/v1/objects", map[string]any{"size": 1, "meta": bytes.Repeat([]byte{1}, cloud.MaxMeta+1)}, 413},
		{"bad version", "GET", "/api/v1/objects/" + cloud.NewID() + "/data?version=-3", nil, 400},
	} {
		resp, out := a.Do(tc.method, tc.path, tc.body)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, out, tc.status)
		}
	}
	nothingStored(t, s, a, 0)
	var users int
	s.Env.Meta.DB().QueryRow("SELECT COUNT(*) FROM users").Scan(&users)
	if users != 1 {
		t.Fatalf("%d users after hostile sign-ups, want 1", users)
	}
}

func TestHostileChunks(t *testing.T) {
	s := sqliteServer(t, api.Config{}, func(c *cloud.Config) { c.Quota = 4*storetest.FolderChunk + 100 })
	a := s.Register(t, "c@example.org")
	data := storetest.RandBytes(3 * storetest.FolderChunk)
	up := a.Start("", 0, int64(len(data)), nil)
	chunk := data[:up.ChunkSize]
	path := "/api/v1/uploads/" + up.ID + "/chunks/0"
	for _, tc := range []struct {
		name   string
		body   []byte
		hdr    []string
		status int
	}{
		{"wrong hash", chunk, []string{api.ChunkHashHeader, storetest.Hex(data[1:])}, 400},
		{"no hash", chunk, nil, 400},
		{"short", chunk[:100], []string{api.ChunkHashHeader, storetest.Hex(chunk)}, 400},
		{"long", append(chunk, 1), []string{api.ChunkHashHeader, storetest.Hex(chunk)}, 400},
		{"over 8 MiB", make([]byte, cloud.MaxChunk+1), []string{api.ChunkHashHeader, storetest.Hex(chunk)}, 413},
	} {
		resp, out := a.Do("PUT", path, tc.body, tc.hdr...)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, out, tc.status)
		}
	}
	var st Upload
	a.Want(http.StatusOK, "GET", "/api/v1/uploads/"+up.ID, nil, &st)
	if len(st.Received) != 0 {
		t.Fatalf("rejected chunks recorded: %v", st.Received)
	}
	nothingStored(t, s, a, 1) // the upload's empty folder of parts
	// Quota mid-upload: a second upload eats the room the first needs.
	other := a.Start("", 0, 2*up.ChunkSize, nil)
	for n := range int64(2) {
		if resp, out := a.PutChunk(other, n, data); resp.StatusCode != 200 {
			t.Fatalf("chunk %d of the second upload: %d %s", n, resp.StatusCode, out)
		}
	}
	for n := range int64(2) {
		if resp, out := a.PutChunk(up, n, data); resp.StatusCode != 200 {
			t.Fatalf("chunk %d: %d %s", n, resp.StatusCode, out)
		}
	}
	resp, out := a.PutChunk(up, 2, data)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || errCode(out) != cloud.EQUOTA {
		t.Fatalf("chunk over quota: %d %s", resp.StatusCode, out)
	}
	a.Want(http.StatusOK, "GET", "/api/v1/uploads/"+up.ID, nil, &st)
	if len(st.Received) != 2 {
		t.Fatalf("received %v after the quota refusal", st.Received)
	}
}

func TestConcurrentUploadsOfOneObject(t *testing.T) {
	s := sqliteServer(t, api.Config{}, nil)
	a := s.Register(t, "cc@example.org")
	o := a.Save("", 0, []byte("v1"), nil)
	const n = 6
	ups := make([]Upload, n)
	for i := range ups {
		ups[i] = a.Start(o.ID, 1, 2, nil)
	}
	var wg sync.WaitGroup
	status := make([]int, n)
	for i := range ups {
		wg.Go(func() {
			a.PutChunk(ups[i], 0, []byte{byte(i), byte(i)})
			resp, _ := a.Do("POST", "/api/v1/uploads/"+ups[i].ID+"/complete", nil)
			status[i] = resp.StatusCode
		})
	}
	wg.Wait()
	won := 0
	for _, st := range status {
		switch st {
		case 200:
			won++
		case 409:
		default:
			t.Fatalf("statuses %v: want one 200 and 409s", status)
		}
	}
	if won != 1 {
		t.Fatalf("statuses %v: want exactly one 200", status)
	}
	var vs []struct{ Version int64 }
	a.Want(200, "GET", "/api/v1/objects/"+o.ID+"/versions", nil, &vs)
	if len(vs) != 2 {
		t.Fatalf("versions %v", vs)
	}
	if all := s.Env.ListAll(t); len(all) != 2 {
		t.Fatalf("blob store holds %q, want 2 versions' blobs and nothing else", all)
	}
}

func TestCookies(t *testing.T) {
	s := sqliteServer(t, api.Config{}, nil)
	c := s.Client(t)
	key := storetest.RandBytes(32)
	resp, _ := c.Do("POST", "/api/v1/register", map[string]any{"email": "k@example.org", "auth_key": key,
		"kdf_salt": storetest.RandBytes(16), "kdf_params": []byte("p"), "wrapped_key": []byte("k")})
	sc := resp.Header.Get("Set-Cookie")
	for _, want := range []string{api.CookieName + "=", "Path=/", "HttpOnly", "Secure", "SameSite=Strict"} {
		if !strings.Contains(sc, want) {
			t.Errorf("Set-Cookie %q lacks %s", sc, want)
		}
	}
	if strings.Contains(strings.ToLower(sc), "domain=") {
		t.Errorf("Set-Cookie %q has a Domain", sc)
	}
	first := c.Cookie
	// Login from the same browser rotates: the old cookie is dead.
	c.Want(200, "POST", "/api/v1/login", map[string]any{"email": "k@example.org", "auth_key": key}, nil)
	if c.Cookie == first || c.Cookie == "" {
		t.Fatal("login did not rotate the cookie")
	}
	replay := s.Client(t)
	replay.Cookie = first
	replay.Want(401, "GET", "/api/v1/account", nil, nil)
	// Logout ends the session; replaying its cookie fails.
	second := c.Cookie
	c.Want(204, "POST", "/api/v1/logout", nil, nil)
	replay.Cookie = second
	replay.Want(401, "GET", "/api/v1/objects", nil, nil)
	replay.Cookie = "garbage;../"
	replay.Want(401, "GET", "/api/v1/objects", nil, nil)
	// Wrong key and unknown account: byte-identical answers.
	_, wrong := s.Client(t).Do("POST", "/api/v1/login", map[string]any{"email": "k@example.org", "auth_key": storetest.RandBytes(32)})
	_, unknown := s.Client(t).Do("POST", "/api/v1/login", map[string]any{"email": "nobody@example.org", "auth_key": key})
	if !bytes.Equal(wrong, unknown) {
		t.Fatalf("wrong key %s, unknown account %s", wrong, unknown)
	}
	// Salts: a real one, and a stable fake one for an unknown address.
	var s1, s2 struct {
		KDFSalt []byte `json:"kdf_salt"`
	}
	s.Client(t).Want(200, "GET", "/api/v1/salt?email=nobody@example.org", nil, &s1)
	s.Client(t).Want(200, "GET", "/api/v1/salt?email=NOBODY@example.org", nil, &s2)
	if len(s1.KDFSalt) != 16 || !bytes.Equal(s1.KDFSalt, s2.KDFSalt) {
		t.Fatalf("fake salts %x %x", s1.KDFSalt, s2.KDFSalt)
	}
}

func TestNewDeviceShownOnce(t *testing.T) {
	s := sqliteServer(t, api.Config{}, nil)
	a := s.Register(t, "nd@example.org")
	time.Sleep(2 * time.Millisecond)
	b := a.Login(t, "Chromium on Android")
	var list []struct {
		Device       string
		New, Current bool
	}
	a.Want(200, "GET", "/api/v1/sessions", nil, &list)
	if len(list) != 2 || list[1].Device != "Chromium on Android" || !list[1].New || list[0].New || !list[0].Current {
		t.Fatalf("first listing %+v", list)
	}
	a.Want(200, "GET", "/api/v1/sessions", nil, &list)
	if list[1].New {
		t.Fatalf("second listing still shows the device as new: %+v", list)
	}
	b.Want(200, "GET", "/api/v1/sessions", nil, &list)
	if list[0].New {
		t.Fatalf("an older session is shown as new to a newer one: %+v", list)
	}
}

func TestOrigin(t *testing.T) {
	s := sqliteServer(t, api.Config{TrustedOrigins: []string{"https://app.example.org"}}, nil)
	a := s.Register(t, "o@example.org")
	a.Origin = "https://evil.example"
	resp, out := a.Do("POST", "/api/v1/objects", map[string]any{"size": 1})
	if resp.StatusCode != 403 || errCode(out) != cloud.EFORBIDDEN {
		t.Fatalf("forged Origin: %d %s", resp.StatusCode, out)
	}
	resp, _ = a.Do("DELETE", "/api/v1/account", nil)
	if resp.StatusCode != 403 {
		t.Fatalf("forged Origin deleting the account: %d", resp.StatusCode)
	}
	a.Origin = ""
	resp, _ = a.Do("POST", "/api/v1/logout", nil, "Sec-Fetch-Site", "cross-site")
	if resp.StatusCode != 403 {
		t.Fatalf("cross-site fetch: %d", resp.StatusCode)
	}
	a.Origin = "https://app.example.org"
	resp, _ = a.Do("POST", "/api/v1/objects", map[string]any{"size": 1})
	if resp.StatusCode != 201 {
		t.Fatalf("trusted origin: %d", resp.StatusCode)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.org" || resp.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Fatalf("CORS headers %v", resp.Header)
	}
	// The account survived the forged requests.
	a.Want(200, "GET", "/api/v1/account", nil, nil)
}

func TestRateLimits(t *testing.T) {
	s := sqliteServer(t, api.Config{IPLimit: api.Limit{Burst: 3, Every: time.Hour}, AccountLimit: api.Limit{Burst: 2, Every: time.Hour},
		ClientIPHeader: "X-Forwarded-For"}, nil)
	login := func(ip, email string) (*http.Response, []byte) {
		return s.Client(t).Do("POST", "/api/v1/login", map[string]any{"email": email, "auth_key": storetest.RandBytes(32)}, "X-Forwarded-For", "10.0.0.1, "+ip)
	}
	for i := range 3 {
		if resp, _ := login("192.0.2.1", "u"+string(rune('a'+i))+"@example.org"); resp.StatusCode != 401 {
			t.Fatalf("attempt %d: %d", i, resp.StatusCode)
		}
	}
	resp, out := login("192.0.2.1", "z@example.org")
	if resp.StatusCode != 429 || errCode(out) != cloud.ERATELIMITED || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("4th attempt from one address: %d %s", resp.StatusCode, out)
	}
	// Per account, across addresses.
	login("192.0.2.10", "target@example.org")
	login("192.0.2.11", "target@example.org")
	if resp, _ := login("192.0.2.12", "target@example.org"); resp.StatusCode != 429 {
		t.Fatalf("3rd attempt on one account from a 3rd address: %d", resp.StatusCode)
	}
}

func TestRanges(t *testing.T) {
	s := sqliteServer(t, api.Config{}, nil)
	a := s.Register(t, "r@example.org")
	data := storetest.RandBytes(int(2*storetest.FolderChunk + 77))
	o := a.Save("", 0, data, nil)
	for _, tc := range []struct {
		rng, cr string
		status  int
		want    []byte
	}{
		{"", "", 200, data},
		{"bytes=0-9", "bytes 0-9/", 206, data[:10]},
		{"bytes=65530-65545", "bytes 65530-65545/", 206, data[65530:65546]},
		{"bytes=-5", "", 206, data[len(data)-5:]},
		{"bytes=100-", "", 206, data[100:]},
		{"bytes=0-999999999", "", 206, data},
		{"bytes=999999999-", "bytes */", 416, nil},
		{"bytes=5-2", "bytes */", 416, nil},
	} {
		var hdr []string
		if tc.rng != "" {
			hdr = []string{"Range", tc.rng}
		}
		resp, out := a.Do("GET", "/api/v1/objects/"+o.ID+"/data", nil, hdr...)
		if resp.StatusCode != tc.status || (tc.want != nil && !bytes.Equal(out, tc.want)) || !strings.HasPrefix(resp.Header.Get("Content-Range"), tc.cr) {
			t.Errorf("Range %q: %d, %d bytes, Content-Range %q", tc.rng, resp.StatusCode, len(out), resp.Header.Get("Content-Range"))
		}
	}
	// A share limited to one download: range reads after the first byte
	// do not count; a second read from the start is refused.
	var sh struct{ ID string }
	a.Want(201, "POST", "/api/v1/objects/"+o.ID+"/shares", map[string]any{"max_downloads": 1}, &sh)
	p := s.Client(t)
	p.Want(200, "GET", "/api/v1/shares/"+sh.ID+"/data", nil, nil)
	p.Want(206, "GET", "/api/v1/shares/"+sh.ID+"/data", nil, nil, "Range", "bytes=10-20")
	p.Want(404, "GET", "/api/v1/shares/"+sh.ID+"/data", nil, nil)
	p.Want(404, "GET", "/api/v1/shares/"+sh.ID+"/data", nil, nil, "Range", "bytes=0-20")
}
