package e2e

// End-to-end tests of issue 12 item 5: gain for the selection and per
// clip, vertical zoom of the waveform, and trimming a joiner clip on the
// waveform.

import (
	"context"
	"fmt"
	"math"
	"offcut/audio"
	"offcut/audio/audiotest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// mouseDrag presses the left button at a, moves to b in steps and
// releases.
func mouseDrag(t testing.TB, ctx context.Context, a, b [2]float64) {
	t.Helper()
	ev := func(typ input.DispatchMouseEventType, p [2]float64, buttons int64) {
		params := input.DispatchMouseEventParams{Type: typ, X: p[0], Y: p[1], Button: input.MouseButtonLeft, Buttons: buttons, ClickCount: 1}
		if typ == input.DispatchMouseEventTypeMouseMoved {
			params.ClickCount = 0
		}
		if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, params); err != nil {
			t.Fatalf("mouse %s: %v", typ, err)
		}
	}
	ev(input.DispatchMouseEventTypeMousePressed, a, 1)
	for i := 1; i <= 10; i++ {
		f := float64(i) / 10
		ev(input.DispatchMouseEventTypeMouseMoved, [2]float64{a[0] + (b[0]-a[0])*f, a[1] + (b[1]-a[1])*f}, 1)
	}
	ev(input.DispatchMouseEventTypeMouseReleased, b, 0)
}

// setRange moves a range input to value and releases it, as a person
// dragging the slider would (input events, then change).
func setRange(t testing.TB, ctx context.Context, sel, value string) {
	t.Helper()
	Eval[bool](t, ctx, fmt.Sprintf(`(() => { const r = document.querySelector(%q); r.focus(); r.value = %q; r.dispatchEvent(new Event('input', {bubbles: true})); r.dispatchEvent(new Event('change', {bubbles: true})); return true })()`, sel, value))
}

