package mp3edit

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"sort"
	"strings"

	"offcut/audio"
	"offcut/audio/codec/id3"
	"offcut/audio/codec/mp3"
	"offcut/audio/plan"
)

// ErrNotLossless means the asked edit cannot be done on frames alone; the
// message says why (different sample rates, a layer II file, ...), and a
// decode-and-render to WAV is the way out.
var ErrNotLossless = errors.New("mp3edit: not possible without re-encoding")

// Input is an MP3 file opened for lossless editing.
type Input struct {
	src    audio.Source
	source int // index in the plan's sources
	lay    *mp3.Layout
	first  int   // the layout's first audio frame: 1 after a VBR tag frame
	nf     int   // audio frames
	before int64 // samples the layout counts before the first audio frame
	h0     hdr
	spf    int
	skip   int64 // decoded samples before gapless sample 0
	n      int64 // gapless samples
	id3End int64 // end of the ID3v2 tag, 0 if none
	tail   id3.Tail
	lame   *mp3.VBRTag
	facts  *facts
}

// Open indexes an MP3 file (headers only) for lossless editing. source is
// its index in the sources a plan is written from.
func Open(source int, src audio.Source) (*Input, error) {
	lay, err := mp3.Index(src)
	if err != nil {
		return nil, err
	}
	return FromLayout(source, src, lay)
}

// FromLayout prepares a file already indexed (by mp3.Index, or an open
// mp3.Decoder's Layout) for lossless editing.
func FromLayout(source int, src audio.Source, lay *mp3.Layout) (*Input, error) {
	in := &Input{src: src, source: source, lay: lay, lame: lay.Tag}
	if lay.Tag != nil {
		in.first = 1
	}
	in.nf = lay.Len() - in.first
	if in.nf <= 0 {
		return nil, fmt.Errorf("%w: the file has no audio frames", ErrNotLossless)
	}
	in.before = lay.SamplesBefore(in.first)
	in.h0 = hdr(in.frame(0).Header)
	if in.h0.layer() != 3 {
		return nil, fmt.Errorf("%w: lossless editing works on MPEG layer III; this is layer %d", ErrNotLossless, in.h0.layer())
	}
	in.spf = in.h0.samplesPerFrame()
	in.facts = factsOf(in)
	if in.facts.err != nil {
		return nil, in.facts.err
	}
	// The same gapless arithmetic as the decoder (mp3.Open).
	total := in.cum(in.nf)
	in.skip = mp3.DecoderDelay
	end := total
	if t := lay.Tag; t != nil && t.Lame {
		in.skip += int64(t.Delay)
		if t.Frames == 0 || t.Frames == int64(in.nf) {
			end = min(end, total-int64(t.Padding)+mp3.DecoderDelay)
		}
	}
	in.n = max(0, end-in.skip)
	in.id3End, in.tail = in.facts.id3End, in.facts.tail
	return in, nil
}

// frame returns audio frame i (the VBR tag frame is not counted).
func (in *Input) frame(i int) mp3.Frame { return in.lay.Frame(in.first + i) }

// cum returns the decoded samples before audio frame i.
func (in *Input) cum(i int) int64 { return in.lay.SamplesBefore(in.first+i) - in.before }

// frameAt returns the audio frame holding decoded sample pos.
func (in *Input) frameAt(pos int64) int { return in.lay.FrameAt(pos+in.before) - in.first }

// frames yields audio frames first..last in order.
func (in *Input) frames(first, last int) iter.Seq2[int, mp3.Frame] {
	return func(yield func(int, mp3.Frame) bool) {
		for j, f := range in.lay.FramesFrom(in.first + first) {
			if j-in.first > last || !yield(j-in.first, f) {
				return
			}
		}
	}
}

// Frames is the number of gapless samples per channel.
func (in *Input) Frames() int64 { return in.n }

// Rate is the sample rate.
func (in *Input) Rate() int { return in.h0.sampleRate() }

// Channels is 1 or 2.
func (in *Input) Channels() int {
	if in.h0.mono() {
		return 1
	}
	return 2
}

