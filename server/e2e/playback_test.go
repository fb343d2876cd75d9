package e2e

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// openLong opens a sparse 48 kHz stereo 16-bit WAV of the given size in
// the cutter.
func openLong(tb testing.TB, ctx context.Context, size int64) {
	path := filepath.Join(tb.TempDir(), "long.wav")
	WriteSparseWAV(tb, path, size, 48000, 2, 16)
	SetFiles(tb, ctx, "[data-testid=file-input]", path)
	WaitFor(tb, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === 'long.wav'`, 30*time.Second)
}

// TestUIStreamedPlayback plays an hour-long WAV from the cursor: sound is
// scheduled after the first piece of the render, not the whole hour; the
// playhead moves; pausing stops the engine's stream without restarting
// the engine (the next plan is answered by the same worker, with the
// file's handle still open), and playing again works.
func TestUIStreamedPlayback(t *testing.T) {
	site, ctx, reqs := openApp(t)
	openLong(t, ctx, 3600*48000*4+44) // an hour
	click(t, ctx, "[data-testid=play]")
	WaitFor(t, ctx, `!!document.querySelector('[data-testid=play]').dataset.startMs`, 20*time.Second)
	WaitFor(t, ctx, `!document.querySelector('.wave-playhead').hidden`, 10*time.Second)
	ms, _ := strconv.Atoi(Eval[string](t, ctx, `document.querySelector('[data-testid=play]').dataset.startMs`))
	t.Logf("first sound of an hour-long WAV scheduled after %d ms", ms)
	time.Sleep(1500 * time.Millisecond)
	click(t, ctx, "[data-testid=play]")
	WaitFor(t, ctx, `document.querySelector('.wave-playhead').hidden`, 5*time.Second)
	// The cursor stopped where playback was: past the start, far from the
	// end (the hour was never rendered whole).
	cur := Eval[string](t, ctx, `document.querySelector('[data-testid=cursor]').textContent`)
	if cur <= "0:00.000" || cur >= "0:30.000" {
		t.Errorf("after playing for a moment and pausing, the cursor is at %s", cur)
	}
	// The export plan is answered.
	waitResult(t, ctx, "cutter", "172800000")
	// Play again from the cursor.
	Eval[bool](t, ctx, `(delete document.querySelector('[data-testid=play]').dataset.startMs, true)`)
	click(t, ctx, "[data-testid=play]")
	WaitFor(t, ctx, `!!document.querySelector('[data-testid=play]').dataset.startMs`, 20*time.Second)
	click(t, ctx, "[data-testid=play]")
	WaitFor(t, ctx, `document.querySelector('.wave-playhead').hidden`, 5*time.Second)
	reqs.AssertNoUpload(t, site)
}

// BenchmarkPlaybackStart reports the time from pressing Play to the first
// sound scheduled, for a 1 GiB WAV opened in the cutter.
func BenchmarkPlaybackStart(b *testing.B) {
	site := StartSite(b)
	ctx := NewBrowser(b)
	site.Open(b, ctx, "/")
	WaitFor(b, ctx, `document.documentElement.classList.contains('ready')`, 30*time.Second)
	openLong(b, ctx, 1<<30)
	var total float64
	for i := 0; i < b.N; i++ {
		Eval[bool](b, ctx, `(delete document.querySelector('[data-testid=play]').dataset.startMs, true)`)
		click(b, ctx, "[data-testid=play]")
		WaitFor(b, ctx, `!!document.querySelector('[data-testid=play]').dataset.startMs`, 30*time.Second)
		ms, _ := strconv.Atoi(Eval[string](b, ctx, `document.querySelector('[data-testid=play]').dataset.startMs`))
		total += float64(ms)
		click(b, ctx, "[data-testid=play]")
		WaitFor(b, ctx, `document.querySelector('.wave-playhead').hidden`, 5*time.Second)
	}
	b.ReportMetric(total/float64(b.N), "ms-to-sound")
}