// TestUIGain: a mouse drag selects on the waveform; a typed -6 dB and
// then the slider at +3.5 dB set the selection's gain (one undo step
// each); the whole result exports the bytes `offcut render` makes of the
// document with that clip's gain.
func TestUIGain(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	wav := WriteWAV(t, filepath.Join(dir, "talk.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 3 * 44100, Seed: 24})
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === 'talk.wav'`, 20*time.Second)
	waitResult(t, ctx, "cutter", "132300")
	if got := Eval[string](t, ctx, `document.querySelector('[data-testid=gain-what]').textContent`); got != "of everything (select a part to change only that)" {
		t.Errorf("without a selection the gain row says %q", got)
	}

	type box struct{ X, Y, W, H float64 }
	r := Eval[box](t, ctx, `(() => { const s = document.querySelector('[data-testid=waveform]'); s.scrollIntoView({block: 'center'}); const r = s.getBoundingClientRect(); return {X: r.left, Y: r.top, W: r.width, H: r.height} })()`)
	mouseDrag(t, ctx, [2]float64{r.X + r.W/3, r.Y + r.H/2}, [2]float64{r.X + r.W*2/3, r.Y + r.H/2})
	settle(t, ctx)
	if got := Eval[string](t, ctx, `document.querySelector('[data-testid=sel-start]').value`); got < "0:00.9" || got > "0:01.1" {
		t.Errorf("a mouse drag over the middle third selected from %q, want about 0:01", got)
	}
	typeInto(t, ctx, "[data-testid=sel-start]", "1")
	typeInto(t, ctx, "[data-testid=sel-end]", "2")
	if got := Eval[string](t, ctx, `document.querySelector('[data-testid=gain-what]').textContent`); got != "of the selection (0:01.000)" {
		t.Errorf("with a selection the gain row says %q", got)
	}

	typeInto(t, ctx, "[data-testid=gain-db]", "-6")
	WaitFor(t, ctx, `document.querySelector('[data-testid=gain-range]').value === '-6'`, 5*time.Second)
	setRange(t, ctx, "[data-testid=gain-range]", "3.5")
	WaitFor(t, ctx, `document.querySelector('[data-testid=gain-db]').value === '3.5'`, 5*time.Second)
	typeInto(t, ctx, "[data-testid=gain-db]", "loud")
	WaitFor(t, ctx, `[...document.querySelectorAll('[data-testid=error]')].some((e) => e.textContent.includes('"loud" is not a gain in dB'))`, 5*time.Second)
	if got := Eval[string](t, ctx, `document.querySelector('[data-testid=gain-db]').value`); got != "3.5" {
		t.Errorf("after a refused value the gain field shows %q, want 3.5", got)
	}
	click(t, ctx, "[data-testid=scope-all]")
	waitResult(t, ctx, "cutter", "132300")

	dls := CaptureDownloads(t, ctx)
	click(t, ctx, "[data-testid=cutter] [data-testid=export]")
	dl := dls.Wait(t, 60*time.Second)
	sameFile(t, dl.Path, renderDoc(t, site, dir, "gain", map[string]any{
		"version": 1,
		"sources": []map[string]any{{"name": "talk.wav"}},
		"clips": []map[string]any{
			{"source": 0, "in": 0, "out": 44100},
			{"source": 0, "in": 44100, "out": 88200, "gain": 3.5},
			{"source": 0, "in": 88200, "out": 132300},
		},
	}))

	// Undo steps back to -6 dB, then to none.
	click(t, ctx, "[data-testid=cutter] [aria-keyshortcuts='Control+Z']")
	WaitFor(t, ctx, `document.querySelector('[data-testid=gain-db]').value === '-6'`, 5*time.Second)
	click(t, ctx, "[data-testid=cutter] [aria-keyshortcuts='Control+Z']")
	WaitFor(t, ctx, `document.querySelector('[data-testid=gain-db]').value === '0'`, 5*time.Second)
	screenshot(t, ctx, "gain-desktop", 1280, 800, false)
	resetViewport(t, ctx)
	reqs.AssertNoUpload(t, site)
}

// TestUIVerticalZoom: a quiet recording (peaks at 1% of full scale) draws
// as a thin line; the vertical zoom makes it tall.
func TestUIVerticalZoom(t *testing.T) {
	_, ctx, _ := openApp(t)
	rate := 44100
	samples := make([]float32, 2*rate)
	for i := range samples {
		samples[i] = float32(0.01 * math.Sin(2*math.Pi*float64(i)*110/float64(rate)))
	}
	wav := audiotest.WriteWAV(t, filepath.Join(t.TempDir(), "whisper.wav"), audio.Format{Rate: rate, Channels: 1, Bits: 16}, samples)
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `document.querySelector('.wave-status').hidden`, 20*time.Second)
	settle(t, ctx)
	// Rows of the canvas, below the ruler, with the waveform's colour in
	// the middle half of the width.
	height := func() int {
		settle(t, ctx)
		return Eval[int](t, ctx, `(() => {
			const c = document.querySelector('.wave-canvas');
			const g = c.getContext('2d');
			const dpr = window.devicePixelRatio || 1;
			const top = Math.ceil(22 * dpr);
			const d = g.getImageData(Math.round(c.width / 4), top, Math.round(c.width / 2), c.height - top).data;
			const w = Math.round(c.width / 2);
			let rows = 0;
			for (let y = 0; y < c.height - top; y++) {
				let n = 0;
				for (let x = 0; x < w; x++) if (d[(y * w + x) * 4 + 3] > 0) n++;
				if (n > w / 4) rows++; // the centre line and the wave, not stray marks
			}
			return rows;
		})()`)
	}
	flat := height()
	for i := 0; i < 5; i++ {
		click(t, ctx, "[data-testid=vzoom-in]")
	}
	if got := attr(t, ctx, "[data-testid=vzoom-level]", "aria-label"); got == "" {
		t.Errorf("the vertical zoom level has no name")
	}
	if got := Eval[string](t, ctx, `document.querySelector('[data-testid=vzoom-level]').textContent`); got != "×32" {
		t.Errorf("after five vertical zoom steps the level reads %q, want ×32", got)
	}
	tall := height()
	t.Logf("a 1%% sine draws %d rows, %d at ×32", flat, tall)
	if flat > 6 || tall < 10*flat || tall < 40 {
		t.Errorf("a 1%% sine draws %d rows, %d at ×32: want a thin line made tall", flat, tall)
	}
	screenshot(t, ctx, "vzoom-desktop", 1280, 800, false)
	resetViewport(t, ctx)
}

// TestUIJoinerGainTrim: a clip's gain typed in the joiner, and the first
// clip trimmed on the cutter's waveform (Trim on waveform, select, Done:
// back in the joiner with the trim, one undo step); the join exports the
// bytes `offcut render` makes of the same document.
func TestUIJoinerGainTrim(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	a := WriteWAV(t, filepath.Join(dir, "a.wav"), WAVSpec{Rate: 44100, Channels: 1, Bits: 16, Frames: 44100, Seed: 25})
	b := WriteWAV(t, filepath.Join(dir, "b.wav"), WAVSpec{Rate: 44100, Channels: 1, Bits: 16, Frames: 44100, Seed: 26})
	SetFiles(t, ctx, "[data-testid=file-input]", a, b)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=join-item]').length === 2`, 30*time.Second)
	waitResult(t, ctx, "joiner", "88200")

	typeInto(t, ctx, "[data-testid=join-item]:nth-of-type(3) [data-testid=clip-gain-db]", "-3")
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=clip-gain-db]')[1].value === '-3'`, 5*time.Second)
	if got := Eval[string](t, ctx, `document.querySelectorAll('[data-testid=clip-gain-db]')[0].value`); got != "0" {
		t.Errorf("the first clip's gain reads %q, want 0", got)
	}

	click(t, ctx, "[data-testid=join-item]:nth-of-type(1) [data-testid=clip-trim]")
	WaitFor(t, ctx, `document.querySelector('[data-testid=tab-cutter]').getAttribute('aria-selected') === 'true' && !document.querySelector('[data-testid=trim-bar]').hidden`, 10*time.Second)
	if got := Eval[string](t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent`); got != "a.wav" {
		t.Errorf("trimming the first clip opened %q", got)
	}
	screenshot(t, ctx, "trim-desktop", 1280, 800, false)
	resetViewport(t, ctx)
	typeInto(t, ctx, "[data-testid=sel-start]", "0.25")
	typeInto(t, ctx, "[data-testid=sel-end]", "0.75")
	click(t, ctx, "[data-testid=trim-done]")
	WaitFor(t, ctx, `document.querySelector('[data-testid=tab-joiner]').getAttribute('aria-selected') === 'true'`, 10*time.Second)
	if got := Eval[string](t, ctx, `[...document.querySelectorAll('[data-testid=join-item]:nth-of-type(1) .time-input')].map((e) => e.value).join('-')`); got != "0:00.250-0:00.750" {
		t.Errorf("after the trim the first clip is %s, want 0:00.250-0:00.750", got)
	}
	if !Eval[bool](t, ctx, `document.querySelector('[data-testid=trim-bar]').hidden`) {
		t.Errorf("the trim bar stays in the cutter after Done")
	}
	waitResult(t, ctx, "joiner", fmt.Sprint(22050+44100))

	dls := CaptureDownloads(t, ctx)
	click(t, ctx, "[data-testid=joiner] [data-testid=export]")
	dl := dls.Wait(t, 60*time.Second)
	sameFile(t, dl.Path, renderDoc(t, site, dir, "joined", map[string]any{
		"version": 1,
		"sources": []map[string]any{{"name": "a.wav"}, {"name": "b.wav"}},
		"clips": []map[string]any{
			{"source": 0, "in": 11025, "out": 33075},
			{"source": 1, "in": 0, "out": 44100, "gain": -3},
		},
	}))

	// One undo takes the trim back; the cutter's own edit of a.wav was
	// never touched.
	click(t, ctx, "[data-testid=joiner] [aria-keyshortcuts='Control+Z']")
	waitResult(t, ctx, "joiner", "88200")
	reqs.AssertNoUpload(t, site)
}

// TestUIGainMP3: a gain on the middle of an MP3, exported as MP3 (same as
// the source): a gain change inside one file cannot stay on the source's
// frames without playing the encoders' padding (which lengthened the edit
// by two junctions of 52 ms), so the engine encodes it, and says so; the
// result has exactly the edit's length and equals `offcut render` of the
// same document.
func TestUIGainMP3(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	openMP3(t, ctx, dir, "song.mp3")
	typeInto(t, ctx, "[data-testid=sel-start]", "1")
	typeInto(t, ctx, "[data-testid=sel-end]", "2")
	typeInto(t, ctx, "[data-testid=gain-db]", "-6")
	click(t, ctx, "[data-testid=scope-all]")
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=file-name]').value.endsWith('.mp3')`, 20*time.Second)
	waitResult(t, ctx, "cutter", "132300")
	// The length is the same before and after the gain: wait for the plan
	// of the gain itself.
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if Eval[bool](t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=result]').textContent.includes('encoded with LAME')`) {
			break
		}
	}
	if note := Eval[string](t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=result]').textContent`); !strings.Contains(note, "encoded with LAME") || strings.Contains(note, "padding") {
		t.Errorf("the result says %q; want it encoded, without padding at junctions", note)
	}
	dls := CaptureDownloads(t, ctx)
	click(t, ctx, "[data-testid=cutter] [data-testid=export]")
	dl := dls.Wait(t, 60*time.Second)
	sameFile(t, dl.Path, renderDoc(t, site, dir, "gain-mp3", map[string]any{
		"version": 1,
		"sources": []map[string]any{{"name": "song.mp3"}},
		"clips": []map[string]any{
			{"source": 0, "in": 0, "out": 44100},
			{"source": 0, "in": 44100, "out": 88200, "gain": -6},
			{"source": 0, "in": 88200, "out": 132300},
		},
		"output": map[string]any{"container": "mp3"},
	}))
	reqs.AssertNoUpload(t, site)
}
