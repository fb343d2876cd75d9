package e2e

// End-to-end test of issue 12 item 2: selecting on the waveform by touch.

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// TestUITouchSelect on an emulated 390×844 phone: touch and hold, then drag
// selects from where the finger rested to where it lifts (and the page
// does not scroll); a plain one-finger swipe still only scrolls; two
// fingers pinch to zoom, then pan together; the hint tells how.
func TestUITouchSelect(t *testing.T) {
	_, ctx, _ := openApp(t)
	run(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "voice.wav"), WAVSpec{Rate: 44100, Channels: 1, Bits: 16, Frames: 4 * 44100, Seed: 23})
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `document.querySelector('.wave-status').hidden`, 20*time.Second)
	type box struct{ X, Y, W, H, Client, ScrollY float64 }
	stage := func() box {
		return Eval[box](t, ctx, `(() => { const s = document.querySelector('[data-testid=waveform]'); s.scrollIntoView({block: 'center'}); const r = s.getBoundingClientRect(); return {X: r.left, Y: r.top, W: r.width, H: r.height, Client: s.clientWidth, ScrollY: scrollY} })()`)
	}
	r := stage()
	y := r.Y + r.H/2
	total := 4.0 * 44100
	frameAt := func(x float64) float64 { return math.Round((x - r.X) * total / r.Client) }

	if hint := Eval[string](t, ctx, `[...document.querySelectorAll('[data-testid=wave-hint] span')].filter((e) => e.offsetParent).map((e) => e.textContent).join('|')`); hint != "Touch and hold, then drag to select · drag to scroll · pinch with two fingers to zoom · drag a handle to adjust" {
		t.Errorf("the hint on a touch screen says %q", hint)
	}

	// A swipe scrolls (here: nothing to scroll, fitted) and selects nothing.
	swipe(t, ctx, [2]float64{r.X + 60, y}, [2]float64{r.X + 260, y})
	settle(t, ctx)
	if sel := Eval[string](t, ctx, `document.querySelector('[data-testid=sel-start]').value`); sel != "" {
		t.Errorf("a one-finger swipe made a selection starting at %q", sel)
	}

	// Touch and hold at a quarter, drag to three quarters, lift.
	a, b := r.X+r.W/4, r.X+r.W*3/4
	touch(t, ctx, input.DispatchTouchEventTypeTouchStart, [2]float64{a, y})
	time.Sleep(700 * time.Millisecond)
	for i := 1; i <= 10; i++ {
		touch(t, ctx, input.DispatchTouchEventTypeTouchMove, [2]float64{a + (b-a)*float64(i)/10, y + float64(i)})
	}
	touch(t, ctx, input.DispatchTouchEventTypeTouchEnd)
	settle(t, ctx)
	var from, to float64
	fmt.Sscan(attr(t, ctx, "[data-testid=handle-start]", "aria-valuenow"), &from)
	fmt.Sscan(attr(t, ctx, "[data-testid=handle-end]", "aria-valuenow"), &to)
	if wa, wb := frameAt(a), frameAt(b); math.Abs(from-wa) > 300 || math.Abs(to-wb) > 300 {
		t.Errorf("long-press drag selected frames %.0f to %.0f, want about %.0f to %.0f", from, to, wa, wb)
	}
	if got := Eval[string](t, ctx, `document.querySelector('[data-testid=sel-start]').value`); got == "" {
		t.Errorf("the long-press selection did not reach the Start field")
	}
	if sy := Eval[float64](t, ctx, `scrollY`); sy != r.ScrollY {
		t.Errorf("the page scrolled from %.0f to %.0f while the finger selected", r.ScrollY, sy)
	}
	h := Eval[box](t, ctx, `(() => { const r = document.querySelector('[data-testid=handle-end]').getBoundingClientRect(); return {W: r.width, H: r.height} })()`)
	if h.W < 44 || h.H < 44 {
		t.Errorf("the handle's touch target is %.0f×%.0f px, want at least 44×44", h.W, h.H)
	}

	// Pinch out: zoomed in (the scroll bar wakes), selection unchanged.
	cx := r.X + r.W/2
	touch(t, ctx, input.DispatchTouchEventTypeTouchStart, [2]float64{cx - 20, y})
	touch(t, ctx, input.DispatchTouchEventTypeTouchStart, [2]float64{cx - 20, y}, [2]float64{cx + 20, y})
	for i := 1; i <= 6; i++ {
		d := 20 + float64(i)*20
		touch(t, ctx, input.DispatchTouchEventTypeTouchMove, [2]float64{cx - d, y}, [2]float64{cx + d, y})
	}
	settle(t, ctx)
	if Eval[bool](t, ctx, `document.querySelector('.wave-scroll').disabled`) {
		t.Fatalf("pinching out did not zoom in")
	}
	// Both fingers move left together: the view pans later in time.
	before := Eval[int](t, ctx, `+document.querySelector('.wave-scroll').value`)
	for i := 1; i <= 6; i++ {
		touch(t, ctx, input.DispatchTouchEventTypeTouchMove, [2]float64{cx - 140 - float64(i)*15, y}, [2]float64{cx + 140 - float64(i)*15, y})
	}
	touch(t, ctx, input.DispatchTouchEventTypeTouchEnd)
	settle(t, ctx)
	if after := Eval[int](t, ctx, `+document.querySelector('.wave-scroll').value`); after <= before {
		t.Errorf("a two-finger pan left moved the view from %d to %d, want later", before, after)
	}
	var from2 float64
	fmt.Sscan(attr(t, ctx, "[data-testid=handle-start]", "aria-valuenow"), &from2)
	if from2 != from {
		t.Errorf("pinching moved the selection start from %.0f to %.0f", from, from2)
	}
}
