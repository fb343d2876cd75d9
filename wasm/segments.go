package main

import (
	"fmt"
	"strings"
	"sync"

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
	srcs, err := loadParts(d, decs, parts)
	if err != nil {
		return nil, err
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

// joinInMemory is the most bytes of segment files that loadParts reads
// into memory (a 3-minute MP3 at 128 kbit/s is 2.9 MB in six parts; 16 MiB
// is 17 minutes of it). The join runs on the page's own worker, whose
// wasm memory never shrinks, so the cap is low; a larger output's parts
// are read where they are, as before. A variable for the tests.
var joinInMemory int64 = 16 << 20

// loadAtOnce is how many parts loadParts reads at once.
const loadAtOnce = 8

// loadParts gives the join its parts. An MP3 join reads every byte of
// each (project.JoinReadsAll): opening a part read its two ends and then
// all of it in growing blocks, each a Blob read of its own in the browser,
// and a 3-minute MP3 in six parts made 30 reads one after another (the
// join's median in a fresh page 477 ms, 415 ms with the parts read as
// here). Parts of at most joinInMemory bytes in all are instead read
// whole, loadAtOnce at a time (each in a goroutine of its own: in the
// browser each waits for its Blob read, and they are all in flight
// together), and joined from memory. A WAV join reads only the parts'
// headers, and larger parts are read where they are.
func loadParts(d *project.Document, decs []audio.Decoder, parts []input) ([]audio.Source, error) {
	srcs := make([]audio.Source, len(parts))
	var total int64
	for i, p := range parts {
		srcs[i] = p.src
		total += p.src.Size()
	}
	if total > joinInMemory || !project.JoinReadsAll(d, decs) {
		return srcs, nil
	}
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	turns := make(chan struct{}, loadAtOnce)
	for i, p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			turns <- struct{}{}
			defer func() { <-turns }()
			b := make([]byte, p.src.Size())
			if err := audio.ReadAtFull(p.src, b, 0); err != nil {
				errs[i] = named(p.name, err)
				return
			}
			if r, ok := p.src.(interface{ releaseBlocks() }); ok {
				r.releaseBlocks() // the part is in b now
			}
			srcs[i] = audio.NewBytesSource(b)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return srcs, nil
}

// named is err of the input called name, which it names once: a part's
// Blob (blobSource, named "segment N" by joinSegmentsJS) already starts
// its errors with its name.
func named(name string, err error) error {
	if strings.HasPrefix(err.Error(), name+":") {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}
