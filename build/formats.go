package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"

	"offcut/audio/codecs"
)

// The formats Offcut opens are the engine's registry's: the file input's
// accept list, the web manifest's file handlers and its share target are
// written from it at build time, so "Open with" is offered for exactly the
// files the engine reads.

// readableTypes returns the readable formats' MIME types mapped to their
// extensions (with dots), and every extension.
func readableTypes() (map[string][]string, []string) {
	byMIME := map[string][]string{}
	var exts []string
	for _, f := range codecs.List() {
		if !f.Reads {
			continue
		}
		var dotted []string
		for _, e := range f.Extensions {
			dotted = append(dotted, "."+e)
			if !slices.Contains(exts, "."+e) {
				exts = append(exts, "."+e)
			}
		}
		for _, m := range f.MIME {
			for _, e := range dotted {
				if !slices.Contains(byMIME[m], e) {
					byMIME[m] = append(byMIME[m], e)
				}
			}
		}
	}
	return byMIME, exts
}

var acceptAttr = regexp.MustCompile(`(<input[^>]*id="file-input"[^>]*\saccept=")[^"]*(")`)

// applyFormats rewrites index.html's file input accept list and the web
// manifest's file handlers and share target from the registry.
func applyFormats(assets map[string]*asset) error {
	byMIME, exts := readableTypes()
	if a, ok := assets["index.html"]; ok {
		list := "audio/*"
		for _, e := range exts {
			list += "," + e
		}
		a.data = acceptAttr.ReplaceAll(a.data, []byte("${1}"+list+"${2}"))
	}
	if a, ok := assets["manifest.webmanifest"]; ok {
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(a.data))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			return fmt.Errorf("manifest.webmanifest: %w", err)
		}
		fh, _ := m["file_handlers"].([]any)
		for _, h := range fh {
			if h, ok := h.(map[string]any); ok {
				h["accept"] = byMIME
			}
		}
		if st, ok := m["share_target"].(map[string]any); ok {
			if params, ok := st["params"].(map[string]any); ok {
				if files, ok := params["files"].([]any); ok {
					for _, f := range files {
						if f, ok := f.(map[string]any); ok {
							f["accept"] = append([]string{"audio/*"}, exts...)
						}
					}
				}
			}
		}
		out, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return err
		}
		a.data = append(out, '\n')
	}
	return nil
}
