package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"offcut/audio/codec/opus"
)

// TestUIJoinLengthsFromEngine: the joiner's total, its crossfade warning
// and the result's first length come from the engine's layout (the page
// no longer computes resampled lengths): a 44.1 kHz clip joined to an
// 8 kHz one of 0.5 s, an 800 ms crossfade is refused with the clip's
// length (and the total says the edit does not fit), 200 ms gives the engine's total, and an Opus output is announced
// at 48 kHz at once, in the frames the plan then confirms.
func TestUIJoinLengthsFromEngine(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	a := WriteWAV(t, filepath.Join(dir, "music.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 44100, Seed: 11})
	b := WriteWAV(t, filepath.Join(dir, "note.wav"), WAVSpec{Rate: 8000, Channels: 1, Bits: 16, Frames: 4000, Seed: 12})
	SetFiles(t, ctx, "[data-testid=file-input]", a, b)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=join-item]').length === 2`, 30*time.Second)
	// Every length the result line shows, in order, with where it came from.
	Eval[bool](t, ctx, `(() => {
		window.seen = [];
		const root = document.querySelector('[data-testid=joiner]');
		new MutationObserver(() => {
			for (const s of root.querySelectorAll('[data-testid=result-duration]')) {
				const v = s.dataset.source + ' ' + s.dataset.frames + ' ' + s.textContent;
				if (window.seen[window.seen.length - 1] !== v) window.seen.push(v);
			}
		}).observe(root, { childList: true, subtree: true });
		return true;
	})()`)
	setSelect(t, ctx, `document.querySelector('[data-testid=join-type]')`, "crossfade")
	setMs := func(ms int) {
		Eval[bool](t, ctx, fmt.Sprintf(`(() => { const m = document.querySelector('[data-testid=join-ms]'); m.value = '%d'; m.dispatchEvent(new Event('change', {bubbles: true})); return true })()`, ms))
	}
	setMs(800)
	WaitFor(t, ctx, `(() => { const w = document.querySelector('[data-testid=join-warn]'); return w && !w.hidden && w.textContent === 'Longer than a clip (0:00.500)' })()`, 20*time.Second)
	WaitFor(t, ctx, `document.querySelector('[data-testid=joiner] .total').textContent.includes('does not fit')`, 20*time.Second)
	setMs(200)
	timeline := 44100 + 22050 - 8820
	waitResult(t, ctx, "joiner", fmt.Sprint(timeline))
	if hidden := Eval[bool](t, ctx, `document.querySelector('[data-testid=join-warn]').hidden`); !hidden {
		t.Error("the warning stayed for a 200 ms crossfade")
	}
	WaitFor(t, ctx, `document.querySelector('[data-testid=joiner] .total').textContent.startsWith('2 clips · total 0:01.300')`, 20*time.Second)
	setSelect(t, ctx, `document.querySelector('[data-testid=joiner] [data-testid=container]')`, "opus")
	want := opus.EncodedFrames(int64(timeline), 44100)
	waitResult(t, ctx, "joiner", fmt.Sprint(want))
	seen := Eval[[]string](t, ctx, `window.seen`)
	layout := fmt.Sprintf("layout %d ", want)
	found := false
	for _, s := range seen {
		if strings.HasPrefix(s, layout) {
			found = true
			if !strings.Contains(s, "at 48,000 Hz") {
				t.Errorf("the layout's Opus length is not at 48 kHz: %q", s)
			}
		}
	}
	if !found {
		t.Errorf("the engine's layout never announced the Opus output's %d frames before its plan: %q", want, seen)
	}
	reqs.AssertNoUpload(t, site)
}
