package mp3edit

import (
	"errors"
	"fmt"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/id3"
	"offcut/audio/codec/mp3"
)

// Desc declares MP3 written as the sources' own frames (lossless cut,
// split, join, gain and fades on global_gain); package mp3format puts it in
// the registry with the LAME encoder for everything else.
var Desc = func() codec.Desc {
	d := mp3.Desc
	d.Write = &codec.Writer{
		Rates:       []int{8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000},
		MaxChannels: 2,
		Tags:        true,
		SourcesOnly: true,
		Options:     []codec.Option{JunctionsOption},
		Plan:        planTimeline,
	}
	return d
}()

// JunctionsOption is the MP3 setting that chooses between keeping the
// sources' frames at a junction that is off their frame grid (it moves by
// up to half a frame, a whole frame where a clip reaches its file's start
// or end, and a note says by how much) and an exact junction (the whole
// edit is encoded).
var JunctionsOption = codec.Option{Name: "junctions", Label: "Junctions", Default: "keep", Joins: true,
	Values: []string{"keep", "exact"},
	Labels: []string{"Keep the source's frames (a junction may move by up to a frame, 26 ms at 44.1 kHz)", "Exact to the sample (may encode the whole edit)"}}

// planTimeline writes the timeline's clips as their sources' MP3 frames.
func planTimeline(tl codec.Timeline, settings map[string]string) (*codec.Output, error) {
	return PlanTimeline(tl, settings, nil, nil)
}

// PlanTimeline writes the timeline's clips as their sources' MP3 frames.
// With enc, inner junctions are exact: the frames around each are
// re-encoded by enc from the exact samples (see Options.Reencode), kept
// in cache (if not nil) for the next plan.
//
// The setting "junctions" = "exact" (JunctionsOption) asks for every inner
// junction to play exactly the clips: one that would move to stay on the
// frame grid, or play the encoders' padding, is refused with
// codec.ErrCannotWrite, so the caller encodes the edit whole.
func PlanTimeline(tl codec.Timeline, settings map[string]string, enc Reencoder, cache *StretchCache) (*codec.Output, error) {
	if why := tl.Transformed(); why != "" {
		return nil, fmt.Errorf("%w: MP3 output without re-encoding cannot carry %s", codec.ErrCannotWrite, why)
	}
	inputs := map[int]*Input{}
	var pieces []Piece
	var notes []string
	for i, c := range tl.Clips() {
		in, ok := inputs[c.Source]
		if !ok {
			d, ok := tl.Inputs()[c.Source].(*mp3.Decoder)
			if !ok || d.Layout() == nil {
				return nil, fmt.Errorf("%w: clip %d is not from an MP3 file", codec.ErrCannotWrite, i+1)
			}
			var err error
			if in, err = FromLayout(c.Source, d.Source(), d.Layout()); err != nil {
				return nil, fmt.Errorf("%w: %w", codec.ErrCannotWrite, err)
			}
			inputs[c.Source] = in
		}
		p := Piece{In: in, From: c.In, To: c.Out, Gain: c.Gain,
			FadeIn: c.FadeIn, CurveIn: c.CurveIn, FadeOut: c.FadeOut, CurveOut: c.CurveOut,
			Gap: c.Gap, Crossfade: c.Crossfade, CurveX: c.CurveX}
		if p.hasGain() {
			notes = append(notes, fmt.Sprintf("gain and fades of clip %d are applied without re-encoding, in steps of %.2f dB (gain %.2f dB as %.2f dB)",
				i+1, StepDB, c.Gain, float64(GainSteps(c.Gain))*StepDB))
		}
		pieces = append(pieces, p)
	}
	f := tl.Format()
	first := pieces[0].In
	if f.Rate != first.Rate() || f.Channels != first.Channels() {
		return nil, fmt.Errorf("%w: MP3 output without re-encoding cannot carry a format conversion", codec.ErrCannotWrite)
	}
	opt := Options{Reencode: enc, Stretches: cache, Exact: settings[JunctionsOption.Name] == "exact", Estimate: tl.Estimate()}
	for _, p := range pieces {
		if p.hasGain() {
			opt.Reencode = nil // gain on global_gain: junctions stay on frame boundaries
		}
	}
	if opt.Reencode == nil {
		// A gain that changes inside one stretch of a file (clips that
		// follow each other in the same source) would become a junction
		// on frame boundaries, playing the encoders' padding and
		// lengthening the edit: that is no lossless edit, so the caller
		// encodes it (package mp3format falls back to LAME).
		for i := 1; i < len(pieces); i++ {
			a, b := pieces[i-1], pieces[i]
			if a.In == b.In && a.To == b.From && (a.hasGain() || b.hasGain()) {
				return nil, fmt.Errorf("%w: a gain change at sample %d inside one MP3 file (clips %d and %d) cannot fall between whole frames", codec.ErrCannotWrite, b.From, i, i+1)
			}
		}
	}
	if e := tl.Tags(); e != (codec.TagEdit{}) {
		src := first.src
		tag, err := id3.ReadV2(src, 0, src.Size())
		switch {
		case errors.Is(err, id3.ErrNoTag):
			tag = id3.NewTag()
		case err != nil:
			// Never drop a tag we cannot read in order to set a title.
			return nil, fmt.Errorf("the first source's ID3 tag cannot be edited (%w); export without tag changes to keep it as it is", err)
		}
		ed := id3.Edit{Title: e.Title, Artist: e.Artist, Album: e.Album, Year: e.Year, Track: e.Track}
		if e.Cover != nil {
			ed.Cover = &id3.Picture{MIME: e.Cover.MIME, Type: 3, Data: e.Cover.Data}
		}
		tag.Apply(ed)
		if opt.Tag, err = tag.Encode(256); err != nil {
			return nil, err
		}
	}
	out, err := Plan(pieces, opt)
	if errors.Is(err, ErrNotLossless) {
		return nil, fmt.Errorf("%w: %w", codec.ErrCannotWrite, err)
	}
	if err != nil {
		return nil, err
	}
	if out.Stretches != nil {
		notes = append(notes, stretchNotes(out)...)
	} else {
		for i, j := range out.Junctions {
			notes = append(notes, fmt.Sprintf("junction %d plays %.1f ms of the encoders' padding (MP3 frames cannot be cut finer without re-encoding)", i+1, 1000*float64(j)/float64(out.Rate)))
		}
	}
	return &codec.Output{
		Plan:        out.Plan,
		Format:      audio.Format{Rate: out.Rate, Channels: out.Channels, Bits: 16},
		Frames:      out.Frames,
		Notes:       notes,
		GainLimited: func() int64 { return int64(out.Clamped()) },
	}, nil
}

