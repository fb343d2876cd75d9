package project_test

import (
	"bytes"
	"os"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/codecs"
	"offcut/audio/project"
)

// BenchmarkMP3PlanAfterEdit plans each of ten successive edits on a
// 3-hour MP3 (10 s of LAME CBR tiled; each edit removes a second from
// another tenth): what the editor waits for after every change ("working
// out the size…"). The file is opened once, as the Worker keeps it.
// ms/plan is the mean over the plans. "estimated" is the editor's plan
// (Options.Estimate: the new junction is not encoded), "written" the
// plan an export writes (it encodes the new junction).
func BenchmarkMP3PlanAfterEdit(b *testing.B) {
	b.Run("estimated", func(b *testing.B) { benchPlanAfterEdit(b, project.Options{Estimate: true}) })
	b.Run("written", func(b *testing.B) { benchPlanAfterEdit(b, project.Options{}) })
}

func benchPlanAfterEdit(b *testing.B, opt project.Options) {
	block := lameMP3(b, b.TempDir(), "in", 10*44100, 1, "-t", "-b", "128")
	data, err := os.ReadFile(block)
	if err != nil {
		b.Fatal(err)
	}
	src := audio.NewBytesSource(bytes.Repeat(data, 3*360))
	dec, err := codecs.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	n := dec.Info().Frames
	// Each round edits other places (a few frames on), so each plan
	// re-encodes one new junction, as after a user's edit; the junctions
	// of the edits before it are in the cache.
	edits := func(round int64) []*project.Document {
		clips := []project.Clip{{In: 0, Out: n}}
		var docs []*project.Document
		for k := range 10 {
			at := int64(k)*n/10 + n/20 + round*7*1152
			var next []project.Clip
			for _, c := range clips {
				if at > c.In && at+44100 < c.Out {
					next = append(next, project.Clip{In: c.In, Out: at}, project.Clip{In: at + 44100, Out: c.Out})
				} else {
					next = append(next, c)
				}
			}
			clips = next
			docs = append(docs, &project.Document{Version: 1, Clips: append([]project.Clip(nil), clips...), Output: project.Output{Container: "mp3"}})
		}
		return docs
	}
	// The first plan walks the file once.
	if _, err := project.Render(edits(-1)[0], []audio.Decoder{dec}, project.Options{}); err != nil {
		b.Fatal(err)
	}
	for round := int64(0); b.Loop(); round++ {
		for _, d := range edits(round) {
			if _, err := project.Render(d, []audio.Decoder{dec}, opt); err != nil {
				b.Fatal(err)
			}
			// The user's next edit comes later (the editor waits 120 ms
			// after a change before it plans): the engine is idle.
			b.StopTimer()
			time.Sleep(150 * time.Millisecond)
			b.StartTimer()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/10, "ms/plan")
}
