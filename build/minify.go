package main

import (
	"bytes"
	"path"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
)

// minifier is shared; minify.M is safe for concurrent use.
var minifier = newMinifier()

// minifyTypes maps the extensions that are minified to the minifier's
// media type. Everything else (the .wasm above all) is copied as is.
var minifyTypes = map[string]string{
	".html":        "text/html",
	".htm":         "text/html",
	".css":         "text/css",
	".js":          "text/javascript",
	".mjs":         "text/javascript",
	".svg":         "image/svg+xml",
	".json":        "application/json",
	".webmanifest": "application/json",
}

func newMinifier() *minify.M {
	m := minify.New()
	m.Add("text/html", &html.Minifier{
		KeepDocumentTags:    true,
		KeepEndTags:         true,
		KeepQuotes:          true,
		KeepDefaultAttrVals: true,
		KeepSpecialComments: true,
	})
	m.Add("text/css", &css.Minifier{})
	// ES modules: the parser handles import/export and top-level names stay
	// as they are; only local names are shortened.
	m.Add("text/javascript", &js.Minifier{})
	m.Add("image/svg+xml", &svg.Minifier{})
	m.Add("application/json", &json.Minifier{})
	return m
}

// minifyAsset minifies data according to the extension of name.
func minifyAsset(name string, data []byte) ([]byte, error) {
	mt, ok := minifyTypes[path.Ext(name)]
	if !ok {
		return data, nil
	}
	var b bytes.Buffer
	b.Grow(len(data))
	if err := minifier.Minify(mt, &b, bytes.NewReader(data)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
