package main

import "offcut/audio"

// streamByter is a decoder that says which bytes of its source a stream
// reads (an MP3's frames, those that prime the decoder included).
type streamByter interface {
	StreamBytes(from, to int64) (off, end int64)
}

// quickRanges says whether a quick overview (a window of sampledWindow
// frames at the start of each of buckets buckets) of frames [from, to)
// of d pays, and which byte ranges of the source its windows read
// (sorted, not overlapping), for reading them all at once: a file stored
// as PCM whose buckets are long enough, or a compressed file whose
// windows read at most an eighth of its bytes (each window decodes its
// own few frames, an MP3's from its frame index; in Chromium a window
// costs about as much as ten frames of the exact waveform, so an MP3
// shorter than about a quarter of an hour, whose exact waveform comes in
// a few seconds, gets none).
func quickRanges(d audio.Decoder, from, to int64, buckets int) ([][2]int64, bool) {
	if buckets <= 0 || to <= from {
		return nil, false
	}
	switch d := d.(type) {
	case audio.PCMLayout:
		if (to-from)/int64(buckets) <= 4*sampledWindow {
			return nil, false
		}
		off, f := d.PCMData()
		bpf := int64(f.BytesPerFrame())
		var ranges [][2]int64
		for _, w := range audio.SampledWindows(from, to, buckets, sampledWindow) {
			if w[1] > w[0] {
				ranges = append(ranges, [2]int64{off + w[0]*bpf, off + w[1]*bpf})
			}
		}
		return ranges, true
	case streamByter:
		var ranges [][2]int64
		var read int64
		for _, w := range audio.SampledWindows(from, to, buckets, sampledWindow) {
			if w[1] <= w[0] {
				continue
			}
			a, b := d.StreamBytes(w[0], w[1])
			if b <= a {
				continue
			}
			if n := len(ranges); n > 0 && a <= ranges[n-1][1] {
				read += max(0, b-ranges[n-1][1])
				ranges[n-1][1] = max(ranges[n-1][1], b)
				continue
			}
			ranges = append(ranges, [2]int64{a, b})
			read += b - a
		}
		a, b := d.StreamBytes(from, to)
		if len(ranges) == 0 || 8*read > b-a {
			return nil, false
		}
		return ranges, true
	}
	return nil, false
}
