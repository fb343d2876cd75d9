//go:build !unix

package main

// umask is 022 where there is no umask to ask.
func umask() uint32 { return 0o022 }
