package project

import (
	"errors"
	"fmt"
	"sync"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/pcm"
)

// A long output that a format's encoder makes from samples (MP3 by LAME)
// can be encoded in segments on several cores and joined afterwards
// (codec.Writer.Segments). So can a long PCM output (WAV) whose sources
// must be decoded (MP3, FLAC, ...): there the decoding is the work shared,
// and the join gives the bytes of the one-piece render exactly (decoders
// seek sample-exactly, dither is a function of the output position).
// Where the segments fall depends only on the document and its sources,
// never on how many cores there are, so every machine (the CLI, the
// browser) writes the same bytes.
const (
	// SegmentSeconds is about how long each segment is: an output is
	// cut into the whole number of segments nearest its length over
	// this many seconds, as equal as the writer's grain allows (every
	// boundary is on the grain). Equal segments keep every worker busy
	// to the end: with the remainder in the last segment, a 3-minute
	// MP3 was five segments, the last of 60 s encoded alone while the
	// other worker waited.
	SegmentSeconds = 30
	// MaxSegments bounds the segments of one output: a longer output
	// gets longer segments, so a huge document cannot ask for unbounded
	// work or files.
	MaxSegments = 256
)

// Segment is output frames [From, To) of a segmented encode.
type Segment struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

// Segments returns the segments a segmented encode of doc uses, in order, or
// nil when the output is made in one piece: a format that cannot encode in
// segments, an output its writer does not encode from samples (such as a
// lossless MP3 edit, which keeps the sources' frames), one shorter than
// one and a half segments, one that is normalised or that resamples a clip (each
// segment would compute the output before it again). Nothing is decoded or
// encoded (for MP3 sources the frame-level plan is tried, as Render does).
//
// A PCM output (codec.Segments.PCM: WAV) is made in segments only when the
// segments save decoding: every frame of it is computed (none is copied
// from a source as stored) and at least one clip's source is not stored
// PCM (an MP3, FLAC, Opus, AAC... file, which is decoded). A cut of WAV
// files into WAV only moves or converts stored samples and stays in one
// piece.
func Segments(doc *Document, inputs []audio.Decoder, opt Options) ([]Segment, error) {
	segs, _, err := SegmentsPlan(doc, inputs, opt)
	return segs, err
}

// SegmentsPlan is Segments, with the plan of the whole output it makes on
// the way: when there are segments it is exactly Render's (no segmented
// output is normalised, the one pass such a plan leaves out), so that its
// caller need not plan the output again for its size, frames or summary.
// The plan is nil when there are no segments.
func SegmentsPlan(doc *Document, inputs []audio.Decoder, opt Options) ([]Segment, *Result, error) {
	opt.planOnly = true
	res, err := Render(doc, inputs, opt)
	if err != nil {
		return nil, nil, err
	}
	w := res.Desc.Write
	if w.Segments == nil || doc.Output.Normalize != nil {
		// Normalisation measures the whole output first: every segment
		// would measure it again. (So a plan with segments is Render's:
		// planOnly skips only the normalisation pass.)
		return nil, nil, nil
	}
	if !res.encoded && (!w.Segments.PCM || opt.EncodedOnly) {
		return nil, nil, nil
	}
	r, err := prepare(doc, inputs, res.Desc)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range r.clips {
		if !k.direct {
			// A resampled clip is rendered from its start: a segment
			// inside it would resample everything before it again.
			return nil, nil, nil
		}
	}
	if w.Segments.PCM && !r.decodesAll() {
		return nil, nil, nil
	}
	segs := segmentsOf(res.Frames, res.Format.Rate, w.Segments.Grain)
	if segs == nil {
		return nil, nil, nil
	}
	return segs, res, nil
}

// decodesAll is true when r computes every output frame and decodes at
// least one clip's source (one that is not stored PCM).
func (r *renderer) decodesAll() bool {
	for _, p := range r.timeline() {
		if p.isRange {
			return false
		}
	}
	for _, k := range r.clips {
		if r.layouts[k.Source] == nil {
			return true
		}
	}
	return false
}

// segmentsOf lays out total frames at rate in about equal segments whose
// boundaries are multiples of grain frames (so is every segment's length
// but the last's).
func segmentsOf(total int64, rate int, grain int64) []Segment {
	if grain <= 0 || rate <= 0 || total <= 0 {
		return nil
	}
	size := SegmentSeconds * int64(rate)
	n := (total + size/2) / size // the nearest whole number
	if n > MaxSegments {
		n = MaxSegments
	}
	if n < 2 || total/n < grain {
		return nil
	}
	segs := make([]Segment, n)
	for i := range segs {
		// Boundary i at i/n of the output, down to the grain: a
		// boundary is at most one grain early, and they rise, since a
		// segment is longer than a grain.
		segs[i].From = int64(i) * (total / n) / grain * grain
		if i > 0 {
			segs[i-1].To = segs[i].From
		}
	}
	segs[n-1].To = total
	return segs
}

