//go:build !embed

package main

import "io/fs"

// embeddedDist reports that this binary carries no copy of the app; build
// with -tags embed for one (see embed.go).
func embeddedDist() (fs.FS, bool) { return nil, false }
