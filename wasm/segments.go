package main

import (
	"offcut/audio"
	"offcut/audio/project"
)

// segmentPlan is what segments returns: where a segmented encode splits
// the output (none when it is made in one piece), and the output's size
// as the plan announces it (an estimate for encoded output), which the
// page's progress counts towards.
type segmentPlan struct {
	Segments []project.Segment `json:"segments"`
	Size     int64             `json:"size"`
	Frames   int64             `json:"frames"`
}

// segmentsOf says how the document's output is split for a segmented
// encode (project.Segments: the document alone decides, never the number
// of workers). A PCM output decoded from its sources (MP3 → WAV) is split
// only when decoded asks for it (render's splitDecodes, on by default:
// BenchmarkSegmentedDecodeWAV on an idle 2-core machine, two workers 0.69
// of one piece's time; on a loaded one no faster).
func segmentsOf(doc []byte, ins []input, decoded bool) (segmentPlan, error) {
	d, decs, err := prepare(doc, ins)
	if err != nil {
		return segmentPlan{}, err
	}
	segs, err := project.Segments(d, decs, project.Options{EncodedOnly: !decoded})
	if err != nil || segs == nil {
		return segmentPlan{Segments: []project.Segment{}}, err
	}
	// The size to count progress towards; normalisation does not change
	// it, and its analysis pass is the segments' to make.
	plain := *d
	plain.Output.Normalize = nil
	res, err := project.Render(&plain, decs, project.Options{})
	if err != nil {
		return segmentPlan{}, err
	}
	return segmentPlan{Segments: segs, Size: res.Plan.Size(), Frames: res.Frames}, nil
}

// renderSegment renders one segment of the document's segmented encode
// (a standalone file, project.RenderSegment) into out.
func renderSegment(doc []byte, ins []input, seg project.Segment, out sink, progress func(done, total int64)) (*project.Result, error) {
	d, decs, err := prepare(doc, ins)
	if err != nil {
		return nil, err
	}
	res, err := project.RenderSegment(d, decs, seg, project.Options{})
	if err != nil {
		return nil, err
	}
	size := res.Plan.Size()
	if err := emit(res.Plan, 0, out, 0, size, throttle(progress)); err != nil {
		return nil, err
	}
	return res, nil
}

// joinSegments plans the document's output from its segments' files
// (parts, in order; project.JoinSegments) into out, whose ranges are
// ranges of parts.
func joinSegments(doc []byte, ins, parts []input, out sink, progress func(done, total int64)) (*project.Result, error) {
	d, decs, err := prepare(doc, ins)
	if err != nil {
		return nil, err
	}
	srcs := make([]audio.Source, len(parts))
	for i, p := range parts {
		srcs[i] = p.src
	}
	res, err := project.JoinSegments(d, decs, srcs, project.Options{})
	if err != nil {
		return nil, err
	}
	if err := emit(res.Plan, len(parts), out, 0, res.Plan.Size(), throttle(progress)); err != nil {
		return nil, err
	}
	return res, nil
}
