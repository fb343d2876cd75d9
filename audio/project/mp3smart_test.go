package project_test

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/project"
)

// TestMP3RemoveReencodesJunction: removing a stretch of an MP3 keeps it
// MP3, re-encodes only the frames at the junction, and the notes say so
// (frames, junctions, share copied byte for byte); the result is not
// called lossless, and it decodes to exactly the announced length.
func TestMP3RemoveReencodesJunction(t *testing.T) {
	dir := t.TempDir()
	mp3 := lameMP3(t, dir, "in", 3*44100, 1, "-b", "128")
	src, dec := openMP3(t, mp3)
	doc, err := project.Remove(3*44100, 44100, 2*44100+500)
	if err != nil {
		t.Fatal(err)
	}
	res, err := project.Render(doc, []audio.Decoder{dec}, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(res.Notes, "; ")
	t.Logf("notes: %s", notes)
	if res.Container != "mp3" || res.Lossless || !strings.Contains(notes, "re-encoded at 1 junction, the rest untouched") || !strings.Contains(notes, "copied byte for byte") {
		t.Fatalf("remove on an MP3: container %s, lossless %v, notes %q", res.Container, res.Lossless, res.Notes)
	}
	// 44100+500 samples asked removed; the junction may move by under
	// half a frame, which a note says.
	want := int64(3*44100 - 44100 - 500)
	if d := res.Frames - want; d < -576 || d > 576 || d != 0 && !strings.Contains(notes, "than asked: the frames after it stay the source's") {
		t.Errorf("%d samples, %d asked; notes %q", res.Frames, want, res.Notes)
	}
	out := filepath.Join(dir, "out.mp3")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := res.Plan.WriteTo(f, []audio.Source{src}, nil); err != nil {
		t.Fatal(err)
	}
	f.Close()
	pcm, err := exec.Command(audiotest.Tool(t, "ffmpeg"), "-v", "error", "-i", out, "-f", "s16le", "-").Output()
	if err != nil || int64(len(pcm)/4) != res.Frames {
		t.Errorf("ffmpeg decodes %d samples (%v), %d announced", len(pcm)/4, err, res.Frames)
	}
}

// TestMP3GainChangeInsideFileEncodes: a gain on the middle second of an
// MP3 (three clips that follow each other in the file) cannot stay on the
// source's frames without playing the encoders' padding twice and
// lengthening the edit, so the render encodes it with LAME: exactly the
// edit's length, and the notes say why. A gain on the whole file still
// keeps the frames (global_gain).
func TestMP3GainChangeInsideFileEncodes(t *testing.T) {
	dir := t.TempDir()
	mp3 := lameMP3(t, dir, "in", 3*44100, 1, "-b", "128")
	_, dec := openMP3(t, mp3)
	render := func(clips []project.Clip) *project.Result {
		t.Helper()
		doc := &project.Document{Version: 1, Clips: clips, Output: project.Output{Container: "mp3"}}
		res, err := project.Render(doc, []audio.Decoder{dec}, project.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("notes: %s", strings.Join(res.Notes, "; "))
		return res
	}
	res := render([]project.Clip{{In: 0, Out: 44100}, {In: 44100, Out: 88200, Gain: -6}, {In: 88200, Out: 3 * 44100}})
	notes := strings.Join(res.Notes, "; ")
	if res.Frames != 3*44100 || !strings.Contains(notes, "encoded with LAME") || !strings.Contains(notes, "a gain change at sample 44100 inside one MP3 file") || strings.Contains(notes, "padding") {
		t.Errorf("gain on the middle second: %d samples, notes %q; want 132300 samples encoded, saying why", res.Frames, res.Notes)
	}
	whole := render([]project.Clip{{In: 0, Out: 3 * 44100, Gain: -6}})
	if n := strings.Join(whole.Notes, "; "); strings.Contains(n, "encoded with LAME") || !strings.Contains(n, "without re-encoding") {
		t.Errorf("gain on the whole file: notes %q; want the source's frames on global_gain", whole.Notes)
	}
}

// TestMP3EstimatedPlan: the plan an editor shows after each change
// (Options.Estimate) announces the same length as the plan that is
// written, without encoding its junctions: its size is an estimate close
// to the written one, it says so (not exact, "about" in its note) and it
// cannot be written. Once a written plan has encoded the junctions (kept
// for the next plans), the estimate is that plan.
func TestMP3EstimatedPlan(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
	}{{"cbr", []string{"-b", "128"}}, {"vbr", []string{"-V", "2"}}} {
		src, dec := openMP3(t, lameMP3(t, dir, c.name, 5*44100, 3, c.args...))
		doc := &project.Document{Version: 1, Output: project.Output{Container: "mp3"}, Clips: []project.Clip{
			{In: 0, Out: 44100}, {In: 2*44100 + 500, Out: 3 * 44100}, {In: 4*44100 + 77, Out: 5 * 44100}}}
		inputs := []audio.Decoder{dec}
		est, err := project.Render(doc, inputs, project.Options{Estimate: true})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if est.Plan.Exact() || !strings.Contains(strings.Join(est.Notes, "; "), "about ") {
			t.Errorf("%s: an estimated plan says it is exact (%v) or its note does not say about: %q", c.name, est.Plan.Exact(), est.Notes)
		}
		if _, err := est.Plan.WriteTo(io.Discard, []audio.Source{src}, nil); err == nil {
			t.Errorf("%s: an estimated plan was written", c.name)
		}
		real, err := project.Render(doc, inputs, project.Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !real.Plan.Exact() {
			t.Fatalf("%s: the written plan is not exact (notes %q)", c.name, real.Notes)
		}
		d := float64(est.Plan.Size()-real.Plan.Size()) / float64(real.Plan.Size())
		t.Logf("%s: estimated %d bytes, written %d (%+.2f%%); %d frames", c.name, est.Plan.Size(), real.Plan.Size(), 100*d, real.Frames)
		if est.Frames != real.Frames || d < -0.01 || d > 0.01 {
			t.Errorf("%s: estimated %d frames and %d bytes, written %d frames and %d bytes", c.name, est.Frames, est.Plan.Size(), real.Frames, real.Plan.Size())
		}
		again, err := project.Render(doc, inputs, project.Options{Estimate: true})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !again.Plan.Exact() || again.Plan.Size() != real.Plan.Size() || again.Frames != real.Frames {
			t.Errorf("%s: after the written plan, the estimate is %d bytes (exact %v), the written plan %d", c.name, again.Plan.Size(), again.Plan.Exact(), real.Plan.Size())
		}
	}
}
