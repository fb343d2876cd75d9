// Command wasmfixture stands in for the engine adapter in the build tests.
package main

import "fmt"

func main() { fmt.Println("offcut wasm fixture") }
