package mp3

import (
	"fmt"
	"iter"
	"sort"
)

// The frame index is compact: 4 bytes a frame plus 16 bytes a block of 64
// frames, so 24 hours of 44.1 kHz layer III (3.3 million frames) cost under
// 15 MB. Each frame keeps one packed word: its size, bit reservoir pointer,
// whether it decodes, whether decoding restarts there, and the header
// fields that vary inside a stream (bitrate, padding, protection, channel
// mode). A frame's offset is its block's offset plus the sizes of the
// frames before it in the block, plus the rare gaps of skipped bytes (kept
// apart, sorted). Its sample count is the stream's samples per frame, or 0
// for a frame the decoder drops.
const (
	blockFrames = 64      // frames per block
	chunkWords  = 1 << 16 // words per allocation: the index grows without copying
)

// Packed word layout.
const (
	wSizeBits   = 12 // frame size in bytes: at most 4095
	wMDBShift   = 12 // main_data_begin: 9 bits
	wOK         = 1 << 21
	wReset      = 1 << 22
	wRateShift  = 23 // bitrate index: 4 bits
	wProtBit    = 1 << 27
	wPadBit     = 1 << 28
	wGap        = 1 << 29 // bytes were skipped before this frame
	wModeShift  = 30      // channel mode: 2 bits
	maxWordSize = 1<<wSizeBits - 1
)

type block struct {
	off     int64 // byte offset of the block's first frame
	samples int64 // decoded samples before it
}

type gap struct {
	frame int   // the frame after the gap
	bytes int64 // skipped bytes
}

type frameIndex struct {
	h0       header // the first frame's header: fields that do not vary
	spf      int64  // samples per frame
	n        int
	words    [][]uint32
	blocks   []block
	gaps     []gap
	end      int64 // end of the last frame
	samples  int64 // decoded samples of all frames
	channels int   // most channels of a decodable frame
}

// add appends f (whose Header must be compatible with the first frame's).
func (x *frameIndex) add(f Frame) error {
	h := header(f.Header)
	if x.n == 0 {
		x.h0, x.spf, x.end = h, int64(h.samples()), f.Offset
	}
	if f.Size <= 0 || f.Size > maxWordSize || f.MainDataBegin < 0 || f.MainDataBegin > 511 {
		return fmt.Errorf("mp3: frame %d at byte %d: size %d or main_data_begin %d out of range", x.n, f.Offset, f.Size, f.MainDataBegin)
	}
	w := uint32(f.Size) | uint32(f.MainDataBegin)<<wMDBShift |
		uint32(h>>12&15)<<wRateShift | uint32(h>>6&3)<<wModeShift
	if f.Samples > 0 {
		w |= wOK
		x.channels = max(x.channels, h.channels())
	}
	if f.Reset {
		w |= wReset
	}
	if h>>16&1 != 0 {
		w |= wProtBit
	}
	if h.padded() {
		w |= wPadBit
	}
	if f.Offset != x.end {
		if f.Offset < x.end {
			return fmt.Errorf("mp3: frame %d at byte %d overlaps the frame before", x.n, f.Offset)
		}
		w |= wGap
		x.gaps = append(x.gaps, gap{x.n, f.Offset - x.end})
	}
	if x.n%blockFrames == 0 {
		x.blocks = append(x.blocks, block{off: f.Offset, samples: x.samples})
	}
	if x.n%chunkWords == 0 {
		// The first chunk grows (most files are short); later ones are
		// allocated whole, leaving no garbage behind.
		c := 256
		if len(x.words) > 0 {
			c = chunkWords
		}
		x.words = append(x.words, make([]uint32, 0, c))
	}
	c := &x.words[len(x.words)-1]
	*c = append(*c, w)
	x.n++
	x.end = f.Offset + int64(f.Size)
	if w&wOK != 0 {
		x.samples += x.spf
	}
	return nil
}

func (x *frameIndex) word(i int) uint32 { return x.words[i/chunkWords][i%chunkWords] }

func (x *frameIndex) gapBefore(i int) int64 {
	k := sort.Search(len(x.gaps), func(k int) bool { return x.gaps[k].frame >= i })
	return x.gaps[k].bytes
}

