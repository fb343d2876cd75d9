package mp3

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"offcut/audio"
)

// DecoderDelay is the delay of the layer III decoder (hybrid and synthesis
// filterbanks) in samples, as LAME and FFmpeg count it.
const DecoderDelay = 529

// Options control how a file is opened.
type Options struct {
	// Raw disables gapless trimming: every decodable frame is output in
	// full, the VBR tag frame included (as silence). This is what
	// conformance reference decodes contain.
	Raw bool
}

// Decoder is an opened MPEG audio file. It implements audio.Decoder.
type Decoder struct {
	src    audio.Source
	lay    *Layout
	idx    *frameIndex // the layout's frames
	info   audio.Info
	noTag  bool  // the VBR tag frame (frame 0) is not output
	tagOut int64 // samples the layout counts for frame 0 that are not output
	total  int64 // decoded samples
	skip   int64 // samples trimmed at the start
	n      int64 // frames output
	ch     int
}

// Open opens an MPEG audio file for gapless decoding: the encoder delay and
// padding of a LAME tag are removed (with the decoder delay of 529 samples
// added to the delay, as LAME and FFmpeg do), so a LAME-encoded file decodes
// to exactly the original samples. Without a LAME tag, layer III streams
// lose the first 529 samples (the decoder delay) and nothing at the end;
// layer I and II streams are not trimmed.
func Open(src audio.Source) (*Decoder, error) { return OpenOptions(src, Options{}) }

// OpenRaw opens an MPEG audio file without gapless trimming; see
// Options.Raw.
func OpenRaw(src audio.Source) (*Decoder, error) { return OpenOptions(src, Options{Raw: true}) }

// OpenOptions opens an MPEG audio file with the given options. It reads
// frame headers (and layer III side information) only.
func OpenOptions(src audio.Source, opt Options) (*Decoder, error) {
	lay, err := Index(src)
	if err != nil {
		return nil, err
	}
	return OpenLayout(src, lay, opt)
}

// OpenLayout opens a file already indexed (lay comes from Index, or from
// another Decoder's Layout, of the same src) without scanning it again.
func OpenLayout(src audio.Source, lay *Layout, opt Options) (*Decoder, error) {
	d := &Decoder{src: src, lay: lay, idx: &lay.idx}
	tag := lay.Tag
	d.noTag = tag != nil && !opt.Raw
	if d.noTag {
		d.tagOut = lay.SamplesBefore(1)
	}
	d.total = lay.SamplesBefore(lay.Len()) - d.tagOut
	h0 := header(lay.Frame(0).Header)
	end := d.total
	if !opt.Raw && h0.layer() == 3 {
		d.skip = DecoderDelay
		if tag != nil && tag.Lame {
			d.skip += int64(tag.Delay)
			audioFrames := int64(lay.Len() - 1)
			if tag.Frames == 0 || tag.Frames == audioFrames {
				end = min(end, d.total-int64(tag.Padding)+DecoderDelay)
			}
		}
	}
	d.n = max(0, end-d.skip)
	d.skip = min(d.skip, d.total)
	// A stream that switches between mono and stereo is decoded as stereo
	// (mono frames on both channels).
	d.ch = max(1, lay.idx.channels)
	codec := [4]string{"", "mp1", "mp2", "mp3"}[h0.layer()]
	tags, pics, warn := readTags(src)
	d.info = audio.Info{
		Container: "mp3",
		Codec:     codec,
		Format:    audio.Format{Rate: h0.sampleRate(), Channels: d.ch, Bits: 16},
		Frames:    d.n,
		Tags:      tags,
		Pictures:  pics,
		Warnings:  append(append([]string(nil), lay.Warnings...), warn...),
	}
	return d, nil
}

// samples is the number of samples frame i contributes to the output.
func (d *Decoder) samples(i int) int {
	if i == 0 && d.noTag || d.idx.word(i)&wOK == 0 {
		return 0
	}
	return int(d.idx.spf)
}

// cum is the number of decoded samples before frame i.
func (d *Decoder) cum(i int) int64 {
	if i == 0 {
		return 0
	}
	return d.idx.samplesBefore(i) - d.tagOut
}

// Info implements audio.Decoder.
func (d *Decoder) Info() audio.Info { return d.info }

// Layout returns the frame layout found when the file was opened.
func (d *Decoder) Layout() *Layout { return d.lay }

// Source returns the source the decoder reads.
func (d *Decoder) Source() audio.Source { return d.src }

