package project

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/wav"
	"offcut/audio/codecs"
	"offcut/audio/pcm"
	"offcut/audio/plan"
	"offcut/audio/resample"
)

// Options adjusts Render.
type Options struct {
	// Progress, if not nil, is called during analysis passes (peak
	// normalisation) with frames done and total; returning false cancels.
	Progress func(done, total int64) bool
	// Cover, if set, replaces the front cover of an MP3 output (image bytes,
	// JPEG or PNG; empty Data removes it).
	Cover *Cover
	// Force plans outputs over MaxOutputBytes, which are otherwise refused
	// with ErrTooLarge before anything is read or written.
	Force bool
	// EncodedOnly makes Segments split only outputs a format's encoder
	// makes from samples (MP3), never a PCM output whose sources are
	// decoded (WAV from MP3): for a caller whose segments are files on
	// disk, to which writing the samples twice costs about what decoding
	// on more cores saves (the CLI). The bytes are the same either way.
	EncodedOnly bool
	// Estimate plans for the announced length and size only (an editor's
	// summary after each change): writers may estimate sizes they would
	// otherwise encode to know (codec.Timeline.Estimate). Such a plan's
	// length is exact; it must not be written.
	Estimate bool

	// planOnly skips the normalisation pass (Segments only needs to know
	// which writer path the output takes).
	planOnly bool
}

// Cover is an image for the output's tags.
type Cover struct {
	MIME string
	Data []byte
}

// ErrCanceled is returned when Options.Progress asks to stop.
var ErrCanceled = errors.New("project: canceled")

// Result is a rendered document: the output file as a plan, and what it is.
type Result struct {
	// Plan is the output file.
	Plan *plan.Plan
	// Format is the output's sample format (for lossy formats, the
	// nominal depth).
	Format audio.Format
	// Frames is the exact output length in frames.
	Frames int64
	// Lossless is true when the plan holds no computed bytes: the output's
	// samples (or coded frames) are the sources' bytes.
	Lossless bool
	// Container is the output format's registry name ("wav", "mp3", ...);
	// Desc is its declaration (MIME type, extension, label).
	Container string
	Desc      *codec.Desc
	// Notes are things the user should know about the output (e.g. what
	// plays at the junctions of a lossless MP3 join).
	Notes []string
	// Fallback, when the output format was not named and the sources' own
	// could not carry the edit, says in plain words why WAV was chosen.
	Fallback string

	encoded bool // the writer encodes it all from samples

	mu          sync.Mutex
	encoders    []*pcm.Encoder
	gainLimited func() int64
}

// GainLimited is, for MP3 output, the number of granules whose global_gain
// hit its limit and so got less gain than asked (counted while writing).
func (r *Result) GainLimited() int64 {
	if r.gainLimited == nil {
		return 0
	}
	return r.gainLimited()
}

// Clipped is the number of samples that were beyond full scale and were
// clamped, counted while the plan's computed segments were written.
func (r *Result) Clipped() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var n int64
	for _, e := range r.encoders {
		n += e.Clipped
	}
	return n
}

// NonFinite is the number of NaN or infinite samples that were written as
// silence, counted while the plan's computed segments were written.
func (r *Result) NonFinite() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var n int64
	for _, e := range r.encoders {
		n += e.NonFinite
	}
	return n
}

// Duration is the output length in seconds.
func (r *Result) Duration() float64 { return audio.Duration(r.Frames, r.Format.Rate) }

// clip is a document clip prepared for rendering.
type clip struct {
	Clip
	dec      audio.Decoder
	info     audio.Info
	n        int64 // output frames
	xin      int64 // crossfade overlap with the previous clip
	xout     int64 // crossfade overlap with the next clip
	xinC     Curve
	xoutC    Curve
	gain     float64
	direct   bool // same rate: random access by position
	passthru bool // same stored format and unity gain: bytes can be copied
}

type renderer struct {
	doc     *Document
	desc    *codec.Desc
	res     *Result
	cover   *Cover
	ps      []piece
	out     audio.Format
	clips   []clip
	gaps    []int64 // gap before clip i+1
	joins   []int64 // each join's length in frames (0 for none)
	dither  bool
	total   int64
	norm    float64
	notes   []string // the normalisation pass's
	decs    []audio.Decoder
	layouts []audio.PCMLayout
	// estimate: the plan is for its length and size only (Options.Estimate).
	estimate bool
}

