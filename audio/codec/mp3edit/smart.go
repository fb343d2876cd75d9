package mp3edit

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"offcut/audio"
	"offcut/audio/codec/mp3"
	"offcut/audio/plan"
)

// Spec is the encoding a re-encoded stretch is made with: the source's
// rate, channels and channel mode, at a constant bitrate near the source's
// around the junction.
type Spec struct {
	Rate, Channels int
	// Mode is the source's channel mode as in the frame header: 0 stereo,
	// 1 joint stereo, 2 dual channel, 3 mono.
	Mode int
	// Kbps is a constant bitrate (kbit/s) the format allows.
	Kbps int
}

// Reencoder encodes one stretch: it starts an encoder for spec, calls pcm
// with the encoder's delay (the samples it puts before the first input
// sample, not counting the decoder's 529), encodes the interleaved samples
// pcm returns, flushes, and returns the layer III frames it made (no
// Info frame, no CRC). Package mp3format gives one made with LAME.
type Reencoder func(spec Spec, pcm func(delay int) ([]float32, error)) ([]byte, error)

// Stretch is one re-encoded stretch of frames at an inner junction.
type Stretch struct {
	// From and To are the output samples (gapless positions) the
	// re-encoded frames decode to. Outside them the output is the
	// sources' own frames; the decoder's overlap-add carries the change up
	// to two granules further on the right.
	From, To int64
	// Frames is how many frames were re-encoded; Bytes their size.
	Frames int
	Bytes  int64
	// Kbps is the bitrate they were encoded at: one step above
	// SourceKbps, the source's mean near the junction, to make up for the
	// granules at each end, where the two encodings' noise meets. (Some
	// frames may be larger: the bit reservoir of the frame after them must
	// fit.)
	Kbps, SourceKbps int
	// Shift is how many samples the junction added (> 0) or removed (< 0)
	// relative to the pieces asked for: the frames after a junction keep
	// their place on the source's frame grid, so the audio between two
	// kept frames is a whole number of frames, and the cut moves by up to
	// half a frame when the asked lengths do not fit it (a whole frame
	// where a piece reaches its file's start or end).
	Shift int64
}

// Granule counts used below.
const (
	// primeSamples is how much audio the encoder gets before the first
	// kept frame of a stretch (beyond its own delay): its analysis
	// filterbank and MDCT overlap see the same signal the decoder has
	// been playing.
	primeSamples = 3456
	// tailSamples is how much audio follows the last kept frame, so the
	// encoder's lookahead sees the frames that follow in the output.
	tailSamples = 2304
	// margin is the least distance between a junction and either end of
	// its re-encoded stretch: the overlap-add of one granule plus the
	// synthesis filter's reach.
	margin = 1152
	// maxStretch bounds the frames re-encoded at one junction (a few
	// are needed; more means frames that decode to nothing nearby).
	maxStretch = 16
	// maxJoin is the longest gap or crossfade, in seconds, re-encoded at
	// a junction (the whole stretch is decoded into memory: 60 s of
	// stereo is 21 MB); a longer one is encoded with the whole file.
	maxJoin = 60
	// fadeIn is the primer's fade-in length.
	fadeIn = 1024
)

var errShort = errors.New("a piece is too short to keep any of its frames between two re-encoded junctions")

