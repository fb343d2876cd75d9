package vorbis

import (
	"fmt"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/internal/packet"
	"offcut/audio/codec/ogg"
)

// Desc declares Ogg Vorbis to the registry.
var Desc = codec.Desc{
	Name:       "vorbis",
	Label:      "Ogg Vorbis",
	Extensions: []string{"ogg", "oga"},
	MIME:       []string{"audio/ogg", "audio/vorbis", "application/ogg"},
	Sniff:      Sniff,
	Open:       func(src audio.Source) (audio.Decoder, error) { return Open(src) },
	Write:      &writer,
}

// Sniff reports whether head starts an Ogg file whose first audio stream
// is Vorbis.
func Sniff(head []byte) bool { return ogg.SniffCodec(head) == "vorbis" }

// Decoder is an opened Ogg Vorbis file.
type Decoder struct {
	t    *ogg.Track
	info audio.Info
}

// Open reads the headers of the first Vorbis stream of an Ogg file, the
// first audio page and the last page.
func Open(src audio.Source) (*Decoder, error) {
	t, err := ogg.Open(src, func(b []byte) bool { return len(b) >= 7 && string(b[:7]) == "\x01vorbis" }, 3)
	if err != nil {
		return nil, err
	}
	id, err := ParseID(t.Headers[0])
	if err != nil {
		return nil, err
	}
	f := audio.Format{Rate: id.Rate, Channels: id.Channels, Bits: 32, Float: true}
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("vorbis: %w: %w", err, codec.ErrUnsupported)
	}
	if h := t.Headers[1]; len(h) < 7 || string(h[:7]) != "\x03vorbis" {
		return nil, fmt.Errorf("vorbis: second header is not the comment header: %w", codec.ErrMalformed)
	}
	if _, err := NewPackets(t.Headers[0], t.Headers[2]); err != nil {
		return nil, err
	}
	t.New = func() (packet.Decoder, error) { return NewPackets(t.Headers[0], t.Headers[2]) }
	t.Seekable = true
	if err := t.Scan(); err != nil {
		return nil, err
	}
	d := &Decoder{t: t, info: audio.Info{Container: "ogg", Codec: "vorbis", Format: audio.Format{Rate: f.Rate, Channels: f.Channels, Bits: 16}, Frames: t.Frames}}
	ogg.ApplyComments(&d.info, t.Headers[1][7:])
	return d, nil
}

// Info describes the file.
func (d *Decoder) Info() audio.Info { return d.info }

// Stream decodes frames [from, to).
func (d *Decoder) Stream(from, to int64) (audio.Stream, error) { return d.t.Stream(from, to) }
