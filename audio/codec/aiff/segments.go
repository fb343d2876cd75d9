package aiff

import (
	"fmt"
	"io"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/pcm"
	"offcut/audio/plan"
)

// An AIFF output whose samples are all computed from decoded sources (an
// MP3 or FLAC made into AIFF) can be rendered in segments on several cores
// (codec.Segments with PCM set), as WAV: each segment is an AIFF file of
// its frames, whose dither is the whole output's there; the join is the
// output's header, the segments' samples in order, and the output's ID3
// chunk: byte for byte the file rendered in one piece.

// encodeSegment plans one segment: an AIFF file of tl's frames, without
// tags.
func encodeSegment(tl codec.Timeline, _ codec.SegmentSpan, _ map[string]string) (*codec.Output, error) {
	f, n := tl.Format(), tl.Frames()
	hdr, err := Header(f, n, HeaderOptions{})
	if err != nil {
		return nil, err
	}
	p := &plan.Plan{}
	p.Bytes(hdr)
	data := n * int64(f.BytesPerFrame())
	pieces := len(tl.Pieces())
	p.Compute(data, func() (io.Reader, error) {
		s, err := tl.Stream(0, pieces)
		if err != nil {
			return nil, err
		}
		return newBEReader(pcm.NewReader(s, tl.NewEncoder(0)), f), nil
	})
	if data&1 == 1 {
		p.Bytes([]byte{0})
	}
	return &codec.Output{Plan: p, Format: f, Frames: n}, nil
}

// joinSegments plans the output of tl from its segments' AIFF files
// (parts, in order). The plan's ranges read parts by index.
func joinSegments(tl codec.Timeline, _ map[string]string, parts []audio.Source) (*codec.Output, error) {
	out, total := tl.Format(), tl.Frames()
	hdr, id3Chunk, err := wrapping(tl)
	if err != nil {
		return nil, err
	}
	p := &plan.Plan{}
	p.Bytes(hdr)
	bpf := int64(out.BytesPerFrame())
	var frames int64
	for i, src := range parts {
		f, err := Open(src)
		if err != nil {
			return nil, fmt.Errorf("aiff: segment %d of %d: %w", i+1, len(parts), err)
		}
		if f.format != out || f.order != bigEndian {
			return nil, fmt.Errorf("aiff: segment %d of %d is %v, the output %v", i+1, len(parts), f.format, out)
		}
		p.Range(i, f.dataOff, f.frames*bpf)
		frames += f.frames
	}
	if frames != total {
		return nil, fmt.Errorf("aiff: the segments are %d frames, the output %d", frames, total)
	}
	if data := total * bpf; data&1 == 1 {
		p.Bytes([]byte{0})
	}
	p.Bytes(id3Chunk)
	return &codec.Output{Plan: p, Format: out, Frames: total}, nil
}
