package mp3

import (
	"offcut/audio"
	"offcut/audio/codec"
)

// Desc declares MPEG audio (MP3, and layers I and II) to the registry. Its
// sniffer is the loosest of all (a frame sync anywhere in the first bytes),
// so the registry tries it last; Open then insists on a run of consistent
// frame headers.
var Desc = codec.Desc{
	Name:       "mp3",
	Label:      "MP3",
	Extensions: []string{"mp3", "mp2", "mp1", "mpga"},
	MIME:       []string{"audio/mpeg", "audio/mp3", "audio/x-mpeg"},
	Sniff:      Sniff,
	Open:       func(src audio.Source) (audio.Decoder, error) { return Open(src) },
}

// Sniff reports whether head starts with an ID3v2 tag or holds an MPEG
// audio frame sync.
func Sniff(head []byte) bool {
	if len(head) >= 3 && string(head[:3]) == "ID3" {
		return true
	}
	for i := 0; i+1 < len(head); i++ {
		if head[i] == 0xFF && head[i+1]&0xE0 == 0xE0 {
			return true
		}
	}
	return false
}
