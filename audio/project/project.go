package project

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codecs"
)

// Version is the document version this package reads and writes.
const Version = 1

// Limits on documents, so that a hostile document cannot exhaust memory.
const (
	MaxDocumentBytes = 8 << 20
	MaxClips         = 10000
	MaxSources       = 1000
	// MaxFrames bounds positions and lengths: 2^40 frames is over 260 days
	// at 48 kHz.
	MaxFrames = 1 << 40
)

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("invalid project")

// Document is an edit: clips of sources played in order, joined as the joins
// say, written in the output format.
type Document struct {
	// Version must be 1.
	Version int `json:"version"`
	// Sources optionally names the inputs, by index (for the CLI: paths
	// relative to the document; in the browser: file names).
	Sources []Source `json:"sources,omitempty"`
	// Clips are the pieces of the output, in order.
	Clips []Clip `json:"clips"`
	// Joins has one entry per junction (len(Clips)-1), or is empty for
	// plain butt joins everywhere.
	Joins []Join `json:"joins,omitempty"`
	// Output says what to write.
	Output Output `json:"output"`
}

// Source names one input of a document.
type Source struct {
	// Name is a path (CLI, relative to the document) or a file name.
	Name string `json:"name"`
	// Size, if set, is the input's size in bytes, checked when rendering.
	Size int64 `json:"size,omitempty"`
}

// Clip is frames [In, Out) of source Source, with gain and fades.
type Clip struct {
	Source int   `json:"source"`
	In     int64 `json:"in"`
	Out    int64 `json:"out"`
	// Gain in dB applied to the whole clip.
	Gain float64 `json:"gain,omitempty"`
	// FadeIn and FadeOut, lengths in output frames or milliseconds.
	FadeIn  *Fade `json:"fadeIn,omitempty"`
	FadeOut *Fade `json:"fadeOut,omitempty"`
}

// Fade is a gain ramp of Length output frames, or of Ms milliseconds,
// shaped by Curve. A fade in milliseconds lasts Frames(Ms, rate) frames at
// the output's rate, and at most its clip (a fade in frames longer than its
// clip is an error); a document gives one of the two.
type Fade struct {
	Length int64   `json:"length,omitempty"`
	Ms     float64 `json:"ms,omitempty"`
	Curve  Curve   `json:"curve,omitempty"`
}

// Join kinds.
const (
	JoinNone      = "none"
	JoinGap       = "gap"
	JoinCrossfade = "crossfade"
)

// Join says how two neighbouring clips meet: directly ("none"), with Length
// frames of silence between them ("gap"), or overlapping by Length frames
// with the first fading out and the second fading in ("crossfade"). Ms
// gives the length in milliseconds instead (Frames(Ms, rate) frames at the
// output's rate); a document gives one of the two.
type Join struct {
	Type   string  `json:"type"`
	Length int64   `json:"length,omitempty"`
	Ms     float64 `json:"ms,omitempty"`
	Curve  Curve   `json:"curve,omitempty"`
}

// MaxMs bounds a length in milliseconds: about 115 days.
const MaxMs = 1e10

// Frames is a length of ms milliseconds in frames at rate Hz, the nearest
// whole frame (halves round up): how a document's milliseconds become the
// output's frames, in the CLI and the app alike.
func Frames(ms float64, rate int) int64 {
	return int64(math.Floor(ms*float64(rate)/1000 + 0.5))
}

// checkMs checks a length in milliseconds and that a length in frames is
// not given beside it.
func checkMs(p string, ms float64, length int64) error {
	if math.IsNaN(ms) || ms < 0 || ms > MaxMs {
		return invalid("%s.ms %v is out of range (0 to %g)", p, ms, float64(MaxMs))
	}
	if ms > 0 && length != 0 {
		return invalid("%s gives both length (%d frames) and ms (%v): give one", p, length, ms)
	}
	return nil
}