// planSmart lays out the pieces keeping every frame but a few at each
// inner junction, which are re-encoded from the exact samples.
func planSmart(pieces []Piece, opt Options) (*Result, error) {
	ps := slices.Clone(pieces)
	for _, p := range ps {
		if p.hasGain() {
			return nil, fmt.Errorf("%w: gain and fades with re-encoded junctions", ErrNotLossless)
		}
	}
	h0 := ps[0].In.h0
	spf := int64(h0.samplesPerFrame())
	n := len(ps)
	type junction struct {
		cL, cR int // the left's first re-encoded frame, the right's first kept frame
		k      int // frames re-encoded
		shift  int64
	}
	js := make([]junction, n-1)
	for k := range js {
		L, R := &ps[k], &ps[k+1]
		// A crossfade mixes L's last X samples with R's first X; a gap
		// puts G of silence between them. Both are re-encoded with the
		// junction, up to maxJoin of them.
		X, G := L.Crossfade, L.Gap
		if X+G > maxJoin*int64(L.In.Rate()) {
			return nil, fmt.Errorf("%w: junction %d: a gap or crossfade over %d s is re-encoded with the whole file", ErrNotLossless, k+1, maxJoin)
		}
		if X > L.To-L.From || X > R.To-R.From {
			return nil, fmt.Errorf("mp3edit: junction %d: a crossfade of %d samples is longer than its pieces", k+1, X)
		}
		if r := offGrid(L, R, spf, G-X); r != 0 && opt.Exact {
			// Refused before align, which may find no room to move it:
			// the reason the caller gives is this one.
			return nil, fmt.Errorf("%w: junction %d falls %d samples off the source's frame grid, and exact junctions were asked for", ErrNotLossless, k+1, min(r, spf-r))
		}
		shift, err := align(L, R, spf, G-X)
		if err != nil {
			return nil, err
		}
		rb, ra := L.To+L.In.skip, R.From+R.In.skip
		cL := L.In.frameAt(rb - 1)
		cR := R.In.frameAt(ra)
		if R.In.cum(cR) < ra {
			cR++
		}
		// The junction must stay clear of the granules whose overlap-add
		// mixes kept and re-encoded frames: there the kept frame's
		// aliasing term was made from the source's own continuation.
		for cL > 0 && rb-X-L.In.cum(cL) < margin {
			cL--
		}
		for cR < R.In.nf && R.In.cum(cR)-ra-X < margin {
			cR++
		}
		if rb-X-L.In.cum(cL) < margin || R.In.cum(cR)-ra-X < margin {
			return nil, fmt.Errorf("%w: %w (junction %d)", ErrNotLossless, errShort, k+1)
		}
		num := rb - L.In.cum(cL) + R.In.cum(cR) - ra + G - X
		if num%spf != 0 {
			return nil, fmt.Errorf("%w: junction %d does not fall on the frame grid (damaged frames nearby)", ErrNotLossless, k+1)
		}
		kf := int(num / spf)
		if kf > maxStretch+int((X+G+spf-1)/spf) {
			return nil, fmt.Errorf("%w: junction %d would re-encode %d frames (damaged frames nearby)", ErrNotLossless, k+1, kf)
		}
		js[k] = junction{cL: cL, cR: cR, k: kf, shift: shift}
	}
	var (
		out         []outFrame
		lead, trail int64
		wanted      int64
		stretches   []Stretch
	)
	// Re-encode each junction; where the encoder's windows do not chain
	// with the kept frames', take one more frame on that side.
	built := make([]outFrame, n-1)
	infos := make([]Stretch, n-1)
	estimated := false
	for k := range js {
		j := &js[k]
		var err error
		if opt.Estimate && !opt.Stretches.has(keyOf(ps[k], ps[k+1], j.cL, j.cR, j.k)) {
			built[k], infos[k] = estimateStretch(ps[k], ps[k+1], j.cL, j.cR, j.k)
			estimated = true
			continue
		}
		for try := 0; ; try++ {
			built[k], infos[k], err = cachedStretch(opt.Stretches, ps[k], ps[k+1], j.cL, j.cR, j.k, opt.Reencode)
			switch {
			case errors.Is(err, errWindowLeft) && try < 6 && j.cL > 2:
				j.cL--
				j.k++
				continue
			case errors.Is(err, errWindowRight) && try < 6 && j.cR < ps[k+1].In.nf-1:
				j.cR++
				j.k++
				continue
			}
			break
		}
		if err != nil {
			return nil, err
		}
	}
	for k, p := range ps {
		in := p.In
		pa, pb := p.From+in.skip, p.To+in.skip
		var first, last int
		if k == 0 {
			f0 := in.frameAt(pa)
			first = max(0, f0-int(1152/spf))
			if js[0].cL <= f0 {
				return nil, fmt.Errorf("%w: %w (piece 1)", ErrNotLossless, errShort)
			}
		} else {
			first = js[k-1].cR
		}
		if k == n-1 {
			last = in.frameAt(pb - 1)
		} else {
			last = js[k].cL - 1
		}
		if last < first || k > 0 && last < first+1 {
			return nil, fmt.Errorf("%w: %w (piece %d)", ErrNotLossless, errShort, k+1)
		}
		if k == 0 {
			lead = pa - in.cum(first)
			if mdb := in.frame(first).MainDataBegin; mdb > 0 {
				s, err := in.synthetic(first, int(mdb))
				if err != nil {
					return nil, err
				}
				out = append(out, s)
				lead += spf
			}
		}
		spans, err := in.spans(first, last)
		if err != nil {
			return nil, err
		}
		out = append(out, spans...)
		if k < n-1 {
			j, st, info := js[k], built[k], infos[k]
			info.From = wanted + in.cum(j.cL) - pa
			info.To = info.From + int64(j.k)*spf
			info.Shift = j.shift
			out = append(out, st)
			stretches = append(stretches, info)
		} else {
			trail = in.cum(last+1) - pb
		}
		wanted += p.To - p.From
		if k < n-1 {
			wanted += p.Gap - p.Crossfade
		}
	}
	res, err := assemble(ps, opt, out, lead, trail, wanted)
	if err != nil {
		return nil, err
	}
	res.Junctions = make([]int64, n-1)
	res.Stretches = stretches
	res.Estimated = estimated
	return res, nil
}

