package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"offcut/server/cloud"
)

// Run runs the store contract on environments made by newEnv, one per
// subtest.
func Run(t *testing.T, newEnv func(t testing.TB, cfg cloud.Config) *Env) {
	for _, tc := range []struct {
		name string
		f    func(t *testing.T, e *Env)
	}{
		{"Accounts", testAccounts},
		{"Sessions", testSessions},
		{"Recovery", testRecovery},
		{"UploadRoundTrip", testUploadRoundTrip},
		{"EmptyObject", testEmptyObject},
		{"BadChunks", testBadChunks},
		{"Versions", testVersions},
		{"ConcurrentSaves", testConcurrentSaves},
		{"QuotaMidUpload", testQuotaMidUpload},
		{"Shares", testShares},
		{"DeleteObject", testDeleteObject},
		{"DeleteAccount", testDeleteAccount},
		{"Sweep", testSweep},
		{"HostileKeys", testHostileKeys},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, cloud.Config{})
			if tc.name == "QuotaMidUpload" {
				cfg := TestConfig(e.Chunk)
				cfg.Quota = 4*e.Chunk + e.Chunk/2
				e.Service = cloud.NewService(e.Meta, e.Blobs, cfg)
			}
			tc.f(t, e)
		})
	}
}

var ctx = context.Background()

// RandBytes returns n random bytes.
func RandBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// Register opens an account with a random auth key and returns the user
// id, the key and the session token.
func Register(t testing.TB, s *cloud.Service, email string) (userID string, key []byte, token string) {
	t.Helper()
	key = RandBytes(32)
	sess, tok, err := s.Register(ctx, cloud.Registration{Email: email, AuthKey: key, KDFSalt: RandBytes(16),
		KDFParams: []byte(`{"t":3}`), WrappedKey: RandBytes(48), Device: "test"})
	if err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
	return sess.UserID, key, tok
}

// Hex returns the SHA-256 of b in hex.
func Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Save uploads data as a new object (objectID "") or a new version, in
// chunks sent last first, and completes it.
func Save(t testing.TB, s *cloud.Service, userID, objectID string, base int64, data []byte, chunk int64) *cloud.Object {
	t.Helper()
	up, err := s.StartUpload(ctx, userID, cloud.UploadRequest{ObjectID: objectID, BaseVersion: base, Size: int64(len(data)), ChunkSize: chunk, Meta: []byte("meta")})
	if err != nil {
		t.Fatalf("start upload: %v", err)
	}
	for n := up.NChunks() - 1; n >= 0; n-- {
		b := data[n*up.ChunkSize : n*up.ChunkSize+up.ChunkLen(n)]
		if _, err := s.PutChunk(ctx, userID, up.ID, n, bytes.NewReader(b), int64(len(b)), Hex(b)); err != nil {
			t.Fatalf("chunk %d: %v", n, err)
		}
	}
	o, err := s.CompleteUpload(ctx, userID, up.ID)
	if err != nil {
		t.Fatalf("complete: %v", err)
	}
	return o
}

