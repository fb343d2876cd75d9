package aiff

import (
	"offcut/audio/codec"
)

// Desc declares AIFF and AIFF-C to the registry.
var Desc = codec.Desc{
	Name:       "aiff",
	Label:      "AIFF",
	Extensions: []string{"aiff", "aif", "aifc"},
	MIME:       []string{"audio/aiff", "audio/x-aiff"},
	Lossless:   true,
	Sniff:      Sniff,
	Open:       OpenDecoder,
	Write:      &writer,
}

// Sniff reports whether head starts a FORM AIFF or AIFC file.
func Sniff(head []byte) bool {
	if len(head) < 12 || string(head[:4]) != "FORM" {
		return false
	}
	t := string(head[8:12])
	return t == "AIFF" || t == "AIFC"
}
