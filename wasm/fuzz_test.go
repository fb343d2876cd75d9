package main

import (
	"testing"
)

// FuzzWorkerArgs drives the engine calls the Worker makes with arbitrary
// arguments, as main_js.go passes them on after converting the JavaScript
// values (the conversion itself is syscall/js and runs only in a browser):
// peaks with any bucket count and frame range, plan and render with any
// document. A clear error or a result, never a panic; a render writes
// exactly what its plan announced.
func FuzzWorkerArgs(f *testing.F) {
	f.Add(int64(2000), int64(0), int64(-1), []byte(`{"version":1,"clips":[{"source":0,"in":0,"out":1000}]}`))
	f.Add(int64(1), int64(500), int64(501), []byte(`{"version":1,"clips":[{"source":0,"in":10,"out":900,"gain":-3},{"source":1,"in":0,"out":800}],"joins":[{"type":"crossfade","length":100}],"output":{"sampleRate":22050}}`))
	f.Add(int64(-5), int64(-1), int64(1<<40), []byte(`{"version":1,"clips":[{"source":1,"in":0,"out":800}],"output":{"normalize":-1,"channels":1}}`))
	f.Add(int64(1<<31), int64(1<<62), int64(0), []byte(`{}`))
	a, b := testWAV(8000, 1, 1000, 0), testWAV(11025, 2, 800, 1)
	f.Fuzz(func(t *testing.T, buckets, from, to int64, doc []byte) {
		ins, srcs := inputsOf(a, b)
		if buckets >= 1 && buckets <= 1<<16 {
			if r, err := peaks(ins[0], int(buckets), from, to, nil); err == nil {
				if len(r.Min) != int(buckets) || len(r.Max) != int(buckets) || r.From < 0 || r.To > 1000 || r.From > r.To {
					t.Fatalf("peaks(%d, %d, %d): %d buckets over %d..%d", buckets, from, to, len(r.Min), r.From, r.To)
				}
			}
		}
		s, err := planDoc(doc, ins)
		if err != nil || s.Size > 1<<20 {
			return
		}
		sink := &assembler{srcs: srcs}
		if _, err := render(doc, ins, sink, nil); err != nil {
			t.Fatalf("plan succeeded (%d bytes) but render failed: %v", s.Size, err)
		}
		if int64(sink.out.Len()) != s.Size {
			t.Fatalf("render wrote %d bytes, the plan announced %d", sink.out.Len(), s.Size)
		}
	})
}

// FuzzLayOut feeds layOut hostile documents and source descriptions: an
// error or lengths that add up, never a panic; an answer it gives is
// Render's (TestLayOutMatchesRender checks that on real sources).
func FuzzLayOut(f *testing.F) {
	f.Add([]byte(`{"version":1,"clips":[{"source":0,"in":0,"out":1000}]}`), []byte(`[{"format":{"sampleRate":8000,"channels":1,"bitDepth":16},"frames":1000}]`))
	f.Add([]byte(`{"version":1,"clips":[{"source":0,"in":10,"out":900},{"source":1,"in":0,"out":800}],"joins":[{"type":"crossfade","length":100}],"output":{"sampleRate":22050,"container":"opus"}}`),
		[]byte(`[{"container":"wav","format":{"sampleRate":8000,"channels":1,"bitDepth":16},"frames":1000},{"container":"mp3","format":{"sampleRate":11025,"channels":2,"bitDepth":16},"frames":800}]`))
	f.Add([]byte(`{"version":1,"clips":[{"source":0,"in":0,"out":5}],"output":{"sampleRate":1}}`), []byte(`[{"format":{"sampleRate":768000,"channels":8,"bitDepth":64,"float":true},"frames":1099511627776}]`))
	f.Fuzz(func(t *testing.T, doc, infos []byte) {
		l, err := layOut(doc, infos)
		if err != nil {
			return
		}
		if l.Rate <= 0 || l.Frames < 0 || l.Output.Rate <= 0 || l.Output.Frames < 0 {
			t.Fatalf("laid out as %+v", l)
		}
		for _, n := range l.Clips {
			if n <= 0 {
				t.Fatalf("a clip of %d frames in %+v", n, l)
			}
		}
	})
}
