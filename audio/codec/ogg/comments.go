package ogg

import (
	"fmt"

	"offcut/audio"
	"offcut/audio/codec/vorbiscomment"
)

// ApplyComments puts a Vorbis comment block (without its codec prefix) into
// info: tags, and pictures from METADATA_BLOCK_PICTURE. A malformed block
// becomes a warning: the audio is still there.
func ApplyComments(info *audio.Info, block []byte) {
	c, err := vorbiscomment.Parse(block)
	if err != nil {
		info.Warnings = append(info.Warnings, fmt.Sprintf("the tags could not be read: %v", err))
		return
	}
	if tags := c.Tags(); len(tags) > 0 {
		info.Tags = tags
	}
	for _, p := range c.Pictures() {
		pic := audio.Picture{MIME: p.MIME, Type: int(p.Type), Description: p.Description, Size: int64(len(p.Data))}
		if len(p.Data) <= audio.MaxPictureBytes {
			pic.Data = p.Data
		}
		info.Pictures = append(info.Pictures, pic)
	}
}
