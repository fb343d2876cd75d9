package codec

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"offcut/audio"
	"offcut/audio/pcm"
	"offcut/audio/plan"
)

// ErrCannotWrite is wrapped by a writer that cannot write a timeline as
// asked (e.g. a frame-level MP3 writer given a crossfade). When the output
// format was not chosen explicitly, the renderer then falls back to WAV.
var ErrCannotWrite = errors.New("cannot write this edit in this format")

// Writer is what a format that writes files declares: what it can store and
// how it plans an output file from a timeline.
type Writer struct {
	// SampleFormats are the stored sample formats it writes ("u8", "s16",
	// "s24", "s32", "f32", "f64"), the default for a source it cannot store
	// exactly first; nil for formats without a stored sample format (lossy
	// codecs).
	SampleFormats []string
	// Rates are the sample rates it writes; nil means any.
	Rates []int
	// MaxChannels is the most channels it writes (0: audio.MaxChannels).
	MaxChannels int
	// MaxSeconds is the longest output it writes, in seconds (0: any):
	// an iPhone ringtone holds at most 40.
	MaxSeconds int
	// SourcesOnly is true for a writer that only assembles its sources' own
	// coded frames (MP3 without an encoder): it declines (ErrCannotWrite)
	// other sources and any conversion, so the app offers it only when
	// every source is in this format.
	SourcesOnly bool
	// Tags is true when it writes the document's tag edits and cover.
	Tags bool
	// SameAsSource, when set, says whether the writer is the output a
	// document that names no format gets when its first source, described
	// by info, is in this format; nil means it always is. (The M4A writer
	// encodes AAC: an ALAC or PCM file in MP4 gets WAV instead, so that
	// an edit of a lossless file is not made lossy unasked.)
	SameAsSource func(info audio.Info) bool
	// Options are its settings (bitrate, quality, ...), for menus and flags.
	Options []Option
	// Decodes, when set, is the length and rate a decoder gives back for
	// a timeline of frames at rate, when they are not the timeline's own
	// (Opus always decodes at 48 kHz). Its Plan's Output says the same.
	Decodes func(frames int64, rate int) (int64, int)
	// Plan plans the output file. settings holds validated option values
	// by name (defaults filled in).
	Plan func(tl Timeline, settings map[string]string) (*Output, error)
	// Segments, if not nil, lets an output this writer encodes from
	// samples (Output.Encoded) be encoded in independent segments, on
	// several cores, and joined afterwards (see package project's Segments).
	Segments *Segments
}

// Segments is how a writer encodes an output in segments: each segment is
// the timeline restricted to a range of output frames (with Lead frames
// before it and Tail after it, fewer at the output's ends), encoded as a
// file of its own; Join plans the output from those files.
type Segments struct {
	// Grain is the frame count every segment but the last is a multiple
	// of (the codec's frame length, so that a join keeps every segment's
	// frames on the output's frame grid); so is Lead.
	Grain int64
	// PCM is true for a writer that stores the timeline's samples as they
	// are (WAV): its output has no encoder's work to share, only the
	// decoding of its sources, so it is made in segments only when it
	// computes every frame and decodes a source for them (package
	// project's Segments); its Plan's Output is not Encoded.
	PCM bool
	// Lead and Tail are how many output frames before and after its
	// segment an encoder reads: an encoder with state and look-ahead
	// (LAME) encodes them too, to start and end as a whole encode would
	// there, and keeps only the segment's own frames.
	Lead, Tail int64
	// Encode plans one segment as a file without tags. tl is the segment's
	// timeline from span.Lead frames before the segment to span.Tail
	// frames after it.
	Encode func(tl Timeline, span SegmentSpan, settings map[string]string) (*Output, error)
	// Join plans the whole output (tl, with its tags) from the segments'
	// encoded files, in order; the plan's ranges refer to parts by index.
	Join func(tl Timeline, settings map[string]string, parts []audio.Source) (*Output, error)
}

// SegmentSpan places a segment's timeline (Segments.Encode) in the output.
type SegmentSpan struct {
	// From is the output frame the segment starts at.
	From int64
	// Lead and Tail are the frames the timeline has before and after the
	// segment: Segments.Lead and Tail, fewer at the output's ends.
	Lead, Tail int64
	// Last is true for the segment that ends the output.
	Last bool
}

// Option is one setting of a writer.
type Option struct {
	// Name is the key in documents and the CLI flag name ("bitrate").
	Name string `json:"name"`
	// Label is the name people read ("Bitrate").
	Label string `json:"label"`
	// Values are the allowed values, as strings; Labels, if set, are how
	// each reads ("128 kbit/s").
	Values []string `json:"values"`
	Labels []string `json:"labels,omitempty"`
	// Default is the value used when none is given.
	Default string `json:"default"`
	// Joins marks a setting that only matters where an edit joins pieces
	// of its sources (a whole-file conversion has nothing it applies to,
	// so the Convert tab leaves it out).
	Joins bool `json:"joins,omitempty"`
}

