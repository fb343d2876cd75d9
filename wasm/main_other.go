//go:build !(js && wasm)

package main

// Natively the engine adapter only says where it runs and exits, so that
// `go build ./...` and the native tests of its pure-Go half work.

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "offcut wasm: this program runs in a browser; build it with GOOS=js GOARCH=wasm go build ./wasm")
	os.Exit(2)
}
