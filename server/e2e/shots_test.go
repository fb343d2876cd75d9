package e2e

// Screenshots of the editor's states for people to look at (issue 12):
// the cutter with a selection at a gain and the waveform zoomed
// vertically, the joiner with a clip's gain, a clip being trimmed on the
// waveform, and a finger selecting, at 1280×800 and 390×844, in the light
// and the dark theme. They go to ShotsDir (editor-*.png); the test checks
// only that nothing overflows the phone's width.

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

func TestUIEditorShots(t *testing.T) {
	_, ctx, _ := openApp(t)
	dir := t.TempDir()
	a := WriteWAV(t, filepath.Join(dir, "interview.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 6 * 44100, Seed: 30})
	b := WriteWAV(t, filepath.Join(dir, "outro.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 3 * 44100, Seed: 31})
	SetFiles(t, ctx, "[data-testid=file-input]", a, b)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=join-item]').length === 2`, 30*time.Second)
	typeInto(t, ctx, "[data-testid=join-item]:nth-of-type(3) [data-testid=clip-gain-db]", "3")
	click(t, ctx, "[data-testid=tab-cutter]")
	WaitFor(t, ctx, `document.querySelector('.wave-status').hidden`, 20*time.Second)
	typeInto(t, ctx, "[data-testid=sel-start]", "2")
	typeInto(t, ctx, "[data-testid=sel-end]", "4")
	typeInto(t, ctx, "[data-testid=gain-db]", "-6")
	click(t, ctx, "[data-testid=vzoom-in]")
	for _, theme := range []string{"light", "dark"} {
		if Eval[string](t, ctx, `document.documentElement.dataset.theme`) != theme {
			click(t, ctx, "#theme-btn")
		}
		for _, size := range []struct {
			name   string
			w, h   int64
			mobile bool
		}{{"desktop", 1280, 800, false}, {"phone", 390, 844, true}} {
			name := func(what string) string { return fmt.Sprintf("editor-%s-%s-%s", what, size.name, theme) }
			click(t, ctx, "[data-testid=tab-cutter]")
			if Eval[string](t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent`) != "interview.wav" {
				click(t, ctx, "[data-testid=lib-item] .lib-open")
			}
			screenshot(t, ctx, name("cutter-gain"), size.w, size.h, size.mobile)
			if size.mobile {
				if w := Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
					t.Errorf("%s: the page is %d px wide at 390", name("cutter"), w)
				}
			}
			click(t, ctx, "[data-testid=tab-joiner]")
			screenshot(t, ctx, name("joiner"), size.w, size.h, size.mobile)
			if size.mobile {
				if w := Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
					t.Errorf("%s: the page is %d px wide at 390", name("joiner"), w)
				}
			}
			click(t, ctx, "[data-testid=join-item]:nth-of-type(3) [data-testid=clip-trim]")
			WaitFor(t, ctx, `!document.querySelector('[data-testid=trim-bar]').hidden`, 10*time.Second)
			WaitFor(t, ctx, `document.querySelector('.wave-status').hidden`, 20*time.Second)
			screenshot(t, ctx, name("trim"), size.w, size.h, size.mobile)
			click(t, ctx, "[data-testid=trim-cancel]")
			WaitFor(t, ctx, `document.querySelector('[data-testid=tab-joiner]').getAttribute('aria-selected') === 'true'`, 10*time.Second)
		}
		// A finger selecting on a phone, caught mid-drag.
		click(t, ctx, "[data-testid=tab-cutter]")
		run(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
		time.Sleep(300 * time.Millisecond)
		type box struct{ X, Y, W, H float64 }
		r := Eval[box](t, ctx, `(() => { const s = document.querySelector('[data-testid=waveform]'); s.scrollIntoView({block: 'center'}); const r = s.getBoundingClientRect(); return {X: r.left, Y: r.top, W: r.width, H: r.height} })()`)
		y := r.Y + r.H/2
		touch(t, ctx, input.DispatchTouchEventTypeTouchStart, [2]float64{r.X + r.W*0.2, y})
		time.Sleep(700 * time.Millisecond)
		for i := 1; i <= 5; i++ {
			touch(t, ctx, input.DispatchTouchEventTypeTouchMove, [2]float64{r.X + r.W*(0.2+0.08*float64(i)), y})
		}
		settle(t, ctx)
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		touch(t, ctx, input.DispatchTouchEventTypeTouchEnd)
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(ShotsDir, 0o755)
		p := filepath.Join(ShotsDir, fmt.Sprintf("editor-touch-select-phone-%s.png", theme))
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", p)
		resetViewport(t, ctx)
	}
}