// align moves the junction between L and R by up to half a frame (into R
// or L, whichever has the samples; the other way, up to a frame, when
// neither has them) so that the audio between L's kept
// frames and R's, with extra samples between them (a gap, or less a
// crossfade), is a whole number of frames. It returns the samples added
// (> 0) or removed (< 0).
func align(L, R *Piece, spf, extra int64) (int64, error) {
	r := offGrid(L, R, spf, extra)
	if r == 0 {
		return 0, nil
	}
	cands := []int64{-r, spf - r}
	if spf-r < r {
		cands[0], cands[1] = cands[1], cands[0]
	}
	for _, d := range cands {
		// Into R: its start moves back by d.
		if from := R.From - d; from >= 0 && from < R.To-spf {
			R.From = from
			return d, nil
		}
		// Into L: its end moves on by d.
		if to := L.To + d; to <= L.In.n && to > L.From+spf {
			L.To = to
			return d, nil
		}
	}
	return 0, fmt.Errorf("%w: %w", ErrNotLossless, errShort)
}

// offGrid is how many samples (0 to spf-1) the audio between L's kept
// frames and R's, with extra samples between them, is past a whole number
// of frames.
func offGrid(L, R *Piece, spf, extra int64) int64 {
	rb, ra := L.To+L.In.skip, R.From+R.In.skip
	return ((rb-ra+extra)%spf + spf) % spf
}

// bitrates are the layer III bitrates of h's MPEG version, in kbit/s, for
// bitrate indexes 1 to 14.
func bitrates(h hdr) []int {
	if h.m().MPEG1() {
		return []int{32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}
	}
	return []int{8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}
}

// reservoirGuess is about how many bytes of a junction's first re-encoded
// frame's main data the encoder had put in its bit reservoir (LAME's CBR
// and VBR output in TestMP3EstimatedPlan took 30 to 150; with this guess
// the estimated sizes there land within 0.5% of the written ones).
const reservoirGuess = 128

// errEstimated is what writing an estimated stretch gives.
var errEstimated = errors.New("mp3edit: this plan was made to announce the output's length and size (Options.Estimate); plan it again to write it")

// estimateStretch stands in for stretch in a plan made for its length and
// size only (Options.Estimate): the k frames at the bitrate stretch would
// encode them at, plus the bytes its frames must hold beyond that (see
// repack: the next kept frame's reservoir, and what the encoder kept in
// its own reservoir for the first frame, which starts afresh; about
// reservoirGuess), as one encoded segment that cannot be written. (The
// encoder's windows may make stretch take a frame more on a side: the
// size is an estimate; the samples the stretch decodes to are not.)
func estimateStretch(L, R Piece, cL, cR, k int) (outFrame, Stretch) {
	h0 := L.In.h0
	near, above := kbpsAround(L.In, cL, R.In, cR)
	bi := slices.Index(bitrates(h0), above) + 1
	of := outFrame{bi: -1}
	for range k {
		of.sizes = append(of.sizes, int64(h0.frameSize(bi)))
		of.bis = append(of.bis, bi)
		of.size += int64(h0.frameSize(bi))
	}
	extra := int64(R.In.frame(cR).MainDataBegin) + reservoirGuess
	of.sizes[k-1] += extra
	of.size += extra
	of.segs = []plan.Segment{{Source: -1, Length: of.size, Encoded: func() (io.Reader, error) { return nil, errEstimated }}}
	return of, Stretch{Frames: k, Bytes: of.size, Kbps: above, SourceKbps: near}
}