// Render checks doc against the inputs (decoders indexed like the
// document's sources) and plans the output file with the chosen format's
// writer: output.container when set, else the first source's format when
// it can write the edit, else WAV.
func Render(doc *Document, inputs []audio.Decoder, opt Options) (*Result, error) {
	if err := doc.Validate(); err != nil {
		return nil, err
	}
	desc, asked, err := outputDesc(doc, inputs)
	if err != nil {
		return nil, err
	}
	res, err := renderWith(desc, doc, inputs, opt)
	if err != nil && !asked && errors.Is(err, codec.ErrCannotWrite) {
		why := err.Error()
		if i := strings.Index(why, ": "); i >= 0 {
			why = why[i+2:]
		}
		plain := *doc
		plain.Output.Options = nil // the sources' format's settings
		res, err = renderWith(&wav.Desc, &plain, inputs, opt)
		if err == nil {
			res.Fallback = fmt.Sprintf("%s, because %s", wav.Desc.Label, strings.TrimSuffix(why, "."))
		}
	}
	if err != nil && errors.Is(err, codec.ErrCannotWrite) {
		return nil, fmt.Errorf("%s output of this edit %w, which Offcut cannot do for %s yet (%w); export WAV instead", desc.Label, ErrNeedsEncoder, desc.Label, err)
	}
	return res, err
}

// ErrNeedsEncoder means the document asks for an output format that cannot
// carry the edit as the sources' own coded frames (e.g. a crossfade in MP3
// output), and that format has no encoder yet.
var ErrNeedsEncoder = errors.New("needs re-encoding")

// outputDesc picks the output format; asked is true when the document
// names it.
func outputDesc(doc *Document, inputs []audio.Decoder) (d *codec.Desc, asked bool, err error) {
	if c := doc.Output.Container; c != "" {
		d = codecs.Lookup(c)
		if d == nil || d.Write == nil {
			return nil, true, invalid("output.container %q: Offcut writes %s", c, strings.Join(codecs.WriterNames(), ", "))
		}
		return d, true, nil
	}
	first := doc.Clips[0].Source
	if first < len(inputs) {
		info := inputs[first].Info()
		if d = codecs.Lookup(info.Container); d != nil && d.Write != nil && (d.Write.SameAsSource == nil || d.Write.SameAsSource(info)) {
			return d, false, nil
		}
	}
	return &wav.Desc, false, nil
}

func renderWith(desc *codec.Desc, doc *Document, inputs []audio.Decoder, opt Options) (*Result, error) {
	settings, err := desc.Write.Settings(doc.Output.Options)
	if err != nil {
		return nil, invalid("output.options: %v", err)
	}
	r, err := prepare(doc, inputs, desc)
	if err != nil {
		return nil, err
	}
	r.cover = opt.Cover
	r.estimate = opt.Estimate
	r.res = &Result{Container: desc.Name, Desc: desc}
	// Before the normalisation pass, which reads the whole output.
	if err := checkSize(outBytes(r.total, r.out.BytesPerFrame()), r.total, r.out.Rate, opt.Force); err != nil {
		return nil, err
	}
	if !opt.planOnly {
		if err := r.normalise(opt.Progress); err != nil {
			return nil, err
		}
	}
	out, err := desc.Write.Plan(r, settings)
	if err != nil {
		return nil, err
	}
	return r.result(out, r.notes, opt.Force)
}

// normalise measures the output's peak when the document asks for
// normalisation, and sets the gain that brings it to the asked level.
func (r *renderer) normalise(progress func(done, total int64) bool) error {
	if r.doc.Output.Normalize == nil {
		return nil
	}
	s, err := r.stream()
	if err != nil {
		return err
	}
	peak, bad, err := measurePeak(s, progress)
	if err != nil {
		return err
	}
	if bad > 0 {
		r.notes = append(r.notes, fmt.Sprintf("%d samples are NaN or infinite (a damaged float source); normalisation left them out and they are written as silence", bad))
	}
	if peak > 0 {
		r.norm = audio.DBToLinear(*r.doc.Output.Normalize) / peak
	}
	r.markPassthrough()
	return nil
}

