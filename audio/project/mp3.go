package project

import (
	"errors"
	"fmt"
	"strings"

	"offcut/audio"
	"offcut/audio/codec/id3"
	"offcut/audio/codec/mp3"
	"offcut/audio/codec/mp3edit"
)

// ErrNeedsEncoder means the document asks for MP3 output that cannot be
// made from the sources' frames (fades, gain, crossfades, conversion, or
// inputs that are not compatible MP3s); exporting WAV works.
var ErrNeedsEncoder = errors.New("MP3 output needs re-encoding, which Offcut does not do yet; export WAV instead")

// container decides the output file type: "mp3" when asked for, or when
// the first source is MP3 and the edit only rearranges frames; else "wav".
func (r *renderer) container() (string, error) {
	asked := strings.ToLower(r.doc.Output.Container)
	if asked == "wav" {
		return "wav", nil
	}
	// Asked for MP3, gain and fades are done on global_gain (1.5 dB steps);
	// by default only an edit that keeps every sample goes to MP3.
	why := r.whyNotLosslessMP3(asked == "mp3")
	if asked == "mp3" && why != "" {
		return "", fmt.Errorf("%w (%s)", ErrNeedsEncoder, why)
	}
	if why == "" {
		return "mp3", nil
	}
	return "wav", nil
}

// whyNotLosslessMP3 says why the document cannot be written as MP3 frames,
// or "" when it can.
func (r *renderer) whyNotLosslessMP3(gainOK bool) string {
	o := r.doc.Output
	for i, c := range r.doc.Clips {
		d, ok := r.decs[c.Source].(*mp3.Decoder)
		if !ok {
			return fmt.Sprintf("clip %d is not from an MP3", i+1)
		}
		if d.Layout() == nil {
			return "no frame index"
		}
		if !gainOK && (c.Gain != 0 || c.FadeIn != nil && c.FadeIn.Length > 0 || c.FadeOut != nil && c.FadeOut.Length > 0) {
			return fmt.Sprintf("clip %d has gain or fades", i+1)
		}
	}
	for i, j := range r.doc.Joins {
		if j.Type != JoinNone && j.Type != "" && j.Length > 0 {
			return fmt.Sprintf("junction %d is a %s", i+1, j.Type)
		}
	}
	f := r.decs[r.doc.Clips[0].Source].Info().Format
	if o.Normalize != nil {
		return "normalisation"
	}
	if o.SampleRate != 0 && o.SampleRate != f.Rate || o.Channels != 0 && o.Channels != f.Channels || o.SampleFormat != "" {
		return "a format conversion"
	}
	return ""
}

// renderMP3 plans the document as the sources' own MP3 frames.
func (r *renderer) renderMP3(res *Result, cover *Cover) error {
	inputs := map[int]*mp3edit.Input{}
	var pieces []mp3edit.Piece
	for _, c := range r.doc.Clips {
		in, ok := inputs[c.Source]
		if !ok {
			d := r.decs[c.Source].(*mp3.Decoder)
			var err error
			if in, err = mp3edit.FromLayout(c.Source, d.Source(), d.Layout()); err != nil {
				return fmt.Errorf("%w (%v)", ErrNeedsEncoder, err)
			}
			inputs[c.Source] = in
		}
		piece := mp3edit.Piece{In: in, From: c.In, To: c.Out, Gain: c.Gain}
		if c.FadeIn != nil {
			piece.FadeIn, piece.CurveIn = c.FadeIn.Length, c.FadeIn.Curve.Gain
		}
		if c.FadeOut != nil {
			piece.FadeOut, piece.CurveOut = c.FadeOut.Length, c.FadeOut.Curve.Gain
		}
		if c.Gain != 0 || piece.FadeIn > 0 || piece.FadeOut > 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("gain and fades of clip %d are applied without re-encoding, in steps of %.2f dB (gain %.2f dB as %.2f dB)",
				len(pieces)+1, mp3edit.StepDB, c.Gain, float64(mp3edit.GainSteps(c.Gain))*mp3edit.StepDB))
		}
		pieces = append(pieces, piece)
	}
	var opt mp3edit.Options
	if t := r.doc.Output.Tags; t != nil || cover != nil {
		if t == nil {
			t = &Tags{}
		}
		d := r.decs[r.doc.Clips[0].Source].(*mp3.Decoder)
		tag, err := id3.ReadV2(d.Source(), 0, d.Source().Size())
		switch {
		case errors.Is(err, id3.ErrNoTag):
			tag = id3.NewTag()
		case err != nil:
			// Never drop a tag we cannot read in order to set a title.
			return fmt.Errorf("the first source's ID3 tag cannot be edited (%w); export without tag changes to keep it as it is", err)
		}
		e := id3.Edit{Title: t.Title, Artist: t.Artist, Album: t.Album, Year: t.Year, Track: t.Track}
		if cover != nil {
			e.Cover = &id3.Picture{MIME: cover.MIME, Type: 3, Data: cover.Data}
		}
		tag.Apply(e)
		if opt.Tag, err = tag.Encode(256); err != nil {
			return err
		}
	}
	out, err := mp3edit.Plan(pieces, opt)
	if errors.Is(err, mp3edit.ErrNotLossless) {
		return fmt.Errorf("%w (%v)", ErrNeedsEncoder, err)
	}
	if err != nil {
		return err
	}
	res.Plan = out.Plan
	res.mp3 = out
	res.Container = "mp3"
	res.Format = audio.Format{Rate: out.Rate, Channels: out.Channels, Bits: 16}
	res.Frames = out.Frames
	res.Lossless = res.Plan.ComputedBytes() == 0
	for i, j := range out.Junctions {
		res.Notes = append(res.Notes, fmt.Sprintf("junction %d plays %.1f ms of the encoders' padding (MP3 frames cannot be cut finer without re-encoding)", i+1, 1000*float64(j)/float64(out.Rate)))
	}
	return nil
}