// Output describes the output file. A zero SampleRate, Channels or
// SampleFormat means the best of the sources' (SourcesFormat).
type Output struct {
	// Container is the output format's name in the registry ("wav",
	// "mp3", ...; offcut formats lists them). Empty means the first
	// source's format when it can carry the edit, else WAV.
	Container string `json:"container,omitempty"`
	// SampleRate in Hz.
	SampleRate int `json:"sampleRate,omitempty"`
	// Channels is the channel count.
	Channels int `json:"channels,omitempty"`
	// SampleFormat is one of u8, s16, s24, s32, f32, f64.
	SampleFormat string `json:"sampleFormat,omitempty"`
	// Normalize, if set, scales the whole output so its peak is at this
	// level in dBFS (e.g. -1).
	Normalize *float64 `json:"normalize,omitempty"`
	// Dither, if set, forces TPDF dither on or off; by default it is on
	// when the output has fewer integer bits than a source.
	Dither *bool `json:"dither,omitempty"`
	// Tags, if set, replaces these tags of the output (formats whose writer
	// writes tags: MP3, FLAC; other tags of the first source are kept).
	Tags *Tags `json:"tags,omitempty"`
	// Options are the output format's settings by name (bitrate, quality,
	// ...), as that format's writer declares them (offcut formats).
	Options map[string]string `json:"options,omitempty"`
}

// Tags are the tags an export may set; nil fields stay as the source has
// them, "" removes one.
type Tags struct {
	Title  *string `json:"title,omitempty"`
	Artist *string `json:"artist,omitempty"`
	Album  *string `json:"album,omitempty"`
	Year   *string `json:"year,omitempty"`
	Track  *string `json:"track,omitempty"`
	// Cover, if set, replaces the front cover (empty data removes it).
	Cover *Picture `json:"cover,omitempty"`
}

// Picture is an image in a document: a JPEG or PNG, base64 in JSON.
type Picture struct {
	// MIME is the type the document gives the image. What is written is
	// the type of the data itself (Type), so a JPEG named as a PNG is
	// stored as the JPEG it is.
	MIME string `json:"mime"`
	Data []byte `json:"data"`
}

// Type is the image's media type by its bytes: "image/jpeg" or
// "image/png", or "" for anything else.
func (p *Picture) Type() string { return sniffImage(p.Data) }

// CoverError is the ErrInvalid of a document's cover that Offcut does not
// store: larger than MaxCoverBytes, or not a JPEG or PNG image.
type CoverError struct {
	// Size is the image's size in bytes.
	Size int
	// MIME is the type the document gives it.
	MIME string
}

// TooLarge is true when the image is over MaxCoverBytes (else it is not a
// JPEG or PNG).
func (e *CoverError) TooLarge() bool { return e.Size > MaxCoverBytes }

func (e *CoverError) Error() string {
	if e.TooLarge() {
		return fmt.Sprintf("%v: output.tags.cover is %d bytes, the limit is %d", ErrInvalid, e.Size, MaxCoverBytes)
	}
	return fmt.Sprintf("%v: output.tags.cover must be a JPEG or PNG image (its mime is %q, its data is neither)", ErrInvalid, e.MIME)
}

// Unwrap makes a CoverError an ErrInvalid.
func (e *CoverError) Unwrap() error { return ErrInvalid }

// MaxCoverBytes bounds a cover image in a document.
const MaxCoverBytes = 4 << 20