// result completes the render's Result with the writer's output.
func (r *renderer) result(out *codec.Output, notes []string, force bool) (*Result, error) {
	res := r.res
	res.Plan, res.Format, res.Frames, res.Notes = out.Plan, out.Format, out.Frames, append(notes, out.Notes...)
	res.gainLimited = out.GainLimited
	res.encoded = out.Encoded
	res.Lossless = res.Plan.ComputedBytes() == 0
	if err := checkSize(res.Plan.Size(), res.Frames, res.Format.Rate, force); err != nil {
		return nil, err
	}
	return res, nil
}

// Stream renders doc as a stream of float32 frames (for previews, peaks and
// analysis), without encoding.
func Stream(doc *Document, inputs []audio.Decoder) (audio.Stream, error) {
	if err := doc.Validate(); err != nil {
		return nil, err
	}
	desc, _, err := outputDesc(doc, inputs)
	if err != nil {
		return nil, err
	}
	r, err := prepare(doc, inputs, desc)
	if err != nil {
		return nil, err
	}
	return r.stream()
}

// OutputFormat is the sample layout the renderer hands the output format's
// writer for doc.
func OutputFormat(doc *Document, inputs []audio.Decoder) (audio.Format, error) {
	if err := doc.Validate(); err != nil {
		return audio.Format{}, err
	}
	desc, _, err := outputDesc(doc, inputs)
	if err != nil {
		return audio.Format{}, err
	}
	r, err := prepare(doc, inputs, desc)
	if err != nil {
		return audio.Format{}, err
	}
	return r.out, nil
}

// SourcesFormat is the sample layout an output takes where the document
// leaves it to the sources: the best of the sources its clips play (the
// highest rate, the most channels, the deepest samples, float if any is),
// whatever their order, so that a join never takes a voice note's 8 kHz
// mono from its first clip and reordering never changes the output.
// Clips naming a source past inputs are left to the document's checks.
func SourcesFormat(doc *Document, inputs []audio.Decoder) audio.Format {
	var best audio.Format
	for _, c := range doc.Clips {
		if c.Source < 0 || c.Source >= len(inputs) {
			continue
		}
		f := inputs[c.Source].Info().Format
		best.Rate = max(best.Rate, f.Rate)
		best.Channels = max(best.Channels, f.Channels)
		best.Bits = max(best.Bits, f.Bits)
		best.Float = best.Float || f.Float
	}
	if best.Float && best.Bits < 32 {
		best.Bits = 32 // float samples are 32 or 64 bits
	}
	return best
}

// outputFormat resolves the output's sample layout: the document's
// settings, else the sources' (SourcesFormat), adapted to what the writer
// stores.
func outputFormat(o Output, src audio.Format, w *codec.Writer, label string) (audio.Format, error) {
	out := src
	if o.SampleRate != 0 {
		out.Rate = o.SampleRate
		if !w.WritesRate(out.Rate) {
			return out, invalid("output.sampleRate: %s is not written at %d Hz", label, out.Rate)
		}
	}
	out.Rate = w.NearestRate(out.Rate)
	if o.Channels != 0 {
		out.Channels = o.Channels
	}
	if m := w.MaxChannels; m > 0 && out.Channels > m {
		if o.Channels != 0 {
			return out, invalid("output.channels: %s holds at most %d channels", label, m)
		}
		out.Channels = m
	}
	switch {
	case w.SampleFormats == nil:
		if o.SampleFormat != "" {
			return out, invalid("output.sampleFormat: %s has no sample format setting", label)
		}
		// Lossy formats take float samples.
		out.Bits, out.Float = 32, true
	case o.SampleFormat != "":
		sf, _ := codec.ParseSampleFormat(o.SampleFormat)
		out.Bits, out.Float = sf.Bits, sf.Float
		if !w.Stores(out) {
			return out, invalid("output.sampleFormat: %s does not store %s samples (it stores %s)", label, o.SampleFormat, strings.Join(w.SampleFormats, ", "))
		}
	case !w.Stores(out):
		sf, _ := codec.ParseSampleFormat(w.SampleFormats[0])
		out.Bits, out.Float = sf.Bits, sf.Float
	}
	return out, nil
}

