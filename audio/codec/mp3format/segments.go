package mp3format

import (
	"fmt"
	"slices"
	"strings"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/lame"
	"offcut/audio/codec/mp3edit"
)

// SegmentGrain is the length every segment of a segmented encode but the
// last is a multiple of: one MPEG-1 layer III frame (two MPEG-2 ones).
// Each segment is encoded with the same encoder delay, so a segment of a
// whole number of frames leaves the next one's frames on the output's
// frame grid, and the join moves no junction (mp3edit.Stretch.Shift 0).
const SegmentGrain = 1152

// encodeSegment encodes one segment of a segmented encode: a standalone
// MP3 with an Info/LAME header (delay and padding, so it decodes to
// exactly tl.Frames() samples) and no tags.
func encodeSegment(tl codec.Timeline, settings map[string]string) (*codec.Output, error) {
	return encode(tl, settings, false)
}

// joinSegments plans the output from its segments' MP3 files: their
// frames byte for byte, except the few at each junction, which are
// encoded again from the decoded samples around it (mp3edit's exact
// junctions), with the output's ID3v2 tag in front.
func joinSegments(tl codec.Timeline, settings map[string]string, parts []audio.Source) (*codec.Output, error) {
	if len(parts) < 2 {
		return nil, fmt.Errorf("mp3: a segmented encode needs at least 2 segments, got %d", len(parts))
	}
	pieces := make([]mp3edit.Piece, len(parts))
	for i, src := range parts {
		in, err := mp3edit.Open(i, src)
		if err != nil {
			return nil, fmt.Errorf("mp3: segment %d of %d: %w", i+1, len(parts), err)
		}
		pieces[i] = mp3edit.Piece{In: in, From: 0, To: in.Frames()}
	}
	tag, err := id3Tag(tl)
	if err != nil {
		return nil, err
	}
	res, err := mp3edit.Plan(pieces, mp3edit.Options{Tag: tag, Reencode: Reencode})
	if err != nil {
		return nil, fmt.Errorf("mp3: joining %d segments: %w", len(parts), err)
	}
	for i, s := range res.Stretches {
		if s.Shift != 0 {
			return nil, fmt.Errorf("mp3: joining segments: junction %d moved by %d samples (segment %d is not a whole number of frames)", i+1, s.Shift, i+1)
		}
	}
	if res.Frames != tl.Frames() {
		return nil, fmt.Errorf("mp3: the joined segments are %d frames, the output %d", res.Frames, tl.Frames())
	}
	frames, kbps := 0, map[int]bool{}
	for _, s := range res.Stretches {
		frames += s.Frames
		kbps[s.Kbps] = true
	}
	rates := make([]int, 0, len(kbps))
	for k := range kbps {
		rates = append(rates, k)
	}
	slices.Sort(rates)
	return &codec.Output{
		Plan:    res.Plan,
		Format:  audio.Format{Rate: res.Rate, Channels: res.Channels, Bits: 16},
		Frames:  res.Frames,
		Encoded: true,
		Notes: []string{fmt.Sprintf("encoded with LAME %s at %s in %d segments, joined; the %d frames at the %s between them were encoded again at %s kbit/s",
			lame.Version, label(settings["quality"]), len(parts), frames, plural(len(res.Stretches), "junction", "junctions"), strings.Trim(strings.Join(strings.Fields(fmt.Sprint(rates)), ", "), "[]"))},
	}, nil
}

// plural is "1 junction", "2 junctions".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
