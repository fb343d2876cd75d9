package project_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/project"
)

// TestMillisecondsAreOutputFrames: a document whose fades, gap and
// crossfade are in milliseconds writes the same bytes as the one in frames
// that Frames gives at the output's rate (here a 44.1 kHz and an 8 kHz
// source in a 48 kHz output, so a millisecond is not a whole source frame),
// a fade in milliseconds longer than its clip is cut to it, and LayOut
// reports the lengths it rendered.
func TestMillisecondsAreOutputFrames(t *testing.T) {
	a := audiotest.WAV(audio.Format{Rate: 44100, Channels: 2, Bits: 16}, audiotest.Signal(44100, 2, 44100, 1))
	b := audiotest.WAV(audio.Format{Rate: 8000, Channels: 1, Bits: 16}, audiotest.Signal(4000, 1, 8000, 2))
	const rate = 48000
	if got := project.Frames(12.34, rate); got != 592 { // 592.32
		t.Errorf("Frames(12.34 ms, 48 kHz) = %d, want 592", got)
	}
	if got := project.Frames(0.01, 44100); got != 0 { // 0.441
		t.Errorf("Frames(0.01 ms, 44.1 kHz) = %d, want 0", got)
	}
	if got := project.Frames(0.5/44.1, 44100); got != 1 { // half a frame rounds up
		t.Errorf("Frames(half a frame) = %d, want 1", got)
	}
	ms := `{"version":1,"clips":[
	  {"source":0,"in":100,"out":30000,"fadeIn":{"ms":250.5,"curve":"s-curve"}},
	  {"source":1,"in":0,"out":4000,"gain":-3,"fadeOut":{"ms":9000}},
	  {"source":0,"in":0,"out":44100,"fadeOut":{"ms":33.3,"curve":"linear"}}],
	 "joins":[{"type":"gap","ms":101.01},{"type":"crossfade","ms":77.7,"curve":"logarithmic"}],
	 "output":{"sampleRate":48000}}`
	docMs, err := project.Parse([]byte(ms))
	if err != nil {
		t.Fatal(err)
	}
	decs, _ := memInputs(t, a, b)
	l, err := project.LayOut(docMs, []audio.Info{decs[0].Info(), decs[1].Info()})
	if err != nil {
		t.Fatal(err)
	}
	// The 8 kHz clip lasts 4000 × 6 = 24000 output frames: its 9 s fade-out
	// is cut to it.
	want := project.Document{Version: 1, Output: project.Output{SampleRate: rate},
		Clips: []project.Clip{
			{Source: 0, In: 100, Out: 30000, FadeIn: &project.Fade{Length: project.Frames(250.5, rate), Curve: "s-curve"}},
			{Source: 1, In: 0, Out: 4000, Gain: -3, FadeOut: &project.Fade{Length: 24000}},
			{Source: 0, In: 0, Out: 44100, FadeOut: &project.Fade{Length: project.Frames(33.3, rate), Curve: "linear"}},
		},
		Joins: []project.Join{{Type: "gap", Length: project.Frames(101.01, rate)}, {Type: "crossfade", Length: project.Frames(77.7, rate), Curve: "logarithmic"}},
	}
	if wf := [][2]int64{{12024, 0}, {0, 24000}, {0, 1598}}; !equalJSON(l.Fades, wf) {
		t.Errorf("LayOut's fades %v, want %v", l.Fades, wf)
	}
	if wj := []int64{4848, 3730}; !equalJSON(l.Joins, wj) {
		t.Errorf("LayOut's joins %v, want %v", l.Joins, wj)
	}
	resMs, outMs := renderBytes(t, docMs, a, b)
	resF, outF := renderBytes(t, &want, a, b)
	if resMs.Frames != resF.Frames || !bytes.Equal(outMs, outF) {
		t.Fatalf("in milliseconds: %d frames, %d bytes; in frames: %d frames, %d bytes; the bytes differ", resMs.Frames, len(outMs), resF.Frames, len(outF))
	}
	if l.Frames != resMs.Frames {
		t.Errorf("LayOut says %d frames, Render %d", l.Frames, resMs.Frames)
	}
	// The document is left as given (the app keeps it in its history).
	if docMs.Clips[1].FadeOut.Length != 0 || docMs.Clips[1].FadeOut.Ms != 9000 || docMs.Joins[0].Length != 0 {
		t.Errorf("rendering changed the document: %+v %+v", docMs.Clips[1].FadeOut, docMs.Joins[0])
	}
	// A fade in frames longer than its clip stays an error.
	long := want
	long.Clips = append([]project.Clip{}, want.Clips...)
	long.Clips[1].FadeOut = &project.Fade{Length: 24001}
	if _, err := project.Render(&long, decs, project.Options{}); err == nil {
		t.Error("a 24001-frame fade-out of a 24000-frame clip was accepted")
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// renderBytes renders doc over in-memory WAVs and returns the file's
// bytes, checking there are as many as planned.
func renderBytes(t testing.TB, doc *project.Document, files ...[]byte) (*project.Result, []byte) {
	t.Helper()
	decs, srcs := memInputs(t, files...)
	res, err := project.Render(doc, decs, project.Options{})
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	var buf bytes.Buffer
	if _, err := res.Plan.WriteTo(&buf, srcs, nil); err != nil {
		t.Fatal(err)
	}
	if int64(buf.Len()) != res.Plan.Size() {
		t.Fatalf("wrote %d bytes, planned %d", buf.Len(), res.Plan.Size())
	}
	return res, buf.Bytes()
}
