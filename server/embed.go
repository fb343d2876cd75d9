//go:build embed

package main

import (
	"embed"
	"io/fs"
)

// dist is the built app, copied here before a release build:
//
//	go run ./build && rm -rf server/dist && cp -r build/dist server/dist
//	go build -tags embed -trimpath -o offcut-server ./server
//
// server/dist must not be committed.
//
//go:embed all:dist
var dist embed.FS

func embeddedDist() (fs.FS, bool) {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // cannot happen: "dist" is a valid path
	}
	return sub, true
}
