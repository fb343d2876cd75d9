//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package lame

import (
	"fmt"
	"io"
	"sync"

	"offcut/audio"
	"offcut/audio/codec/mp3"
)

// EncodeSegment encodes s, which is lead samples of pre-roll, then a
// segment of an output, then the samples after it (its tail), and writes
// to w only the segment's frames: the frames a whole encode of the output
// puts at the segment's samples, without an Info frame. lead is a whole
// number of frames (0 for the output's first segment); keep is the
// segment's length, a whole number of frames, or -1 for the output's last
// segment (every frame from the lead on, flushed).
//
// The pre-roll gives the encoder the state (filter bank, psychoacoustic
// model, window decisions) a whole encode has there, and the tail its
// look-ahead; after the pre-roll the encoder starts on an empty bit
// reservoir (EmptyReservoirAt), so the frames written need no byte before
// them. Segments so encoded, one after another, are an MP3 stream whose
// decode overlaps as the whole encode's would where the windows agree
// (Segment.Before and Last; they do unless the pre-roll is too short to
// settle the encoder's decisions).
func EncodeSegment(w io.Writer, s audio.Stream, opt Options, lead, keep int64) (Segment, error) {
	if opt.Rate == 0 {
		opt.Rate = s.Rate()
	}
	if opt.Channels == 0 {
		opt.Channels = s.Channels()
	}
	if opt.Rate != s.Rate() || opt.Channels != s.Channels() {
		return Segment{}, fmt.Errorf("%w: options say %d Hz %d channels, the stream is %d Hz %d channels", ErrOptions, opt.Rate, opt.Channels, s.Rate(), s.Channels())
	}
	fs := int64(1152)
	if opt.Rate < 32000 {
		fs = 576 // MPEG-2 and 2.5
	}
	if lead < 0 || lead%fs != 0 || keep < -1 || (keep >= 0 && (keep == 0 || keep%fs != 0)) {
		return Segment{}, fmt.Errorf("lame: a segment of %d samples after a pre-roll of %d: both must be whole %d-sample frames", keep, lead, fs)
	}
	e, err := segmentEncoder(opt)
	if err != nil {
		return Segment{}, err
	}
	defer keepEncoder(e)
	first, end := int(lead/fs), -1
	if keep >= 0 {
		end = first + int(keep/fs)
	}
	if first > 0 {
		if err := e.EmptyReservoirAt(first); err != nil {
			return Segment{}, err
		}
	}
	sp := &segmentSplitter{w: w, first: first, end: end, seg: Segment{Delay: e.Delay()}}
	buf := make([]float32, chunk*s.Channels())
	for {
		k, rerr := s.Read(buf)
		if k > 0 {
			b, err := e.Encode(buf[:k*s.Channels()])
			if err != nil {
				return Segment{}, err
			}
			if err := sp.write(b); err != nil {
				return Segment{}, err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return Segment{}, rerr
		}
	}
	b, err := e.Flush()
	if err != nil {
		return Segment{}, err
	}
	if err := sp.write(b); err != nil {
		return Segment{}, err
	}
	switch {
	case len(sp.pending) != 0:
		return Segment{}, fmt.Errorf("lame: internal error: %d bytes after the last whole frame", len(sp.pending))
	case len(sp.seg.Sizes) == 0 || (end >= 0 && sp.n < end):
		return Segment{}, fmt.Errorf("lame: internal error: the encoder made %d frames, the segment ends at frame %d", sp.n, max(end, first+1))
	}
	return sp.seg, nil
}

// segmentSplitter cuts LAME's output into frames and writes frames
// [first, end) (end -1: to the last) to w.
type segmentSplitter struct {
	w          io.Writer
	first, end int
	n          int // frames seen
	pending    []byte
	out        []byte // the frames to write, of one write
	seg        Segment
}

func (sp *segmentSplitter) write(b []byte) error {
	sp.pending = append(sp.pending, b...)
	sp.out = sp.out[:0]
	i := 0
	for len(sp.pending)-i >= 4 {
		h, size, err := frameAt(sp.pending[i:])
		if err != nil {
			return fmt.Errorf("%w after frame %d of the output", err, sp.n)
		}
		if size == 0 {
			break
		}
		frame := sp.pending[i : i+size]
		i += size
		k := sp.n
		sp.n++
		if k < sp.first-1 || (sp.end >= 0 && k >= sp.end) {
			continue
		}
		mdb, w, err := mp3.Windows(frame)
		if err != nil {
			return fmt.Errorf("lame: internal error: frame %d of the output: %w", k, err)
		}
		g := 0
		if h.MPEG1() {
			g = 1
		}
		if k == sp.first-1 {
			sp.seg.Before = w[g]
			continue
		}
		if k == sp.first {
			if sp.first > 0 && mdb != 0 {
				return fmt.Errorf("lame: internal error: the segment's first frame starts %d bytes back in the bit reservoir", mdb)
			}
			sp.seg.Header, sp.seg.CBR = h, true
		}
		sp.seg.CBR = sp.seg.CBR && h.BitrateIndex() == sp.seg.Header.BitrateIndex()
		sp.seg.Sizes = append(sp.seg.Sizes, uint16(size))
		sp.seg.Last = w[g]
		sp.out = append(sp.out, frame...)
	}
	if len(sp.out) > 0 {
		if _, err := sp.w.Write(sp.out); err != nil {
			return err
		}
	}
	sp.pending = append(sp.pending[:0], sp.pending[i:]...)
	return nil
}

// idleEncoders are encoders EncodeSegment is done with, reset to their
// state after NewEncoder: the segments of one output share their options,
// and one encoder encodes them one after another (Reset) instead of
// setting LAME up again for each. In the browser that matters more than
// the set-up's own time: a worker that ran lame_init_params a second time
// had V8 optimise it (and apply_abr_preset) on every page, 0.35 s of
// compiling on the cores the encode needs (make bench --tierup, WAV → MP3
// on two workers). At most maxIdleEncoders are kept, the latest.
var idleEncoders struct {
	sync.Mutex
	list []*Encoder
}

const maxIdleEncoders = 4

// segmentEncoder returns an idle encoder for opt, reset, or a new one.
func segmentEncoder(opt Options) (*Encoder, error) {
	idleEncoders.Lock()
	var e *Encoder
	for i := len(idleEncoders.list) - 1; i >= 0; i-- {
		if idleEncoders.list[i].opt == opt {
			e = idleEncoders.list[i]
			idleEncoders.list = append(idleEncoders.list[:i], idleEncoders.list[i+1:]...)
			break
		}
	}
	idleEncoders.Unlock()
	if e == nil {
		var err error
		if e, err = NewEncoder(opt); err != nil {
			return nil, err
		}
	}
	if err := e.Reset(); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// keepEncoder makes e idle, or closes it if it failed or there are
// maxIdleEncoders already (the oldest goes).
func keepEncoder(e *Encoder) {
	if e.err != nil {
		e.Close()
		return
	}
	idleEncoders.Lock()
	idleEncoders.list = append(idleEncoders.list, e)
	var old *Encoder
	if len(idleEncoders.list) > maxIdleEncoders {
		old = idleEncoders.list[0]
		idleEncoders.list = idleEncoders.list[1:]
	}
	idleEncoders.Unlock()
	if old != nil {
		old.Close()
	}
}
