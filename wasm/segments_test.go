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
// (segments, renderSegment for each, joinSegments over the segments' files)
// make the file the engine's own segmented render makes (the CLI's path),
// with the progress of each step reaching its total; a short document is
// not split.
func TestSegmentedRender(t *testing.T) {
	const rate = 8000
	wav := testWAV(rate, 1, (2*project.SegmentSeconds+3)*rate, 5)
	doc := fmt.Sprintf(`{"version":1,"clips":[{"source":0,"in":0,"out":%d}],"output":{"container":"mp3","options":{"quality":"32"},"tags":{"title":"Split"}}}`, (2*project.SegmentSeconds+3)*rate)
	ins, srcs := inputsOf(wav)
	sp, err := segmentsOf([]byte(doc), ins, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Segments) != 2 || sp.Size <= 0 || sp.Frames != (2*project.SegmentSeconds+3)*rate {
		t.Fatalf("segments: %+v", sp)
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
	if sp, err := segmentsOf([]byte(short), ins, false); err != nil || len(sp.Segments) != 0 {
		t.Errorf("a 1 s document: %+v, %v; want no segments", sp, err)
	}
}
