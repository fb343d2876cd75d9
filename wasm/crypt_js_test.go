//go:build js && wasm

package main

import (
	"encoding/json"
	"syscall/js"
	"testing"
)

// TestCryptJS calls the functions as the worker does, through Promises.
func TestCryptJS(t *testing.T) {
	api := jsObject.New()
	installCrypt(api)
	v, err := await(api.Call("deriveAccount", "pw pw pw"))
	if err != nil {
		t.Fatal(err)
	}
	var a accountKeys
	if err := json.Unmarshal([]byte(v.String()), &a); err != nil {
		t.Fatal(err)
	}
	v, err = await(api.Call("login", "pw pw pw", b64s(a.KDFSalt), b64s(a.KDFParams)))
	if err != nil {
		t.Fatal(err)
	}
	var l loginKeys
	json.Unmarshal([]byte(v.String()), &l)
	v, err = await(api.Call("unwrapKey", b64s(l.KEK), b64s(a.WrappedKey)))
	if err != nil {
		t.Fatal(err)
	}
	var dk dataKey
	json.Unmarshal([]byte(v.String()), &dk)
	key := b64s(dk.DataKey)
	sealed, err := await(api.Call("encrypt", key, bytesToJS([]byte("tags"))))
	if err != nil || !sealed.InstanceOf(jsUint8Array) {
		t.Fatalf("encrypt: %v, %v", sealed, err)
	}
	plain, err := await(api.Call("decrypt", key, sealed))
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, plain.Length())
	js.CopyBytesToGo(b, plain)
	if string(b) != "tags" {
		t.Fatalf("decrypt: %q", b)
	}
	if r := rejected(t, api.Call("decrypt", b64s(a.DataKey[:31]), sealed)); r.Get("code").String() != codeBadCiphertext {
		t.Errorf("short key: %v", r.Get("code"))
	}
	if r := rejected(t, api.Call("decrypt", key, "not bytes")); r.Get("code").String() != codeBadCiphertext {
		t.Errorf("a string as blob: %v", r.Get("code"))
	}
	other, _ := deriveAccount("x")
	if r := rejected(t, api.Call("decrypt", b64s(other.DataKey), sealed)); r.Get("code").String() != codeWrongKey {
		t.Errorf("another account's key: %v", r.Get("code"))
	}
}
