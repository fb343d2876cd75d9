package wav

import (
	"io"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/pcm"
	"offcut/audio/plan"
	"offcut/audio/resample"
)

// writer writes a timeline as a WAV file (RF64 when it grows past 4 GiB):
// stored frames of PCM sources in the output format become ranges of those
// sources, everything else is computed in bounded chunks; the first
// source's metadata chunks (LIST, bext, ...) follow the audio.
var writer = codec.Writer{
	SampleFormats: []string{"u8", "s16", "s24", "s32", "f32", "f64"},
	Plan:          planTimeline,
}

func planTimeline(tl codec.Timeline, _ map[string]string) (*codec.Output, error) {
	out := tl.Format()
	total := tl.Frames()
	var tail []TailChunk
	var mask uint32
	first := tl.Clips()[0]
	if w, ok := tl.Inputs()[first.Source].(*File); ok {
		if out.Channels == w.Info().Format.Channels {
			mask = w.ChannelMask()
		}
		for _, c := range w.MetadataChunks() {
			tc := TailChunk{Source: first.Source, Chunk: c}
			if c.ID == "bext" {
				// Its TimeReference is the time of the first sample: move it
				// to the first sample kept (in output frames).
				if c.Size > 1<<20 {
					continue
				}
				payload := make([]byte, c.Size)
				if err := audio.ReadAtFull(w.Source(), payload, c.Offset); err != nil {
					continue
				}
				tc.Data = ShiftBext(payload, resample.OutLen(first.In, w.Info().Format.Rate, out.Rate))
				if tc.Data == nil {
					continue
				}
			}
			tail = append(tail, tc)
		}
	}
	hdr, err := Header(out, total, HeaderOptions{TailBytes: TailSize(tail), ChannelMask: mask})
	if err != nil {
		return nil, err
	}
	p := &plan.Plan{}
	p.Bytes(hdr)
	bpf := int64(out.BytesPerFrame())
	ps := tl.Pieces()
	for i := 0; i < len(ps); {
		if ps[i].Source >= 0 {
			off, _ := tl.Inputs()[ps[i].Source].(audio.PCMLayout).PCMData()
			p.Range(ps[i].Source, off+ps[i].From*bpf, ps[i].Frames*bpf)
			i++
			continue
		}
		j := i
		var frames int64
		for j < len(ps) && ps[j].Source < 0 {
			frames += ps[j].Frames
			j++
		}
		from, to := i, j
		p.Compute(frames*bpf, func() (io.Reader, error) {
			s, err := tl.Stream(from, to)
			if err != nil {
				return nil, err
			}
			return pcm.NewReader(s, tl.NewEncoder()), nil
		})
		i = j
	}
	p.Bytes(DataPad(out, total))
	AppendTail(p, tail)
	return &codec.Output{Plan: p, Format: out, Frames: total}, nil
}
