package e2e

// End-to-end tests of the rough edges of issue 12 found by a new user.

import (
	"context"
	"fmt"
	"offcut/audio/audiotest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// openMP3 writes a 3 s stereo MP3 with lame and opens it in the cutter.
func openMP3(t *testing.T, ctx context.Context, dir, name string) string {
	t.Helper()
	wav := WriteWAV(t, filepath.Join(dir, "src.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 3 * 44100, Seed: 14})
	mp3 := filepath.Join(dir, name)
	if out, err := exec.Command(audiotest.Tool(t, "lame"), "--quiet", "-b", "128", wav, mp3).CombinedOutput(); err != nil {
		t.Fatalf("lame: %v %s", err, out)
	}
	SetFiles(t, ctx, "[data-testid=file-input]", mp3)
	WaitFor(t, ctx, fmt.Sprintf(`document.querySelector('[data-testid=cutter-title]').textContent === %q`, name), 20*time.Second)
	return mp3
}

// TestUINoValuePlaceholders: with no selection the Start and End fields
// are empty, with no grey time in them that looks like a value (issue 12,
// item 7), and they keep their accessible names.
func TestUINoValuePlaceholders(t *testing.T) {
	_, ctx, _ := openApp(t)
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "talk.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 3 * 44100, Seed: 15})
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === 'talk.wav'`, 20*time.Second)
	waitResult(t, ctx, "cutter", "132300")
	for _, sel := range []string{"[data-testid=sel-start]", "[data-testid=sel-end]"} {
		if v := attr(t, ctx, sel, "placeholder"); strings.ContainsAny(v, "0123456789") {
			t.Errorf("%s placeholder %q looks like a value", sel, v)
		}
		if v := Eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).value`, sel)); v != "" {
			t.Errorf("%s = %q with no selection", sel, v)
		}
		name := Eval[string](t, ctx, fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e.getAttribute('aria-label') || (e.labels && e.labels[0] ? e.labels[0].textContent : '') })()`, sel))
		if strings.TrimSpace(name) == "" {
			t.Errorf("%s has no accessible name", sel)
		}
	}
}

// TestUILossyFormatLabel: an MP3 is described by its codec, not as
// "16-bit", in the cutter, the joiner and the export summary (issue 12,
// item 7); a WAV keeps its bit depth. Screenshots of the cutter and the
// joiner at 1280×800 and 390×844.
func TestUILossyFormatLabel(t *testing.T) {
	_, ctx, _ := openApp(t)
	dir := t.TempDir()
	openMP3(t, ctx, dir, "song.mp3")
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=result-duration][data-source=engine]') !== null`, 20*time.Second)
	meta := Eval[string](t, ctx, `document.querySelector('[data-testid=cutter]').querySelector('.source-meta') ? document.querySelector('[data-testid=cutter]').querySelector('.source-meta').textContent : document.querySelector('[data-testid=cutter]').textContent`)
	result := Eval[string](t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=result]').textContent`)
	for what, s := range map[string]string{"cutter": meta, "export summary": result} {
		if strings.Contains(s, "16-bit") {
			t.Errorf("%s calls the MP3 16-bit: %q", what, s)
		}
	}
	if !strings.Contains(meta, "44.1 kHz · stereo · MP3") {
		t.Errorf("cutter says %q, want 44.1 kHz · stereo · MP3", meta)
	}
	screenshot(t, ctx, "editor-cutter-mp3-desktop", 1280, 800, false)
	screenshot(t, ctx, "editor-cutter-mp3-phone", 390, 844, true)
	resetViewport(t, ctx)

	wav := WriteWAV(t, filepath.Join(dir, "voice.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 44100, Seed: 16})
	wav2 := WriteWAV(t, filepath.Join(dir, "voice2.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 24, Frames: 44100, Seed: 17})
	SetFiles(t, ctx, "[data-testid=file-input]", wav, wav2)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=join-item]').length === 3`, 30*time.Second)
	metas := Eval[[]string](t, ctx, `[...document.querySelectorAll('[data-testid=join-item] .join-meta')].map((e) => e.textContent)`)
	if len(metas) != 3 || strings.Contains(metas[0], "16-bit") || !strings.Contains(metas[0], "MP3") || !strings.Contains(metas[1], "16-bit") || !strings.Contains(metas[2], "24-bit") {
		t.Errorf("joiner clips described as %q", metas)
	}
	screenshot(t, ctx, "editor-joiner-desktop", 1280, 800, false)
	screenshot(t, ctx, "editor-joiner-phone", 390, 844, true)
}

// TestUILibraryJoinLabel: the open-file chips' join button has a visible
// word, not only the ⤮ icon (issue 12, item 7), at both widths.
func TestUILibraryJoinLabel(t *testing.T) {
	_, ctx, _ := openApp(t)
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "talk.wav"), WAVSpec{Rate: 44100, Channels: 1, Bits: 16, Frames: 44100, Seed: 18})
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=lib-item]').length === 1`, 20*time.Second)
	for _, size := range [][2]int64{{1280, 800}, {390, 844}} {
		screenshot(t, ctx, fmt.Sprintf("editor-library-%dx%d", size[0], size[1]), size[0], size[1], size[0] < 500)
		// Every button of a chip shows text of at least 3 letters, except
		// the close button (×).
		bad := Eval[string](t, ctx, `[...document.querySelectorAll('[data-testid=lib-item] button')].filter((b) => !(b.title || '').startsWith('Close')).filter((b) => {
			const txt = [...b.querySelectorAll('*'), b].filter((e) => e.childNodes.length && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim().length >= 3)).find((e) => { const r = e.getBoundingClientRect(); return r.width > 8 && r.height > 8; });
			return !txt;
		}).map((b) => b.title).join('; ')`)
		if bad != "" {
			t.Errorf("%dx%d: icon-only chip buttons: %s", size[0], size[1], bad)
		}
	}
	click(t, ctx, `[data-testid=lib-item] button[title^="Add"]`)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=join-item]').length === 1`, 10*time.Second)
}

