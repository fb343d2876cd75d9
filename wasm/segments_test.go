package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/project"
)

// TestSegmentedRender: the worker's three steps of a segmented encode
// (where it splits, renderSegment for each, joinSegments over the segments' files)
// make the file the engine's own segmented render makes (the CLI's path),
// with the progress of each step reaching its total; a short document is
// not split.
func TestSegmentedRender(t *testing.T) {
	const rate = 8000
	wav := testWAV(rate, 1, (2*project.SegmentSeconds+3)*rate, 5)
	doc := fmt.Sprintf(`{"version":1,"clips":[{"source":0,"in":0,"out":%d}],"output":{"container":"mp3","options":{"quality":"32"},"tags":{"title":"Split"}}}`, (2*project.SegmentSeconds+3)*rate)
	ins, srcs := inputsOf(wav)
	sp, err := segmentsOfJSON(t, []byte(doc), ins, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Segments) != 2 || sp.Size <= 0 || sp.Frames != (2*project.SegmentSeconds+3)*rate {
		t.Fatalf("segments: %+v", sp)
	}
	// The size progress counts towards is the plan's, as Render makes it.
	if d, decs, err := prepare([]byte(doc), ins); err != nil {
		t.Fatal(err)
	} else if res, err := project.Render(d, decs, project.Options{}); err != nil || res.Plan.Size() != sp.Size || res.Frames != sp.Frames {
		t.Fatalf("segments announce %d bytes, %d frames; Render plans %v (%v)", sp.Size, sp.Frames, res, err)
	}
	var parts []input
	var psrcs []audio.Source
	for i, s := range sp.Segments {
		a := &assembler{srcs: srcs}
		var last, total int64
		if _, err := renderSegment([]byte(doc), ins, s, a, func(d, n int64) { last, total = d, n }); err != nil {
			t.Fatalf("segment %d: %v", i, err)
		}
		if last != total || last == 0 {
			t.Errorf("segment %d: progress ended at %d of %d", i, last, total)
		}
		src := audio.NewBytesSource(a.out.Bytes())
		parts = append(parts, input{src: src, name: fmt.Sprintf("segment %d", i+1)})
		psrcs = append(psrcs, src)
	}
	j := &assembler{srcs: psrcs}
	res, err := joinSegments([]byte(doc), ins, parts, j, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Frames != sp.Frames || j.ranges == 0 {
		t.Errorf("join: %d frames, %d ranges", res.Frames, j.ranges)
	}

	// The engine's own segmented encode.
	d, decs, err := prepare([]byte(doc), ins)
	if err != nil {
		t.Fatal(err)
	}
	open := func() ([]audio.Decoder, error) { return decs, nil }
	want, err := project.EncodeSegments(d, sp.Segments, project.Options{}, project.Parallel{Workers: 1, Open: open,
		Store: func(i int, r *project.Result) (audio.Source, error) {
			a := &assembler{}
			if err := emit(r.Plan, 0, a, 0, r.Plan.Size(), func(int64, int64) {}); err != nil {
				return nil, err
			}
			return audio.NewBytesSource(a.out.Bytes()), nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	wr, err := project.JoinSegments(d, decs, want, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := &assembler{srcs: want}
	if err := emit(wr.Plan, len(want), w, 0, wr.Plan.Size(), func(int64, int64) {}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(j.out.Bytes(), w.out.Bytes()) {
		t.Errorf("the worker's join is %d bytes, the engine's %d: not the same file", j.out.Len(), w.out.Len())
	}
	if !strings.Contains(strings.Join(res.Notes, " "), "2 segments") {
		t.Errorf("notes: %q", res.Notes)
	}

	short := `{"version":1,"clips":[{"source":0,"in":0,"out":8000}],"output":{"container":"mp3"}}`
	if sp, err := segmentsOfJSON(t, []byte(short), ins, false); err != nil || len(sp.Segments) != 0 {
		t.Errorf("a 1 s document: %+v, %v; want no segments", sp, err)
	}
}

// TestRenderOrSplit: the page's first job of a render says where a
// segmented output splits (what segmentsOf says) and writes nothing, and
// renders any other document exactly as render does.
func TestRenderOrSplit(t *testing.T) {
	const rate = 8000
	n := int64((2*project.SegmentSeconds + 3) * rate)
	wav := testWAV(rate, 1, n, 5)
	ins, srcs := inputsOf(wav)
	long := fmt.Sprintf(`{"version":1,"clips":[{"source":0,"in":0,"out":%d}],"output":{"container":"mp3","options":{"quality":"32"}}}`, n)
	want, err := segmentsOfJSON(t, []byte(long), ins, false)
	if err != nil || len(want.Segments) < 2 {
		t.Fatalf("segmentsOf: %+v, %v", want, err)
	}
	a := &assembler{srcs: srcs}
	res, sp, err := renderOrSplit([]byte(long), ins, false, a, nil)
	if err != nil || res != nil || sp == nil {
		t.Fatalf("a %d-frame MP3: result %v, split %v, %v; want the split", n, res, sp, err)
	}
	if fmt.Sprint(*sp) != fmt.Sprint(want) || a.out.Len() != 0 || a.ranges != 0 {
		t.Errorf("split %+v (segmentsOf: %+v); %d bytes and %d ranges written", *sp, want, a.out.Len(), a.ranges)
	}
	for _, doc := range []string{
		fmt.Sprintf(`{"version":1,"clips":[{"source":0,"in":100,"out":%d}],"output":{"container":"wav"}}`, n-100),
		`{"version":1,"clips":[{"source":0,"in":0,"out":8000}],"output":{"container":"mp3","options":{"quality":"32"}}}`,
		fmt.Sprintf(`{"version":1,"clips":[{"source":0,"in":0,"out":%d}],"output":{"container":"flac"}}`, n),
	} {
		a, b := &assembler{srcs: srcs}, &assembler{srcs: srcs}
		var last, total int64
		res, sp, err := renderOrSplit([]byte(doc), ins, true, a, func(d, n int64) { last, total = d, n })
		if err != nil || sp != nil || res == nil {
			t.Fatalf("%s: result %v, split %v, %v; want it rendered", doc, res, sp, err)
		}
		if _, err := render([]byte(doc), ins, b, nil); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.out.Bytes(), b.out.Bytes()) || a.ranges != b.ranges || a.out.Len() == 0 {
			t.Errorf("%s: %d bytes, %d ranges; render: %d bytes, %d ranges", doc, a.out.Len(), a.ranges, b.out.Len(), b.ranges)
		}
		if last != total || total == 0 {
			t.Errorf("%s: progress ended at %d of %d", doc, last, total)
		}
	}
	if _, _, err := renderOrSplit([]byte(`{"version":1,"clips":[{"source":3,"in":0,"out":10}]}`), ins, false, &assembler{srcs: srcs}, nil); err == nil {
		t.Error("a clip of a missing source rendered")
	}
}

// segmentsOfJSON is segmentsOf of a document's JSON.
func segmentsOfJSON(t *testing.T, doc []byte, ins []input, decoded bool) (segmentPlan, error) {
	t.Helper()
	d, decs, err := prepare(doc, ins)
	if err != nil {
		return segmentPlan{}, err
	}
	return segmentsOf(d, decs, decoded)
}

// BenchmarkSegmentsOf3min: where a 3-minute WAV → MP3 splits, and its
// size, as the page's first job of a render finds them.
func BenchmarkSegmentsOf3min(b *testing.B) {
	n := int64(180 * 44100)
	ins, _ := inputsOf(testWAV(44100, 2, n, 5))
	doc := fmt.Sprintf(`{"version":1,"clips":[{"source":0,"in":0,"out":%d}],"output":{"container":"mp3","options":{"quality":"128"}}}`, n)
	d, decs, err := prepare([]byte(doc), ins)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if sp, err := segmentsOf(d, decs, false); err != nil || len(sp.Segments) != 6 {
			b.Fatal(sp, err)
		}
	}
}
