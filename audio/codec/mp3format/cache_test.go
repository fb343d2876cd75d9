package mp3format_test

import (
	"bytes"
	"sync/atomic"
	"testing"

	"offcut/audio"
	"offcut/audio/codec/mp3edit"
	"offcut/audio/codec/mp3format"
)

// TestStretchCacheReplans plans the same edits twice through a cache of
// junctions: the second plans call the encoder only for the junction
// that is new, and every plan writes the same bytes as a plan without
// the cache. A cache too small for the edit still gives the same bytes.
func TestStretchCacheReplans(t *testing.T) {
	dir := t.TempDir()
	srcs := openSources(t, makeMP3(t, dir, "a", 44100, 2, 3, 1, "-b", "128"), makeMP3(t, dir, "b", 44100, 2, 1, 2, "-b", "128"))
	a, b := srcs[0].in, srcs[1].in
	n := a.Frames()
	sources := []audio.Source{srcs[0].src, srcs[1].src}
	var calls atomic.Int64
	counting := func(spec mp3edit.Spec, pcm func(delay int) ([]float32, error)) ([]byte, error) {
		calls.Add(1)
		return mp3format.Reencode(spec, pcm)
	}
	write := func(res *mp3edit.Result) []byte {
		var buf bytes.Buffer
		if _, err := res.Plan.WriteTo(&buf, sources, nil); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	edits := [][]mp3edit.Piece{
		{{In: a, From: 0, To: 40000}, {In: a, From: 50000, To: n}},
		{{In: a, From: 0, To: 40000}, {In: a, From: 50000, To: 90000}, {In: a, From: 95000, To: n}},
		{{In: a, From: 0, To: 40000}, {In: a, From: 50000, To: 90000}, {In: a, From: 95000, To: n}, {In: b, From: 0, To: b.Frames()}},
	}
	want := make([][]byte, len(edits))
	for i, e := range edits {
		res, err := mp3edit.Plan(e, mp3edit.Options{Reencode: mp3format.Reencode})
		if err != nil {
			t.Fatalf("edit %d: %v", i, err)
		}
		want[i] = write(res)
	}
	for _, size := range []int{64, 1} {
		cache := mp3edit.NewStretchCache(size)
		for i, e := range edits {
			before := calls.Load()
			res, err := mp3edit.Plan(e, mp3edit.Options{Reencode: counting, Stretches: cache})
			if err != nil {
				t.Fatalf("cache of %d, edit %d: %v", size, i, err)
			}
			if got := write(res); !bytes.Equal(got, want[i]) {
				t.Errorf("cache of %d, edit %d: %d bytes differ from the plan without a cache (%d bytes)", size, i, len(got), len(want[i]))
			}
			// Each edit adds one junction: with room for them all, only
			// the new one is encoded (a window retry may take one more
			// call for it).
			if size == 64 {
				if c := calls.Load() - before; c < 1 || c > 2 {
					t.Errorf("edit %d called the encoder %d times; only its new junction needs it", i, c)
				}
			}
		}
		if cache.Len() > size {
			t.Errorf("a cache of %d holds %d junctions", size, cache.Len())
		}
	}
}