// Read reads n bytes at off of version v (0: newest) of an object.
func Read(t testing.TB, s *cloud.Service, userID, objectID string, v, off, n int64) []byte {
	t.Helper()
	ver, err := s.Version(ctx, userID, objectID, v)
	if err != nil {
		t.Fatalf("version %d of %s: %v", v, objectID, err)
	}
	if n < 0 {
		n = ver.Size - off
	}
	rc, err := s.Blobs.Get(ctx, ver.BlobKey, off, n)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading: %v", err)
	}
	return b
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := cloud.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func testAccounts(t *testing.T, e *Env) {
	s := e.Service
	uid, key, _ := Register(t, s, "Ann@Example.org")
	u, err := e.Meta.UserByID(ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "ann@example.org" || !strings.HasPrefix(u.AuthHash, "$argon2id$") || bytes.Contains([]byte(u.AuthHash), key) {
		t.Fatalf("stored user %+v", u)
	}
	salt, _, err := s.Salt(ctx, "ann@example.org")
	if err != nil || !bytes.Equal(salt, u.KDFSalt) {
		t.Fatalf("salt of a real account: %x, %v; want %x", salt, err, u.KDFSalt)
	}
	f1, p1, err := s.Salt(ctx, "nobody@example.org")
	f2, _, _ := s.Salt(ctx, " NOBODY@example.org ")
	f3, _, _ := s.Salt(ctx, "other@example.org")
	if err != nil || len(f1) != 16 || !bytes.Equal(f1, f2) || bytes.Equal(f1, f3) || len(p1) == 0 {
		t.Fatalf("fake salts: %x %x %x %v", f1, f2, f3, err)
	}
	if _, _, err := s.Login(ctx, "ann@example.org", key, "laptop"); err != nil {
		t.Fatalf("login: %v", err)
	}
	_, _, errWrong := s.Login(ctx, "ann@example.org", RandBytes(32), "x")
	_, _, errUnknown := s.Login(ctx, "nobody@example.org", key, "x")
	if errWrong != cloud.ErrBadLogin || errUnknown != cloud.ErrBadLogin {
		t.Fatalf("wrong key: %v; unknown account: %v; want the same ErrBadLogin", errWrong, errUnknown)
	}
	_, _, err = s.Register(ctx, cloud.Registration{Email: "ann@example.org", AuthKey: key, KDFSalt: RandBytes(16), KDFParams: []byte("p"), WrappedKey: []byte("k")})
	wantCode(t, err, cloud.ECONFLICT)
	// A password change: the old key stops working, other sessions end.
	cur, _, err := s.Login(ctx, "ann@example.org", key, "desk")
	if err != nil {
		t.Fatal(err)
	}
	_, otherTok, _ := s.Login(ctx, "ann@example.org", key, "tablet")
	newKey, newSalt := RandBytes(32), RandBytes(16)
	err = s.ChangeKeys(ctx, cur, RandBytes(32), cloud.Registration{AuthKey: newKey, KDFSalt: newSalt, KDFParams: []byte("p2"), WrappedKey: []byte("w2")})
	wantCode(t, err, cloud.EFORBIDDEN)
	if err := s.ChangeKeys(ctx, cur, key, cloud.Registration{AuthKey: newKey, KDFSalt: newSalt, KDFParams: []byte("p2"), WrappedKey: []byte("w2")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Login(ctx, "ann@example.org", key, "x"); err != cloud.ErrBadLogin {
		t.Fatalf("old key after a change: %v", err)
	}
	if _, _, err := s.Login(ctx, "ann@example.org", newKey, "x"); err != nil {
		t.Fatalf("new key: %v", err)
	}
	if salt, params, _ := s.Salt(ctx, "ann@example.org"); !bytes.Equal(salt, newSalt) || string(params) != "p2" {
		t.Fatalf("salt after a change: %x %s", salt, params)
	}
	if _, err := s.Authenticate(ctx, otherTok); cloud.ErrorCode(err) != cloud.EUNAUTHORIZED {
		t.Fatalf("another session survived the change: %v", err)
	}
	if _, err := s.Authenticate(ctx, cur.ID); err == nil {
		t.Fatal("a session id authenticates as a token")
	}
	_, _, err = s.Register(ctx, cloud.Registration{Email: "not-an-address", AuthKey: key, KDFSalt: RandBytes(16), KDFParams: []byte("p"), WrappedKey: []byte("k")})
	wantCode(t, err, cloud.EINVALID)
}

// testRecovery: an account made with a recovery key's pair hands out its
// wrapped key by e-mail and takes new keys when the recovery key is
// proven; every old session ends; a wrong proof, an unknown e-mail and an
// account without a recovery key get one answer.
func testRecovery(t *testing.T, e *Env) {
	s := e.Service
	proof, wrapped := RandBytes(32), append([]byte{1, 'r'}, RandBytes(cloud.RecoveryBlobSize-2)...)
	sess, tok, err := s.Register(ctx, cloud.Registration{Email: "rita@example.org", AuthKey: RandBytes(32), KDFSalt: RandBytes(16),
		KDFParams: []byte("p"), WrappedKey: RandBytes(48), Device: "d", RecoveryAuthKey: proof, WrappedByRecovery: wrapped})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.Meta.UserByID(ctx, sess.UserID)
	if err != nil || !strings.HasPrefix(u.RecoveryHash, "$argon2id$") || !bytes.Equal(u.WrappedByRecovery, wrapped) {
		t.Fatalf("stored user %+v, %v", u, err)
	}
	if b, err := s.RecoveryBlob(ctx, "Rita@example.org"); err != nil || !bytes.Equal(b, wrapped) {
		t.Fatalf("recovery blob %x, %v", b, err)
	}
	Register(t, s, "nokey@example.org") // no recovery key
	f1, _ := s.RecoveryBlob(ctx, "nobody@example.org")
	f2, _ := s.RecoveryBlob(ctx, "nokey@example.org")
	if len(f1) != cloud.RecoveryBlobSize || len(f2) != cloud.RecoveryBlobSize || bytes.Equal(f1, f2) {
		t.Fatalf("fake blobs %x %x", f1, f2)
	}
	newKey := RandBytes(32)
	keys := cloud.Registration{AuthKey: newKey, KDFSalt: RandBytes(16), KDFParams: []byte("p2"), WrappedKey: RandBytes(48), Device: "found"}
	for _, c := range []struct {
		email string
		proof []byte
	}{{"rita@example.org", RandBytes(32)}, {"nobody@example.org", proof}, {"nokey@example.org", proof}} {
		if _, _, err := s.Recover(ctx, c.email, c.proof, keys); err != cloud.ErrBadRecovery {
			t.Fatalf("recover %s: %v, want ErrBadRecovery", c.email, err)
		}
	}
	_, _, err = s.Recover(ctx, "rita@example.org", proof, cloud.Registration{AuthKey: newKey, KDFSalt: RandBytes(16),
		KDFParams: []byte("p2"), WrappedKey: RandBytes(48), RecoveryAuthKey: RandBytes(32), WrappedByRecovery: []byte("short")})
	wantCode(t, err, cloud.EINVALID)
	// A new recovery key's pair may come with the recovery.
	keys.RecoveryAuthKey, keys.WrappedByRecovery = RandBytes(32), append([]byte{1, 'r'}, RandBytes(cloud.RecoveryBlobSize-2)...)
	got, _, err := s.Recover(ctx, "rita@example.org", proof, keys)
	if err != nil || got.UserID != sess.UserID {
		t.Fatalf("recover: %+v, %v", got, err)
	}
	if _, err := s.Authenticate(ctx, tok); cloud.ErrorCode(err) != cloud.EUNAUTHORIZED {
		t.Fatalf("a session from before the recovery survived: %v", err)
	}
	if _, _, err := s.Login(ctx, "rita@example.org", newKey, "x"); err != nil {
		t.Fatalf("the new key after a recovery: %v", err)
	}
	if _, _, err := s.Recover(ctx, "rita@example.org", proof, keys); err != cloud.ErrBadRecovery {
		t.Fatalf("the replaced recovery key still works: %v", err)
	}
	if b, _ := s.RecoveryBlob(ctx, "rita@example.org"); !bytes.Equal(b, keys.WrappedByRecovery) {
		t.Fatalf("recovery blob after a new recovery key: %x", b)
	}
}

func testSessions(t *testing.T, e *Env) {
	s := e.Service
	uid, key, tok1 := Register(t, s, "bo@example.org")
	s1, err := s.Authenticate(ctx, tok1)
	if err != nil || s1.UserID != uid {
		t.Fatalf("authenticate: %v", err)
	}
	time.Sleep(2 * time.Millisecond)
	s2, tok2, err := s.Login(ctx, "bo@example.org", key, "phone")
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.Sessions(ctx, s1)
	if err != nil || len(list) != 2 {
		t.Fatalf("sessions: %v %v", list, err)
	}
	for _, v := range list {
		if v.ID == s2.ID && (!v.New || v.Device != "phone") || v.ID == s1.ID && (v.New || !v.Current) {
			t.Fatalf("first listing: %+v", v)
		}
	}
	s1, _ = s.Authenticate(ctx, tok1)
	list, _ = s.Sessions(ctx, s1)
	for _, v := range list {
		if v.New {
			t.Fatalf("second listing still marks %s new", v.Device)
		}
	}
	if err := s.RevokeSession(ctx, uid, s2.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.Authenticate(ctx, tok2)
	wantCode(t, err, cloud.EUNAUTHORIZED)
	other, _, _ := Register(t, s, "cy@example.org")
	wantCode(t, s.RevokeSession(ctx, other, s1.ID), cloud.ENOTFOUND)
	_, err = s.Authenticate(ctx, "../../etc/passwd")
	wantCode(t, err, cloud.EUNAUTHORIZED)
}

func testUploadRoundTrip(t *testing.T, e *Env) {
	s := e.Service
	uid, _, _ := Register(t, s, "dee@example.org")
	chunk := e.Chunk
	data := RandBytes(int(3*chunk + 1234))
	up, err := s.StartUpload(ctx, uid, cloud.UploadRequest{Size: int64(len(data)), ChunkSize: chunk})
	if err != nil {
		t.Fatal(err)
	}
	if up.NChunks() != 4 {
		t.Fatalf("%d chunks, want 4", up.NChunks())
	}
	// Chunks 2 and 0 arrive, then the connection "drops": a new status
	// request says what is there, and the rest follows.
	for _, n := range []int64{2, 0} {
		b := data[n*chunk : n*chunk+up.ChunkLen(n)]
		if _, err := s.PutChunk(ctx, uid, up.ID, n, bytes.NewReader(b), int64(len(b)), Hex(b)); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.UploadStatus(ctx, uid, up.ID)
	if err != nil || len(st.Chunks) != 2 || st.Chunks[0].N != 0 || st.Chunks[1].N != 2 {
		t.Fatalf("status %+v %v", st, err)
	}
	_, err = s.CompleteUpload(ctx, uid, up.ID)
	wantCode(t, err, cloud.ECONFLICT)
	for _, n := range []int64{3, 1, 1} { // chunk 1 twice: idempotent
		b := data[n*chunk : n*chunk+up.ChunkLen(n)]
		if _, err := s.PutChunk(ctx, uid, up.ID, n, bytes.NewReader(b), int64(len(b)), Hex(b)); err != nil {
			t.Fatal(err)
		}
	}
	o, err := s.CompleteUpload(ctx, uid, up.ID)
	if err != nil {
		t.Fatal(err)
	}
	if o.Version != 1 || o.Size != int64(len(data)) || o.ID != up.ObjectID {
		t.Fatalf("object %+v", o)
	}
	if got := Read(t, s, uid, o.ID, 0, 0, -1); !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes, differ from the %d uploaded", len(got), len(data))
	}
	for _, r := range [][2]int64{{0, 1}, {chunk - 1, 2}, {int64(len(data)) - 10, 10}, {100, 2 * chunk}} {
		if got := Read(t, s, uid, o.ID, 0, r[0], r[1]); !bytes.Equal(got, data[r[0]:r[0]+r[1]]) {
			t.Fatalf("range %v differs", r)
		}
	}
	if _, err := s.UploadStatus(ctx, uid, up.ID); cloud.ErrorCode(err) != cloud.ENOTFOUND {
		t.Fatalf("upload still there after completion: %v", err)
	}
	list, err := e.Meta.Objects(ctx, uid)
	if err != nil || len(list) != 1 {
		t.Fatalf("objects: %v %v", list, err)
	}
	if all := e.ListAll(t); len(all) != 1 {
		t.Fatalf("blob store holds %q, want the one blob", all)
	}
}

func testEmptyObject(t *testing.T, e *Env) {
	uid, _, _ := Register(t, e.Service, "em@example.org")
	o := Save(t, e.Service, uid, "", 0, nil, e.Chunk)
	if o.Size != 0 || len(Read(t, e.Service, uid, o.ID, 0, 0, 0)) != 0 {
		t.Fatalf("empty object %+v", o)
	}
}

func testBadChunks(t *testing.T, e *Env) {
	s := e.Service
	uid, _, _ := Register(t, s, "eve@example.org")
	other, _, _ := Register(t, s, "fay@example.org")
	chunk := e.Chunk
	data := RandBytes(int(2 * chunk))
	up, err := s.StartUpload(ctx, uid, cloud.UploadRequest{Size: int64(len(data)), ChunkSize: chunk})
	if err != nil {
		t.Fatal(err)
	}
	b := data[:chunk]
	wrong := Hex(data[chunk:])
	_, err = s.PutChunk(ctx, uid, up.ID, 0, bytes.NewReader(b), chunk, wrong)
	wantCode(t, err, cloud.EINVALID)
	_, err = s.PutChunk(ctx, uid, up.ID, 0, bytes.NewReader(b[:chunk-1]), chunk, Hex(b))
	wantCode(t, err, cloud.EINVALID)
	_, err = s.PutChunk(ctx, uid, up.ID, 0, bytes.NewReader(b), chunk-1, Hex(b))
	wantCode(t, err, cloud.EINVALID)
	_, err = s.PutChunk(ctx, uid, up.ID, 2, bytes.NewReader(b), chunk, Hex(b))
	wantCode(t, err, cloud.EINVALID)
	_, err = s.PutChunk(ctx, uid, up.ID, 0, bytes.NewReader(b), chunk, "zz")
	wantCode(t, err, cloud.EINVALID)
	_, err = s.PutChunk(ctx, other, up.ID, 0, bytes.NewReader(b), chunk, Hex(b))
	wantCode(t, err, cloud.ENOTFOUND)
	_, err = s.PutChunk(ctx, uid, "../../x", 0, bytes.NewReader(b), chunk, Hex(b))
	wantCode(t, err, cloud.EINVALID)
	st, err := s.UploadStatus(ctx, uid, up.ID)
	if err != nil || len(st.Chunks) != 0 {
		t.Fatalf("bad chunks were recorded: %+v %v", st, err)
	}
	if _, pending, _ := e.Meta.Usage(ctx, uid); pending != 0 {
		t.Fatalf("pending %d bytes after rejected chunks", pending)
	}
	// Nothing of the rejected parts is kept: completing with good chunks
	// gives exactly the good bytes.
	for n := int64(0); n < 2; n++ {
		b := data[n*chunk : (n+1)*chunk]
		if _, err := s.PutChunk(ctx, uid, up.ID, n, bytes.NewReader(b), chunk, Hex(b)); err != nil {
			t.Fatal(err)
		}
	}
	o, err := s.CompleteUpload(ctx, uid, up.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(Read(t, s, uid, o.ID, 0, 0, -1), data) {
		t.Fatal("object differs from the good chunks")
	}
	_, err = s.StartUpload(ctx, uid, cloud.UploadRequest{Size: 10, ChunkSize: 1})
	wantCode(t, err, cloud.EINVALID)
	_, err = s.StartUpload(ctx, uid, cloud.UploadRequest{Size: 10, ChunkSize: cloud.MaxChunk + 1})
	wantCode(t, err, cloud.EINVALID)
	_, err = s.StartUpload(ctx, uid, cloud.UploadRequest{ObjectID: "../etc", BaseVersion: 1, Size: 10})
	wantCode(t, err, cloud.EINVALID)
	_, err = s.StartUpload(ctx, other, cloud.UploadRequest{ObjectID: o.ID, BaseVersion: 1, Size: 10})
	wantCode(t, err, cloud.ENOTFOUND)
}

func testVersions(t *testing.T, e *Env) {
	s := e.Service
	uid, _, _ := Register(t, s, "gus@example.org")
	var saves [][]byte
	var o *cloud.Object
	for i := range 5 {
		d := RandBytes(1000 + i)
		saves = append(saves, d)
		id, base := "", int64(0)
		if o != nil {
			id, base = o.ID, o.Version
		}
		o = Save(t, s, uid, id, base, d, e.Chunk)
	}
	vs, err := s.Versions(ctx, uid, o.ID)
	if err != nil || len(vs) != 3 || vs[0].Version != 3 || vs[2].Version != 5 {
		t.Fatalf("versions %v %v, want 3..5", vs, err)
	}
	if n := len(e.ListAll(t)); n != 3 {
		t.Fatalf("blob store holds %d blobs for 3 kept versions", n)
	}
	for _, v := range vs {
		if got := Read(t, s, uid, o.ID, v.Version, 0, -1); !bytes.Equal(got, saves[v.Version-1]) {
			t.Fatalf("version %d differs", v.Version)
		}
	}
	_, err = s.Version(ctx, uid, o.ID, 1)
	wantCode(t, err, cloud.ENOTFOUND)
	r, err := s.Restore(ctx, uid, o.ID, 3)
	if err != nil || r.Version != 6 {
		t.Fatalf("restore: %+v %v", r, err)
	}
	if !bytes.Equal(Read(t, s, uid, o.ID, 0, 0, -1), saves[2]) {
		t.Fatal("restored version differs from version 3")
	}
	if n := len(e.ListAll(t)); n != 3 {
		t.Fatalf("blob store holds %d blobs for 3 kept versions after restore", n)
	}
	stored, _, _ := e.Meta.Usage(ctx, uid)
	if want := int64(len(saves[3]) + len(saves[4]) + len(saves[2])); stored != want {
		t.Fatalf("usage %d, want %d", stored, want)
	}
}

func testConcurrentSaves(t *testing.T, e *Env) {
	s := e.Service
	uid, _, _ := Register(t, s, "hal@example.org")
	o := Save(t, s, uid, "", 0, []byte("first"), e.Chunk)
	var ups []*cloud.Upload
	for range 2 {
		up, err := s.StartUpload(ctx, uid, cloud.UploadRequest{ObjectID: o.ID, BaseVersion: 1, Size: 5, ChunkSize: e.Chunk})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.PutChunk(ctx, uid, up.ID, 0, strings.NewReader("later"), 5, Hex([]byte("later"))); err != nil {
			t.Fatal(err)
		}
		ups = append(ups, up)
	}
	if _, err := s.CompleteUpload(ctx, uid, ups[0].ID); err != nil {
		t.Fatal(err)
	}
	_, err := s.CompleteUpload(ctx, uid, ups[1].ID)
	wantCode(t, err, cloud.ECONFLICT)
	_, err = s.StartUpload(ctx, uid, cloud.UploadRequest{ObjectID: o.ID, BaseVersion: 1, Size: 5})
	wantCode(t, err, cloud.ECONFLICT)
	if n := len(e.ListAll(t)); n != 2 {
		t.Fatalf("blob store holds %d entries, want the 2 versions: %q", n, e.ListAll(t))
	}
	if rows := e.Rows(t, uid); rows["uploads"] != 0 || rows["versions"] != 2 {
		t.Fatalf("rows %v", rows)
	}
}

func testQuotaMidUpload(t *testing.T, e *Env) {
	s := e.Service // quota 300 KiB
	uid, _, _ := Register(t, s, "ida@example.org")
	chunk := e.Chunk
	a, err := s.StartUpload(ctx, uid, cloud.UploadRequest{Size: 3 * chunk, ChunkSize: chunk})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.StartUpload(ctx, uid, cloud.UploadRequest{Size: 3 * chunk, ChunkSize: chunk})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.StartUpload(ctx, uid, cloud.UploadRequest{Size: 5 * chunk, ChunkSize: chunk})
	wantCode(t, err, cloud.EQUOTA)
	data := RandBytes(int(chunk))
	for n := int64(0); n < 3; n++ {
		if _, err := s.PutChunk(ctx, uid, a.ID, n, bytes.NewReader(data), chunk, Hex(data)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.PutChunk(ctx, uid, b.ID, 0, bytes.NewReader(data), chunk, Hex(data)); err != nil {
		t.Fatal(err)
	}
	_, err = s.PutChunk(ctx, uid, b.ID, 1, bytes.NewReader(data), chunk, Hex(data))
	wantCode(t, err, cloud.EQUOTA)
	st, _ := s.UploadStatus(ctx, uid, b.ID)
	if len(st.Chunks) != 1 {
		t.Fatalf("upload b holds %d chunks after the quota stopped it", len(st.Chunks))
	}
	stored, pending, _ := e.Meta.Usage(ctx, uid)
	if stored != 0 || pending != 4*chunk {
		t.Fatalf("usage %d + %d", stored, pending)
	}
	if err := s.AbortUpload(ctx, uid, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CompleteUpload(ctx, uid, a.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(e.ListAll(t)); n != 1 {
		t.Fatalf("blob store holds %d entries after abort + complete: %q", n, e.ListAll(t))
	}
}

func testShares(t *testing.T, e *Env) {
	s := e.Service
	uid, _, _ := Register(t, s, "jo@example.org")
	other, _, _ := Register(t, s, "kit@example.org")
	o := Save(t, s, uid, "", 0, []byte("shared bytes"), e.Chunk)
	_, err := s.CreateShare(ctx, other, cloud.ShareRequest{ObjectID: o.ID})
	wantCode(t, err, cloud.ENOTFOUND)
	lim, err := s.CreateShare(ctx, uid, cloud.ShareRequest{ObjectID: o.ID, MaxDownloads: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, v, err := s.OpenShare(ctx, lim.ID, true); err != nil || v.Size != 12 {
			t.Fatalf("download %d: %v", i, err)
		}
	}
	_, _, err = s.OpenShare(ctx, lim.ID, true)
	wantCode(t, err, cloud.ENOTFOUND)
	exp, err := s.CreateShare(ctx, uid, cloud.ShareRequest{ObjectID: o.ID, ExpiresIn: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.OpenShare(ctx, exp.ID, true); err != nil {
		t.Fatal(err)
	}
	time.Sleep(60 * time.Millisecond)
	_, _, err = s.OpenShare(ctx, exp.ID, true)
	wantCode(t, err, cloud.ENOTFOUND)
	open, _ := s.CreateShare(ctx, uid, cloud.ShareRequest{ObjectID: o.ID})
	wantCode(t, s.RevokeShare(ctx, other, open.ID), cloud.ENOTFOUND)
	if _, _, err := s.OpenShare(ctx, open.ID, true); err != nil {
		t.Fatal(err)
	}
	if list, _ := e.Meta.Shares(ctx, uid); len(list) != 3 {
		t.Fatalf("%d shares listed, want 3", len(list))
	}
	if err := s.RevokeShare(ctx, uid, open.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.OpenShare(ctx, open.ID, true)
	wantCode(t, err, cloud.ENOTFOUND)
	_, _, err = s.OpenShare(ctx, "..%2f..", true)
	wantCode(t, err, cloud.ENOTFOUND)
}

func testDeleteObject(t *testing.T, e *Env) {
	s := e.Service
	uid, _, _ := Register(t, s, "lee@example.org")
	other, _, _ := Register(t, s, "max@example.org")
	o := Save(t, s, uid, "", 0, []byte("v1"), e.Chunk)
	o = Save(t, s, uid, o.ID, 1, []byte("v2"), e.Chunk)
	sh, _ := s.CreateShare(ctx, uid, cloud.ShareRequest{ObjectID: o.ID})
	wantCode(t, s.DeleteObject(ctx, other, o.ID), cloud.ENOTFOUND)
	if err := s.DeleteObject(ctx, uid, o.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.OpenShare(ctx, sh.ID, true)
	wantCode(t, err, cloud.ENOTFOUND)
	if all := e.ListAll(t); len(all) != 0 && !(len(all) == 1 && strings.HasSuffix(all[0], "/")) {
		t.Fatalf("blob store still holds %q", all)
	}
	if rows := e.Rows(t, uid); rows["objects"]+rows["versions"]+rows["shares"] != 0 {
		t.Fatalf("rows left %v", rows)
	}
}

func testDeleteAccount(t *testing.T, e *Env) {
	s := e.Service
	uid, _, tok := Register(t, s, "ned@example.org")
	keep, _, _ := Register(t, s, "ola@example.org")
	o := Save(t, s, uid, "", 0, RandBytes(100<<10), e.Chunk)
	Save(t, s, uid, o.ID, 1, RandBytes(10), e.Chunk)
	ko := Save(t, s, keep, "", 0, []byte("kept"), e.Chunk)
	sh, _ := s.CreateShare(ctx, uid, cloud.ShareRequest{ObjectID: o.ID})
	ksh, _ := s.CreateShare(ctx, keep, cloud.ShareRequest{ObjectID: ko.ID})
	up, _ := s.StartUpload(ctx, uid, cloud.UploadRequest{Size: 2 * e.Chunk, ChunkSize: e.Chunk})
	d := RandBytes(int(e.Chunk))
	if _, err := s.PutChunk(ctx, uid, up.ID, 0, bytes.NewReader(d), int64(len(d)), Hex(d)); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAccount(ctx, uid); err != nil {
		t.Fatal(err)
	}
	for table, n := range e.Rows(t, uid) {
		if n != 0 {
			t.Errorf("table %s holds %d rows of the deleted user", table, n)
		}
	}
	for _, k := range e.ListAll(t) {
		if strings.Contains(k, uid) {
			t.Errorf("blob store holds %s of the deleted user", k)
		}
	}
	_, _, err := s.OpenShare(ctx, sh.ID, true)
	wantCode(t, err, cloud.ENOTFOUND)
	_, err = s.Authenticate(ctx, tok)
	wantCode(t, err, cloud.EUNAUTHORIZED)
	if _, _, err := s.OpenShare(ctx, ksh.ID, true); err != nil {
		t.Fatalf("the other user's share: %v", err)
	}
	if !bytes.Equal(Read(t, s, keep, ko.ID, 0, 0, -1), []byte("kept")) {
		t.Fatal("the other user's object changed")
	}
	if salt, _, _ := s.Salt(ctx, "ned@example.org"); len(salt) != 16 {
		t.Fatal("no fake salt for the deleted e-mail")
	}
}

func testSweep(t *testing.T, e *Env) {
	cfg := TestConfig(e.Chunk)
	cfg.UploadTTL = time.Millisecond
	s := cloud.NewService(e.Meta, e.Blobs, cfg)
	uid, _, _ := Register(t, s, "pam@example.org")
	o := Save(t, s, uid, "", 0, []byte("kept"), e.Chunk)
	// An upload abandoned mid-way, and a blob completed in the store whose
	// row never came (the database failed after the blob store).
	up, _ := s.StartUpload(ctx, uid, cloud.UploadRequest{Size: 10, ChunkSize: e.Chunk})
	key := cloud.BlobKey(uid, o.ID)
	ref, err := e.Blobs.BeginUpload(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	etag, err := e.Blobs.PutPart(ctx, key, ref, 0, strings.NewReader("orphan"), 6, Hex([]byte("orphan")))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Blobs.CompleteUpload(ctx, key, ref, []cloud.Part{{N: 0, ETag: etag}}); err != nil {
		t.Fatal(err)
	}
	stray := cloud.BlobKey(uid, o.ID)
	if _, err := e.Blobs.BeginUpload(ctx, stray); err != nil {
		t.Fatal(err)
	}
	before := e.ListAll(t)
	if len(before) < 3 {
		t.Fatalf("setup: blob store holds %q", before)
	}
	time.Sleep(5 * time.Millisecond)
	// A young orphan is left alone (it may be work in flight); the
	// upload past its TTL goes.
	ups, n, err := s.Sweep(ctx, time.Hour)
	if err != nil || n != 0 || ups != 1 {
		t.Fatalf("sweep with a long grace removed %d uploads, %d blobs: %v", ups, n, err)
	}
	// Store clocks (S3 LastModified) have a one-second resolution.
	time.Sleep(1100 * time.Millisecond)
	ups, n, err = s.Sweep(ctx, time.Millisecond)
	if err != nil || ups != 0 || n != 2 {
		t.Fatalf("sweep: %d uploads, %d blobs (want 0, 2), %v", ups, n, err)
	}
	if _, err := s.UploadStatus(ctx, uid, up.ID); cloud.ErrorCode(err) != cloud.ENOTFOUND {
		t.Fatalf("abandoned upload still there: %v", err)
	}
	after := e.ListAll(t)
	keys, _ := e.Meta.BlobKeys(ctx)
	got := slices.DeleteFunc(after, func(k string) bool { return strings.HasSuffix(k, "/") })
	if len(got) != 1 || !keys[got[0]] {
		t.Fatalf("after the sweep the blob store holds %q; want only the kept version's blob", after)
	}
	if !bytes.Equal(Read(t, s, uid, o.ID, 0, 0, -1), []byte("kept")) {
		t.Fatal("the kept object changed")
	}
}

// testHostileKeys: a blob store refuses every key, ref and prefix that
// cloud.BlobKey could not have made, before it touches storage.
func testHostileKeys(t *testing.T, e *Env) {
	id := cloud.NewID()
	for _, key := range []string{"../secret", "u/../../x", "/etc/passwd", "u/" + id + "/" + id + "/..",
		"u/" + id + "/" + id, "u/" + id + "/" + id + "/" + strings.ToUpper(id), "", "u/" + id + "/" + id + "/" + id + "?x=1"} {
		if _, err := e.Blobs.Get(ctx, key, 0, 1); cloud.ErrorCode(err) != cloud.EINVALID {
			t.Errorf("Get(%q): %v", key, err)
		}
		if err := e.Blobs.Delete(ctx, key); cloud.ErrorCode(err) != cloud.EINVALID {
			t.Errorf("Delete(%q): %v", key, err)
		}
		if _, err := e.Blobs.BeginUpload(ctx, key); cloud.ErrorCode(err) != cloud.EINVALID {
			t.Errorf("BeginUpload(%q): %v", key, err)
		}
		if err := e.Blobs.Copy(ctx, cloud.BlobKey(id, id), key); cloud.ErrorCode(err) != cloud.EINVALID {
			t.Errorf("Copy to %q: %v", key, err)
		}
	}
	for _, p := range []string{"", "/", "u", "../", "u/" + id, "u/" + id + "/../"} {
		if err := e.Blobs.DeletePrefix(ctx, p); cloud.ErrorCode(err) != cloud.EINVALID {
			t.Errorf("DeletePrefix(%q): %v", p, err)
		}
		if _, err := e.Blobs.List(ctx, p); cloud.ErrorCode(err) != cloud.EINVALID {
			t.Errorf("List(%q): %v", p, err)
		}
	}
	if all := e.ListAll(t); len(all) != 0 {
		t.Fatalf("blob store holds %q", all)
	}
}
