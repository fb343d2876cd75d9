package mp4

import (
	"offcut/audio"
	"offcut/audio/codec"
)

// Desc declares MP4 audio (M4A, M4B, M4R, and the audio track of MP4 and
// QuickTime video) to the registry.
var Desc = codec.Desc{
	Name:       "mp4",
	Label:      "MP4 / M4A",
	Extensions: []string{"m4a", "mp4", "m4b", "m4r", "m4v", "mov", "3gp"},
	MIME:       []string{"audio/mp4", "audio/x-m4a", "video/mp4", "video/quicktime", "audio/x-m4b"},
	Sniff:      Sniff,
	Open:       func(src audio.Source) (audio.Decoder, error) { return Open(src) },
}

// Sniff reports whether head starts with a box an MP4 or QuickTime file
// starts with (ftyp, or moov, mdat, free, skip or wide in old QuickTime
// files).
func Sniff(head []byte) bool {
	if len(head) < 8 {
		return false
	}
	switch string(head[4:8]) {
	case "ftyp":
		return true
	case "moov", "mdat", "free", "skip", "wide":
		// Old QuickTime files: a plausible box size.
		n := uint32(head[0])<<24 | uint32(head[1])<<16 | uint32(head[2])<<8 | uint32(head[3])
		return n == 1 || n >= 8
	}
	return false
}