// ErrRange is returned by Stream for positions outside the file.
var ErrRange = errors.New("mp3: stream range out of bounds")

// Stream implements audio.Decoder: it decodes frames [from, to), seeking by
// frame index and priming the bit reservoir and filterbanks by decoding
// (and discarding) the frames before the target, so the output is sample
// for sample what a decode from the start produces.
func (d *Decoder) Stream(from, to int64) (audio.Stream, error) {
	if from < 0 || to < from || to > d.n {
		return nil, fmt.Errorf("%w: [%d, %d) of %d frames", ErrRange, from, to, d.n)
	}
	if to == from {
		return &stream{d: d, r: newChunkReader(d.src, d.lay.End)}, nil
	}
	p, f, end := d.span(from, to)
	pos := from + d.skip
	s := &stream{d: d, r: newChunkReader(d.src, end), left: to - from, n: to - from}
	s.next = p
	s.nextOff = d.idx.offset(p)
	s.target = f
	s.discard = int(pos - d.cum(f))
	s.pcm = make([]float32, 1152*d.ch)
	return s, nil
}

// StreamBytes returns the bytes [off, end) of the source that
// Stream(from, to) reads (the frames it decodes, those that prime the
// decoder included), for a caller that reads them ahead (a quick
// overview of a long file read in a browser); off == end for an empty
// range.
func (d *Decoder) StreamBytes(from, to int64) (off, end int64) {
	if from < 0 || to <= from || to > d.n {
		return 0, 0
	}
	p, _, end := d.span(from, to)
	return d.idx.offset(p), end
}

// span returns the first frame a stream of [from, to) decodes (the
// frames from p on prime the bit reservoir and the filterbank), the first
// frame whose output it keeps, and the end of the last frame it needs.
func (d *Decoder) span(from, to int64) (p, f int, end int64) {
	pos := from + d.skip // decoded sample index
	// first frame whose samples reach past pos
	f = d.idx.frameAt(pos + d.tagOut)
	p = f
	reset := func(i int) bool { return d.idx.word(i)&wReset != 0 }
	if d.idx.h0.layer() == 3 {
		if p > 0 && !reset(p) {
			p--
		}
		// the frames before must hold the reservoir of frame p
		acc := 0
		for p > 0 && !reset(p) && acc < maxReservoir {
			p--
			fr := d.lay.Frame(p)
			g := header(fr.Header)
			acc += int(fr.Size) - 4 - 2*b2i(g.crc()) - g.sideInfoSize()
		}
	} else {
		for k := 0; k < 2 && p > 0 && !reset(p); k++ {
			p--
		}
	}
	// The frame holding the stream's last sample ends what it reads.
	end = d.lay.End
	if last := d.idx.frameAt(to - 1 + d.skip + d.tagOut); last < d.idx.n {
		end = min(end, d.idx.offset(last)+int64(d.idx.word(last)&maxWordSize))
	}
	return p, f, end
}

type stream struct {
	d       *Decoder
	r       *chunkReader
	next    int   // next frame to decode
	nextOff int64 // its byte offset
	target  int   // first frame whose output is kept
	discard int   // samples of the target frame to drop
	left    int64 // frames still to output
	n       int64 // stream length
	pcm     []float32
	pcmPos  int // frames consumed from pcm
	pcmLen  int // frames in pcm
	err     error

	l3        l3state
	syn       [2]synth
	si        sideInfo
	l12       l12info
	fbuf      []byte
	sb        [2][2][576]float32
	stereoTmp []float32
}

func (s *stream) Rate() int     { return s.d.info.Format.Rate }
func (s *stream) Channels() int { return s.d.ch }
func (s *stream) Len() int64    { return s.n }

func (s *stream) Read(buf []float32) (int, error) {
	ch := s.d.ch
	n := len(buf) / ch
	if n == 0 {
		return 0, audio.ErrShortBuffer
	}
	if s.left == 0 {
		return 0, io.EOF
	}
	if s.err != nil {
		return 0, s.err
	}
	for s.pcmPos == s.pcmLen {
		if s.next >= s.d.idx.n {
			s.err = fmt.Errorf("mp3: stream ended %d frames early: %w", s.left, io.ErrUnexpectedEOF)
			return 0, s.err
		}
		if err := s.decodeNext(); err != nil {
			s.err = err
			return 0, err
		}
	}
	k := min(n, s.pcmLen-s.pcmPos)
	if int64(k) > s.left {
		k = int(s.left)
	}
	copy(buf[:k*ch], s.pcm[s.pcmPos*ch:(s.pcmPos+k)*ch])
	s.pcmPos += k
	s.left -= int64(k)
	return k, nil
}