func prepare(doc *Document, inputs []audio.Decoder, desc *codec.Desc) (*renderer, error) {
	if len(doc.Sources) > 0 && len(inputs) != len(doc.Sources) {
		return nil, invalid("the document names %d sources, %d were given", len(doc.Sources), len(inputs))
	}
	r := &renderer{doc: doc, desc: desc, norm: 1, decs: inputs, layouts: make([]audio.PCMLayout, len(inputs))}
	for i, d := range inputs {
		if l, ok := d.(audio.PCMLayout); ok {
			r.layouts[i] = l
		}
	}
	first := doc.Clips[0]
	if first.Source >= len(inputs) {
		return nil, invalid("clips[0].source %d: only %d inputs were given", first.Source, len(inputs))
	}
	o := doc.Output
	var err error
	if r.out, err = outputFormat(o, SourcesFormat(doc, inputs), desc.Write, desc.Label); err != nil {
		return nil, err
	}
	if err := r.out.Validate(); err != nil {
		return nil, invalid("output: %v", err)
	}

	r.clips = make([]clip, len(doc.Clips))
	r.gaps = make([]int64, len(doc.Clips))
	for i, c := range doc.Clips {
		if c.Source >= len(inputs) {
			return nil, invalid("clips[%d].source %d: only %d inputs were given", i, c.Source, len(inputs))
		}
		info := inputs[c.Source].Info()
		if c.Out > info.Frames {
			return nil, invalid("clips[%d].out %d is past the end of source %d (%d frames)", i, c.Out, c.Source, info.Frames)
		}
		k := clip{Clip: c, dec: inputs[c.Source], info: info}
		k.n = resample.OutLen(c.Out-c.In, info.Format.Rate, r.out.Rate)
		k.direct = info.Format.Rate == r.out.Rate
		k.gain = audio.DBToLinear(c.Gain)
		if c.Gain == 0 {
			k.gain = 1
		}
		if k.n == 0 {
			return nil, invalid("clips[%d] is shorter than one output frame", i)
		}
		r.clips[i] = k
		if o.Dither == nil && !r.out.Float {
			if sf := info.Format; sf.Float || sf.Bits > r.out.Bits {
				r.dither = true
			}
		}
	}
	if o.Dither != nil {
		r.dither = *o.Dither
	}
	r.joins = make([]int64, len(doc.Joins))
	for i, j := range doc.Joins {
		n := j.Length
		if j.Ms > 0 {
			n = Frames(j.Ms, r.out.Rate)
		}
		if n > MaxFrames {
			return nil, invalid("joins[%d] is %d frames at %d Hz, the limit is %d", i, n, r.out.Rate, int64(MaxFrames))
		}
		switch j.Type {
		case JoinGap:
			r.gaps[i] = n
		case JoinCrossfade:
			a, b := &r.clips[i], &r.clips[i+1]
			a.xout, a.xoutC = n, j.Curve
			b.xin, b.xinC = n, j.Curve
		default:
			n = 0
		}
		r.joins[i] = n
	}
	for i := range r.clips {
		k := &r.clips[i]
		// Fades in milliseconds become frames at the output's rate, at
		// most the clip: copies, so the document stays as it was given.
		k.FadeIn, k.FadeOut = fadeFrames(k.FadeIn, r.out.Rate, k.n), fadeFrames(k.FadeOut, r.out.Rate, k.n)
		if k.xin+k.xout > k.n {
			return nil, invalid("clips[%d] is %d frames long, too short for its crossfades (%d + %d frames)", i, k.n, k.xin, k.xout)
		}
		if k.FadeIn != nil && k.FadeIn.Length > k.n {
			return nil, invalid("clips[%d].fadeIn is %d frames, the clip is %d", i, k.FadeIn.Length, k.n)
		}
		if k.FadeOut != nil && k.FadeOut.Length > k.n {
			return nil, invalid("clips[%d].fadeOut is %d frames, the clip is %d", i, k.FadeOut.Length, k.n)
		}
		r.total += k.n - k.xout + r.gaps[i]
	}
	if m := desc.Write.MaxSeconds; m > 0 && r.total > int64(m)*int64(r.out.Rate) {
		return nil, &TooLongError{Format: desc.Label, MaxSeconds: m, Frames: r.total, Rate: r.out.Rate}
	}
	r.markPassthrough()
	return r, nil
}

