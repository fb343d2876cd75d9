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
		Plan:        planTimeline,
	}
	return d
}()

// planTimeline writes the timeline's clips as their sources' MP3 frames.
func planTimeline(tl codec.Timeline, _ map[string]string) (*codec.Output, error) {
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
			FadeIn: c.FadeIn, CurveIn: c.CurveIn, FadeOut: c.FadeOut, CurveOut: c.CurveOut}
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
	var opt Options
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
	for i, j := range out.Junctions {
		notes = append(notes, fmt.Sprintf("junction %d plays %.1f ms of the encoders' padding (MP3 frames cannot be cut finer without re-encoding)", i+1, 1000*float64(j)/float64(out.Rate)))
	}
	return &codec.Output{
		Plan:        out.Plan,
		Format:      audio.Format{Rate: out.Rate, Channels: out.Channels, Bits: 16},
		Frames:      out.Frames,
		Notes:       notes,
		GainLimited: func() int64 { return int64(out.Clamped()) },
	}, nil
}
