package mp3

import (
	"errors"
	"fmt"

	"offcut/audio"
	"offcut/audio/codec/id3"
)

// maxTagRead bounds the ID3v2 tag Open reads for metadata: a larger tag
// (big cover art) is skipped, not loaded.
const maxTagRead = 4 << 20

// readTags returns the text metadata of the ID3v2 tag at the start of src
// (if it is at most maxTagRead bytes) and of an ID3v1 tag at its end;
// ID3v2 values win.
func readTags(src audio.Source) (map[string]string, []audio.Picture, []string) {
	var (
		pics []audio.Picture
		tags map[string]string
		warn []string
		h    [id3.HeaderSize]byte
		size = src.Size()
	)
	if audio.ReadAtFull(src, h[:], 0) == nil {
		n, err := id3.V2Size(h[:])
		switch {
		case errors.Is(err, id3.ErrNoTag):
		case err != nil:
			warn = append(warn, fmt.Sprintf("ID3v2 tag: %v", err))
		case n > maxTagRead:
			warn = append(warn, fmt.Sprintf("ID3v2 tag of %d bytes not read for metadata (limit %d)", n, maxTagRead))
		default:
			if t, err := id3.ReadV2(src, 0, size); err == nil {
				tags = t.Fields()
				pics = t.AudioPictures()
			} else {
				warn = append(warn, fmt.Sprintf("ID3v2 tag: %v", err))
			}
		}
	}
	if tail, err := id3.ReadTail(src, size); err == nil && tail.V1 != nil {
		for k, v := range tail.V1.Fields() {
			if tags == nil {
				tags = map[string]string{}
			}
			if tags[k] == "" {
				tags[k] = v
			}
		}
	}
	if len(tags) == 0 {
		tags = nil
	}
	return tags, pics, warn
}