// frame builds frame i's entry from its word and offset.
func (x *frameIndex) frame(i int, off int64) Frame {
	w := x.word(i)
	h := x.h0&^(15<<12|1<<9|1<<16|3<<6) | header(w>>wRateShift&15)<<12 | header(w>>wModeShift&3)<<6
	if w&wPadBit != 0 {
		h |= 1 << 9
	}
	if w&wProtBit != 0 {
		h |= 1 << 16
	}
	f := Frame{Offset: off, Header: uint32(h), Size: int32(w & maxWordSize),
		MainDataBegin: int32(w >> wMDBShift & 511), Reset: w&wReset != 0}
	if w&wOK != 0 {
		f.Samples = int32(x.spf)
	}
	return f
}

// offset returns frame i's byte offset.
func (x *frameIndex) offset(i int) int64 {
	b := i / blockFrames
	off := x.blocks[b].off
	for j := b * blockFrames; j < i; j++ {
		off = x.next(j, off)
	}
	return off
}

// next returns the offset of frame i+1, given frame i's offset.
func (x *frameIndex) next(i int, off int64) int64 {
	j := i + 1
	switch {
	case j >= x.n:
		return off + int64(x.word(i)&maxWordSize)
	case j%blockFrames == 0:
		return x.blocks[j/blockFrames].off
	case x.word(j)&wGap != 0:
		return off + int64(x.word(i)&maxWordSize) + x.gapBefore(j)
	}
	return off + int64(x.word(i)&maxWordSize)
}

// samplesBefore returns the decoded samples of frames [0, i).
func (x *frameIndex) samplesBefore(i int) int64 {
	if i >= x.n {
		return x.samples
	}
	b := i / blockFrames
	s := x.blocks[b].samples
	for j := b * blockFrames; j < i; j++ {
		if x.word(j)&wOK != 0 {
			s += x.spf
		}
	}
	return s
}

// frameAt returns the first frame i whose samples reach past decoded
// sample pos (samplesBefore(i+1) > pos), or n.
func (x *frameIndex) frameAt(pos int64) int {
	if pos >= x.samples {
		return x.n
	}
	// the last block starting at or before pos
	b := sort.Search(len(x.blocks), func(b int) bool { return x.blocks[b].samples > pos }) - 1
	s := x.blocks[b].samples
	for j := b * blockFrames; j < x.n; j++ {
		if x.word(j)&wOK != 0 {
			s += x.spf
			if s > pos {
				return j
			}
		}
	}
	return x.n
}

// Len is the number of frames, the VBR tag frame included.
func (l *Layout) Len() int { return l.idx.n }

// Frame returns frame i (0 <= i < Len()). Its Header carries the frame's
// own bitrate, padding, protection and channel mode; the fields that cannot
// change inside a stream (version, layer, sample rate) and the private,
// mode extension, copyright, original and emphasis bits are the first
// frame's
// (the frame's bytes hold the rest). Random access costs up to 63 steps;
// FramesFrom walks frames in order at constant cost.
func (l *Layout) Frame(i int) Frame {
	if i < 0 || i >= l.idx.n {
		panic(fmt.Sprintf("mp3: Layout.Frame(%d) of %d frames", i, l.idx.n))
	}
	return l.idx.frame(i, l.idx.offset(i))
}

// FramesFrom yields frames i, i+1, ... to the end, in order.
func (l *Layout) FramesFrom(i int) iter.Seq2[int, Frame] {
	return func(yield func(int, Frame) bool) {
		x := &l.idx
		if i < 0 || i >= x.n {
			return
		}
		for off := x.offset(i); i < x.n; i++ {
			if !yield(i, x.frame(i, off)) {
				return
			}
			off = x.next(i, off)
		}
	}
}

// SamplesBefore is the number of samples (per channel) that frames
// [0, i) decode to, dropped frames counting 0 (and the VBR tag frame as a
// frame of silence, as a raw decode outputs it).
func (l *Layout) SamplesBefore(i int) int64 { return l.idx.samplesBefore(i) }

// FrameAt returns the frame that decodes sample pos, counted as
// SamplesBefore counts (the first i with SamplesBefore(i+1) > pos), or
// Len() if pos is past the end.
func (l *Layout) FrameAt(pos int64) int { return l.idx.frameAt(pos) }

// IndexBytes is the memory the frame index holds, in bytes.
func (l *Layout) IndexBytes() int64 {
	x := &l.idx
	n := int64(cap(x.blocks))*16 + int64(cap(x.gaps))*16
	for _, c := range x.words {
		n += int64(cap(c)) * 4
	}
	return n
}