// Piece is samples [From, To) of an input's gapless decode, optionally
// with a gain and fades applied losslessly through the frames' global_gain
// fields (whole steps of StepDB, per granule).
type Piece struct {
	In       *Input
	From, To int64
	// Gain in dB, rounded to whole steps of StepDB.
	Gain float64
	// FadeIn and FadeOut lengths in samples, shaped by CurveIn and
	// CurveOut (f(0) = 0, f(1) = 1; nil is linear), as a staircase of one
	// step per granule.
	FadeIn, FadeOut   int64
	CurveIn, CurveOut func(x float64) float64
	// Gap and Crossfade are the junction after the piece, in samples: a
	// gap of silence, or an overlap with the next piece shaped by
	// CurveX (the next piece fades in by CurveX(x), this one out by
	// CurveX(1-x), sampled at the centre of each sample; nil is linear).
	// Only with re-encoded junctions (Options.Reencode).
	Gap, Crossfade int64
	CurveX         func(x float64) float64
}

// joined reports whether the junction after p is more than a cut.
func (p Piece) joined() bool { return p.Gap > 0 || p.Crossfade > 0 }

// gainAt returns the gain in dB of the granule centred on sample c of the
// piece (c counted from From).
func (p Piece) gainAt(c int64) float64 {
	db := p.Gain
	linear := func(x float64) float64 { return x }
	in, out := p.CurveIn, p.CurveOut
	if in == nil {
		in = linear
	}
	if out == nil {
		out = linear
	}
	n := p.To - p.From
	g := 1.0
	if p.FadeIn > 0 && c < p.FadeIn {
		g *= in(max(0, min(1, (float64(c)+0.5)/float64(p.FadeIn))))
	}
	if p.FadeOut > 0 && c >= n-p.FadeOut {
		g *= out(max(0, min(1, 1-(float64(c-(n-p.FadeOut))+0.5)/float64(p.FadeOut))))
	}
	if g <= 0 {
		return math.Inf(-1)
	}
	return db + 20*math.Log10(g)
}

func (p Piece) hasGain() bool { return GainSteps(p.Gain) != 0 || p.FadeIn > 0 || p.FadeOut > 0 }

// Options adjusts a plan.
type Options struct {
	// Tag, if not nil, replaces the first input's ID3v2 tag (encoded
	// bytes, e.g. from id3.Tag.Encode).
	Tag []byte
	// Reencode, if not nil, makes inner junctions exact: the few frames
	// around each one are decoded, joined to the sample and encoded again
	// with it (see smart.go); the other frames stay byte for byte. Pieces
	// with gain or fades are not supported this way.
	Reencode Reencoder
	// Stretches, if not nil, keeps re-encoded junctions for the next plan
	// of the same files (Reencode must stay the same encoder).
	Stretches *StretchCache
	// Exact refuses (ErrNotLossless) any inner junction that would not
	// play exactly the pieces asked for: a re-encoded one off the source's
	// frame grid (see Stretch.Shift), or a kept one that plays samples not
	// in the pieces (the rest of a frame at a cut, the encoders' padding).
	// The caller then encodes the whole edit.
	Exact bool
	// Estimate plans without re-encoding a junction that is not in
	// Stretches: its frames are counted at the bitrate it would be encoded
	// at, as an encoded segment that cannot be written. The plan's length
	// is exact and its size an estimate (plan.Plan.Exact is false): for an
	// editor's summary after each change, not for writing.
	Estimate bool
}

// Result describes a planned output.
type Result struct {
	Plan *plan.Plan
	// Frames is the gapless length players will play (the LAME header's
	// claim): the pieces plus whatever plays at inner junctions.
	Frames int64
	// Junctions lists, for each inner junction, how many samples play there
	// that are not in the pieces (encoder padding, priming, and the parts of
	// frames that hold a cut point).
	Junctions []int64
	// Rate and Channels of the output.
	Rate, Channels int
	// Delay and Padding are the LAME header's encoder delay and padding.
	Delay, Padding int
	// Stretches are the re-encoded stretches, one per inner junction, when
	// Options.Reencode was used (Junctions is then all zeros).
	Stretches []Stretch
	// Estimated is true when some stretch was estimated, not encoded
	// (Options.Estimate): the plan's size is then an estimate.
	Estimated bool
	// Pieces are the pieces as written: a re-encoded junction may move a
	// cut by up to half a frame (a whole frame where a piece reaches its
	// file's start or end) so that the frames after it stay the source's
	// (see Stretch.Shift).
	Pieces []Piece

	clamped *int
}

