package api_test

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"offcut/audio/crypt"
	"offcut/server/api"
	"offcut/server/cloud"
	"offcut/server/cloud/storetest"
)

// rangeReaderAt reads an object's ciphertext by HTTP Range requests, as
// the Worker does, counting the bytes it fetches.
type rangeReaderAt struct {
	c       *Client
	path    string
	fetched int64
}

func (r *rangeReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	resp, out := r.c.Do("GET", r.path, nil, "Range", fmt.Sprintf("bytes=%d-%d", off, off+int64(len(p))-1))
	if resp.StatusCode != http.StatusPartialContent {
		return 0, fmt.Errorf("GET %s at %d: status %d: %s", r.path, off, resp.StatusCode, out)
	}
	r.fetched += int64(len(out))
	n := copy(p, out)
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// TestCryptClient runs the client side of issue 11 (audio/crypt) against
// the real API on SQLite and a blob folder: sign up with NewAccount's
// keys, sign in from the salt, upload an encrypted object with an
// encrypted name, read a range back through Range requests, share it,
// change the password; the stores never hold the plaintext or the name.
func TestCryptClient(t *testing.T) {
	env := storetest.SQLiteFolder(t, cloud.Config{})
	s := MustOpenServer(t, env, api.Config{})
	const email, password = "crypt@example.org", "correct horse battery staple"

	acct, err := crypt.NewAccount(password)
	if err != nil {
		t.Fatal(err)
	}
	signup := s.Client(t)
	signup.Want(http.StatusCreated, "POST", "/api/v1/register", map[string]any{"email": email, "auth_key": acct.AuthKey,
		"kdf_salt": acct.Salt, "kdf_params": acct.Params, "wrapped_key": acct.WrappedKey, "device": "test",
		"recovery_auth_key": acct.RecoveryAuthKey, "wrapped_by_recovery": acct.WrappedByRecovery}, nil)

	// Sign in on a second device from nothing but the password.
	signin := func(password string) (*Client, crypt.Key) {
		c := s.Client(t)
		var salt struct {
			Salt   []byte `json:"kdf_salt"`
			Params []byte `json:"kdf_params"`
		}
		c.Want(http.StatusOK, "GET", "/api/v1/salt?email="+email, nil, &salt)
		sess, err := crypt.Login(password, salt.Salt, salt.Params)
		if err != nil {
			t.Fatal(err)
		}
		c.Want(http.StatusOK, "POST", "/api/v1/login", map[string]any{"email": email, "auth_key": sess.AuthKey, "device": "second"}, nil)
		var account struct {
			WrappedKey []byte `json:"wrapped_key"`
		}
		c.Want(http.StatusOK, "GET", "/api/v1/account", nil, &account)
		dk, err := sess.DataKey(account.WrappedKey)
		if err != nil {
			t.Fatal(err)
		}
		return c, dk
	}
	c, dk := signin(password)
	if dk != acct.DataKey {
		t.Fatal("the second device unwrapped another data key")
	}
	// A wrong password is refused by the server (and could not unwrap).
	wrong, _ := crypt.Login("wrong", acct.Salt, acct.Params)
	if resp, _ := s.Client(t).Do("POST", "/api/v1/login", map[string]any{"email": email, "auth_key": wrong.AuthKey, "device": "x"}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: status %d", resp.StatusCode)
	}

	// Upload: plaintext with a marker, a name sealed into meta.
	key := crypt.ContentKey(dk)
	marker := []byte("OFFCUT-PLAINTEXT-MARKER")
	plain := bytes.Repeat(append(storetest.RandBytes(1000), marker...), 300) // 307 kB
	name := []byte("my secret interview.flac")
	var ct bytes.Buffer
	w, _ := crypt.Encrypt(&ct, key)
	w.Write(plain)
	w.Close()
	if int64(ct.Len()) != crypt.EncryptedSize(int64(len(plain))) {
		t.Fatalf("EncryptedSize %d, got %d", crypt.EncryptedSize(int64(len(plain))), ct.Len())
	}
	meta, err := crypt.Seal(key, name)
	if err != nil {
		t.Fatal(err)
	}
	obj := c.Save("", 0, ct.Bytes(), meta)

	// Read 1000 bytes in the middle through Range requests.
	src := &rangeReaderAt{c: c, path: "/api/v1/objects/" + obj.ID + "/data"}
	ra, size, err := crypt.OpenReaderAt(src, obj.Size, key)
	if err != nil || size != int64(len(plain)) {
		t.Fatalf("OpenReaderAt: %d, %v", size, err)
	}
	opened := src.fetched
	got := make([]byte, 1000)
	if _, err := ra.ReadAt(got, 150000); err != nil || !bytes.Equal(got, plain[150000:151000]) {
		t.Fatalf("range read: %v", err)
	}
	if read := src.fetched - opened; read > 2*(64<<10+16) {
		t.Fatalf("a 1000-byte read fetched %d bytes", read)
	}
	t.Logf("opened with %d bytes fetched, a 1000-byte read fetched %d of %d", opened, src.fetched-opened, obj.Size)
	var o Object
	c.Want(http.StatusOK, "GET", "/api/v1/objects/"+obj.ID, nil, &o)
	if n, err := crypt.Open(key, o.Meta); err != nil || !bytes.Equal(n, name) {
		t.Fatalf("meta: %q, %v", n, err)
	}

	// A share link: anyone with the fragment reads the object, nothing else.
	sk, err := crypt.ShareKeyOf(src, obj.Size, key)
	if err != nil {
		t.Fatal(err)
	}
	var sh struct {
		ID string `json:"id"`
	}
	c.Want(http.StatusCreated, "POST", "/api/v1/objects/"+obj.ID+"/shares", map[string]any{}, &sh)
	link := "https://offcut.example/s/" + sh.ID + sk.Fragment()
	fk, err := crypt.ParseShareFragment(link[len(link)-len(sk.Fragment()):])
	if err != nil {
		t.Fatal(err)
	}
	anon := &rangeReaderAt{c: s.Client(t), path: "/api/v1/shares/" + sh.ID + "/data"}
	sra, _, err := crypt.OpenShared(anon, obj.Size, fk)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sra.ReadAt(got, 200000); err != nil || !bytes.Equal(got, plain[200000:201000]) {
		t.Fatalf("shared range read: %v", err)
	}

	// Password change: the same data key, the old password refused.
	rk, err := crypt.ChangePassword(dk, "a new password")
	if err != nil {
		t.Fatal(err)
	}
	old, _ := crypt.Login(password, acct.Salt, acct.Params)
	c.Want(http.StatusNoContent, "PUT", "/api/v1/account/keys", map[string]any{"auth_key": old.AuthKey, "new_auth_key": rk.AuthKey,
		"kdf_salt": rk.Salt, "kdf_params": rk.Params, "wrapped_key": rk.WrappedKey}, nil)
	if _, dk2 := signin("a new password"); dk2 != dk {
		t.Fatal("data key changed with the password")
	}
	// Recovery, from nothing but the e-mail and the recovery key: the
	// server hands out the wrapped key, the recovery key opens it, new
	// keys are set by proving the recovery key, and every old session ends.
	var blob struct {
		WrappedByRecovery []byte `json:"wrapped_by_recovery"`
	}
	lost := s.Client(t)
	lost.Want(http.StatusOK, "GET", "/api/v1/recovery?email="+email, nil, &blob)
	rdk, err := crypt.Recover(acct.RecoveryKey, blob.WrappedByRecovery)
	if err != nil || rdk != dk {
		t.Fatalf("Recover: %v", err)
	}
	proof, err := crypt.RecoveryAuthKey(acct.RecoveryKey)
	if err != nil {
		t.Fatal(err)
	}
	after, err := crypt.ChangePassword(rdk, "recovered password")
	if err != nil {
		t.Fatal(err)
	}
	recoverBody := func(email string, proof []byte) map[string]any {
		return map[string]any{"email": email, "recovery_proof": proof, "auth_key": after.AuthKey,
			"kdf_salt": after.Salt, "kdf_params": after.Params, "wrapped_key": after.WrappedKey, "device": "recovered"}
	}
	// A wrong recovery key and an unknown e-mail get one answer.
	var wrongAns, unknownAns map[string]string
	lost.Want(http.StatusUnauthorized, "POST", "/api/v1/recover", recoverBody(email, bytes.Repeat([]byte{7}, 32)), &wrongAns)
	lost.Want(http.StatusUnauthorized, "POST", "/api/v1/recover", recoverBody("nobody@example.org", proof), &unknownAns)
	if wrongAns["error"] == "" || wrongAns["error"] != unknownAns["error"] {
		t.Errorf("wrong recovery key: %v; unknown e-mail: %v", wrongAns, unknownAns)
	}
	lost.Want(http.StatusOK, "POST", "/api/v1/recover", recoverBody(email, proof), nil)
	lost.Want(http.StatusOK, "GET", "/api/v1/account", nil, nil)
	if resp, _ := c.Do("GET", "/api/v1/account", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a session from before the recovery answers %d", resp.StatusCode)
	}
	if _, dk3 := signin("recovered password"); dk3 != dk {
		t.Fatal("the recovered account has another data key")
	}
	if resp, _ := s.Client(t).Do("POST", "/api/v1/login", map[string]any{"email": email, "auth_key": rk.AuthKey, "device": "x"}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the password before the recovery still signs in: %d", resp.StatusCode)
	}
	// An unknown e-mail gets a stable fake blob that looks like a real one.
	fake := func(email string) []byte {
		var b struct {
			WrappedByRecovery []byte `json:"wrapped_by_recovery"`
		}
		s.Client(t).Want(http.StatusOK, "GET", "/api/v1/recovery?email="+email, nil, &b)
		return b.WrappedByRecovery
	}
	f1, f2, f3 := fake("nobody@example.org"), fake("NoBody@example.org"), fake("someone@example.org")
	if len(f1) != len(acct.WrappedByRecovery) || !bytes.Equal(f1[:2], acct.WrappedByRecovery[:2]) || !bytes.Equal(f1, f2) || bytes.Equal(f1, f3) {
		t.Errorf("fake recovery blobs %x %x %x; a real one is %x", f1, f2, f3, acct.WrappedByRecovery)
	}
	if _, err := crypt.Recover(acct.RecoveryKey, f1); err == nil {
		t.Error("a fake blob opened")
	}

	// Nothing on the server's disk holds the plaintext, the name, the
	// password or a key.
	root := filepath.Dir(env.DBURL)
	secrets := map[string][]byte{"plaintext": marker, "name": name, "password": []byte(password), "data key": dk[:], "content key": key[:], "share key": sk[:],
		"recovery key": []byte(acct.RecoveryKey), "recovery proof": proof}
	files := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		for what, sec := range secrets {
			if bytes.Contains(b, sec) {
				t.Errorf("%s holds the %s", p, what)
			}
		}
		return nil
	})
	if err != nil || files < 2 {
		t.Fatalf("walked %d files: %v", files, err)
	}
}
