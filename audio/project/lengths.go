package project

import (
	"errors"

	"offcut/audio"
)

// Lengths is a document's timeline as a render lays it out: the rate its
// lengths (fades, gaps, crossfades) count in, each clip's length after
// resampling, the timeline's length once crossfades overlap and gaps are
// added, and what a decoder of the output gives back.
type Lengths struct {
	// Container is the output format Render tries first: the document's,
	// else the first source's when Offcut writes it, else WAV.
	Container string `json:"container"`
	// Rate is the timeline's sample rate (the document's, else the
	// sources' (SourcesFormat), moved to the nearest rate the output
	// format writes).
	Rate int `json:"sampleRate"`
	// Channels is the output's channel count.
	Channels int `json:"channels"`
	// Sources is the layout the output takes where the document leaves
	// it to the sources (SourcesFormat): what "Original" means in the
	// output settings.
	Sources audio.Format `json:"sources"`
	// Clips are the clips' lengths in frames at Rate, in document order.
	Clips []int64 `json:"clips"`
	// Fades are the clips' fades in frames at Rate, in document order:
	// [in, out], a fade in milliseconds as it will be rendered (at most
	// its clip).
	Fades [][2]int64 `json:"fades"`
	// Joins are the joins' lengths in frames at Rate (0 for none), in
	// document order; empty when the document has no joins.
	Joins []int64 `json:"joins"`
	// Frames is the timeline's length in frames at Rate.
	Frames int64 `json:"frames"`
	// Output is the output's length and rate as its decoders give them
	// back: the timeline's, except for formats that decode at a rate of
	// their own (Opus). An MP3 edited without re-encoding can differ by
	// the encoders' padding at its junctions; its plan says by how much.
	Output Span `json:"output"`
}

// Span is a length in frames at a sample rate.
type Span struct {
	Frames int64 `json:"frames"`
	Rate   int   `json:"sampleRate"`
}

// errInfoOnly is what a described source returns when asked for samples.
var errInfoOnly = errors.New("a described source has no samples")

// described is a source known only by its description: enough to lay a
// document out, not to render it.
type described audio.Info

func (d described) Info() audio.Info { return audio.Info(d) }

func (d described) Stream(from, to int64) (audio.Stream, error) { return nil, errInfoOnly }

// LayOut lays doc out over sources described by infos (indexed like the
// document's sources) without opening them: what the editor shows as the
// result's length while the engine may still be busy with a file, and
// what it needs to state fades and crossfades in output frames. It checks
// doc as Render does and fails with the same errors.
func LayOut(doc *Document, infos []audio.Info) (*Lengths, error) {
	if err := doc.Validate(); err != nil {
		return nil, err
	}
	if len(infos) > MaxSources {
		return nil, invalid("%d sources described, the limit is %d", len(infos), MaxSources)
	}
	decs := make([]audio.Decoder, len(infos))
	for i, in := range infos {
		if err := in.Format.Validate(); err != nil {
			return nil, invalid("source %d: %v", i, err)
		}
		if in.Frames < 0 || in.Frames > MaxFrames {
			return nil, invalid("source %d: %d frames is out of range", i, in.Frames)
		}
		decs[i] = described(in)
	}
	desc, _, err := outputDesc(doc, decs)
	if err != nil {
		return nil, err
	}
	r, err := prepare(doc, decs, desc)
	if err != nil {
		return nil, err
	}
	l := &Lengths{Container: desc.Name, Rate: r.out.Rate, Channels: r.out.Channels, Sources: SourcesFormat(doc, decs), Clips: make([]int64, len(r.clips)), Fades: make([][2]int64, len(r.clips)), Joins: r.joins, Frames: r.total, Output: Span{r.total, r.out.Rate}}
	for i, k := range r.clips {
		l.Clips[i] = k.n
		if k.FadeIn != nil {
			l.Fades[i][0] = k.FadeIn.Length
		}
		if k.FadeOut != nil {
			l.Fades[i][1] = k.FadeOut.Length
		}
	}
	if f := desc.Write.Decodes; f != nil {
		l.Output.Frames, l.Output.Rate = f(r.total, r.out.Rate)
	}
	return l, nil
}