// decodeNext decodes frame s.next into s.pcm (keeping only output that is
// due).
func (s *stream) decodeNext() error {
	i := s.next
	f := s.d.idx.frame(i, s.nextOff)
	s.nextOff = s.d.idx.next(i, s.nextOff)
	s.next++
	if f.Reset {
		s.l3.reset()
		s.syn[0].reset()
		s.syn[1].reset()
	}
	size := int(f.Size)
	b, err := s.r.at(f.Offset, size)
	if err != nil {
		return fmt.Errorf("mp3: frame %d at byte %d: %w", i, f.Offset, err)
	}
	if len(b) < size {
		return fmt.Errorf("mp3: frame %d at byte %d: %w", i, f.Offset, io.ErrUnexpectedEOF)
	}
	// The frame's own header: the index keeps only the fields that locate
	// and size frames.
	h := header(binary.BigEndian.Uint32(b))
	if cap(s.fbuf) < size+16 {
		s.fbuf = make([]byte, 0, max(size+16, 4096))
	}
	s.fbuf = append(s.fbuf[:0], b...)
	body := s.fbuf[4:size]
	if h.crc() {
		body = body[min(2, len(body)):]
	}
	keep := i >= s.target && s.d.samples(i) > 0
	nch := h.channels()
	spf := h.samples()
	var out []float32
	if keep {
		if nch == s.d.ch {
			// decode straight into the stream's buffer
			if cap(s.pcm) < spf*nch {
				s.pcm = make([]float32, spf*nch)
			}
			out = s.pcm[:spf*nch]
		} else {
			need := spf * max(nch, s.d.ch)
			if cap(s.stereoTmp) < need {
				s.stereoTmp = make([]float32, need)
			}
			out = s.stereoTmp[:spf*nch]
		}
	}
	decoded := false
	if h.layer() == 3 {
		mainBytes := len(body) - h.sideInfoSize()
		if err := parseSideInfo(h, body, &s.si, mainBytes); err == nil {
			ok := s.l3.decodeL3(h, &s.si, body, &s.sb)
			if ok && (keep || i+1 >= s.target) {
				// synthesis (also for the frame before the target, whose
				// filterbank state the target needs)
				var tmp [576 * 2]float32
				for g := 0; g < s.si.ngr; g++ {
					o := tmp[:576*nch]
					if keep {
						o = out[g*576*nch : (g+1)*576*nch]
					}
					if nch == 2 && s.syn[0].off == s.syn[1].off {
						for t := 0; t < 18; t++ {
							runStereo(&s.syn[0], &s.syn[1], s.sb[g][0][t*32:t*32+32], s.sb[g][1][t*32:t*32+32], (*[64]float32)(o[t*64:t*64+64]))
						}
						continue
					}
					for c := 0; c < nch; c++ {
						for t := 0; t < 18; t++ {
							s.syn[c].run(s.sb[g][c][t*32:t*32+32], o[t*32*nch+c:], nch)
						}
					}
				}
				decoded = true
			} else if ok {
				decoded = true
			}
		}
	} else {
		br := bitReader{b: body}
		readL12Info(h, &br, &s.l12)
		o := out
		if !keep {
			if cap(s.stereoTmp) < spf*2 {
				s.stereoTmp = make([]float32, spf*2)
			}
			o = s.stereoTmp[:spf*nch]
		}
		decodeL12(h, &br, &s.l12, &s.syn, o, nch)
		decoded = true
	}
	if !keep {
		return nil
	}
	if !decoded {
		clear(out)
	}
	// convert to the stream's channel count
	C := s.d.ch
	if cap(s.pcm) < spf*C {
		s.pcm = make([]float32, spf*C)
	}
	s.pcm = s.pcm[:spf*C]
	switch {
	case nch == C:
		// decoded in place
	case nch == 1:
		for j := 0; j < spf; j++ {
			s.pcm[2*j], s.pcm[2*j+1] = out[j], out[j]
		}
	default:
		for j := 0; j < spf; j++ {
			s.pcm[j] = (out[2*j] + out[2*j+1]) / 2
		}
	}
	s.pcmPos, s.pcmLen = 0, spf
	if i == s.target {
		s.pcmPos = min(s.discard, spf)
	}
	return nil
}
