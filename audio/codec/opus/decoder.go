package opus

import (
	"fmt"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/internal/packet"
	"offcut/audio/codec/ogg"
)

// Desc declares Opus (in Ogg) to the registry.
var Desc = codec.Desc{
	Name:       "opus",
	Label:      "Opus",
	Extensions: []string{"opus"},
	MIME:       []string{"audio/opus"},
	Sniff:      Sniff,
	Open:       func(src audio.Source) (audio.Decoder, error) { return Open(src) },
	Write:      &writer,
}

// Sniff reports whether head starts an Ogg file whose first audio stream
// is Opus.
func Sniff(head []byte) bool { return ogg.SniffCodec(head) == "opus" }

// Decoder is an opened Ogg Opus file.
type Decoder struct {
	t    *ogg.Track
	head Head
	info audio.Info
}

// Open reads the headers of the first Opus stream of an Ogg file, the
// first audio page and the last page.
func Open(src audio.Source) (*Decoder, error) {
	t, err := ogg.Open(src, func(b []byte) bool { return len(b) >= 8 && string(b[:8]) == "OpusHead" }, 2)
	if err != nil {
		return nil, err
	}
	h, err := ParseHead(t.Headers[0])
	if err != nil {
		return nil, err
	}
	tags := t.Headers[1]
	if len(tags) < 8 || string(tags[:8]) != "OpusTags" {
		return nil, fmt.Errorf("opus: second header is not OpusTags: %w", codec.ErrMalformed)
	}
	if _, err := NewPackets(h); err != nil {
		return nil, err
	}
	t.New = func() (packet.Decoder, error) { return NewPackets(h) }
	t.Skip = int64(h.PreSkip)
	if err := t.Scan(); err != nil {
		return nil, err
	}
	d := &Decoder{t: t, head: h, info: audio.Info{
		Container: "opus", // the registry name, so "same as source" writes Opus (Vorbis is "ogg")
		Codec:     "opus",
		Format:    audio.Format{Rate: Rate, Channels: h.Channels, Bits: 16},
		Frames:    t.Frames,
	}}
	ogg.ApplyComments(&d.info, tags[8:])
	return d, nil
}

// Info describes the file.
func (d *Decoder) Info() audio.Info { return d.info }

// Head is the stream's OpusHead.
func (d *Decoder) Head() Head { return d.head }

// Stream decodes frames [from, to).
func (d *Decoder) Stream(from, to int64) (audio.Stream, error) { return d.t.Stream(from, to) }
