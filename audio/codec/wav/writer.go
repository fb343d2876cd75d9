package wav

import (
	"fmt"
	"io"
	"strings"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/id3"
	"offcut/audio/pcm"
	"offcut/audio/plan"
	"offcut/audio/resample"
)

// writer writes a timeline as a WAV file (RF64 when it grows past 4 GiB):
// stored frames of PCM sources in the output format become ranges of those
// sources, everything else is computed in bounded chunks. The tags (the
// first source's, with the document's edits) go into a LIST/INFO chunk
// before the data, and into an id3 chunk after it when there is cover art
// or a tag INFO has no entry for; the first source's other metadata
// chunks (bext, iXML, ...) follow the audio.
var writer = codec.Writer{
	SampleFormats: []string{"u8", "s16", "s24", "s32", "f32", "f64"},
	Tags:          true,
	Plan:          planTimeline,
	Segments:      &codec.Segments{Grain: 1, PCM: true, Encode: encodeSegment, Join: joinSegments},
}

func planTimeline(tl codec.Timeline, _ map[string]string) (*codec.Output, error) {
	out := tl.Format()
	total := tl.Frames()
	hdr, tail, err := wrapping(tl)
	if err != nil {
		return nil, err
	}
	p := &plan.Plan{}
	p.Bytes(hdr)
	bpf := int64(out.BytesPerFrame())
	ps := tl.Pieces()
	var at int64 // output frame of piece i
	for i := 0; i < len(ps); {
		if ps[i].Source >= 0 {
			off, _ := tl.Inputs()[ps[i].Source].(audio.PCMLayout).PCMData()
			p.Range(ps[i].Source, off+ps[i].From*bpf, ps[i].Frames*bpf)
			at += ps[i].Frames
			i++
			continue
		}
		j := i
		var frames int64
		for j < len(ps) && ps[j].Source < 0 {
			frames += ps[j].Frames
			j++
		}
		from, to, start := i, j, at
		p.Compute(frames*bpf, func() (io.Reader, error) {
			s, err := tl.Stream(from, to)
			if err != nil {
				return nil, err
			}
			return pcm.NewReader(s, tl.NewEncoder(start)), nil
		})
		at += frames
		i = j
	}
	p.Bytes(DataPad(out, total))
	AppendTail(p, tail)
	return &codec.Output{Plan: p, Format: out, Frames: total}, nil
}

// wrapping is what an output of tl has around its samples: the header up
// to the data chunk's payload, and the chunks after it.
func wrapping(tl codec.Timeline) ([]byte, []TailChunk, error) {
	out := tl.Format()
	total := tl.Frames()
	var tail []TailChunk
	var mask uint32
	first := tl.Clips()[0]
	tags, pics := codec.MergedTags(tl)
	info, all := InfoChunk(tags)
	id3Done := false
	if w, ok := tl.Inputs()[first.Source].(*File); ok {
		if out.Channels == w.Info().Format.Channels {
			mask = w.ChannelMask()
		}
		for _, c := range w.MetadataChunks() {
			tc := TailChunk{Source: first.Source, Chunk: c}
			switch c.ID {
			case "LIST":
				if w.isInfo(c) {
					continue // written anew from the merged tags
				}
			case "id3 ", "ID3 ":
				if id3Done {
					continue
				}
				id3Done = true
				if tl.Tags() == (codec.TagEdit{}) {
					break // unchanged: copied as it is
				}
				// Edited in place, keeping the frames it does not change;
				// a tag that cannot be read is written anew below.
				t, err := id3.ReadV2(w.Source(), c.Offset, c.Offset+c.Size)
				if err != nil {
					id3Done = false
					continue
				}
				t.Apply(id3Edit(tl.Tags()))
				b, err := t.Encode(0)
				if err != nil {
					return nil, nil, fmt.Errorf("wav: id3 chunk: %w", err)
				}
				tc = TailChunk{Chunk: Chunk{ID: "id3 ", Size: int64(len(b))}, Data: b}
			}
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
	if !id3Done && (len(pics) > 0 || !all) {
		b, err := ID3Tag(tags, pics)
		if err != nil {
			return nil, nil, fmt.Errorf("wav: id3 chunk: %w", err)
		}
		tail = append(tail, TailChunk{Chunk: Chunk{ID: "id3 ", Size: int64(len(b))}, Data: b})
	}
	hdr, err := Header(out, total, HeaderOptions{TailBytes: TailSize(tail), ChannelMask: mask, Chunks: info})
	if err != nil {
		return nil, nil, err
	}
	return hdr, tail, nil
}

// id3Edit is e for the id3 package, without NUL bytes (value separators
// in ID3).
func id3Edit(e codec.TagEdit) id3.Edit {
	clean := func(v *string) *string {
		if v == nil {
			return nil
		}
		s := strings.TrimSpace(strings.ReplaceAll(*v, "\x00", ""))
		return &s
	}
	ed := id3.Edit{Title: clean(e.Title), Artist: clean(e.Artist), Album: clean(e.Album), Year: clean(e.Year), Track: clean(e.Track)}
	if e.Cover != nil {
		ed.Cover = &id3.Picture{MIME: e.Cover.MIME, Type: 3, Data: e.Cover.Data}
	}
	return ed
}