// TestUISameAsSourcePhone: at 390×844 the export format menu shows
// "Same as source (MP3)" in full (issue 12, item 7: it was cut off).
func TestUISameAsSourcePhone(t *testing.T) {
	_, ctx, _ := openApp(t)
	openMP3(t, ctx, t.TempDir(), "phone.mp3")
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=container]').selectedOptions[0].text === 'Same as source (MP3)'`, 20*time.Second)
	screenshot(t, ctx, "editor-export-phone", 390, 844, true)
	fit := Eval[map[string]float64](t, ctx, `(() => {
		const s = document.querySelector('[data-testid=cutter] [data-testid=container]');
		const cs = getComputedStyle(s);
		const c = document.createElement('canvas').getContext('2d');
		c.font = cs.font;
		const text = c.measureText(s.selectedOptions[0].text).width;
		const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20; // the arrow
		return {text, room};
	})()`)
	if fit["text"] > fit["room"] {
		t.Errorf("'Same as source (MP3)' needs %.0f px; the menu has %.0f", fit["text"], fit["room"])
	}
}

// TestUIRulerFirstLabel: zoomed in, every time label of the ruler is drawn
// inside the canvas (issue 12, item 7: the first one was cut off at the
// left edge).
func TestUIRulerFirstLabel(t *testing.T) {
	_, ctx, _ := openApp(t)
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "long.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 3 * 44100, Seed: 19})
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `document.querySelector('.wave-status').hidden`, 20*time.Second)
	// Record the ruler's labels (11px text at the top of the canvas).
	Eval[bool](t, ctx, `(() => {
		window.__labels = [];
		const orig = CanvasRenderingContext2D.prototype.fillText;
		CanvasRenderingContext2D.prototype.fillText = function (text, x, y) {
			if (this.font.includes('11px') && y === 3) window.__labels.push({text, x});
			return orig.apply(this, arguments);
		};
		return true;
	})()`)
	for _, cursor := range []string{"1.2345", "0.7"} {
		typeInto(t, ctx, "[data-testid=sel-start]", cursor)
		run(t, ctx, chromedp.Focus(chromedp.CSS("[data-testid=waveform]")))
		Eval[bool](t, ctx, `(window.__labels = [], true)`)
		for i := 0; i < 4; i++ {
			key(t, ctx, "+")
		}
		settle(t, ctx)
		time.Sleep(300 * time.Millisecond)
		settle(t, ctx)
		labels := Eval[[]map[string]any](t, ctx, `window.__labels`)
		if len(labels) == 0 {
			t.Fatal("no ruler labels drawn")
		}
		for _, l := range labels {
			if x, _ := l["x"].(float64); x < 0 {
				t.Errorf("cursor %s: ruler label %v drawn at x=%.1f, left of the canvas", cursor, l["text"], x)
				break
			}
		}
		for i := 0; i < 4; i++ {
			key(t, ctx, "-")
		}
	}
	screenshot(t, ctx, "editor-ruler-zoomed", 1280, 800, false)
}