// Clamped is the number of global_gain fields that hit their 0..255 limit
// (so those granules got less gain than asked), counted while the plan's
// computed segments were written.
func (r *Result) Clamped() int { return *r.clamped }

// outFrame is one frame of the output: a range of an input, or a synthetic
// frame of literal bytes followed by reservoir ranges.
type outFrame struct {
	in    *Input
	first int // audio frame index of a run of input frames
	last  int
	off   int64          // byte offset of frame first
	synth []byte         // synthetic frame head (header, side info, filler)
	res   []plan.Segment // reservoir ranges closing a synthetic frame
	size  int64
	bi    int // bitrate index (for the Info/Xing choice)
	// steps, if not nil, gives the global_gain change of each granule of
	// input frame f (lossless gain and fades).
	steps func(f int) []int
	// A re-encoded stretch: its frames' sizes and bitrate indexes, and its
	// bytes (literal, or ranges of the reservoir bytes the next kept frame
	// reads).
	sizes []int64
	bis   []int
	segs  []plan.Segment
}

// Plan lays out the pieces, in order, as one MP3 file.
func Plan(pieces []Piece, opt Options) (*Result, error) {
	if len(pieces) == 0 {
		return nil, errors.New("mp3edit: nothing to write")
	}
	h0 := pieces[0].In.h0
	for i, p := range pieces {
		if p.From < 0 || p.To > p.In.n || p.From >= p.To {
			return nil, fmt.Errorf("mp3edit: piece %d: samples %d..%d outside the file's 0..%d", i, p.From, p.To, p.In.n)
		}
		if h := p.In.h0; !h.compatible(h0) || h.mono() != h0.mono() {
			return nil, fmt.Errorf("%w: piece %d is %d Hz %s, the first is %d Hz %s; join them by rendering to WAV instead",
				ErrNotLossless, i, h.sampleRate(), chName(h), h0.sampleRate(), chName(h0))
		}
	}
	for i, p := range pieces[:len(pieces)-1] {
		if p.Gap < 0 || p.Crossfade < 0 || p.Gap > 0 && p.Crossfade > 0 {
			return nil, fmt.Errorf("mp3edit: junction %d: a gap of %d and a crossfade of %d samples", i+1, p.Gap, p.Crossfade)
		}
		if p.joined() && opt.Reencode == nil {
			return nil, fmt.Errorf("%w: a gap or crossfade at junction %d needs its frames re-encoded", ErrNotLossless, i+1)
		}
	}
	if opt.Reencode != nil && len(pieces) > 1 {
		return planSmart(pieces, opt)
	}
	var (
		out       []outFrame
		lead      int64 // decoded samples before the first wanted one
		trail     int64
		junctions []int64
		wanted    int64
	)
	spf := int64(h0.samplesPerFrame())
	for k, p := range pieces {
		in := p.In
		pa, pb := p.From+in.skip, p.To+in.skip
		f0 := in.frameAt(pa)
		f1 := in.frameAt(pb - 1)
		first := f0
		if k == 0 {
			// Prime two granules before f0 (one MPEG-1 frame, two MPEG-2
			// frames) so the filterbanks are in the state a decode from the
			// start leaves them in; FFmpeg's output then matches bit for bit.
			first = max(0, f0-int(1152/spf))
		}
		spans, err := in.spans(first, f1)
		if err != nil {
			return nil, err
		}
		pieceLead := pa - in.cum(first)
		if mdb := in.frame(first).MainDataBegin; mdb > 0 {
			s, err := in.synthetic(first, int(mdb))
			if err != nil {
				return nil, err
			}
			out = append(out, s)
			pieceLead += spf
		}
		var steps func(f int) []int
		if p.hasGain() {
			piece, gran := p, in.h0.granules()
			gsz := int64(in.spf / gran)
			steps = func(f int) []int {
				st := make([]int, gran)
				for g := range st {
					c := in.cum(f) + int64(g)*gsz + gsz/2 - pa
					st[g] = GainSteps(piece.gainAt(c))
				}
				return st
			}
		}
		for _, sp := range spans {
			sp.steps = steps
			out = append(out, sp)
		}
		if k == 0 {
			lead = pieceLead
		} else {
			if opt.Exact && trail+pieceLead != 0 {
				return nil, fmt.Errorf("%w: junction %d would play %d samples that are not in the pieces (the rest of the frames that hold its cuts, or the encoders' padding), and exact junctions were asked for", ErrNotLossless, k, trail+pieceLead)
			}
			junctions = append(junctions, trail+pieceLead)
			wanted += trail + pieceLead
		}
		trail = in.cum(f1+1) - pb
		wanted += p.To - p.From
	}
	res, err := assemble(pieces, opt, out, lead, trail, wanted)
	if err != nil {
		return nil, err
	}
	res.Junctions = junctions
	return res, nil
}