// Parse decodes and checks a document. Unknown fields are errors, so that a
// typo never silently changes an edit.
func Parse(data []byte) (*Document, error) {
	if len(data) > MaxDocumentBytes {
		return nil, fmt.Errorf("%w: document is %d bytes, the limit is %d", ErrInvalid, len(data), MaxDocumentBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d Document
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, jsonError(data, err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the document", ErrInvalid)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return &d, nil
}

func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		return fmt.Errorf("JSON syntax error on line %d: %v", line, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%s: %s cannot hold a JSON %s", te.Field, te.Type, te.Value)
	}
	return err
}

// Marshal encodes the document as indented JSON.
func (d *Document) Marshal() ([]byte, error) {
	return json.MarshalIndent(d, "", "  ")
}

// TooLongError is an output longer than its format holds (an M4R, an
// iPhone ringtone, holds 40 seconds). It is an ErrInvalid.
type TooLongError struct {
	Format     string // the format's label
	MaxSeconds int    // the longest it holds
	Frames     int64  // how long the output is, at Rate
	Rate       int
}

func (e *TooLongError) Error() string {
	return fmt.Sprintf("%v: %s holds at most %d seconds; this output is %.3f s (cut it shorter)", ErrInvalid, e.Format, e.MaxSeconds, audio.Duration(e.Frames, e.Rate))
}

// Unwrap makes a TooLongError an ErrInvalid.
func (e *TooLongError) Unwrap() error { return ErrInvalid }

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Validate checks what can be checked without the sources.
func (d *Document) Validate() error {
	if d.Version != Version {
		return invalid("version is %d, this Offcut reads version %d", d.Version, Version)
	}
	if len(d.Clips) == 0 {
		return invalid("no clips")
	}
	if len(d.Clips) > MaxClips {
		return invalid("%d clips, the limit is %d", len(d.Clips), MaxClips)
	}
	if len(d.Sources) > MaxSources {
		return invalid("%d sources, the limit is %d", len(d.Sources), MaxSources)
	}
	if len(d.Joins) != 0 && len(d.Joins) != len(d.Clips)-1 {
		return invalid("%d joins for %d clips (want %d, or none)", len(d.Joins), len(d.Clips), len(d.Clips)-1)
	}
	for i, c := range d.Clips {
		p := fmt.Sprintf("clips[%d]", i)
		if c.Source < 0 || c.Source >= MaxSources || (len(d.Sources) > 0 && c.Source >= len(d.Sources)) {
			return invalid("%s.source %d does not name a source", p, c.Source)
		}
		if c.In < 0 || c.In > MaxFrames {
			return invalid("%s.in %d is out of range", p, c.In)
		}
		if c.Out <= c.In || c.Out > MaxFrames {
			return invalid("%s.out %d must be after in %d", p, c.Out, c.In)
		}
		if math.IsNaN(c.Gain) || c.Gain < -200 || c.Gain > 60 {
			return invalid("%s.gain %v dB is out of range (-200 to 60)", p, c.Gain)
		}
		for _, f := range []struct {
			name string
			f    *Fade
		}{{"fadeIn", c.FadeIn}, {"fadeOut", c.FadeOut}} {
			if f.f == nil {
				continue
			}
			if f.f.Length < 0 || f.f.Length > MaxFrames {
				return invalid("%s.%s.length %d is out of range", p, f.name, f.f.Length)
			}
			if err := checkMs(p+"."+f.name, f.f.Ms, f.f.Length); err != nil {
				return err
			}
			if err := f.f.Curve.Validate(); err != nil {
				return invalid("%s.%s.curve: %v", p, f.name, err)
			}
		}
	}
	for i, j := range d.Joins {
		p := fmt.Sprintf("joins[%d]", i)
		switch j.Type {
		case JoinNone, "":
			if j.Length != 0 || j.Ms != 0 {
				return invalid("%s: a join of type none has no length", p)
			}
		case JoinGap, JoinCrossfade:
			if j.Length < 0 || j.Length > MaxFrames {
				return invalid("%s.length %d is out of range", p, j.Length)
			}
			if err := checkMs(p, j.Ms, j.Length); err != nil {
				return err
			}
		default:
			return invalid("%s.type %q is not none, gap or crossfade", p, j.Type)
		}
		if err := j.Curve.Validate(); err != nil {
			return invalid("%s.curve: %v", p, err)
		}
	}
	o := d.Output
	if o.Container != "" {
		if d := codecs.Lookup(o.Container); d == nil || d.Write == nil {
			return invalid("output.container %q: Offcut writes %s", o.Container, strings.Join(codecs.WriterNames(), ", "))
		}
	}
	if len(o.Options) > 32 {
		return invalid("output.options has %d entries, the limit is 32", len(o.Options))
	}
	if t := o.Tags; t != nil {
		for name, v := range map[string]*string{"title": t.Title, "artist": t.Artist, "album": t.Album, "year": t.Year, "track": t.Track} {
			if v != nil && len(*v) > 1024 {
				return invalid("output.tags.%s is %d bytes, the limit is 1024", name, len(*v))
			}
		}
		if c := t.Cover; c != nil && len(c.Data) > 0 {
			if len(c.Data) > MaxCoverBytes || sniffImage(c.Data) == "" {
				return &CoverError{Size: len(c.Data), MIME: c.MIME}
			}
		}
	}
	if o.SampleRate != 0 && (o.SampleRate < 1 || o.SampleRate > 768000) {
		return invalid("output.sampleRate %d Hz is out of range (1 to 768000)", o.SampleRate)
	}
	if o.Channels != 0 && (o.Channels < 1 || o.Channels > 32) {
		return invalid("output.channels %d is out of range (1 to 32)", o.Channels)
	}
	if o.SampleFormat != "" {
		if _, err := codec.ParseSampleFormat(o.SampleFormat); err != nil {
			return invalid("output.sampleFormat: %v", err)
		}
	}
	if o.Normalize != nil && (math.IsNaN(*o.Normalize) || *o.Normalize > 0 || *o.Normalize < -100) {
		return invalid("output.normalize %v dBFS is out of range (-100 to 0)", *o.Normalize)
	}
	return nil
}

// sniffImage names a JPEG or PNG image by its first bytes, else "".
func sniffImage(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	}
	return ""
}
