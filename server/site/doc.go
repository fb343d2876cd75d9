// Package site is Offcut's HTTP front: it serves the built web app (the
// output of go run ./build) from memory with precompressed variants, exact
// MIME types, immutable caching for content-hashed names and a strict
// Content-Security-Policy, answers /healthz, and hosts the (future)
// cloud-save API under /api/ behind an explicit CORS origin list.
//
// The server package main wires it to flags, a listener and signals; tests
// use New and Serve directly.
package site