// spans lists input frames first..last as runs of contiguous bytes:
// damaged bytes the scan skipped between two frames are left out.
func (in *Input) spans(first, last int) ([]outFrame, error) {
	last = min(last, in.nf-1)
	if f := in.facts.damaged(first, last); f >= 0 {
		return nil, fmt.Errorf("mp3edit: frame %d at byte %d is damaged; it cannot be kept losslessly", f, in.frame(f).Offset)
	}
	runs := in.facts.runs
	var spans []outFrame
	for i := sort.Search(len(runs), func(i int) bool { return runs[i].last >= first }); i < len(runs) && runs[i].first <= last; i++ {
		a, b := max(first, runs[i].first), min(last, runs[i].last)
		fa, fb := in.frame(a), in.frame(b)
		spans = append(spans, outFrame{in: in, first: a, last: b, off: fa.Offset, size: fb.Offset + int64(fb.Size) - fa.Offset, bi: -1})
	}
	return spans, nil
}

// assemble writes the output frames as a plan: the tag, the Info frame
// (lead and trail are the decoded samples before the first wanted one and
// after the last; wanted is what plays between), the frames, the tail tags.
func assemble(pieces []Piece, opt Options, out []outFrame, lead, trail, wanted int64) (*Result, error) {
	h0 := pieces[0].In.h0
	spf := int64(h0.samplesPerFrame())
	// Players (FFmpeg among them) want a few consecutive frames before
	// they believe a stream is MPEG audio: pad very short outputs with
	// silent frames, which the LAME padding then hides.
	for count := countFrames(out); count < minFrames; count++ {
		bi, err := h0.smallestFrame(4 + h0.sideInfoLen())
		if err != nil {
			return nil, err
		}
		sh := h0.with(bi)
		b := make([]byte, sh.frameSize(bi))
		copy(b, sh.bytes())
		out = append(out, outFrame{synth: b, size: int64(len(b)), bi: bi})
		trail += spf
	}
	delay := lead - mp3.DecoderDelay
	padding := trail + mp3.DecoderDelay
	if delay < 0 || delay > 4095 || padding > 4095 {
		return nil, fmt.Errorf("mp3edit: internal error: delay %d, padding %d do not fit the LAME header", delay, padding)
	}
	info, err := infoFrame(h0, out, pieces[0].In.lame, int(delay), int(padding))
	if err != nil {
		return nil, err
	}

	p := &plan.Plan{}
	clampedCount := new(int)
	first := pieces[0].In
	if opt.Tag != nil {
		p.Bytes(opt.Tag)
	} else if first.id3End > 0 {
		p.Range(first.source, 0, first.id3End)
	}
	p.Bytes(info)
	for _, f := range out {
		if f.segs != nil {
			for _, s := range f.segs {
				if s.Source >= 0 {
					p.Range(s.Source, s.Offset, s.Length)
					continue
				}
				if s.Encoded != nil { // an estimated stretch (Options.Estimate)
					p.Encode(s.Length, s.Encoded)
					continue
				}
				b := s.Literal
				p.Compute(int64(len(b)), func() (io.Reader, error) { return bytes.NewReader(b), nil })
			}
			continue
		}
		if f.synth != nil {
			p.Bytes(f.synth)
			for _, r := range f.res {
				p.Range(r.Source, r.Offset, r.Length)
			}
			continue
		}
		if f.steps == nil {
			p.Range(f.in.source, f.off, f.size)
			continue
		}
		// Frames whose gain does not change stay ranges; runs of changed
		// frames are computed, streaming.
		var (
			a, runOff, runEnd int64 = -1, 0, 0
			changed           bool
		)
		flush := func(b int) {
			if a < 0 {
				return
			}
			if !changed {
				p.Range(f.in.source, runOff, runEnd-runOff)
			} else {
				in, first, last, steps := f.in, int(a), b, f.steps
				p.Compute(runEnd-runOff, func() (io.Reader, error) {
					return &gainReader{in: in, frame: first, last: last, steps: steps, clamped: clampedCount}, nil
				})
			}
		}
		for j, fr := range f.in.frames(f.first, f.last) {
			c := nonzero(f.steps(j))
			if a < 0 || c != changed {
				flush(j - 1)
				a, runOff, changed = int64(j), fr.Offset, c
			}
			runEnd = fr.Offset + int64(fr.Size)
		}
		flush(f.last)
	}
	last := pieces[len(pieces)-1].In
	if last.tail.AudioEnd < last.src.Size() {
		p.Range(last.source, last.tail.AudioEnd, last.src.Size()-last.tail.AudioEnd)
	}
	return &Result{Plan: p, Frames: wanted, Pieces: pieces, Rate: h0.sampleRate(), Channels: pieces[0].In.Channels(), Delay: int(delay), Padding: int(padding), clamped: clampedCount}, nil
}

