package e2e

// Accessibility end-to-end tests (issue 12): the waveform as a keyboard
// slider that announces the cursor and the selection, and an axe-core run
// over every tool in both themes.

import (
	"context"
	"fmt"
	"offcut/audio/audiotest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axeSource is axe-core, a test-only tool that make test-deps installs
// into server/e2e/testdata/axe (pinned by its package-lock.json). The test
// injects it into the page; the app never serves it.
func axeSource(t testing.TB, root string) string {
	t.Helper()
	p := filepath.Join(root, "server", "e2e", "testdata", "axe", "node_modules", "axe-core", "axe.min.js")
	b, err := os.ReadFile(p)
	if err != nil {
		audiotest.Missing(t, "axe-core is not installed (make test-deps): %v", err)
	}
	return string(b)
}

// axeViolation is one serious or critical rule that failed.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// runAxe runs axe-core on the whole page and returns its serious and
// critical violations.
func runAxe(t testing.TB, ctx context.Context, src string) []axeViolation {
	t.Helper()
	if !Eval[bool](t, ctx, `typeof window.axe === 'object'`) {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](src+"\n;true")); err != nil {
			t.Fatalf("injecting axe-core: %v", err)
		}
	}
	return Eval[[]axeViolation](t, ctx, `axe.run(document, {resultTypes: ['violations']}).then((r) => (window.e2eAxe = {passes: r.passes.length, violations: r.violations.map((v) => v.id + ':' + v.impact)}, r.violations)
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => ({ID: v.id, Impact: v.impact, Help: v.help, Nodes: v.nodes.slice(0, 6).map((n) => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\s+/g, ' '))})))`)
}

// TestUIAxe runs axe-core on the cutter, joiner, convert and record tabs
// in the light and the dark theme, with files open, and fails on any
// serious or critical violation (contrast included); the page keeps a
// level-one heading with the workspace shown (a moderate rule, checked
// too).
func TestUIAxe(t *testing.T) {
	site, ctx, _ := openApp(t)
	src := axeSource(t, site.Root)
	// Without motion (as users who ask for it see the app), so that axe
	// reads colours as they end, not halfway through a toast's fade.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a := WriteWAV(t, filepath.Join(dir, "one.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 44100, Seed: 27})
	b := WriteWAV(t, filepath.Join(dir, "two.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 22050, Seed: 28})
	SetFiles(t, ctx, "[data-testid=file-input]", a, b)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=join-item]').length === 2`, 30*time.Second)
	WaitFor(t, ctx, `document.querySelector('.wave-status').hidden`, 20*time.Second)
	for _, theme := range []string{"light", "dark"} {
		if Eval[string](t, ctx, `document.documentElement.dataset.theme`) != theme {
			click(t, ctx, "#theme-btn")
		}
		WaitFor(t, ctx, fmt.Sprintf(`document.documentElement.dataset.theme === %q`, theme), 5*time.Second)
		for _, tab := range []string{"cutter", "joiner", "convert", "recorder"} {
			click(t, ctx, fmt.Sprintf("[data-testid=tab-%s]", tab))
			WaitFor(t, ctx, fmt.Sprintf(`document.querySelector('[data-testid=tab-%s]').getAttribute('aria-selected') === 'true'`, tab), 5*time.Second)
			time.Sleep(300 * time.Millisecond) // transitions (colours are read as drawn)
			// A toast fading out has the contrast of its fade: wait until
			// it is gone.
			WaitFor(t, ctx, `document.getElementById('toast').hidden && !document.querySelector('.pwa-toast.out')`, 10*time.Second)
			vs := runAxe(t, ctx, src)
			t.Logf("%s tab, %s theme: axe %s", tab, theme, Eval[string](t, ctx, `JSON.stringify(window.e2eAxe)`))
			if strings.Contains(Eval[string](t, ctx, `JSON.stringify(window.e2eAxe.violations)`), "page-has-heading-one") {
				t.Errorf("%s tab, %s theme: the page has no level-one heading", tab, theme)
			}
			for _, v := range vs {
				t.Errorf("%s tab, %s theme: %s (%s): %s\n\t%s", tab, theme, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
			}
		}
	}
}

// TestUIWaveformKeyboard: the waveform is a slider for the cursor whose
// value text names the selection; arrows, Home/End and Shift+arrows work
// on it, and its focus ring shows.
func TestUIWaveformKeyboard(t *testing.T) {
	_, ctx, _ := openApp(t)
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "keys.wav"), WAVSpec{Rate: 44100, Channels: 1, Bits: 16, Frames: 2 * 44100, Seed: 29})
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `document.querySelector('.wave-status').hidden`, 20*time.Second)
	const w = "[data-testid=waveform]"
	if role := attr(t, ctx, w, "role"); role != "slider" {
		t.Errorf("the waveform's role is %q, want slider", role)
	}
	if n := Eval[int](t, ctx, `document.querySelectorAll('[data-testid=waveform] [tabindex], [data-testid=waveform] button').length`); n != 0 {
		t.Errorf("the waveform slider holds %d focusable controls", n)
	}
	run(t, ctx, chromedp.Focus(chromedp.CSS(w)))
	key(t, ctx, kb.End)
	if got := attr(t, ctx, w, "aria-valuenow"); got != "88200" {
		t.Errorf("End: aria-valuenow %s, want 88200", got)
	}
	key(t, ctx, kb.PageUp)
	if got := attr(t, ctx, w, "aria-valuetext"); got != "0:01.000 of 0:02.000; no selection" {
		t.Errorf("Page Up from the end: aria-valuetext %q", got)
	}
	key(t, ctx, kb.Home, kb.ModifierShift)
	if got := attr(t, ctx, w, "aria-valuetext"); !strings.Contains(got, "selection 0:00.000 to 0:01.000 (0:01.000)") {
		t.Errorf("Shift+Home: aria-valuetext %q, want the selection named", got)
	}
	if got := attr(t, ctx, "[data-testid=handle-end]", "aria-valuetext"); got != "0:01.000" {
		t.Errorf("the end handle reads %q, want 0:01.000", got)
	}
	// The focus ring: a keyboard-focused waveform draws an outline.
	if o := Eval[string](t, ctx, `getComputedStyle(document.querySelector('[data-testid=waveform]')).outlineStyle`); o == "none" {
		t.Errorf("the focused waveform shows no focus outline")
	}
	screenshot(t, ctx, "waveform-focus", 1280, 800, false)
	resetViewport(t, ctx)
}