// fadeFrames is f with a length in milliseconds stated in frames at the
// output's rate (at most the clip's n frames), or f itself.
func fadeFrames(f *Fade, rate int, n int64) *Fade {
	if f == nil || f.Ms == 0 {
		return f
	}
	return &Fade{Length: min(n, Frames(f.Ms, rate)), Curve: f.Curve}
}

func (r *renderer) markPassthrough() {
	r.ps = nil
	for i := range r.clips {
		k := &r.clips[i]
		l := r.layouts[k.Source]
		if l == nil {
			k.passthru = false
			continue
		}
		_, f := l.PCMData()
		k.passthru = f == r.out && k.gain == 1 && r.norm == 1
	}
}

// envelope returns the gain of frame pos (0-based, output frames) of clip k.
func (r *renderer) envelope(k *clip) func(pos int64) float32 {
	g0 := k.gain * r.norm
	fi, fo := int64(0), int64(0)
	var ci, co Curve
	if k.FadeIn != nil {
		fi, ci = k.FadeIn.Length, k.FadeIn.Curve
	}
	if k.FadeOut != nil {
		fo, co = k.FadeOut.Length, k.FadeOut.Curve
	}
	n := k.n
	return func(pos int64) float32 {
		g := g0
		if pos < fi {
			g *= ci.Gain((float64(pos) + 0.5) / float64(fi))
		}
		if j := pos - (n - fo); j >= 0 && fo > 0 {
			g *= co.Gain(1 - (float64(j)+0.5)/float64(fo))
		}
		if pos < k.xin {
			g *= k.xinC.Gain((float64(pos) + 0.5) / float64(k.xin))
		}
		if j := pos - (n - k.xout); j >= 0 && k.xout > 0 {
			g *= k.xoutC.Gain(1 - (float64(j)+0.5)/float64(k.xout))
		}
		return float32(g)
	}
}

// flatGain returns the gain envelope gives every frame of [from, to) of
// clip k, when no fade or crossfade reaches that range.
func (r *renderer) flatGain(k *clip, from, to int64) (float32, bool) {
	if head, tail := k.computedEdges(); from < head || to > tail {
		return 0, false
	}
	return float32(k.gain * r.norm), true
}

// computedEdges returns the clip's frames that must be computed at its head
// [0, head) and tail [tail, n).
func (k *clip) computedEdges() (head, tail int64) {
	head, tail = k.xin, k.n-k.xout
	if k.FadeIn != nil {
		head = max(head, k.FadeIn.Length)
	}
	if k.FadeOut != nil {
		tail = min(tail, k.n-k.FadeOut.Length)
	}
	return head, tail
}

// piece is one stretch of the output timeline.
type piece struct {
	frames int64
	// A range piece copies stored frames [from, from+frames) of source src.
	isRange bool
	src     int
	from    int64
	// A stream piece is built by open, inside a build context: its
	// frames [from, to), counted from the piece's start.
	open func(bc *buildCtx, from, to int64) (audio.Stream, error)
}

// buildCtx holds the whole-clip streams of resampled clips, which are read
// sequentially by consecutive pieces.
type buildCtx struct {
	whole map[int]audio.Stream
	pos   map[int]int64
}