// RenderSegment plans one segment of doc's segmented encode (seg from
// Segments): a file of the output format, without tags, holding the
// output's frames [seg.From, seg.To) for JoinSegments (encoded from the
// writer's Lead frames before them to its Tail after them). Its plan
// reads no source (it is computed throughout). With output.normalize set,
// the whole output is read first to measure its peak, as Render does.
func RenderSegment(doc *Document, inputs []audio.Decoder, seg Segment, opt Options) (*Result, error) {
	r, desc, settings, err := prepareSegmented(doc, inputs, opt)
	if err != nil {
		return nil, err
	}
	if seg.From < 0 || seg.To > r.total || seg.From >= seg.To {
		return nil, invalid("segment %d..%d is outside the output's %d frames", seg.From, seg.To, r.total)
	}
	if err := r.normalise(opt.Progress); err != nil {
		return nil, err
	}
	sg := desc.Write.Segments
	if seg.From%sg.Grain != 0 || (seg.To != r.total && seg.To%sg.Grain != 0) {
		return nil, invalid("segment %d..%d is not on the %s writer's grid of %d frames", seg.From, seg.To, desc.Label, sg.Grain)
	}
	span := codec.SegmentSpan{From: seg.From, Lead: min(sg.Lead, seg.From), Tail: min(sg.Tail, r.total-seg.To), Last: seg.To == r.total}
	out, err := sg.Encode(&rangeTimeline{renderer: r, from: seg.From - span.Lead, to: seg.To + span.Tail}, span, settings)
	if err != nil {
		return nil, err
	}
	return r.result(out, nil, opt.Force)
}

// JoinSegments plans doc's output from the encoded files of its segments (the
// files RenderSegment's plans wrote, in the order Segments gave): the
// output's tags and cover, and exactly its length. The plan's ranges read
// parts by index, not doc's sources.
func JoinSegments(doc *Document, inputs []audio.Decoder, parts []audio.Source, opt Options) (*Result, error) {
	r, desc, settings, err := prepareSegmented(doc, inputs, opt)
	if err != nil {
		return nil, err
	}
	out, err := desc.Write.Segments.Join(r, settings, parts)
	if err != nil {
		return nil, err
	}
	if out.Frames != r.total {
		return nil, fmt.Errorf("project: the joined segments are %d frames, the output %d", out.Frames, r.total)
	}
	return r.result(out, nil, opt.Force)
}

// prepareSegmented lays doc out for a segment or a join.
func prepareSegmented(doc *Document, inputs []audio.Decoder, opt Options) (*renderer, *codec.Desc, map[string]string, error) {
	if err := doc.Validate(); err != nil {
		return nil, nil, nil, err
	}
	desc, _, err := outputDesc(doc, inputs)
	if err != nil {
		return nil, nil, nil, err
	}
	if desc.Write.Segments == nil {
		return nil, nil, nil, invalid("%s output is not encoded in segments", desc.Label)
	}
	settings, err := desc.Write.Settings(doc.Output.Options)
	if err != nil {
		return nil, nil, nil, invalid("output.options: %v", err)
	}
	r, err := prepare(doc, inputs, desc)
	if err != nil {
		return nil, nil, nil, err
	}
	r.cover = opt.Cover
	r.res = &Result{Container: desc.Name, Desc: desc}
	return r, desc, settings, nil
}

// rangeTimeline is output frames [from, to) of a render as a timeline of
// one computed piece.
type rangeTimeline struct {
	*renderer
	from, to int64
}

func (t *rangeTimeline) Frames() int64 { return t.to - t.from }

// NewEncoder implements codec.Timeline: frame counts from the segment's
// start, the dither is the whole output's there.
func (t *rangeTimeline) NewEncoder(frame int64) *pcm.Encoder {
	return t.renderer.NewEncoder(t.from + frame)
}

func (t *rangeTimeline) Pieces() []codec.Piece {
	return []codec.Piece{{Frames: t.to - t.from, Source: -1}}
}

func (t *rangeTimeline) Stream(i, j int) (audio.Stream, error) {
	if i != 0 || j != 1 {
		return nil, fmt.Errorf("project: internal error: pieces %d..%d of a segment's 1", i, j)
	}
	return t.streamRange(t.from, t.to)
}

// Parallel says how EncodeSegments runs.
type Parallel struct {
	// Workers is how many segments are encoded at once (at least 1).
	Workers int
	// Open returns decoders of the document's sources for one worker
	// (decoders are not shared between goroutines); called once per
	// worker.
	Open func() ([]audio.Decoder, error)
	// Store writes segment i's plan (res.Plan, which reads no source)
	// and returns the written file for reading; it is called on the
	// worker's goroutine.
	Store func(i int, res *Result) (audio.Source, error)
}

// EncodeSegments encodes doc's segments (from Segments) on p.Workers
// goroutines and returns the stored files in order, for JoinSegments. The bytes
// do not depend on the number of workers. The first failure stops the
// others' next segments; its error names the segment.
func EncodeSegments(doc *Document, segs []Segment, opt Options, p Parallel) ([]audio.Source, error) {
	workers := min(max(1, p.Workers), len(segs))
	parts := make([]audio.Source, len(segs))
	var (
		mu   sync.Mutex
		next int
		fail error
		wg   sync.WaitGroup
	)
	take := func() int {
		mu.Lock()
		defer mu.Unlock()
		if fail != nil || next >= len(segs) {
			return -1
		}
		next++
		return next - 1
	}
	failed := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if fail == nil {
			fail = err
		}
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			decs, err := p.Open()
			if err != nil {
				failed(err)
				return
			}
			for i := take(); i >= 0; i = take() {
				s := segs[i]
				res, err := RenderSegment(doc, decs, s, opt)
				if err == nil {
					parts[i], err = p.Store(i, res)
				}
				if err != nil {
					failed(fmt.Errorf("segment %d of %d (frames %d..%d): %w", i+1, len(segs), s.From, s.To, err))
					return
				}
			}
		}()
	}
	wg.Wait()
	if fail != nil {
		return nil, fail
	}
	for i, s := range parts {
		if s == nil {
			return nil, fmt.Errorf("segment %d of %d: %w", i+1, len(segs), errors.New("not encoded"))
		}
	}
	return parts, nil
}
