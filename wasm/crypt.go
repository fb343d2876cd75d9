package main

// This file is the pure-Go half of the worker's cloud keys and small-blob
// encryption (issue 11; package audio/crypt). Byte fields cross to
// JavaScript as standard base64 strings, the encoding of the cloud API's
// JSON, so the worker passes them to fetch bodies as they are. crypt_js.go
// binds these to syscall/js.

import (
	"encoding/base64"
	"fmt"

	"offcut/audio/crypt"
)

// accountKeys is deriveAccount's answer: the fields of POST /register,
// the recovery key to show once with wrapped_by_recovery, and the data key
// for this session.
type accountKeys struct {
	AuthKey           []byte `json:"auth_key"`
	KDFSalt           []byte `json:"kdf_salt"`
	KDFParams         []byte `json:"kdf_params"`
	WrappedKey        []byte `json:"wrapped_key"`
	RecoveryKey       string `json:"recovery_key"`
	WrappedByRecovery []byte `json:"wrapped_by_recovery"`
	RecoveryAuthKey   []byte `json:"recovery_auth_key"`
	DataKey           []byte `json:"data_key"`
}

func deriveAccount(password string) (*accountKeys, error) {
	a, err := crypt.NewAccount(password)
	if err != nil {
		return nil, err
	}
	return &accountKeys{AuthKey: a.AuthKey, KDFSalt: a.Salt, KDFParams: a.Params, WrappedKey: a.WrappedKey,
		RecoveryKey: a.RecoveryKey, WrappedByRecovery: a.WrappedByRecovery, RecoveryAuthKey: a.RecoveryAuthKey, DataKey: a.DataKey[:]}, nil
}

// loginKeys is login's answer: auth_key for POST /login; kek opens the
// wrapped_key of GET /account (unwrapKey).
type loginKeys struct {
	AuthKey []byte `json:"auth_key"`
	KEK     []byte `json:"kek"`
}

func login(password, salt, params string) (*loginKeys, error) {
	s, err := b64("kdf_salt", salt)
	if err != nil {
		return nil, err
	}
	p, err := b64("kdf_params", params)
	if err != nil {
		return nil, err
	}
	sess, err := crypt.Login(password, s, p)
	if err != nil {
		return nil, err
	}
	return &loginKeys{AuthKey: sess.AuthKey, KEK: sess.KEK[:]}, nil
}

type dataKey struct {
	DataKey []byte `json:"data_key"`
}

func unwrapKey(kek, wrapped string) (*dataKey, error) {
	k, err := key("kek", kek)
	if err != nil {
		return nil, err
	}
	w, err := b64("wrapped_key", wrapped)
	if err != nil {
		return nil, err
	}
	dk, err := (&crypt.Session{KEK: k}).DataKey(w)
	if err != nil {
		return nil, err
	}
	return &dataKey{dk[:]}, nil
}

// recovered is recoverKey's answer: the data key, and the proof of the
// recovery key for POST /recover (recovery_proof).
type recovered struct {
	DataKey       []byte `json:"data_key"`
	RecoveryProof []byte `json:"recovery_proof"`
}

func recoverKey(recoveryKey, wrappedByRecovery string) (*recovered, error) {
	w, err := b64("wrapped_by_recovery", wrappedByRecovery)
	if err != nil {
		return nil, err
	}
	dk, err := crypt.Recover(recoveryKey, w)
	if err != nil {
		return nil, err
	}
	proof, err := crypt.RecoveryAuthKey(recoveryKey)
	if err != nil {
		return nil, err
	}
	return &recovered{dk[:], proof}, nil
}

// rekey is changePassword's answer: with the current auth_key, the body
// of PUT /account/keys.
type rekey struct {
	NewAuthKey []byte `json:"new_auth_key"`
	KDFSalt    []byte `json:"kdf_salt"`
	KDFParams  []byte `json:"kdf_params"`
	WrappedKey []byte `json:"wrapped_key"`
}

func changePassword(dataKey, newPassword string) (*rekey, error) {
	dk, err := key("data_key", dataKey)
	if err != nil {
		return nil, err
	}
	r, err := crypt.ChangePassword(dk, newPassword)
	if err != nil {
		return nil, err
	}
	return &rekey{NewAuthKey: r.AuthKey, KDFSalt: r.Salt, KDFParams: r.Params, WrappedKey: r.WrappedKey}, nil
}

// sealBlob and openBlob encrypt and decrypt a small blob (a name, tags,
// an edit document) for the account's content key.
func sealBlob(dataKey string, plain []byte) ([]byte, error) {
	dk, err := key("data_key", dataKey)
	if err != nil {
		return nil, err
	}
	return crypt.Seal(crypt.ContentKey(dk), plain)
}

func openBlob(dataKey string, sealed []byte) ([]byte, error) {
	dk, err := key("data_key", dataKey)
	if err != nil {
		return nil, err
	}
	return crypt.Open(crypt.ContentKey(dk), sealed)
}

func b64(name, s string) ([]byte, error) {
	if len(s) > 4096 {
		return nil, fmt.Errorf("%w: %s of %d characters", crypt.ErrMalformed, name, len(s))
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not base64: %v", crypt.ErrMalformed, name, err)
	}
	return b, nil
}

func key(name, s string) (crypt.Key, error) {
	var k crypt.Key
	b, err := b64(name, s)
	if err != nil {
		return k, err
	}
	if len(b) != len(k) {
		return k, fmt.Errorf("%w: %s of %d bytes (want %d)", crypt.ErrMalformed, name, len(b), len(k))
	}
	copy(k[:], b)
	return k, nil
}
