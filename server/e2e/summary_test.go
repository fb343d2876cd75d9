package e2e

import (
	"path/filepath"
	"testing"
)

// TestRenderSummary: the blob a render resolves carries the completed
// summary, so pages can warn about clipping.
func TestRenderSummary(t *testing.T) {
	site := StartSite(t)
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "loud.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 44100, Seed: 4})
	ctx := site.OpenAPIPage(t)
	SetFiles(t, ctx, "#files", wav)
	type sum struct {
		Clipped   int64  `json:"clipped"`
		Container string `json:"container"`
		MIME      string `json:"mime"`
		Size      int64  `json:"size"`
	}
	loud := Eval[sum](t, ctx, `oc.render({version: 1, clips: [{source: 0, in: 0, out: 44100, gain: 20}]}, e2e.files()).then(b => ({...b.summary, size: b.size}))`)
	if loud.Clipped == 0 || loud.Container != "wav" || loud.MIME != "audio/wav" || loud.Size == 0 {
		t.Errorf("+20 dB render summary: %+v, want clipped samples counted", loud)
	}
	quiet := Eval[sum](t, ctx, `oc.render({version: 1, clips: [{source: 0, in: 0, out: 44100, gain: -6}]}, e2e.files()).then(b => b.summary)`)
	if quiet.Clipped != 0 {
		t.Errorf("-6 dB render counted %d clipped samples", quiet.Clipped)
	}
}
