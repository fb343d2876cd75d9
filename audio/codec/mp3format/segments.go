package mp3format

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/lame"
	"offcut/audio/codec/mp3"
	"offcut/audio/codec/mp3edit"
	"offcut/audio/plan"
)

// SegmentGrain is the length every segment of a segmented encode but the
// last is a multiple of: one MPEG-1 layer III frame (two MPEG-2 ones).
// Each segment is encoded from a whole number of frames before it (its
// pre-roll), so its frames fall on the output's frame grid.
const SegmentGrain = 1152

// segments is how an MP3 is encoded in segments. Each segment is encoded
// by LAME from lame.SegmentLead samples before it to lame.SegmentTail after
// it, keeping only its own frames, the first of them on an empty bit
// reservoir (lame.EncodeSegment): the segments' frames one after another
// are the output's stream, and the join reads only each segment file's
// trailer, never its frames.
var segments = &codec.Segments{
	Grain: SegmentGrain, Lead: lame.SegmentLead, Tail: lame.SegmentTail,
	Encode: encodeSegment, Join: joinSegments,
}

// A segment file is the segment's frames, then a trailer: each frame's
// size (2 bytes, little-endian), then segmentFooter bytes: the frame count
// (4), the output frame the segment starts at (8), the first frame's
// header (4), the encoder delay (2), 1 if every frame has the same bitrate
// (1), the windows before the first frame and in the last one (2 + 2,
// lame.Segment), and segmentMagic.
const (
	segmentFooter = 4 + 8 + 4 + 2 + 1 + 4 + len(segmentMagic)
	segmentMagic  = "OcS2"
	// maxFrameSize is the largest layer III frame: 320 kbit/s at 32 kHz,
	// padded.
	maxFrameSize = 1441
)

// encodeSegment plans one segment's file; tl runs from span.Lead frames
// before the segment to span.Tail frames after it.
func encodeSegment(tl codec.Timeline, span codec.SegmentSpan, settings map[string]string) (*codec.Output, error) {
	f := tl.Format()
	opt, err := encoderOptions(f, settings)
	if err != nil {
		return nil, err
	}
	lead, tail := span.Lead, span.Tail
	own := tl.Frames() - lead - tail
	if lead < 0 || tail < 0 || own <= 0 || span.From < 0 {
		return nil, fmt.Errorf("mp3: a segment of %d frames cannot have %d before it and %d after", tl.Frames(), lead, tail)
	}
	keep := own
	if span.Last {
		keep = -1 // every frame to the end, flushed
	}
	p := &plan.Plan{}
	p.Encode(own*int64(estimateKbps(opt, f.Channels))*1000/8/int64(f.Rate), func() (io.Reader, error) {
		s, err := encoderInput(tl, opt)
		if err != nil {
			return nil, err
		}
		pr, pw := io.Pipe()
		go func() {
			seg, err := lame.EncodeSegment(pw, s, opt, lead, keep)
			if err == nil {
				_, err = pw.Write(segmentTrailer(seg, span.From))
			}
			pw.CloseWithError(err)
		}()
		return pr, nil
	})
	return &codec.Output{Plan: p, Format: audio.Format{Rate: f.Rate, Channels: opt.Channels, Bits: 16}, Frames: own, Encoded: true}, nil
}

// segmentTrailer is what follows the frames of the segment starting at
// output frame from in its file.
func segmentTrailer(seg lame.Segment, from int64) []byte {
	b := make([]byte, 0, 2*len(seg.Sizes)+segmentFooter)
	for _, z := range seg.Sizes {
		b = binary.LittleEndian.AppendUint16(b, z)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(seg.Sizes)))
	b = binary.LittleEndian.AppendUint64(b, uint64(from))
	b = binary.LittleEndian.AppendUint32(b, uint32(seg.Header))
	b = binary.LittleEndian.AppendUint16(b, uint16(seg.Delay))
	cbr := byte(0)
	if seg.CBR {
		cbr = 1
	}
	b = append(b, cbr, seg.Before[0], seg.Before[1], seg.Last[0], seg.Last[1])
	return append(b, segmentMagic...)
}

// segmentFile is a segment file's trailer, read.
type segmentFile struct {
	lame.Segment
	from  uint64 // the output frame it starts at
	bytes int64  // of frames
}

// errSegment is what a part that is not a segment file is.
var errSegment = errors.New("not a segment of an MP3 encode")

// tailRead is how many bytes at a segment file's end readSegment reads
// first: the trailer of a 30-s segment (2.6 kB) and then some, so that one
// read (in a browser, one Blob read) usually finds all of it.
const tailRead = 8 << 10

