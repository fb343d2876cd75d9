//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"

	"offcut/audio/crypt"
)

// installCrypt adds the cloud key functions to the engine object. Each
// returns a Promise like the other jobs; byte fields in and out of the
// JSON answers are standard base64 strings, blobs are Uint8Arrays:
//
//	deriveAccount(password)                       -> JSON of accountKeys
//	login(password, kdf_salt, kdf_params)          -> JSON {auth_key, kek}
//	unwrapKey(kek, wrapped_key)                    -> JSON {data_key}
//	recoverKey(recovery_key, wrapped_by_recovery)  -> JSON {data_key, recovery_proof}
//	changePassword(data_key, new_password)         -> JSON {new_auth_key, kdf_salt, kdf_params, wrapped_key}
//	encrypt(data_key, u8)                          -> Uint8Array (age, for the account)
//	decrypt(data_key, u8)                          -> Uint8Array
func installCrypt(api js.Value) {
	api.Set("deriveAccount", handler("deriveAccount", func(a []js.Value) (any, error) {
		return jsonOf(deriveAccount(str(a, 0)))
	}))
	api.Set("login", handler("login", func(a []js.Value) (any, error) {
		return jsonOf(login(str(a, 0), str(a, 1), str(a, 2)))
	}))
	api.Set("unwrapKey", handler("unwrapKey", func(a []js.Value) (any, error) {
		return jsonOf(unwrapKey(str(a, 0), str(a, 1)))
	}))
	api.Set("recoverKey", handler("recoverKey", func(a []js.Value) (any, error) {
		return jsonOf(recoverKey(str(a, 0), str(a, 1)))
	}))
	api.Set("changePassword", handler("changePassword", func(a []js.Value) (any, error) {
		return jsonOf(changePassword(str(a, 0), str(a, 1)))
	}))
	api.Set("encrypt", handler("encrypt", func(a []js.Value) (any, error) {
		b, err := u8(a, 1)
		if err != nil {
			return nil, err
		}
		return bytesOf(sealBlob(str(a, 0), b))
	}))
	api.Set("decrypt", handler("decrypt", func(a []js.Value) (any, error) {
		b, err := u8(a, 1)
		if err != nil {
			return nil, err
		}
		return bytesOf(openBlob(str(a, 0), b))
	}))
}

func str(a []js.Value, i int) string {
	if v := arg(a, i); v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}

// u8 copies a Uint8Array argument of at most a sealed blob's bound (and
// its overhead) into Go.
func u8(a []js.Value, i int) ([]byte, error) {
	v := arg(a, i)
	if v.Type() != js.TypeObject || !v.InstanceOf(jsUint8Array) {
		return nil, fmt.Errorf("%w: argument %d is not a Uint8Array", crypt.ErrMalformed, i+1)
	}
	n := v.Get("length").Int()
	if n > crypt.MaxSealed+1<<20 {
		return nil, fmt.Errorf("%w: a blob of %d bytes (at most %d)", crypt.ErrTooLarge, n, crypt.MaxSealed)
	}
	b := make([]byte, n)
	js.CopyBytesToGo(b, v)
	return b, nil
}

func jsonOf[T any](v T, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return toJSON(v)
}

func bytesOf(b []byte, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return bytesToJS(b), nil
}