// part returns output frames [from, to) of clip i with its envelope.
func (r *renderer) part(bc *buildCtx, i int, from, to int64) (audio.Stream, error) {
	k := &r.clips[i]
	env := r.envelope(k)
	if k.direct {
		s, err := k.dec.Stream(k.In+from, k.In+to)
		if err != nil {
			return nil, err
		}
		if s, err = audio.Remix(s, r.out.Channels); err != nil {
			return nil, err
		}
		if g, ok := r.flatGain(k, from, to); ok {
			// No fade or crossfade reaches [from, to): the same gain on
			// every frame as env gives, without a call per frame.
			if g == 1 {
				return s, nil
			}
			return audio.Gain(s, g), nil
		}
		return audio.Envelope(s, func(p int64) float32 { return env(from + p) }), nil
	}
	w, ok := bc.whole[i]
	if !ok {
		s, err := k.dec.Stream(k.In, k.Out)
		if err != nil {
			return nil, err
		}
		if s, err = audio.Remix(s, r.out.Channels); err != nil {
			return nil, err
		}
		if s, err = resample.New(s, r.out.Rate, resample.VeryHigh); err != nil {
			return nil, err
		}
		if s.Len() != k.n {
			return nil, fmt.Errorf("project: clip %d resampled to %d frames, expected %d", i, s.Len(), k.n)
		}
		w = audio.Envelope(s, env)
		bc.whole[i] = w
	}
	if p := bc.pos[i]; p < from {
		// A range of the output that starts inside a resampled clip: the
		// resampler runs from the clip's start, so the frames are the
		// whole render's (at the cost of computing those before).
		if err := discard(w, from-p); err != nil {
			return nil, err
		}
		bc.pos[i] = from
	}
	if bc.pos[i] != from {
		return nil, fmt.Errorf("project: internal error: clip %d read at %d, stream is at %d", i, from, bc.pos[i])
	}
	bc.pos[i] = to
	return audio.Take(w, to-from), nil
}

// pieces lays out the output timeline.
func (r *renderer) pieces() []piece {
	var ps []piece
	streamPiece := func(n int64, open func(bc *buildCtx, from, to int64) (audio.Stream, error)) {
		if n > 0 {
			ps = append(ps, piece{frames: n, open: open})
		}
	}
	clipPart := func(i int, from, to int64) {
		streamPiece(to-from, func(bc *buildCtx, a, b int64) (audio.Stream, error) { return r.part(bc, i, from+a, from+b) })
	}
	for i := range r.clips {
		k := &r.clips[i]
		if i > 0 {
			if g := r.gaps[i-1]; g > 0 {
				streamPiece(g, func(_ *buildCtx, a, b int64) (audio.Stream, error) {
					return audio.Silence(r.out.Rate, r.out.Channels, b-a), nil
				})
			}
			if x := k.xin; x > 0 {
				a := i - 1
				na := r.clips[a].n
				streamPiece(x, func(bc *buildCtx, from, to int64) (audio.Stream, error) {
					sa, err := r.part(bc, a, na-x+from, na-x+to)
					if err != nil {
						return nil, err
					}
					sb, err := r.part(bc, i, from, to)
					if err != nil {
						return nil, err
					}
					return audio.Mix(sa, sb)
				})
			}
		}
		start, end := k.xin, k.n-k.xout
		if !k.passthru {
			clipPart(i, start, end)
			continue
		}
		head, tail := k.computedEdges()
		if head >= tail {
			clipPart(i, start, end)
			continue
		}
		clipPart(i, start, head)
		ps = append(ps, piece{frames: tail - head, isRange: true, src: k.Source, from: k.In + head})
		clipPart(i, tail, end)
	}
	return ps
}

// stream is the whole output as one stream of frames.
func (r *renderer) stream() (audio.Stream, error) {
	return r.Stream(0, len(r.timeline()))
}

// discard reads and drops n frames of s.
func discard(s audio.Stream, n int64) error {
	buf := make([]float32, 8192*s.Channels())
	for n > 0 {
		k, err := s.Read(buf[:min(int64(len(buf)), n*int64(s.Channels()))])
		n -= int64(k)
		if err == io.EOF && n > 0 {
			return fmt.Errorf("project: internal error: %d frames short of a range's start", n)
		}
		if err != nil && err != io.EOF {
			return err
		}
	}
	return nil
}

// measurePeak returns the largest absolute finite sample of s, and how many
// samples were NaN or infinite.
func measurePeak(s audio.Stream, progress func(done, total int64) bool) (float64, int64, error) {
	buf := make([]float32, 16384*s.Channels())
	var peak float64
	var done, bad int64
	for {
		n, err := s.Read(buf)
		for _, v := range buf[:n*s.Channels()] {
			a := math.Abs(float64(v))
			if a > math.MaxFloat32 || a != a {
				bad++
				continue
			}
			peak = max(peak, a)
		}
		done += int64(n)
		if err == io.EOF {
			return peak, bad, nil
		}
		if err != nil {
			return 0, 0, err
		}
		if progress != nil && !progress(done, s.Len()) {
			return 0, 0, ErrCanceled
		}
	}
}