// readSegment reads the trailer of a segment file.
func readSegment(src audio.Source) (segmentFile, error) {
	var s segmentFile
	size := src.Size()
	if size < int64(segmentFooter) {
		return s, fmt.Errorf("%w: %d bytes", errSegment, size)
	}
	tail := make([]byte, min(size, tailRead))
	if err := audio.ReadAtFull(src, tail, size-int64(len(tail))); err != nil {
		return s, err
	}
	foot := tail[len(tail)-segmentFooter:]
	if string(foot[len(foot)-len(segmentMagic):]) != segmentMagic {
		return s, fmt.Errorf("%w: no trailer", errSegment)
	}
	count := int64(binary.LittleEndian.Uint32(foot))
	s.from = binary.LittleEndian.Uint64(foot[4:])
	s.Header = mp3.Header(binary.LittleEndian.Uint32(foot[12:]))
	s.Delay = int(binary.LittleEndian.Uint16(foot[16:]))
	s.CBR = foot[18] == 1
	s.Before = [2]uint8{foot[19], foot[20]}
	s.Last = [2]uint8{foot[21], foot[22]}
	if count == 0 || 2*count > size-int64(segmentFooter) {
		return s, fmt.Errorf("%w: %d frames in %d bytes", errSegment, count, size)
	}
	if !s.Header.Valid() || s.Header.Layer() != 3 || s.Header.BitrateIndex() == 0 {
		return s, fmt.Errorf("%w: no layer III header (%08x)", errSegment, uint32(s.Header))
	}
	s.bytes = size - int64(segmentFooter) - 2*count
	var sizes []byte
	if n := int64(len(tail)) - int64(segmentFooter); 2*count <= n {
		sizes = tail[n-2*count : n]
	} else {
		sizes = make([]byte, 2*count)
		if err := audio.ReadAtFull(src, sizes, s.bytes); err != nil {
			return s, err
		}
	}
	s.Sizes = make([]uint16, count)
	var sum int64
	least := uint16(4 + s.Header.SideInfoSize())
	for i := range s.Sizes {
		z := binary.LittleEndian.Uint16(sizes[2*i:])
		if z < least || z > maxFrameSize {
			return s, fmt.Errorf("%w: frame %d is %d bytes", errSegment, i, z)
		}
		s.Sizes[i] = z
		sum += int64(z)
	}
	if sum != s.bytes {
		return s, fmt.Errorf("%w: its %d frames are %d bytes, it holds %d", errSegment, count, sum, s.bytes)
	}
	return s, nil
}

// joinSegments plans the output from its segments' files: the output's
// ID3v2 tag, an Info frame for the whole stream (counts, seek table,
// delay and padding), then each segment's frames where they are.
func joinSegments(tl codec.Timeline, settings map[string]string, parts []audio.Source) (*codec.Output, error) {
	if len(parts) < 2 {
		return nil, fmt.Errorf("mp3: a segmented encode needs at least 2 segments, got %d", len(parts))
	}
	segs := make([]segmentFile, len(parts))
	var frames int64 // MP3 frames so far
	cbr := true
	var notes []string
	for i, src := range parts {
		s, err := readSegment(src)
		if err != nil {
			return nil, fmt.Errorf("mp3: segment %d of %d: %w", i+1, len(parts), err)
		}
		if at := uint64(frames) * uint64(s.Header.Samples()); s.from != at {
			return nil, fmt.Errorf("mp3: segment %d of %d starts at output frame %d, not at %d where the segments before it end", i+1, len(parts), s.from, at)
		}
		if i > 0 {
			h0 := segs[0].Header
			if !s.Header.Compatible(h0) || s.Header.Channels() != h0.Channels() || s.Delay != segs[0].Delay {
				return nil, fmt.Errorf("mp3: segment %d of %d (%08x, delay %d) is not of the same stream as the first (%08x, delay %d)", i+1, len(parts), uint32(s.Header), s.Delay, uint32(h0), segs[0].Delay)
			}
			if s.Before != segs[i-1].Last {
				// Never seen: the pre-roll settles LAME's decisions.
				notes = append(notes, fmt.Sprintf("the windows where segments %d and %d meet differ (%v, %v): a decoder may hear a click there", i, i+1, segs[i-1].Last, s.Before))
			}
			cbr = cbr && s.Header.BitrateIndex() == h0.BitrateIndex()
		}
		cbr = cbr && s.CBR
		frames += int64(len(s.Sizes))
		segs[i] = s
	}
	h0 := segs[0].Header
	padding := frames*int64(h0.Samples()) - int64(segs[0].Delay) - tl.Frames()
	if padding < 0 || padding > 4095 {
		return nil, fmt.Errorf("mp3: the segments' %d frames hold %d samples after a delay of %d, the output is %d", frames, frames*int64(h0.Samples()), segs[0].Delay, tl.Frames())
	}
	info, err := mp3edit.InfoHeader{
		Header: h0, CBR: cbr, Encoder: "LAME" + lame.Version, Delay: segs[0].Delay, Padding: int(padding),
		Each: func(fn func(int64)) {
			for _, s := range segs {
				for _, z := range s.Sizes {
					fn(int64(z))
				}
			}
		},
	}.Frame()
	if err != nil {
		return nil, err
	}
	tag, err := id3Tag(tl)
	if err != nil {
		return nil, err
	}
	p := &plan.Plan{}
	p.Bytes(tag)
	p.Bytes(info)
	for i, s := range segs {
		p.Range(i, 0, s.bytes)
	}
	return &codec.Output{
		Plan:    p,
		Format:  audio.Format{Rate: h0.SampleRate(), Channels: h0.Channels(), Bits: 16},
		Frames:  tl.Frames(),
		Encoded: true,
		Notes: append([]string{fmt.Sprintf("encoded with LAME %s at %s in %d segments, joined",
			lame.Version, label(settings["quality"]), len(parts))}, notes...),
	}, nil
}
