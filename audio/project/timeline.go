package project

import (
	"fmt"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/pcm"
)

// The renderer is the codec.Timeline handed to the output format's writer.
var _ codec.Timeline = (*renderer)(nil)

// timeline returns the output's pieces, laid out once.
func (r *renderer) timeline() []piece {
	if r.ps == nil {
		r.ps = r.pieces()
	}
	return r.ps
}

// Format implements codec.Timeline.
func (r *renderer) Format() audio.Format { return r.out }

// Frames implements codec.Timeline.
func (r *renderer) Frames() int64 { return r.total }

// Inputs implements codec.Timeline.
func (r *renderer) Inputs() []audio.Decoder { return r.decs }

// Pieces implements codec.Timeline.
func (r *renderer) Pieces() []codec.Piece {
	ps := r.timeline()
	out := make([]codec.Piece, len(ps))
	for i, p := range ps {
		out[i] = codec.Piece{Frames: p.frames, Source: -1}
		if p.isRange {
			out[i].Source, out[i].From = p.src, p.from
		}
	}
	return out
}

// Stream implements codec.Timeline.
func (r *renderer) Stream(i, j int) (audio.Stream, error) {
	ps := r.timeline()
	if i < 0 || j > len(ps) || i > j {
		return nil, fmt.Errorf("project: internal error: pieces %d..%d of %d", i, j, len(ps))
	}
	var from, to int64
	for k, p := range ps[:j] {
		if k < i {
			from += p.frames
		}
		to += p.frames
	}
	return r.streamRange(from, to)
}

// streamRange renders output frames [from, to): the same frames as the
// whole output's stream has there.
func (r *renderer) streamRange(from, to int64) (audio.Stream, error) {
	if from < 0 || to > r.total || from > to {
		return nil, fmt.Errorf("project: internal error: frames %d..%d of %d", from, to, r.total)
	}
	bc := &buildCtx{whole: map[int]audio.Stream{}, pos: map[int]int64{}}
	var parts []audio.Stream
	var pos int64
	for _, p := range r.timeline() {
		a, b := max(from, pos)-pos, min(to, pos+p.frames)-pos
		pos += p.frames
		if a >= b {
			if pos > to {
				break
			}
			continue
		}
		var s audio.Stream
		var err error
		if p.isRange {
			s, err = r.decs[p.src].Stream(p.from+a, p.from+b)
			if err == nil {
				s, err = audio.Remix(s, r.out.Channels)
			}
		} else {
			s, err = p.open(bc, a, b)
		}
		if err != nil {
			return nil, err
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return audio.Silence(r.out.Rate, r.out.Channels, 0), nil
	}
	return audio.Seq(parts...)
}

// NewEncoder implements codec.Timeline.
func (r *renderer) NewEncoder(frame int64) *pcm.Encoder {
	enc := pcm.NewEncoder(r.out, r.dither)
	enc.SetFrame(frame)
	if r.res != nil {
		r.res.mu.Lock()
		r.res.encoders = append(r.res.encoders, enc)
		r.res.mu.Unlock()
	}
	return enc
}

// Clips implements codec.Timeline.
func (r *renderer) Clips() []codec.Clip {
	out := make([]codec.Clip, len(r.clips))
	for i, k := range r.clips {
		c := codec.Clip{Source: k.Source, In: k.In, Out: k.Out, Gain: k.Clip.Gain}
		if k.FadeIn != nil {
			c.FadeIn, c.CurveIn = k.FadeIn.Length, k.FadeIn.Curve.Gain
		}
		if k.FadeOut != nil {
			c.FadeOut, c.CurveOut = k.FadeOut.Length, k.FadeOut.Curve.Gain
		}
		if i < len(r.clips)-1 {
			c.Gap = r.gaps[i]
			if k.xout > 0 {
				c.Crossfade, c.CurveX = k.xout, k.xoutC.Gain
			}
		}
		out[i] = c
	}
	return out
}

// Transformed implements codec.Timeline.
func (r *renderer) Transformed() string {
	if r.doc.Output.Normalize != nil {
		return "normalisation"
	}
	for i, k := range r.clips {
		f := k.info.Format
		if f.Rate != r.out.Rate || f.Channels != r.out.Channels {
			return fmt.Sprintf("a format conversion (clip %d is %d Hz, %d channels)", i+1, f.Rate, f.Channels)
		}
	}
	return ""
}

// Estimate implements codec.Timeline.
func (r *renderer) Estimate() bool { return r.estimate }

// Tags implements codec.Timeline.
func (r *renderer) Tags() codec.TagEdit {
	var e codec.TagEdit
	if t := r.doc.Output.Tags; t != nil {
		e = codec.TagEdit{Title: t.Title, Artist: t.Artist, Album: t.Album, Year: t.Year, Track: t.Track}
		if c := t.Cover; c != nil {
			e.Cover = &audio.Picture{MIME: c.Type(), Type: 3, Size: int64(len(c.Data)), Data: c.Data}
		}
	}
	if c := r.cover; c != nil {
		e.Cover = &audio.Picture{MIME: c.MIME, Type: 3, Size: int64(len(c.Data)), Data: c.Data}
	}
	return e
}
