package mp3edit

import (
	"fmt"
	"sort"
	"sync"

	"offcut/audio"
	"offcut/audio/codec/id3"
	"offcut/audio/codec/mp3"
)

// facts are what planning needs of all of a file's audio frames, walked
// once per opened file (its Layout) and kept: an editor plans the whole
// edit after every change, and a 3-hour MP3 has half a million frames.
// Frame indexes are audio frames (after a VBR tag frame).
type facts struct {
	// err is why the file cannot be edited losslessly (a frame that
	// changes the format, free format), nil if it can.
	err error
	// runs are the maximal runs of frames stored back to back that each
	// decode to a whole frame of samples.
	runs []frameRun
	// bad are the frames that decode to less (damaged): they cannot be
	// kept losslessly.
	bad []int
	// rates are, for each block of rateBlock frames, their bitrate index,
	// or -1 when it changes inside the block (a byte a block: a VBR file
	// changes bitrate at almost every frame).
	rates []int8
	// id3End is where the file's ID3v2 tag ends (0 without one); tail
	// says where the tags at the file's end start (read once: in a
	// browser each read of the file is a round trip).
	id3End int64
	tail   id3.Tail
}

type frameRun struct{ first, last int }

// rateBlock is how many frames rates sums up in one entry.
const rateBlock = 1024

// factsCache keeps the facts of the most recently planned files.
var factsCache struct {
	sync.Mutex
	order []*mp3.Layout // most recent last
	m     map[*mp3.Layout]*facts
}

// maxFacts is how many files' facts are kept (a few bytes per run each).
const maxFacts = 8

// factsOf returns in's facts, walking its frames the first time.
func factsOf(in *Input) *facts {
	c := &factsCache
	c.Lock()
	if f, ok := c.m[in.lay]; ok {
		c.Unlock()
		return f
	}
	c.Unlock()
	f := walkFacts(in)
	c.Lock()
	defer c.Unlock()
	if c.m == nil {
		c.m = map[*mp3.Layout]*facts{}
	}
	if _, ok := c.m[in.lay]; !ok {
		c.m[in.lay] = f
		c.order = append(c.order, in.lay)
		if len(c.order) > maxFacts {
			delete(c.m, c.order[0])
			c.order = c.order[1:]
		}
	}
	return f
}

func walkFacts(in *Input) *facts {
	f := &facts{}
	lay, src := in.lay, in.src
	var h [id3.HeaderSize]byte
	if audio.ReadAtFull(src, h[:], 0) == nil {
		if n, err := id3.V2Size(h[:]); err == nil && n <= lay.Start {
			f.id3End = n
		}
	}
	var err error
	if f.tail, err = id3.ReadTail(src, src.Size()); err != nil || f.tail.AudioEnd < lay.End {
		f.tail = id3.Tail{AudioEnd: lay.End}
	}
	var end int64 = -1
	for j, fr := range in.lay.FramesFrom(in.first) {
		i := j - in.first
		h := hdr(fr.Header)
		if !h.compatible(in.h0) || h.mono() != in.h0.mono() {
			f.err = fmt.Errorf("%w: frame %d at byte %d changes the stream's format (rate, version or channels)", ErrNotLossless, i, fr.Offset)
			return f
		}
		if h.bitrateIdx() == 0 {
			f.err = fmt.Errorf("%w: free-format streams are not supported for lossless editing", ErrNotLossless)
			return f
		}
		if b := int8(h.bitrateIdx()); i%rateBlock == 0 {
			f.rates = append(f.rates, b)
		} else if r := &f.rates[len(f.rates)-1]; *r != b {
			*r = -1
		}
		if int(fr.Samples) != in.spf {
			f.bad = append(f.bad, i)
			end = -1
			continue
		}
		if n := len(f.runs); n > 0 && end == fr.Offset && f.runs[n-1].last == i-1 {
			f.runs[n-1].last = i
		} else {
			f.runs = append(f.runs, frameRun{i, i})
		}
		end = fr.Offset + int64(fr.Size)
	}
	return f
}

// damaged returns the first damaged frame in [first, last], or -1.
func (f *facts) damaged(first, last int) int {
	i := sort.SearchInts(f.bad, first)
	if i < len(f.bad) && f.bad[i] <= last {
		return f.bad[i]
	}
	return -1
}

// bitrate returns the bitrate index of every frame of in in [first,
// last], or -1 when it changes. A block of one bitrate answers for any of
// its frames; only a block of several bitrates that the range cuts is read
// frame by frame, in order (random access to a frame walks the index from
// its block's start, which made a plan's header cost a block squared).
func (f *facts) bitrate(in *Input, first, last int) int {
	bi := -1
	same := func(b int) bool {
		if b < 0 || bi >= 0 && b != bi {
			return false
		}
		bi = b
		return true
	}
	for i := first; i <= last; {
		blk := i / rateBlock
		end := min(last, (blk+1)*rateBlock-1)
		switch b := int(f.rates[blk]); {
		case b >= 0:
			if !same(b) {
				return -1
			}
		case i%rateBlock == 0 && end == (blk+1)*rateBlock-1:
			return -1 // the whole block is in the range, and it changes
		default:
			for _, fr := range in.frames(i, end) {
				if !same(hdr(fr.Header).bitrateIdx()) {
					return -1
				}
			}
		}
		i = end + 1
	}
	return bi
}
