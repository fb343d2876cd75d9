package wav

import (
	"fmt"
	"io"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/pcm"
	"offcut/audio/plan"
)

// A WAV output whose samples are all computed from decoded sources (an MP3
// or FLAC made into WAV) can be rendered in segments on several cores
// (codec.Segments with PCM set): each segment is a WAV file of its frames,
// whose dither is the whole output's there (pcm.Encoder dithers by
// position), and the join is the output's header, the segments' data
// chunks' payloads in order, and the output's trailing chunks: byte for
// byte the file rendered in one piece.

// maxCopiedChunk bounds a source's metadata chunk that a join copies
// into its plan (a join's ranges read its parts, not the sources).
const maxCopiedChunk = 16 << 20

// encodeSegment plans one segment: a WAV file of tl's frames, without
// tags.
func encodeSegment(tl codec.Timeline, _ codec.SegmentSpan, _ map[string]string) (*codec.Output, error) {
	out, n := tl.Format(), tl.Frames()
	hdr, err := Header(out, n, HeaderOptions{})
	if err != nil {
		return nil, err
	}
	p := &plan.Plan{}
	p.Bytes(hdr)
	pieces := len(tl.Pieces())
	p.Compute(n*int64(out.BytesPerFrame()), func() (io.Reader, error) {
		s, err := tl.Stream(0, pieces)
		if err != nil {
			return nil, err
		}
		return pcm.NewReader(s, tl.NewEncoder(0)), nil
	})
	p.Bytes(DataPad(out, n))
	return &codec.Output{Plan: p, Format: out, Frames: n}, nil
}

// joinSegments plans the output of tl from its segments' WAV files
// (parts, in order): the header and trailing chunks an output of tl has,
// around the parts' samples. The plan's ranges read parts by index.
func joinSegments(tl codec.Timeline, _ map[string]string, parts []audio.Source) (*codec.Output, error) {
	out, total := tl.Format(), tl.Frames()
	hdr, tail, err := wrapping(tl)
	if err != nil {
		return nil, err
	}
	// Chunks copied from a source go into the plan as bytes.
	for i, c := range tail {
		if c.Data != nil {
			continue
		}
		in, ok := tl.Inputs()[c.Source].(interface{ Source() audio.Source })
		if !ok {
			return nil, fmt.Errorf("wav: internal error: chunk %q of input %d has no source", c.Chunk.ID, c.Source)
		}
		if c.Chunk.Size > maxCopiedChunk {
			return nil, fmt.Errorf("wav: chunk %q of input %d is %d bytes, over the %d a segmented render copies: %w", c.Chunk.ID, c.Source, c.Chunk.Size, maxCopiedChunk, codec.ErrUnsupported)
		}
		b := make([]byte, c.Chunk.Size)
		if err := audio.ReadAtFull(in.Source(), b, c.Chunk.Offset); err != nil {
			return nil, fmt.Errorf("wav: chunk %q of input %d: %w", c.Chunk.ID, c.Source, err)
		}
		tail[i].Data = b
	}
	p := &plan.Plan{}
	p.Bytes(hdr)
	bpf := int64(out.BytesPerFrame())
	var frames int64
	for i, src := range parts {
		f, err := Open(src)
		if err != nil {
			return nil, fmt.Errorf("wav: segment %d of %d: %w", i+1, len(parts), err)
		}
		off, sf := f.PCMData()
		if sf != out {
			return nil, fmt.Errorf("wav: segment %d of %d is %v, the output %v", i+1, len(parts), sf, out)
		}
		n := f.Info().Frames
		p.Range(i, off, n*bpf)
		frames += n
	}
	if frames != total {
		return nil, fmt.Errorf("wav: the segments are %d frames, the output %d", frames, total)
	}
	p.Bytes(DataPad(out, total))
	AppendTail(p, tail)
	return &codec.Output{Plan: p, Format: out, Frames: total}, nil
}