// stretchNotes says what a plan with re-encoded junctions did: how many
// frames were encoded again at how many junctions, the share of the file
// copied byte for byte, and where a junction moved to stay on the frame
// grid.
func stretchNotes(out *Result) []string {
	frames := 0
	for _, s := range out.Stretches {
		frames += s.Frames
	}
	var copied int64
	for _, s := range out.Plan.Segments {
		if s.Kind() == "range" {
			copied += s.Length
		}
	}
	share := 100 * float64(copied) / float64(max(1, out.Plan.Size()))
	about := ""
	if out.Estimated {
		about = "about "
	}
	notes := []string{fmt.Sprintf("%s%d %s re-encoded at %d %s, the rest untouched: %.2f%% of the file copied byte for byte",
		about, frames, plural(frames, "frame"), len(out.Stretches), plural(len(out.Stretches), "junction"), share)}
	for i, s := range out.Stretches {
		if s.Shift != 0 {
			what := "more"
			if s.Shift < 0 {
				what = "less"
			}
			notes = append(notes, fmt.Sprintf("junction %d plays %.1f ms (%d samples) %s than asked: the frames after it stay the source's, on its %.1f ms frame grid (junctions \"exact\" encodes the whole edit instead)",
				i+1, 1000*float64(abs64(s.Shift))/float64(out.Rate), abs64(s.Shift), what, 1000*float64(s.To-s.From)/float64(s.Frames)/float64(out.Rate)))
		}
	}
	return notes
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