// Settings checks values against the declared options and fills in
// defaults. Unknown names and values not in the list are errors.
func (w *Writer) Settings(values map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for name, v := range values {
		o := w.option(name)
		if o == nil {
			var names []string
			for _, o := range w.Options {
				names = append(names, o.Name)
			}
			if len(names) == 0 {
				return nil, fmt.Errorf("this format has no option %q (it has no options)", name)
			}
			return nil, fmt.Errorf("this format has no option %q (it has %s)", name, strings.Join(names, ", "))
		}
		ok := false
		for _, a := range o.Values {
			ok = ok || a == v
		}
		if !ok {
			return nil, fmt.Errorf("%s %q is not one of %s", o.Name, v, strings.Join(o.Values, ", "))
		}
		out[name] = v
	}
	for _, o := range w.Options {
		if _, ok := out[o.Name]; !ok {
			out[o.Name] = o.Default
		}
	}
	return out, nil
}

func (w *Writer) option(name string) *Option {
	for i := range w.Options {
		if w.Options[i].Name == name {
			return &w.Options[i]
		}
	}
	return nil
}

// Stores reports whether the writer stores samples of format f's depth
// and kind exactly.
func (w *Writer) Stores(f audio.Format) bool {
	for _, s := range w.SampleFormats {
		if g, err := ParseSampleFormat(s); err == nil && g.Bits == f.Bits && g.Float == f.Float {
			return true
		}
	}
	return false
}

// WritesRate reports whether the writer writes rate.
func (w *Writer) WritesRate(rate int) bool {
	if w.Rates == nil {
		return true
	}
	for _, r := range w.Rates {
		if r == rate {
			return true
		}
	}
	return false
}

