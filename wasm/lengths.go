package main

import (
	"bytes"
	"encoding/json"
	"fmt"

	"offcut/audio"
	"offcut/audio/project"
)

// maxInfosBytes bounds the sources' descriptions layOut reads: a
// description is a few hundred bytes; tags and pictures are not needed
// and the page leaves them out.
const maxInfosBytes = 1 << 20

// layOut lays the document out over its sources' descriptions (the
// probe's answers, tags and pictures left out), without reading a file:
// the editor's instant answer for the result's length and the rate its
// fades and crossfades count in.
func layOut(doc, infos []byte) (*project.Lengths, error) {
	d, err := parseDoc(doc)
	if err != nil {
		return nil, err
	}
	if len(infos) > maxInfosBytes {
		return nil, fmt.Errorf("the sources' descriptions are %d bytes, the limit is %d", len(infos), maxInfosBytes)
	}
	var in []audio.Info
	dec := json.NewDecoder(bytes.NewReader(infos))
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("the sources' descriptions: %w", err)
	}
	return project.LayOut(d, in)
}
