package flac

import (
	"offcut/audio"
	"offcut/audio/codec"
)

// Desc declares FLAC to the registry.
var Desc = codec.Desc{
	Name:       "flac",
	Label:      "FLAC",
	Extensions: []string{"flac", "fla"},
	MIME:       []string{"audio/flac", "audio/x-flac"},
	Lossless:   true,
	Sniff:      Sniff,
	Open:       func(src audio.Source) (audio.Decoder, error) { return Open(src) },
	Write:      &writer,
}

// Sniff reports whether head starts with the "fLaC" marker, possibly after
// an ID3v2 tag.
func Sniff(head []byte) bool {
	off := id3Size(head)
	return len(head) >= off+4 && string(head[off:off+4]) == "fLaC"
}

// id3Size returns the size of the ID3v2 tag that b starts with (header,
// body and footer), or 0.
func id3Size(b []byte) int {
	if len(b) < 10 || string(b[:3]) != "ID3" || b[3] == 0xFF || b[4] == 0xFF {
		return 0
	}
	n := 0
	for _, c := range b[6:10] {
		if c&0x80 != 0 {
			return 0
		}
		n = n<<7 | int(c)
	}
	n += 10
	if b[5]&0x10 != 0 {
		n += 10
	}
	return n
}
