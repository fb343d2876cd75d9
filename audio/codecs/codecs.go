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
	"offcut/audio/codec/flac"
	"offcut/audio/codec/mkv"
	"offcut/audio/codec/mp3format"
	"offcut/audio/codec/mp4"
	"offcut/audio/codec/opus"
	"offcut/audio/codec/vorbis"
	"offcut/audio/codec/wav"
)

// All lists the formats in the order their sniffers are tried: the most
// specific magic numbers first, MPEG audio (whose frame sync can appear by
// chance in other files) last.
var All = []*codec.Desc{
	&wav.Desc,
	&aiff.Desc,
	&flac.Desc,
	&vorbis.Desc,
	&opus.Desc,
	&mkv.Desc,
	&mp4.RingtoneDesc, // write-only: M4A with a ringtone's limit, named .m4r
	&mp4.Desc,
	&mp3format.Desc,
}

// WriterNames lists the names of the formats Offcut writes.
func WriterNames() []string {
	var names []string
	for _, d := range All {
		if d.Write != nil {
			names = append(names, d.Name)
		}
	}
	return names
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

// Sniff returns the format src appears to be in, or nil. A leading ID3v2
// tag (which some tools put before FLAC, and which may hold megabytes of
// cover art) is looked past: the bytes after it are sniffed too, by every
// format but MPEG audio, whose own files start with such tags.
func Sniff(src audio.Source) (*codec.Desc, error) {
	var after []byte
	for _, n := range []int64{codec.SniffLen, codec.SniffMaxLen} {
		head, err := readHead(src, 0, n)
		if err != nil {
			return nil, err
		}
		if after == nil {
			if tag := id3v2Size(head); tag > 0 && tag < src.Size() {
				if after, err = readHead(src, tag, codec.SniffLen); err != nil {
					return nil, err
				}
			}
		}
		for _, d := range All {
			if d.Open == nil || d.Sniff == nil {
				continue
			}
			if d.Sniff(head) || len(after) > 0 && d.Name != "mp3" && d.Sniff(after) {
				return d, nil
			}
		}
		if int64(len(head)) < n {
			break // the whole file was seen
		}
	}
	return nil, nil
}

// readHead reads up to n bytes at off.
func readHead(src audio.Source, off, n int64) ([]byte, error) {
	head := make([]byte, max(min(n, src.Size()-off), 0))
	k, err := src.ReadAt(head, off)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("reading the first bytes: %w", err)
	}
	return head[:k], nil
}

// id3v2Size is the size of the ID3v2 tag b starts with (header, body,
// footer), or 0.
func id3v2Size(b []byte) int64 {
	if len(b) < 10 || string(b[:3]) != "ID3" || b[3] == 0xFF || b[4] == 0xFF {
		return 0
	}
	var n int64
	for _, c := range b[6:10] {
		if c&0x80 != 0 {
			return 0
		}
		n = n<<7 | int64(c)
	}
	n += 10
	if b[5]&0x10 != 0 {
		n += 10
	}
	return n
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
		if d.Name == "mp3" {
			// The loosest sniffer: a failed MP3 open most likely means the
			// file is not MPEG audio at all.
			return nil, fmt.Errorf("%w: %v", ErrUnknownFormat, err)
		}
		return nil, fmt.Errorf("%s: %w", d.Label, err)
	}
	return dec, nil
}

// FormatInfo is what the registry tells the CLI and the app about a format.
type FormatInfo struct {
	Name       string   `json:"name"`
	Label      string   `json:"label"`
	Extensions []string `json:"extensions"`
	MIME       []string `json:"mime"`
	Lossless   bool     `json:"lossless"`
	Reads      bool     `json:"reads"`
	Writes     bool     `json:"writes"`
	// For writers: what they store and their settings.
	SampleFormats []string       `json:"sampleFormats,omitempty"`
	Rates         []int          `json:"rates,omitempty"`
	MaxChannels   int            `json:"maxChannels,omitempty"`
	Tags          bool           `json:"tags,omitempty"`
	SourcesOnly   bool           `json:"sourcesOnly,omitempty"`
	Options       []codec.Option `json:"options,omitempty"`
	// MaxSeconds is the longest output it writes (an M4R ringtone: 40);
	// 0 for any length.
	MaxSeconds int `json:"maxSeconds,omitempty"`
}

// List describes every format, in registry order.
func List() []FormatInfo {
	out := make([]FormatInfo, 0, len(All))
	for _, d := range All {
		f := FormatInfo{Name: d.Name, Label: d.Label, Extensions: d.Extensions, MIME: d.MIME,
			Lossless: d.Lossless, Reads: d.Open != nil, Writes: d.Write != nil}
		if w := d.Write; w != nil {
			f.SampleFormats, f.Rates, f.MaxChannels, f.Tags, f.Options, f.SourcesOnly, f.MaxSeconds = w.SampleFormats, w.Rates, w.MaxChannels, w.Tags, w.Options, w.SourcesOnly, w.MaxSeconds
			if f.MaxChannels == 0 {
				f.MaxChannels = audio.MaxChannels
			}
		}
		out = append(out, f)
	}
	return out
}