func nonzero(st []int) bool {
	for _, v := range st {
		if v != 0 {
			return true
		}
	}
	return false
}

func chName(h hdr) string {
	if h.mono() {
		return "mono"
	}
	return "stereo"
}

// minFrames is the fewest audio frames an output has.
const minFrames = 3

func countFrames(out []outFrame) int {
	n := 0
	for _, f := range out {
		if f.sizes != nil {
			n += len(f.sizes)
			continue
		}
		if f.synth != nil {
			n++
		} else {
			n += f.last - f.first + 1
		}
	}
	return n
}

// synthetic builds the silent frame that carries the mdb reservoir bytes
// frame f reads from the frames before it.
func (in *Input) synthetic(f, mdb int) (outFrame, error) {
	fr := in.frame(f)
	// The frame's own header, read from the file: the index keeps only
	// some of its fields, and the synthetic frame copies all of them.
	var hb [4]byte
	if err := audio.ReadAtFull(in.src, hb[:], fr.Offset); err != nil {
		return outFrame{}, fmt.Errorf("mp3edit: frame %d at byte %d: %w", f, fr.Offset, err)
	}
	h := hdr(binary.BigEndian.Uint32(hb[:]))
	need := 4 + h.sideInfoLen() + mdb
	bi, err := h.smallestFrame(need)
	if err != nil {
		return outFrame{}, err
	}
	sh := h.with(bi)
	size := sh.frameSize(bi)
	res, err := in.reservoir(f, mdb)
	if err != nil {
		return outFrame{}, err
	}
	head := make([]byte, size-mdb)
	copy(head, sh.bytes()) // side info and filler stay zero: silent granules, main_data_begin 0
	return outFrame{synth: head, res: res, size: int64(size), bi: bi}, nil
}

// reservoir returns, as ranges of the input, the last mdb bytes of main
// data before frame f: the bit reservoir frame f reads.
func (in *Input) reservoir(f, mdb int) ([]plan.Segment, error) {
	var res []plan.Segment
	left := int64(mdb)
	for j := f - 1; j >= 0 && left > 0; j-- {
		fr := in.frame(j)
		start := fr.Offset + int64(hdr(fr.Header).payloadStart())
		end := fr.Offset + int64(fr.Size)
		n := min(left, end-start)
		if n <= 0 {
			continue
		}
		res = append([]plan.Segment{{Source: in.source, Offset: end - n, Length: n}}, res...)
		left -= n
	}
	if left > 0 {
		return nil, fmt.Errorf("mp3edit: frame %d at byte %d reads %d reservoir bytes that are not in the file", f, in.frame(f).Offset, mdb)
	}
	return res, nil
}

