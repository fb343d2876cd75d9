// Package codec defines what a format package declares about itself to the
// registry (package codecs): its name, file extensions, MIME types, how to
// recognise it from its first bytes, how to open it for decoding and, where
// it writes, its writer and options.
//
// Each format package exports one Desc value; audio/codecs lists them. No
// other package switches on format names.
package codec

import (
	"errors"
	"strings"

	"offcut/audio"
)

// Sniff functions are first given the first SniffLen bytes of a file (or
// the whole file when shorter); when no format matches, the registry asks
// again with up to SniffMaxLen bytes (for MPEG audio after junk).
const (
	SniffLen    = 512
	SniffMaxLen = 64 << 10
)

// Errors shared by every format package, so callers (and the code that turns
// errors into plain words for people) can test for them with errors.Is.
var (
	// ErrUnsupported means a well-formed file uses a feature or codec this
	// package does not decode (e.g. ADPCM in WAV, AAC outside the browser).
	ErrUnsupported = errors.New("unsupported encoding")
	// ErrMalformed means the file's structure is broken or contradicts itself.
	ErrMalformed = errors.New("malformed file")
	// ErrNoAudio means the file is well formed but holds no audio frames.
	ErrNoAudio = errors.New("the file has no audio")
)

// Desc is a format package's declaration.
type Desc struct {
	// Name is the short identifier used in documents, the CLI and JS
	// ("wav", "mp3", "flac", ...).
	Name string
	// Label is the name people read ("WAV", "MP3", "FLAC", "Ogg Vorbis").
	Label string
	// Extensions are file extensions without the dot, canonical first.
	Extensions []string
	// MIME are media types, canonical first.
	MIME []string
	// Lossless is true when the format stores samples exactly.
	Lossless bool
	// Sniff reports whether head (the first SniffLen or SniffMaxLen bytes
	// of a file, or the whole file when shorter) looks like this format. It must be cheap
	// and must not panic on any input.
	Sniff func(head []byte) bool
	// Open opens src for decoding. Nil for write-only formats.
	Open func(src audio.Source) (audio.Decoder, error)
	// Write, if not nil, writes the format.
	Write *Writer
}

// Lossy reports whether samples stored with codecName (audio.Info.Codec)
// went through a lossy coder: anything but PCM and the lossless
// compressors. An empty name is not lossy.
func Lossy(codecName string) bool {
	c := strings.ToLower(codecName)
	switch {
	case c == "", strings.HasPrefix(c, "pcm"):
		return false
	}
	switch c {
	case "flac", "alac", "wavpack", "tta", "ape":
		return false
	}
	return true
}

// CodecLabel is a codec's name for people: "MP3", "AAC", "Opus",
// "Vorbis", "FLAC", "PCM".
func CodecLabel(codecName string) string {
	c := strings.ToLower(codecName)
	switch {
	case strings.HasPrefix(c, "pcm"):
		return "PCM"
	case c == "opus":
		return "Opus"
	case c == "vorbis":
		return "Vorbis"
	}
	return strings.ToUpper(c)
}
