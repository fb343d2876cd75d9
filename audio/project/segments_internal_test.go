package project

import (
	"math/rand/v2"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codecs"
)

// TestSegmentsOf: an output is cut into the whole number of segments
// nearest its length over SegmentSeconds, about equal (within a grain),
// every boundary on the grain; one shorter than 1.5 segments is not
// split; a huge one gets at most MaxSegments, longer, segments.
func TestSegmentsOf(t *testing.T) {
	const rate, grain = 44100, 1152
	size := int64(SegmentSeconds * rate)
	for _, c := range []struct {
		total int64
		want  int
	}{
		{0, 0}, {1, 0}, {size, 0}, {size * 3 / 2, 2}, {size*3/2 - 1, 0}, {2*size - 1, 2}, {2 * size, 2}, {size*5/2 - 1, 2}, {size * 5 / 2, 3},
		{3 * size, 3}, {180 * rate, 6}, {180*rate - 1000, 6}, {3600 * rate, 120},
		{10 * 3600 * rate, MaxSegments}, {1 << 40, MaxSegments}, // bounded
	} {
		segs := segmentsOf(c.total, rate, grain)
		if len(segs) != c.want {
			t.Errorf("%d frames: %d segments, want %d", c.total, len(segs), c.want)
			continue
		}
		var pos int64
		for i, s := range segs {
			if s.From != pos || s.To <= s.From {
				t.Fatalf("%d frames: segment %d is %d..%d after %d", c.total, i, s.From, s.To, pos)
			}
			if s.From%grain != 0 {
				t.Errorf("%d frames: segment %d starts at %d, not a multiple of %d", c.total, i, s.From, grain)
			}
			if d := s.To - s.From - c.total/int64(len(segs)); d <= -grain || d >= grain+int64(len(segs)) {
				t.Errorf("%d frames: segment %d is %d frames, %d from an equal share", c.total, i, s.To-s.From, d)
			}
			pos = s.To
		}
		if len(segs) > 0 && pos != c.total {
			t.Errorf("%d frames: segments end at %d", c.total, pos)
		}
	}
	if segmentsOf(1<<40, rate, 0) != nil || segmentsOf(1<<40, 0, grain) != nil {
		t.Error("a zero grain or rate must not split")
	}
	// A grain longer than an equal share does not split.
	if segs := segmentsOf(4*size, rate, 3*size); segs != nil {
		t.Errorf("a grain of 3 segments split 4 segments' frames in %d", len(segs))
	}
}

// TestStreamRangeExact: any range of the output rendered alone has the
// same samples as the whole render there, with gain, fades, a gap, a
// crossfade and a resampled clip (48 kHz into 44.1 kHz) in the edit.
func TestStreamRangeExact(t *testing.T) {
	a := audiotest.WAV(audio.Format{Rate: 44100, Channels: 2, Bits: 16}, audiotest.Signal(60000, 2, 44100, 1))
	b := audiotest.WAV(audio.Format{Rate: 48000, Channels: 1, Bits: 24}, audiotest.Signal(50000, 1, 48000, 2))
	var decs []audio.Decoder
	for _, f := range [][]byte{a, b} {
		d, err := codecs.Open(audio.NewBytesSource(f))
		if err != nil {
			t.Fatal(err)
		}
		decs = append(decs, d)
	}
	norm := -3.0
	doc := &Document{Version: 1,
		Clips: []Clip{
			{Source: 0, In: 1000, Out: 40000, Gain: -2, FadeIn: &Fade{Length: 3000}},
			{Source: 1, In: 0, Out: 50000, FadeOut: &Fade{Length: 5000, Curve: "s-curve"}},
			{Source: 0, In: 20000, Out: 60000, Gain: 1.5},
		},
		Joins:  []Join{{Type: JoinCrossfade, Length: 4000, Curve: "equal-power"}, {Type: JoinGap, Length: 777}},
		Output: Output{Container: "mp3", Normalize: &norm},
	}
	r, _, _, err := prepareSegmented(doc, decs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.normalise(nil); err != nil {
		t.Fatal(err)
	}
	whole, err := r.streamRange(0, r.total)
	if err != nil {
		t.Fatal(err)
	}
	want := audiotest.ReadAll(t, whole)
	ch := int64(r.out.Channels)
	rng := rand.New(rand.NewPCG(3, 4))
	ranges := [][2]int64{{0, r.total}, {0, 1}, {r.total - 1, r.total}, {38000, 42000}, {39000, 39001}, {80000, 90000}}
	for range 20 {
		x, y := rng.Int64N(r.total), rng.Int64N(r.total)
		ranges = append(ranges, [2]int64{min(x, y), max(x, y) + 1})
	}
	for _, g := range ranges {
		s, err := r.streamRange(g[0], g[1])
		if err != nil {
			t.Fatalf("%d..%d: %v", g[0], g[1], err)
		}
		if s.Len() != g[1]-g[0] || s.Channels() != r.out.Channels || s.Rate() != r.out.Rate {
			t.Fatalf("%d..%d: a stream of %d frames, %d channels at %d Hz", g[0], g[1], s.Len(), s.Channels(), s.Rate())
		}
		got := audiotest.CheckStream(t, s)
		w := want[g[0]*ch : g[1]*ch]
		for i := range w {
			if got[i] != w[i] {
				t.Fatalf("frames %d..%d: sample %d (frame %d) is %v, the whole render has %v", g[0], g[1], i, g[0]+int64(i)/ch, got[i], w[i])
			}
		}
	}
}
