package project

import "fmt"

// The constructors below build the documents behind the CLI's commands and
// the app's buttons. Positions are frames of the source.

// Keep is frames [from, to) of source 0.
func Keep(from, to int64) *Document {
	return &Document{Version: Version, Clips: []Clip{{Source: 0, In: from, Out: to}}}
}

// Remove is source 0 (of length frames) without frames [from, to).
func Remove(frames, from, to int64) (*Document, error) {
	if from < 0 || to > frames || from >= to {
		return nil, fmt.Errorf("%w: cannot remove %d..%d from %d frames", ErrInvalid, from, to, frames)
	}
	if from == 0 && to == frames {
		return nil, fmt.Errorf("%w: removing %d..%d leaves nothing", ErrInvalid, from, to)
	}
	d := &Document{Version: Version}
	if from > 0 {
		d.Clips = append(d.Clips, Clip{Source: 0, In: 0, Out: from})
	}
	if to < frames {
		d.Clips = append(d.Clips, Clip{Source: 0, In: to, Out: frames})
	}
	return d, nil
}

// Split cuts source 0 (of length frames) at the given increasing points and
// returns one document per part.
func Split(frames int64, at []int64) ([]*Document, error) {
	var docs []*Document
	prev := int64(0)
	for i, p := range append(append([]int64{}, at...), frames) {
		if p <= prev || p > frames {
			if i < len(at) {
				return nil, fmt.Errorf("%w: split point %d (%d frames) must be after %d and before the end (%d)", ErrInvalid, i, p, prev, frames)
			}
			return nil, fmt.Errorf("%w: last split point %d leaves an empty part", ErrInvalid, prev)
		}
		docs = append(docs, Keep(prev, p))
		prev = p
	}
	return docs, nil
}

// JoinAll plays sources 0..len(frames)-1 whole, in order, each junction joined
// by join.
func JoinAll(frames []int64, join Join) *Document {
	d := &Document{Version: Version}
	for i, n := range frames {
		d.Clips = append(d.Clips, Clip{Source: i, In: 0, Out: n})
		if i > 0 && join.Type != "" && join.Type != JoinNone {
			d.Joins = append(d.Joins, join)
		}
	}
	return d
}

// Fades is source 0 whole with a fade-in and a fade-out (lengths may be 0).
func Fades(frames, in, out int64, curve Curve) *Document {
	c := Clip{Source: 0, In: 0, Out: frames}
	if in > 0 {
		c.FadeIn = &Fade{Length: in, Curve: curve}
	}
	if out > 0 {
		c.FadeOut = &Fade{Length: out, Curve: curve}
	}
	return &Document{Version: Version, Clips: []Clip{c}}
}
