package project_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"offcut/audio/audiotest"
	"offcut/audio/project"
)

// peakHeapWriter discards what is written and samples the live heap every
// few writes, keeping the highest figure.
type peakHeapWriter struct {
	writes int
	peak   uint64
}

func (w *peakHeapWriter) Write(p []byte) (int, error) {
	w.writes++
	if w.writes%64 == 0 {
		w.sample()
	}
	return len(p), nil
}

func (w *peakHeapWriter) sample() {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	w.peak = max(w.peak, ms.HeapAlloc)
}

// TestTenThousandClipsStayBounded renders the most clips a document may
// hold, every one computed (gain), and checks that the live heap stays
// under 64 MB while the output is written: finished clips and their read
// buffers must be released as the render moves on.
func TestTenThousandClipsStayBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 10,000 clips; skipped with -short")
	}
	const clipFrames = 4000
	in := audiotest.WAV(f16, audiotest.Signal(clipFrames*4, 2, 48000, 1))
	decs, srcs := memInputs(t, in)
	doc := &project.Document{Version: project.Version}
	for i := range project.MaxClips {
		from := int64(i%3) * clipFrames
		doc.Clips = append(doc.Clips, project.Clip{Source: 0, In: from, Out: from + clipFrames, Gain: -1})
	}
	res, err := project.Render(doc, decs, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := &peakHeapWriter{}
	w.sample()
	base := w.peak
	if _, err := res.Plan.WriteTo(w, srcs, nil); err != nil {
		t.Fatal(err)
	}
	w.sample()
	t.Logf("10,000 clips, %d MB written: peak live heap %.1f MB (%.1f MB before writing)",
		res.Plan.Size()>>20, float64(w.peak)/1e6, float64(base)/1e6)
	if w.peak > 64<<20 {
		t.Errorf("peak live heap %d MB while writing 10,000 clips, want under 64 MB", w.peak>>20)
	}
}

// TestHugeOutputIsRefused: a 180-byte document with a gap of 2^40 frames
// would write 4 TiB; Render refuses it before anything is read, unless
// forced.
func TestHugeOutputIsRefused(t *testing.T) {
	doc, err := project.Parse([]byte(`{"version":1,"clips":[{"source":0,"in":0,"out":4800},{"source":0,"in":0,"out":4800}],
		"joins":[{"type":"gap","length":1099511627776}],"output":{"normalize":-1}}`))
	if err != nil {
		t.Fatal(err)
	}
	decs, _ := memInputs(t, audiotest.WAV(f16, audiotest.Signal(4800, 2, 48000, 1)))
	_, err = project.Render(doc, decs, project.Options{})
	if !errors.Is(err, project.ErrTooLarge) || !strings.Contains(err.Error(), "4.0 TiB") {
		t.Fatalf("Render of a 4 TiB output: %v; want ErrTooLarge saying 4.0 TiB", err)
	}
	t.Log(err)
	doc.Output.Normalize = nil
	res, err := project.Render(doc, decs, project.Options{Force: true})
	if err != nil {
		t.Fatalf("Render with Force: %v", err)
	}
	if want := int64(1<<40+9600) * 4; res.Plan.Size() < want {
		t.Errorf("forced plan is %d bytes, want over %d", res.Plan.Size(), want)
	}
}