// encoderString is the LAME header's 9-byte encoder string: the source's
// own when it is one readers trust (LAME 3.90 or later, whose version
// mutagen and others parse before they read delay and padding, or FFmpeg's
// Lavf/Lavc, which FFmpeg reads), else "LAME3.100": a LAME header with no
// parseable version is ignored by mutagen, which then counts the padding
// and delay as audio (10.109 s for a 10.000 s cut).
func encoderString(orig *mp3.VBRTag) string {
	const fallback = "LAME3.100"
	if orig == nil || !orig.Lame {
		return fallback
	}
	e := orig.Encoder
	switch {
	case strings.HasPrefix(e, "Lavf"), strings.HasPrefix(e, "Lavc"):
		return e
	case len(e) >= 8 && strings.HasPrefix(e, "LAME3.") && isDigit(e[6]) && isDigit(e[7]) && (e[6] == '9' || e[6] == '1'):
		return e // LAME3.90 .. LAME3.99x, LAME3.100
	}
	return fallback
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// infoFrame builds the Xing/Info frame with a LAME extension for the frames.
func infoFrame(h0 hdr, out []outFrame, orig *mp3.VBRTag, delay, padding int) ([]byte, error) {
	// Counted run by run, not frame by frame (an output can have millions
	// of frames): starts[i] and pos[i] are the frames and bytes before
	// out[i].
	starts := make([]int64, len(out)+1)
	pos := make([]int64, len(out)+1)
	ih := InfoHeader{Header: h0.m(), CBR: true, Encoder: encoderString(orig), Delay: delay, Padding: padding}
	firstBI := -1
	rate := func(bi int) {
		ih.CBR = ih.CBR && bi >= 0 && (firstBI < 0 || bi == firstBI)
		if firstBI < 0 {
			firstBI = bi
		}
	}
	for i, f := range out {
		var n int64
		switch {
		case f.sizes != nil:
			n = int64(len(f.sizes))
			for _, bi := range f.bis {
				rate(bi)
			}
		case f.synth != nil:
			n = 1
			rate(f.bi)
		default:
			n = int64(f.last - f.first + 1)
			rate(f.in.facts.bitrate(f.in, f.first, f.last))
		}
		starts[i+1] = starts[i] + n
		pos[i+1] = pos[i] + f.size
	}
	ih.Count, ih.Bytes = starts[len(out)], pos[len(out)]
	ih.Before = func(k int64) int64 {
		i := sort.Search(len(out), func(i int) bool { return starts[i+1] > k })
		if i == len(out) {
			return ih.Bytes
		}
		f, j := out[i], k-starts[i]
		switch {
		case f.sizes != nil:
			b := pos[i]
			for _, s := range f.sizes[:j] {
				b += s
			}
			return b
		case f.synth != nil:
			return pos[i]
		default:
			return pos[i] + f.in.frame(f.first+int(j)).Offset - f.off
		}
	}
	b, err := ih.Frame()
	if errors.Is(err, errTooLong) {
		err = fmt.Errorf("%w: %w", ErrNotLossless, err)
	}
	return b, err
}

// InfoHeader describes the audio frames of a layer III file, for the
// Xing/Info frame with a LAME extension that precedes them. Players read the
// frame count, byte count and seek table from it, and the encoder delay and
// padding that make the decode gapless and exact in length.
type InfoHeader struct {
	// Header is the first audio frame's header: the Info frame takes its
	// version, sample rate and channel mode.
	Header mp3.Header
	// Sizes are the byte sizes of the audio frames, in order; or Each, if
	// set, calls fn with each size in order (walked twice, so that an
	// output of millions of frames needs no list of them); or, if Before
	// is set, Count frames of Bytes bytes in all, Before(k) of them before
	// frame k (looked up a hundred times, for the seek table).
	Sizes  []int64
	Each   func(fn func(size int64))
	Count  int64
	Bytes  int64
	Before func(k int64) int64
	// CBR is true when every audio frame has the same bitrate ("Info"
	// rather than "Xing").
	CBR bool
	// Encoder is the LAME extension's 9-byte encoder string (e.g.
	// "LAME3.100"), space-padded or cut to 9 bytes.
	Encoder string
	// Delay and Padding are the encoder delay and padding in samples
	// (0..4095 each).
	Delay, Padding int
}

var errTooLong = errors.New("too many bytes for an Info header to count")

func (ih InfoHeader) each(fn func(size int64)) {
	if ih.Each != nil {
		ih.Each(fn)
		return
	}
	for _, s := range ih.Sizes {
		fn(s)
	}
}

// Frame builds the Info frame: the smallest frame of the stream's kind that
// holds the Xing fields (frames, bytes, TOC, quality) and the LAME
// extension (encoder, delay and padding, music length, CRC).
func (ih InfoHeader) Frame() ([]byte, error) {
	h0 := hdr(ih.Header)
	if h0.layer() != 3 {
		return nil, fmt.Errorf("mp3edit: Info header for a layer %d stream; only layer III has one", h0.layer())
	}
	if ih.Delay < 0 || ih.Delay > 4095 || ih.Padding < 0 || ih.Padding > 4095 {
		return nil, fmt.Errorf("mp3edit: internal error: delay %d, padding %d do not fit the LAME header", ih.Delay, ih.Padding)
	}
	si := h0.sideInfoLen()
	xing := 4 + si
	need := xing + 120 + 36
	bi, err := h0.smallestFrame(need)
	if err != nil {
		return nil, err
	}
	fh := h0.with(bi)
	b := make([]byte, fh.frameSize(bi))
	copy(b, fh.bytes())

	total := int64(len(b))
	var count int64
	if ih.Before != nil {
		total, count = total+ih.Bytes, ih.Count
	} else {
		ih.each(func(size int64) {
			total += size
			count++
		})
	}
	if total > 0xFFFFFFFF || count > 0xFFFFFFFF {
		return nil, fmt.Errorf("mp3edit: %d bytes: %w", total, errTooLong)
	}
	id := "Xing"
	if ih.CBR {
		id = "Info"
	}
	x := b[xing:]
	copy(x, id)
	binary.BigEndian.PutUint32(x[4:], 0x0F) // frames, bytes, TOC, quality
	binary.BigEndian.PutUint32(x[8:], uint32(count))
	binary.BigEndian.PutUint32(x[12:], uint32(total))
	// TOC: for each percent of the duration, the byte position (of 256):
	// entry i is where frame count*i/100 starts.
	if ih.Before != nil {
		for i := range int64(100) {
			pos := int64(len(b)) + ih.Bytes
			if k := count * i / 100; k < count {
				pos = int64(len(b)) + ih.Before(k)
			}
			x[16+i] = byte(min(255, pos*256/total))
		}
	} else {
		pos, k, i := int64(len(b)), int64(0), int64(0)
		ih.each(func(size int64) {
			for i < 100 && count*i/100 <= k {
				x[16+i] = byte(min(255, pos*256/total))
				i++
			}
			pos += size
			k++
		})
		for ; i < 100; i++ {
			x[16+i] = byte(min(255, pos*256/total))
		}
	}
	binary.BigEndian.PutUint32(x[116:], 0) // quality
	l := x[120:]
	copy(l[:9], (ih.Encoder + "         ")[:9])
	l[9] = 0x00 // tag revision 0, VBR method unknown
	v := uint32(ih.Delay)<<12 | uint32(ih.Padding)
	l[21], l[22], l[23] = byte(v>>16), byte(v>>8), byte(v)
	binary.BigEndian.PutUint32(l[28:], uint32(total))
	crcEnd := xing + 120 + 34
	binary.BigEndian.PutUint16(b[crcEnd:], crc16(b[:crcEnd]))
	return b, nil
}
