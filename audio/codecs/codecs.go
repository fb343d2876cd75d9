// Package codecs is the format registry: it lists every format the engine
// knows, opens any supported file by sniffing its first bytes, and finds a
// format by name, extension or MIME type. Adding a format is one package
// that exports a codec.Desc plus one line in All.
package codecs

import (
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/aiff"
	"offcut/audio/codec/mp3"
	"offcut/audio/codec/mp4"
	"offcut/audio/codec/wav"
)

// All lists the formats in the order their sniffers are tried: the most
// specific magic numbers first, MPEG audio (whose frame sync can appear by
// chance in other files) last.
var All = []*codec.Desc{
	&wav.Desc,
	&aiff.Desc,
	&mp4.Desc,
	&mp3.Desc,
}

// ErrUnknownFormat means the file is not audio in a format Offcut reads.
var ErrUnknownFormat = errors.New("not audio Offcut can read")

// Lookup finds a format by name, extension (with or without the dot, or a
// file name) or MIME type; nil when none matches.
func Lookup(key string) *codec.Desc {
	k := strings.ToLower(strings.TrimSpace(key))
	if i := strings.IndexByte(k, ';'); i >= 0 {
		k = strings.TrimSpace(k[:i])
	}
	if e := path.Ext(k); e != "" && !strings.Contains(k, "/") {
		k = e
	}
	k = strings.TrimPrefix(k, ".")
	for _, d := range All {
		if d.Name == k {
			return d
		}
	}
	for _, d := range All {
		for _, e := range d.Extensions {
			if e == k {
				return d
			}
		}
		for _, m := range d.MIME {
			if m == k {
				return d
			}
		}
	}
	return nil
}

// Sniff returns the format src appears to be in, or nil.
func Sniff(src audio.Source) (*codec.Desc, error) {
	head := make([]byte, min(codec.SniffLen, max(src.Size(), 0)))
	n, err := src.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("reading the first bytes: %w", err)
	}
	head = head[:n]
	for _, d := range All {
		if d.Open != nil && d.Sniff != nil && d.Sniff(head) {
			return d, nil
		}
	}
	return nil, nil
}

// Open sniffs src and opens it with the matching decoder.
func Open(src audio.Source) (audio.Decoder, error) {
	if src.Size() == 0 {
		return nil, fmt.Errorf("%w: the file is empty", ErrUnknownFormat)
	}
	d, err := Sniff(src)
	if err != nil {
		return nil, err
	}
	if d == nil {
		var head [12]byte
		n, _ := src.ReadAt(head[:], 0)
		return nil, fmt.Errorf("%w: unrecognised header % X", ErrUnknownFormat, head[:n])
	}
	dec, err := d.Open(src)
	if err != nil {
		if d == &mp3.Desc {
			// The loosest sniffer: a failed MP3 open most likely means the
			// file is not MPEG audio at all.
			return nil, fmt.Errorf("%w: %v", ErrUnknownFormat, err)
		}
		return nil, fmt.Errorf("%s: %w", d.Label, err)
	}
	return dec, nil
}
