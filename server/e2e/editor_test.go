package e2e

// End-to-end tests of the rough edges of issue 12 found by a new user.

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// TestUIOpenMoreFromCutter: with a file in the cutter, opening two more
// files sends the cutter's file and the new ones, in that order, to the
// joiner, and the library keeps all three (issue 12, item 4: only the new
// files used to reach the joiner).
func TestUIOpenMoreFromCutter(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	a := WriteWAV(t, filepath.Join(dir, "first.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 44100, Seed: 11})
	b := WriteWAV(t, filepath.Join(dir, "second.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 22050, Seed: 12})
	c := WriteWAV(t, filepath.Join(dir, "third.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 11025, Seed: 13})

	SetFiles(t, ctx, "[data-testid=file-input]", a)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === 'first.wav'`, 20*time.Second)
	waitResult(t, ctx, "cutter", "44100")

	SetFiles(t, ctx, "[data-testid=file-input]", b, c)
	WaitFor(t, ctx, `document.querySelector('[data-testid=tab-joiner]').getAttribute('aria-selected') === 'true'`, 20*time.Second)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=join-item]').length >= 2`, 20*time.Second)
	settle(t, ctx)
	names := Eval[[]string](t, ctx, `[...document.querySelectorAll('[data-testid=join-item] .join-name')].map((e) => e.textContent)`)
	if fmt.Sprint(names) != "[first.wav second.wav third.wav]" {
		t.Errorf("joiner clips %q, want first.wav, second.wav, third.wav", names)
	}
	waitResult(t, ctx, "joiner", fmt.Sprint(44100+22050+11025))
	lib := Eval[[]string](t, ctx, `[...document.querySelectorAll('[data-testid=lib-item] .lib-name')].map((e) => e.textContent)`)
	if fmt.Sprint(lib) != "[first.wav second.wav third.wav]" {
		t.Errorf("library %q, want all three files", lib)
	}
	reqs.AssertNoUpload(t, site)
}
