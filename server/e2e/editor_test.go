package e2e

// End-to-end tests of the rough edges of issue 12 found by a new user.

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
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

// TestUIToastClearOfErrors: on a first visit at phone and desktop widths,
// with an error shown, the "Ready to work offline" toast covers neither the
// error nor the banners (issue 12, item 7: it sat over them at the top).
func TestUIToastClearOfErrors(t *testing.T) {
	for _, size := range []struct {
		w, h   int64
		mobile bool
	}{{390, 844, true}, {1280, 800, false}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			s := newPWASite(t)
			ctx := NewBrowser(t)
			pwaRun(t, ctx, chromedp.EmulateViewport(size.w, size.h, func(p *emulation.SetDeviceMetricsOverrideParams, _ *emulation.SetTouchEmulationEnabledParams) {
				p.Mobile = size.mobile
				if size.mobile {
					p.DeviceScaleFactor = 2
				}
			}))
			pwaRun(t, ctx, chromedp.Navigate(s.URL+"/"))
			WaitFor(t, ctx, `document.documentElement.classList.contains('ready')`, 30*time.Second)
			bad := filepath.Join(t.TempDir(), "notes.wav")
			if err := os.WriteFile(bad, []byte("these are my notes, not a sound, and a long line of them to make the error wrap onto more lines on a phone\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			SetFiles(t, ctx, "[data-testid=file-input]", bad)
			WaitFor(t, ctx, `document.querySelectorAll('[data-testid=error]').length === 1`, 20*time.Second)
			WaitFor(t, ctx, `(document.querySelector('[data-testid=pwa-offline]') || {}).textContent === 'Ready to work offline.'`, 30*time.Second)
			time.Sleep(400 * time.Millisecond) // the toast's entrance
			overlap := Eval[string](t, ctx, `(() => {
				const r = (e) => e.getBoundingClientRect();
				const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
				const toast = r(document.querySelector('[data-testid=pwa-offline]'));
				for (const e of document.querySelectorAll('[data-testid=error], .pwa-banner')) {
					const b = r(e);
					if (hit(toast, b)) return JSON.stringify({toast, under: e.className, rect: b});
				}
				return '';
			})()`)
			if n := Eval[int](t, ctx, `document.querySelectorAll('[data-testid=pwa-offline]').length`); n != 1 {
				t.Errorf("%d 'Ready to work offline' toasts, want 1", n)
			}
			if overlap != "" {
				t.Errorf("the toast covers: %s", overlap)
			}
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err == nil {
				os.MkdirAll(ShotsDir, 0o755)
				os.WriteFile(filepath.Join(ShotsDir, fmt.Sprintf("toast-error-%dx%d.png", size.w, size.h)), png, 0o644)
			}
		})
	}
}