// NearestRate is the writable rate closest to rate (the next higher one on
// a tie, so nothing is lost).
func (w *Writer) NearestRate(rate int) int {
	if w.WritesRate(rate) {
		return rate
	}
	best := w.Rates[0]
	for _, r := range w.Rates {
		if d, e := abs(r-rate), abs(best-rate); d < e || d == e && r > best {
			best = r
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// ParseSampleFormat reads a stored sample format name: u8, s16, s24, s32,
// f32 or f64 (Rate and Channels are left zero).
func ParseSampleFormat(s string) (audio.Format, error) {
	switch strings.ToLower(s) {
	case "u8":
		return audio.Format{Bits: 8}, nil
	case "s16":
		return audio.Format{Bits: 16}, nil
	case "s24":
		return audio.Format{Bits: 24}, nil
	case "s32":
		return audio.Format{Bits: 32}, nil
	case "f32":
		return audio.Format{Bits: 32, Float: true}, nil
	case "f64":
		return audio.Format{Bits: 64, Float: true}, nil
	}
	return audio.Format{}, fmt.Errorf("%q is not one of u8, s16, s24, s32, f32, f64", s)
}

// SampleFormatName is the inverse of ParseSampleFormat.
func SampleFormatName(f audio.Format) string {
	switch {
	case f.Float:
		return "f" + strconv.Itoa(f.Bits)
	case f.Bits == 8:
		return "u8"
	default:
		return "s" + strconv.Itoa(f.Bits)
	}
}

// Timeline is a rendered edit as the renderer hands it to a writer: the
// output's sample format and exact length, the output as pieces (stored
// frames of a source that can be copied, and computed stretches), streams
// of any run of pieces, and the edit clip by clip for writers that work on
// a source's own coded frames.
type Timeline interface {
	// Format is the output's sample layout.
	Format() audio.Format
	// Frames is the exact output length in frames.
	Frames() int64
	// Inputs are the sources, indexed as in the document.
	Inputs() []audio.Decoder
	// Pieces is the output timeline in order.
	Pieces() []Piece
	// Stream renders pieces [i, j) as one stream of output frames (gain,
	// fades, mixing and rate conversion applied).
	Stream(i, j int) (audio.Stream, error)
	// NewEncoder returns a sample encoder for the output format, for
	// output frames from frame on (its dither depends on the position),
	// whose clipped-sample count is reported in the render's summary.
	NewEncoder(frame int64) *pcm.Encoder
	// Clips describes the edit clip by clip.
	Clips() []Clip
	// Transformed says why samples cannot be taken from the sources as
	// they are beyond per-clip gain, fades and the junctions' gaps and
	// crossfades ("normalisation", "a format conversion"), or "" when
	// they can.
	Transformed() string
	// Tags are the edits to the output's tags (nil fields keep the first
	// source's value).
	Tags() TagEdit
	// Estimate is true when the plan only announces the output's length
	// and size (an editor's summary after each change) and will not be
	// written: a writer may then estimate sizes it would have to encode
	// to know, as long as the length stays exact and the plan inexact
	// (plan.Plan.Exact false).
	Estimate() bool
}

// Piece is one stretch of the output: Frames frames, either stored frames
// [From, From+Frames) of input Source copied as they are (Source >= 0,
// only when that input's PCM layout equals the output format), or
// computed (Source < 0).
type Piece struct {
	Frames int64
	Source int
	From   int64
}

// Clip is one clip of the edit: frames [In, Out) of input Source with gain
// in dB and fades (lengths in output frames, Curve maps 0..1 to a gain),
// and the junction after it: a gap of silence or a crossfade with the
// next clip (in output frames; the next clip fades in by CurveX(x), this
// one out by CurveX(1-x)).
type Clip struct {
	Source            int
	In, Out           int64
	Gain              float64
	FadeIn, FadeOut   int64
	CurveIn, CurveOut func(x float64) float64
	Gap, Crossfade    int64
	CurveX            func(x float64) float64
}

// TagEdit is what an export changes in the tags; nil fields stay as the
// first source has them, "" removes one. Cover, if not nil, replaces the
// front cover (empty Data removes it).
type TagEdit struct {
	Title, Artist, Album, Year, Track *string
	Cover                             *audio.Picture
}

// Output is a planned output file.
type Output struct {
	// Plan is the file.
	Plan *plan.Plan
	// Format and Frames describe what it decodes to.
	Format audio.Format
	Frames int64
	// Notes are remarks for the user (what plays at MP3 junctions, gain
	// steps).
	Notes []string
	// GainLimited, if not nil, counts after writing the places where gain
	// could not be applied in full (MP3 global_gain at its limit).
	GainLimited func() int64
	// Encoded is true when the format's encoder makes the whole output
	// from the timeline's samples (no frames of a source are kept), so
	// that it can be encoded in segments (Writer.Segments).
	Encoded bool
}

// Quantized passes s, the timeline from its first frame, through the timeline's sample encoder (dither when
// the output is shallower than a source, clamping with a count) and back to
// float32, so that an encoder of integer samples receives exactly the
// values a PCM file of the output format would hold.
func Quantized(tl Timeline, s audio.Stream) audio.Stream {
	return &quantized{s: s, enc: tl.NewEncoder(0)}
}

type quantized struct {
	s   audio.Stream
	enc *pcm.Encoder
	b   []byte
}

func (q *quantized) Rate() int     { return q.s.Rate() }
func (q *quantized) Channels() int { return q.s.Channels() }
func (q *quantized) Len() int64    { return q.s.Len() }
func (q *quantized) Read(buf []float32) (int, error) {
	n, err := q.s.Read(buf)
	if n > 0 {
		f := q.enc.Format()
		k := n * q.s.Channels()
		if need := k * f.BytesPerSample(); cap(q.b) < need {
			q.b = make([]byte, need)
		}
		b := q.b[:k*f.BytesPerSample()]
		q.enc.Encode(b, buf[:k])
		pcm.Decode(buf[:k], b, f)
	}
	return n, err
}

// MergedTags returns the first clip's source tags with the timeline's
// edits applied, and its pictures with the cover replaced when the edit
// sets one: what a writer of tags carries across formats.
func MergedTags(tl Timeline) (map[string]string, []audio.Picture) {
	info := tl.Inputs()[tl.Clips()[0].Source].Info()
	tags := map[string]string{}
	for k, v := range info.Tags {
		tags[k] = v
	}
	e := tl.Tags()
	for k, v := range map[string]*string{"title": e.Title, "artist": e.Artist, "album": e.Album, "year": e.Year, "track": e.Track} {
		switch {
		case v == nil:
		case *v == "":
			delete(tags, k)
		default:
			tags[k] = *v
		}
	}
	var pics []audio.Picture
	for _, p := range info.Pictures {
		if p.Data != nil && (e.Cover == nil || p.Type != 3) {
			pics = append(pics, p)
		}
	}
	if e.Cover != nil && len(e.Cover.Data) > 0 {
		pics = append([]audio.Picture{*e.Cover}, pics...)
	}
	return tags, pics
}

// Piped is the open function of a plan segment an encoder writes
// (plan.Plan.Encode): it renders the whole of tl and streams it through
// encode on a goroutine of its own, whose output the reader yields (its
// error ends the reader).
func Piped(tl Timeline, encode func(w io.Writer, s audio.Stream) error) func() (io.Reader, error) {
	return func() (io.Reader, error) {
		s, err := tl.Stream(0, len(tl.Pieces()))
		if err != nil {
			return nil, err
		}
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(encode(pw, s)) }()
		return pr, nil
	}
}
