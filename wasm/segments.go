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

// renderOrSplit is render, unless the document's output is made in
// segments (segmentsOf, decoded as there): then it writes nothing to out
// and returns where the segments fall, for the page to encode them on
// several workers. It is the page's first job of a render: one job that
// opens and lays out the sources once (a segments job, then a render job,
// opened them twice).
func renderOrSplit(doc []byte, ins []input, decoded bool, out sink, progress func(done, total int64)) (*project.Result, *segmentPlan, error) {
	d, decs, err := prepare(doc, ins)
	if err != nil {
		return nil, nil, err
	}
	sp, err := segmentsOf(d, decs, decoded)
	if err != nil {
		return nil, nil, err
	}
	if len(sp.Segments) > 0 {
		return nil, &sp, nil
	}
	res, err := renderDoc(d, decs, len(ins), out, progress)
	return res, nil, err
}

// segmentsOf says how the document's output is split for a segmented
// encode (project.SegmentsPlan: the document alone decides, never the number
// of workers). A PCM output decoded from its sources (MP3 → WAV) is split
// only when decoded asks for it (render's splitDecodes, off by default:
// it loses in a fresh page, see offcut.js).
func segmentsOf(d *project.Document, decs []audio.Decoder, decoded bool) (segmentPlan, error) {
	// The plan that says where the output splits is also the size to
	// count progress towards: planned once, not twice (BenchmarkSegmentsOf3min
	// under js/wasm in Node: 7.3 ms → 4.7–5.0), before any segment starts.
	segs, res, err := project.SegmentsPlan(d, decs, project.Options{EncodedOnly: !decoded})
	if err != nil || segs == nil {
		return segmentPlan{Segments: []project.Segment{}}, err
	}
	return segmentPlan{Segments: segs, Size: res.Plan.Size(), Frames: res.Frames}, nil
}

// renderSegment renders one segment of the document's segmented encode
// (a file of its own, project.RenderSegment) into out.
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
