package id3

import (
	"sort"
	"strings"
)

// textIDs maps the engine's lower-case tag keys to ID3v2.4 text frames (the
// inverse of Fields, plus a few frames Fields does not read).
var textIDs = map[string]string{
	"title": "TIT2", "artist": "TPE1", "album": "TALB", "albumartist": "TPE2", "track": "TRCK",
	"disc": "TPOS", "genre": "TCON", "composer": "TCOM", "encodedby": "TENC", "year": "TDRC",
	"copyright": "TCOP",
}

// MaxTextValue bounds a value TagFromFields writes; longer values are left
// out (no reader shows them, and they would swell every copy of the file).
const MaxTextValue = 1 << 20

// TagFromFields returns a new ID3v2.4 tag holding fields (keys as Fields
// returns them; others become TXXX frames named by their key, "comment" a
// COMM frame) and pictures, in that order. NUL bytes, which ID3 reads as
// value separators, are removed; empty and over-long values are left out.
func TagFromFields(fields map[string]string, pictures []Picture) *Tag {
	t := &Tag{Version: 4}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := strings.ReplaceAll(fields[k], "\x00", "")
		if v == "" || len(v) > MaxTextValue {
			continue
		}
		switch id, ok := textIDs[k]; {
		case ok:
			t.Frames = append(t.Frames, Frame{ID: id, Data: t.encodeText(v)})
		case k == "comment":
			// Encoding, language ("XXX": unknown), empty description, text.
			d := append([]byte{3}, "XXX"...)
			d = append(d, 0)
			t.Frames = append(t.Frames, Frame{ID: "COMM", Data: append(d, v...)})
		default:
			name := strings.ReplaceAll(k, "\x00", "")
			if name == "" || len(name) > 256 {
				continue
			}
			d := append([]byte{3}, name...)
			d = append(d, 0)
			t.Frames = append(t.Frames, Frame{ID: "TXXX", Data: append(d, v...)})
		}
	}
	for _, p := range pictures {
		if len(p.Data) == 0 {
			continue
		}
		p.Description = strings.ReplaceAll(p.Description, "\x00", "")
		p.MIME = strings.ReplaceAll(p.MIME, "\x00", "")
		t.Frames = append(t.Frames, Frame{ID: "APIC", Data: t.encodePicture(p)})
	}
	return t
}