// kbpsAround is the source's mean bitrate over the frames near a junction,
// as the nearest constant bitrate the stream's MPEG version allows, and the
// next one above it.
func kbpsAround(L *Input, cL int, R *Input, cR int) (near, above int) {
	var bytes, count int64
	add := func(in *Input, a, b int) {
		a, b = max(0, a), min(in.nf, b)
		if a >= b {
			return
		}
		for _, fr := range in.frames(a, b-1) {
			bytes += int64(fr.Size)
			count++
		}
	}
	add(L, cL-10, cL+4)
	add(R, cR-4, cR+10)
	rates := bitrates(L.h0)
	kbps := float64(rates[len(rates)/2])
	if count > 0 {
		kbps = float64(bytes) * 8 * float64(L.Rate()) / float64(count*int64(L.spf)) / 1000
	}
	best := 0
	for i, r := range rates {
		if abs(float64(r)-kbps) < abs(float64(rates[best])-kbps) {
			best = i
		}
	}
	return rates[best], rates[min(best+1, len(rates)-1)]
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// rawReader reads an input's decoded samples before gapless trimming
// (position 0 is the first sample of the first audio frame).
func (in *Input) readRaw(from, to int64, dst []float32) error {
	clear(dst)
	total := in.cum(in.nf)
	a, b := max(from, 0), min(to, total)
	if a >= b {
		return nil
	}
	d, err := mp3.OpenLayout(in.src, in.lay, mp3.Options{Raw: true})
	if err != nil {
		return err
	}
	ch := in.Channels()
	if d.Info().Format.Channels != ch {
		return fmt.Errorf("%w: the stream switches between mono and stereo", ErrNotLossless)
	}
	s, err := d.Stream(a+in.before, b+in.before)
	if err != nil {
		return err
	}
	buf := dst[(a-from)*int64(ch) : (b-from)*int64(ch)]
	for len(buf) > 0 {
		k, err := s.Read(buf)
		buf = buf[k*ch:]
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if len(buf) > 0 {
		return fmt.Errorf("mp3edit: decoding for a re-encoded junction: %d samples short", len(buf)/ch)
	}
	return nil
}

// stretch re-encodes the junction between L (its frames from cL on are
// replaced) and R (kept from frame cR on) as k frames.
func stretch(L, R Piece, cL, cR, k int, enc Reencoder) (outFrame, Stretch, error) {
	h0 := L.In.h0
	spf := int64(h0.samplesPerFrame())
	ch := L.In.Channels()
	rb, ra := L.To+L.In.skip, R.From+R.In.skip
	jrel := rb - L.In.cum(cL) // the junction, counted from the stretch's start
	P := (mp3.DecoderDelay + 576 + primeSamples + spf - 1) / spf
	Q := (tailSamples + spf - 1) / spf
	near, above := kbpsAround(L.In, cL, R.In, cR)
	spec := Spec{Rate: L.In.Rate(), Channels: ch, Mode: int(h0 >> 6 & 3), Kbps: above}
	var delay int64
	// In the stretch's samples (0 is frame cL's first): L's run to jrel,
	// R's start at s (before jrel for a crossfade, after it for a gap).
	X := L.Crossfade
	s := jrel + L.Gap - X
	curve := L.CurveX
	if curve == nil {
		curve = func(x float64) float64 { return x }
	}
	pcm := func(d int) ([]float32, error) {
		delay = int64(d)
		// The encoder puts input sample s at decoded sample s + d + 529;
		// its frame P must decode to the stretch's first frame.
		i0 := delay + mp3.DecoderDelay - P*spf
		total := (P + int64(k) + Q) * spf
		x := make([]float32, total*int64(ch))
		if a, b := i0, min(jrel, i0+total); a < b {
			if err := L.In.readRaw(L.In.cum(cL)+a, L.In.cum(cL)+b, x[:(b-a)*int64(ch)]); err != nil {
				return nil, err
			}
			for p := max(a, s); p < b; p++ { // L fades out
				g := float32(curve(1 - (float64(p-s)+0.5)/float64(X)))
				for c := range ch {
					x[int(p-i0)*ch+c] *= g
				}
			}
		}
		if a, b := max(s, i0), i0+total; a < b {
			y := x[(a-i0)*int64(ch):]
			if X > 0 {
				y = make([]float32, (b-a)*int64(ch))
			}
			if err := R.In.readRaw(ra+a-s, ra+b-s, y); err != nil {
				return nil, err
			}
			if X > 0 { // R fades in, over L's fade-out
				for p := a; p < b; p++ {
					g := float32(1)
					if p < jrel {
						g = float32(curve((float64(p-s) + 0.5) / float64(X)))
					}
					for c := range ch {
						x[int(p-i0)*ch+c] += g * y[int(p-a)*ch+c]
					}
				}
			}
		}
		// Fade the primer in: an onset out of silence would make the
		// encoder switch to short blocks just before the frames it keeps.
		for i := range min(fadeIn, total) {
			g := float32(0.5 - 0.5*math.Cos(math.Pi*float64(i)/fadeIn))
			for c := range ch {
				x[int(i)*ch+c] *= g
			}
		}
		return x, nil
	}
	b, err := enc(spec, pcm)
	if err != nil {
		return outFrame{}, Stretch{}, fmt.Errorf("mp3edit: re-encoding a junction: %w", err)
	}
	if P*spf < delay+mp3.DecoderDelay {
		return outFrame{}, Stretch{}, fmt.Errorf("mp3edit: encoder delay %d is longer than the priming", delay)
	}
	frames, err := splitFrames(b, h0)
	if err != nil {
		return outFrame{}, Stretch{}, err
	}
	if len(frames) < int(P)+k {
		return outFrame{}, Stretch{}, fmt.Errorf("mp3edit: the encoder made %d frames of a junction, %d expected", len(frames), int(P)+k)
	}
	// The windows must chain: the overlap-add of the last kept frame
	// before the stretch with the first re-encoded one (and of the last
	// re-encoded with the first kept after it) only cancels the aliasing
	// when one's right half and the other's left half have the same shape.
	left, err := L.In.blockTypes(cL - 1)
	if err != nil {
		return outFrame{}, Stretch{}, err
	}
	right, err := R.In.blockTypes(cR)
	if err != nil {
		return outFrame{}, Stretch{}, err
	}
	first, last := blockTypes(frames[P].h, frames[P].side), blockTypes(frames[int(P)+k-1].h, frames[int(P)+k-1].side)
	for c := range ch {
		if !chains(left[len(left)-1][c], first[0][c]) {
			return outFrame{}, Stretch{}, errWindowLeft
		}
		if !chains(last[len(last)-1][c], right[0][c]) {
			return outFrame{}, Stretch{}, errWindowRight
		}
	}
	mdbR := int(R.In.frame(cR).MainDataBegin)
	res, err := R.In.reservoir(cR, mdbR)
	if err != nil {
		return outFrame{}, Stretch{}, err
	}
	of, err := repack(frames, int(P), k, mdbR, res, spec.Kbps)
	if err != nil {
		return outFrame{}, Stretch{}, err
	}
	var size int64
	for _, s := range of.sizes {
		size += s
	}
	of.size = size
	return of, Stretch{Frames: k, Bytes: size, Kbps: spec.Kbps, SourceKbps: near}, nil
}

// lframe is one frame the encoder made, with its main data.
type lframe struct {
	h    hdr
	side []byte
	data []byte
}

// splitFrames cuts an encoder's output into frames and extracts each
// frame's main data from the bit reservoir.
func splitFrames(b []byte, h0 hdr) ([]lframe, error) {
	var (
		frames []lframe
		stream []byte // the payloads in order
	)
	for off := 0; off < len(b); {
		if len(b)-off < 4 {
			return nil, fmt.Errorf("mp3edit: %d bytes after the encoder's last frame", len(b)-off)
		}
		h := hdr(binary.BigEndian.Uint32(b[off:]))
		if h>>21 != 0x7FF || h.layer() != 3 || !h.compatible(h0) || h.protected() || h.bitrateIdx() == 0 || h.bitrateIdx() == 15 {
			return nil, fmt.Errorf("mp3edit: the encoder wrote an unexpected frame header %08X at byte %d", uint32(h), off)
		}
		size := h.m().Size()
		if off+size > len(b) {
			return nil, fmt.Errorf("mp3edit: the encoder's frame at byte %d is cut short", off)
		}
		si := h.sideInfoLen()
		side := slices.Clone(b[off+4 : off+4+si])
		mdb, bits := mainData(h, side)
		start := len(stream) - mdb
		stream = append(stream, b[off+4+si:off+size]...)
		n := (bits + 7) / 8
		if start < 0 || start+n > len(stream) {
			return nil, fmt.Errorf("mp3edit: the encoder's frame at byte %d has main data outside the stream", off)
		}
		frames = append(frames, lframe{h: h, side: side, data: stream[start : start+n : start+n]})
		off += size
	}
	return frames, nil
}

// mainData reads a layer III side information's main_data_begin and the
// total length in bits of the frame's main data (part2_3_length summed).
func mainData(h hdr, side []byte) (mdb, bits int) {
	br := bitReader{b: side}
	ch := 2
	if h.mono() {
		ch = 1
	}
	if h.m().MPEG1() {
		mdb = br.read(9)
		br.read(map[bool]int{true: 5, false: 3}[ch == 1] + 4*ch)
		for range 2 * ch {
			bits += br.read(12)
			br.read(47)
		}
		return mdb, bits
	}
	mdb = br.read(8)
	br.read(ch)
	for range ch {
		bits += br.read(12)
		br.read(51)
	}
	return mdb, bits
}

// setMainDataBegin writes main_data_begin into side information.
func setMainDataBegin(h hdr, side []byte, v int) {
	if h.m().MPEG1() {
		side[0] = byte(v >> 1)
		side[1] = side[1]&0x7F | byte(v&1)<<7
		return
	}
	side[0] = byte(v)
}

type bitReader struct {
	b   []byte
	pos int
}

func (r *bitReader) read(n int) int {
	v := 0
	for range n {
		v = v<<1 | int(r.b[r.pos/8]>>(7-r.pos%8)&1)
		r.pos++
	}
	return v
}

// repack lays the main data of encoder frames first..first+k-1 out
// afresh: the first starts in its own frame (main_data_begin 0: nothing
// before it is the encoder's), each frame gets the smallest bitrate (not
// below the asked one) its data fits in, and the last mdbR bytes are left
// for res, the reservoir the next kept frame reads.
func repack(frames []lframe, first, k, mdbR int, res []plan.Segment, kbps int) (outFrame, error) {
	fs := frames[first : first+k]
	h0 := fs[0].h
	maxMdb := 255
	if h0.m().MPEG1() {
		maxMdb = 511
	}
	si := h0.sideInfoLen()
	payload := func(bi int) int { return h0.frameSize(bi) - 4 - si }
	bis := make([]int, k)
	for i, f := range fs {
		bis[i] = f.h.bitrateIdx()
	}
	starts := make([]int, k)
	var total int
	for try := 0; ; try++ {
		if try > 15*k {
			return outFrame{}, fmt.Errorf("%w: the re-encoded frames of a junction do not fit", ErrNotLossless)
		}
		fail := -1
		pos, ps := 0, 0
		for i, f := range fs {
			start := max(pos, ps-maxMdb)
			if start+len(f.data) > ps+payload(bis[i]) {
				fail = i
				break
			}
			starts[i] = start
			pos = start + len(f.data)
			ps += payload(bis[i])
		}
		total = ps
		if fail < 0 && pos+mdbR > total {
			fail = k - 1
		}
		if fail < 0 {
			break
		}
		j := fail
		for j >= 0 && bis[j] >= 14 {
			j--
		}
		if j < 0 {
			return outFrame{}, fmt.Errorf("%w: the re-encoded frames of a junction do not fit at the highest bitrate", ErrNotLossless)
		}
		bis[j]++
	}
	buf := make([]byte, total)
	for i, f := range fs {
		copy(buf[starts[i]:], f.data)
	}
	// The output: header and side info, then the payload, whose last mdbR
	// bytes are the next kept frame's reservoir (ranges of its input).
	of := outFrame{bi: -1}
	lit := func(b []byte) {
		if n := len(of.segs); n > 0 && of.segs[n-1].Source < 0 {
			of.segs[n-1].Literal = append(of.segs[n-1].Literal, b...)
			return
		}
		of.segs = append(of.segs, plan.Segment{Source: -1, Literal: slices.Clone(b)})
	}
	resAt := total - mdbR
	ps := 0
	for i, f := range fs {
		h := f.h.with(bis[i])
		side := slices.Clone(f.side)
		setMainDataBegin(h, side, ps-starts[i])
		lit(h.bytes())
		lit(side)
		a, b := ps, ps+payload(bis[i])
		if a < resAt {
			lit(buf[a:min(b, resAt)])
		}
		if b > resAt {
			of.segs = append(of.segs, sliceSegs(res, max(a, resAt)-resAt, b-resAt)...)
		}
		of.sizes = append(of.sizes, int64(h.frameSize(bis[i])))
		of.bis = append(of.bis, bis[i])
		ps = b
	}
	for i := range of.segs {
		if of.segs[i].Source < 0 {
			of.segs[i].Length = int64(len(of.segs[i].Literal))
		}
	}
	return of, nil
}

// sliceSegs returns bytes [a, b) of the concatenation of range segments.
func sliceSegs(segs []plan.Segment, a, b int) []plan.Segment {
	var out []plan.Segment
	pos := 0
	for _, s := range segs {
		sa, sb := pos, pos+int(s.Length)
		pos = sb
		lo, hi := max(a, sa), min(b, sb)
		if lo >= hi {
			continue
		}
		out = append(out, plan.Segment{Source: s.Source, Offset: s.Offset + int64(lo-sa), Length: int64(hi - lo)})
	}
	return out
}

var (
	errWindowLeft  = errors.New("mp3edit: the re-encoded frames' first window does not follow the kept frame's")
	errWindowRight = errors.New("mp3edit: the re-encoded frames' last window does not lead into the kept frame's")
)

// chains reports whether a granule of block type b can follow one of type
// a: long-ending (normal 0, stop 3) before long-starting (normal 0, start
// 1); short-ending (start 1, short 2) before short-starting (short 2,
// stop 3).
func chains(a, b int) bool {
	longEnd := a == 0 || a == 3
	longStart := b == 0 || b == 1
	return longEnd == longStart
}

// blockTypes reads a frame's block types, by granule and channel.
func blockTypes(h hdr, side []byte) [][]int {
	br := bitReader{b: side}
	ch := 2
	if h.mono() {
		ch = 1
	}
	gr, sfc := 1, 9
	if h.m().MPEG1() {
		gr, sfc = 2, 4
		br.read(9 + map[bool]int{true: 5, false: 3}[ch == 1] + 4*ch)
	} else {
		br.read(8 + ch)
	}
	out := make([][]int, gr)
	for g := range out {
		out[g] = make([]int, ch)
		for c := range ch {
			br.read(12 + 9 + 8 + sfc)
			bt := 0
			if br.read(1) == 1 {
				bt = br.read(2)
				br.read(20)
			} else {
				br.read(22)
			}
			if h.m().MPEG1() {
				br.read(3)
			} else {
				br.read(2)
			}
			out[g][c] = bt
		}
	}
	return out
}

// blockTypes reads the block types of audio frame f of the input.
func (in *Input) blockTypes(f int) ([][]int, error) {
	fr := in.frame(f)
	h := hdr(fr.Header)
	b := make([]byte, h.payloadStart())
	if err := audio.ReadAtFull(in.src, b, fr.Offset); err != nil {
		return nil, fmt.Errorf("mp3edit: frame %d at byte %d: %w", f, fr.Offset, err)
	}
	return blockTypes(h, b[h.payloadStart()-h.sideInfoLen():]), nil
}
