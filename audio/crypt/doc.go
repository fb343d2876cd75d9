// Package crypt is the client side of Offcut's end-to-end encrypted cloud
// save (issue 11): the server stores ciphertext and opaque key blobs only.
//
// Keys (keys.go): Argon2id (RFC 9106; 64 MiB, t=3, p=1 by default) over the
// password and a random per-account salt gives a master key; HKDF-SHA256
// (RFC 5869) splits it into the auth key, which the browser sends to the
// server as its login secret (docs/api.md: auth_key), and a key-encryption
// key that wraps the account's random 32-byte data key with
// XChaCha20-Poly1305 (a versioned blob: wrapped_key). A recovery key,
// random and shown once, wraps a second copy of the data key. A password
// change re-wraps the same data key; nothing is re-encrypted.
//
// Recovery (docs/api.md): the server keeps WrappedByRecovery, handed to
// anyone who asks by e-mail (GET /recovery, with a stable fake of the
// same size for unknown e-mails), and the Argon2id of RecoveryAuthKey; a
// browser that holds the recovery key unwraps the data key (Recover),
// proves the key (POST /recover with RecoveryAuthKey) and sets a new
// password's keys (ChangePassword).
//
// Content (content.go): the age format, https://age-encryption.org/v1,
// through filippo.io/age. Every object gets a fresh random age file key,
// wrapped in the age header by an "offcut-key" stanza for a 32-byte
// symmetric key (normally a subkey of the data key). The payload is age's
// STREAM: ChaCha20-Poly1305 over 64 KiB chunks, so [OpenReaderAt] reads a
// byte range of plaintext by reading only the chunks that hold it.
//
// Resumable uploads (resume.go): [Resumable] fixes an encryption's file
// key and STREAM nonce and computes age's payload itself (the spec's
// "Payload" section), so the same plaintext encrypts to the same bytes on
// every run and an upload interrupted by a reload goes on with the chunks
// the server does not have; the state is sealed for the key and kept by
// the browser until the upload completes.
//
// Shares (share.go): a share link carries the object's own age file key in
// its URL fragment (#k=…), which never reaches the server; the object is
// read with that key alone, without re-encryption and without any key of
// the account.
package crypt
