package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"

	"offcut/audio/crypt"
)

// b64s is what the worker holds: the answers' JSON fields as strings.
func b64s(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func TestCryptRoundTrip(t *testing.T) {
	a, err := deriveAccount("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	// The answer's JSON has the API's field names and encoding.
	j, _ := json.Marshal(a)
	var m map[string]any
	json.Unmarshal(j, &m)
	for _, f := range []string{"auth_key", "kdf_salt", "kdf_params", "wrapped_key", "recovery_key", "wrapped_by_recovery", "recovery_auth_key", "data_key"} {
		if s, _ := m[f].(string); s == "" {
			t.Errorf("deriveAccount: no %s in %s", f, j)
		}
	}
	l, err := login("correct horse", b64s(a.KDFSalt), b64s(a.KDFParams))
	if err != nil || !bytes.Equal(l.AuthKey, a.AuthKey) {
		t.Fatalf("login: %v", err)
	}
	dk, err := unwrapKey(b64s(l.KEK), b64s(a.WrappedKey))
	if err != nil || !bytes.Equal(dk.DataKey, a.DataKey) {
		t.Fatalf("unwrapKey: %v", err)
	}
	sealed, err := sealBlob(b64s(dk.DataKey), []byte("interview.flac"))
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := openBlob(b64s(a.DataKey), sealed); err != nil || string(plain) != "interview.flac" {
		t.Fatalf("openBlob: %q, %v", plain, err)
	}
	r, err := recoverKey(a.RecoveryKey, b64s(a.WrappedByRecovery))
	if err != nil || !bytes.Equal(r.DataKey, a.DataKey) || !bytes.Equal(r.RecoveryProof, a.RecoveryAuthKey) {
		t.Fatalf("recoverKey: %+v, %v", r, err)
	}
	rk, err := changePassword(b64s(r.DataKey), "new one")
	if err != nil {
		t.Fatal(err)
	}
	l2, _ := login("new one", b64s(rk.KDFSalt), b64s(rk.KDFParams))
	if dk2, err := unwrapKey(b64s(l2.KEK), b64s(rk.WrappedKey)); err != nil || !bytes.Equal(dk2.DataKey, a.DataKey) {
		t.Fatalf("after changePassword: %v", err)
	}

	// Failures say which kind they are.
	wrong, _ := login("wrong horse", b64s(a.KDFSalt), b64s(a.KDFParams))
	_, err = unwrapKey(b64s(wrong.KEK), b64s(a.WrappedKey))
	if e := explain(err); !errors.Is(err, crypt.ErrWrongKey) || e.Code != codeWrongKey {
		t.Errorf("wrong password: %v, code %s", err, e.Code)
	}
	if _, err := openBlob(b64s(a.DataKey), sealed[:len(sealed)-1]); explain(err).Code != codeBadCiphertext {
		t.Errorf("truncated blob: %v", err)
	}
	for _, bad := range []string{"", "!!", b64s(make([]byte, 31))} {
		if _, err := sealBlob(bad, nil); explain(err).Code != codeBadCiphertext {
			t.Errorf("data key %q: %v", bad, err)
		}
	}
}
