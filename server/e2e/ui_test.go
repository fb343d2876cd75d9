package e2e

// End-to-end tests of the web app (www/index.html and www/js/*) in real
// headless Chromium: open, select with the keyboard and typed times,
// export, join with crossfades, cancel, errors, no uploads, and
// screenshots at desktop and phone widths.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"offcut/audio/audiotest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// ShotsDir also receives a copy of every screenshot, for people to look at.
const ShotsDir = "/tmp/offcut-shots"

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
)

// offcutCLI builds the native command line once per test binary.
func offcutCLI(t testing.TB, site *Site) string {
	t.Helper()
	cliOnce.Do(func() {
		dir, err := os.MkdirTemp("", "offcut-cli-*")
		if err != nil {
			cliErr = err
			return
		}
		cliPath = filepath.Join(dir, "offcut")
		// -tags purego as in the Makefile: Opus files then equal the
		// browser's byte for byte.
		cmd := exec.Command("go", "build", "-tags", "purego", "-o", cliPath, "./cmd/offcut")
		cmd.Dir = site.Root
		if out, err := cmd.CombinedOutput(); err != nil {
			cliErr = fmt.Errorf("go build ./cmd/offcut: %v\n%s", err, out)
		}
	})
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	return cliPath
}

// runCLI runs the native offcut and fails the test on error.
func runCLI(t testing.TB, site *Site, args ...string) {
	t.Helper()
	cmd := exec.Command(offcutCLI(t, site), args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("offcut %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// openApp launches a browser recording its requests, opens the app and
// waits until its modules ran.
func openApp(t *testing.T) (*Site, context.Context, *Requests) {
	t.Helper()
	site := StartSite(t)
	ctx := NewBrowser(t)
	reqs := RecordRequests(t, ctx)
	site.Open(t, ctx, "/")
	WaitFor(t, ctx, `document.documentElement.classList.contains('ready')`, 30*time.Second)
	return site, ctx, reqs
}

func run(t testing.TB, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// key sends one key press (kb.* names or a character) with modifiers.
func key(t testing.TB, ctx context.Context, k string, mods ...kb.Modifier) {
	t.Helper()
	run(t, ctx, chromedp.KeyEvent(k, chromedp.KeyModifiers(mods...)))
}

// typeInto replaces the text of an input as a person would and presses
// Enter.
func typeInto(t testing.TB, ctx context.Context, sel, text string) {
	t.Helper()
	run(t, ctx, chromedp.Focus(chromedp.CSS(sel)))
	Eval[bool](t, ctx, fmt.Sprintf(`(document.querySelector(%q).select(), true)`, sel))
	run(t, ctx, chromedp.SendKeys(chromedp.CSS(sel), text+kb.Enter))
}

// setSelect picks an option of a <select> and fires change, as a person
// choosing it would.
func setSelect(t testing.TB, ctx context.Context, expr, value string) {
	t.Helper()
	Eval[bool](t, ctx, fmt.Sprintf(`(() => { const s = %s; s.focus(); s.value = %q; s.dispatchEvent(new Event('change', {bubbles: true})); return true })()`, expr, value))
}

// click scrolls the element to the middle of the viewport (clear of
// anything pinned to the edges) and clicks it.
func click(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	Eval[bool](t, ctx, fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (e) e.scrollIntoView({block: 'center'}); return true })()`, sel))
	run(t, ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// screenshot saves a full-page PNG at the given viewport into the test's
// temporary directory and into ShotsDir.
func screenshot(t testing.TB, ctx context.Context, name string, w, h int64, mobile bool) {
	t.Helper()
	run(t, ctx, chromedp.EmulateViewport(w, h, func(p *emulation.SetDeviceMetricsOverrideParams, _ *emulation.SetTouchEmulationEnabledParams) {
		p.Mobile = mobile
		if mobile {
			p.DeviceScaleFactor = 2
		}
	}))
	time.Sleep(400 * time.Millisecond) // layout, ResizeObserver and a frame
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(ShotsDir, 0o755); err == nil {
		os.WriteFile(filepath.Join(ShotsDir, name+".png"), png, 0o644)
	}
	t.Logf("screenshot %s (%dx%d): %s", name, w, h, p)
}

func resetViewport(t testing.TB, ctx context.Context) {
	run(t, ctx, chromedp.EmulateViewport(1280, 800))
}

// settle waits for two animation frames (the widgets draw in rAF).
func settle(t testing.TB, ctx context.Context) {
	t.Helper()
	Eval[bool](t, ctx, `new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`)
}

func attr(t testing.TB, ctx context.Context, sel, name string) string {
	t.Helper()
	settle(t, ctx)
	return Eval[string](t, ctx, fmt.Sprintf(`(document.querySelector(%q) || {getAttribute: () => ''}).getAttribute(%q) || ''`, sel, name))
}

// resultFrames is the exact output length the app announces.
func resultFrames(t testing.TB, ctx context.Context, panel string) string {
	t.Helper()
	return Eval[string](t, ctx, fmt.Sprintf(`(document.querySelector('[data-testid=%s] [data-testid=result-duration][data-source=engine]') || {dataset: {}}).dataset.frames || ''`, panel))
}

func waitResult(t testing.TB, ctx context.Context, panel, frames string) {
	t.Helper()
	WaitFor(t, ctx, fmt.Sprintf(`(document.querySelector('[data-testid=%s] [data-testid=result-duration][data-source=engine]') || {dataset: {}}).dataset.frames === %q`, panel, frames), 20*time.Second)
}

func sameFile(t testing.TB, got, want string) {
	t.Helper()
	a, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		n := 0
		for n < len(a) && n < len(b) && a[n] == b[n] {
			n++
		}
		t.Errorf("downloaded file (%d bytes) differs from the native render (%d bytes) from byte %d", len(a), len(b), n)
	}
}

// TestUICutter opens a WAV through the file input, selects with the
// keyboard, then with typed times, exports, and compares the download with
// the native `offcut cut` of the same range. Delete and undo run through
// the keyboard too; no request carries audio.
func TestUICutter(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	wav := WriteWAV(t, filepath.Join(dir, "interview.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 3 * 44100, Seed: 1})

	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === 'interview.wav'`, 20*time.Second)
	WaitFor(t, ctx, `document.querySelector('.wave-status').hidden`, 20*time.Second)
	waitResult(t, ctx, "cutter", "132300")

	// The keyboard: one second in, [ ; one more second, ] .
	run(t, ctx, chromedp.Focus(chromedp.CSS("[data-testid=waveform]")))
	// Page Down moves on, Page Up back (as in a document).
	key(t, ctx, kb.PageDown)
	key(t, ctx, kb.PageDown)
	key(t, ctx, kb.PageUp)
	key(t, ctx, "[")
	key(t, ctx, kb.PageDown)
	key(t, ctx, "]")
	if s, e := attr(t, ctx, "[data-testid=handle-start]", "aria-valuenow"), attr(t, ctx, "[data-testid=handle-end]", "aria-valuenow"); s != "44100" || e != "88200" {
		t.Fatalf("after PageDown PageDown PageUp [ PageDown ]: selection %s..%s, want 44100..88200", s, e)
	}
	// Nudge the focused end handle: left by one step, Shift+left by a coarse one.
	run(t, ctx, chromedp.Focus(chromedp.CSS("[data-testid=handle-end]")))
	key(t, ctx, kb.ArrowLeft)
	fine := attr(t, ctx, "[data-testid=handle-end]", "aria-valuenow")
	key(t, ctx, kb.ArrowLeft, kb.ModifierShift)
	coarse := attr(t, ctx, "[data-testid=handle-end]", "aria-valuenow")
	var f, c int
	fmt.Sscan(fine, &f)
	fmt.Sscan(coarse, &c)
	if !(f < 88200 && c < f && (f-c) > (88200-f)) {
		t.Errorf("handle nudges: 88200 -> %d (fine) -> %d (coarse)", f, c)
	}
	if vt := attr(t, ctx, "[data-testid=handle-end]", "aria-valuetext"); !strings.Contains(vt, "0:0") {
		t.Errorf("handle aria-valuetext = %q, want a time", vt)
	}

	// Typed times, exact to the millisecond.
	typeInto(t, ctx, "[data-testid=sel-start]", "0.5")
	typeInto(t, ctx, "[data-testid=sel-end]", "0:02.250")
	if s, e := attr(t, ctx, "[data-testid=handle-start]", "aria-valuenow"), attr(t, ctx, "[data-testid=handle-end]", "aria-valuenow"); s != "22050" || e != "99225" {
		t.Fatalf("typed 0.5 and 0:02.250: selection %s..%s, want 22050..99225", s, e)
	}
	waitResult(t, ctx, "cutter", "77175")
	screenshot(t, ctx, "cutter-desktop", 1280, 800, false)
	resetViewport(t, ctx)
	click(t, ctx, "[data-testid=keep]")
	waitResult(t, ctx, "cutter", "77175")

	// Export and compare with the native cut of the same range.
	dls := CaptureDownloads(t, ctx)
	click(t, ctx, "[data-testid=cutter] [data-testid=export]")
	dl := dls.Wait(t, 30*time.Second)
	if dl.Name != "interview (cut).wav" {
		t.Errorf("download name %q, want %q", dl.Name, "interview (cut).wav")
	}
	want := filepath.Join(dir, "want-cut.wav")
	runCLI(t, site, "cut", wav, "--from", "0.5", "--to", "2.25", "-o", want)
	sameFile(t, dl.Path, want)

	// Delete from the keyboard, then undo and redo. With a selection the
	// result is the selection alone (open, select, save).
	typeInto(t, ctx, "[data-testid=sel-start]", "1")
	typeInto(t, ctx, "[data-testid=sel-end]", "1.25")
	waitResult(t, ctx, "cutter", "11025")
	run(t, ctx, chromedp.Focus(chromedp.CSS("[data-testid=waveform]")))
	key(t, ctx, kb.Delete)
	waitResult(t, ctx, "cutter", fmt.Sprint(77175-11025))
	key(t, ctx, "z", kb.ModifierCtrl)
	waitResult(t, ctx, "cutter", "11025") // the selection is back
	key(t, ctx, kb.Escape)
	waitResult(t, ctx, "cutter", "77175")
	key(t, ctx, "y", kb.ModifierCtrl)
	waitResult(t, ctx, "cutter", fmt.Sprint(77175-11025))
	key(t, ctx, "z", kb.ModifierCtrl, kb.ModifierShift) // nothing left to redo
	key(t, ctx, "z", kb.ModifierCtrl)
	waitResult(t, ctx, "cutter", "77175")
	key(t, ctx, "z", kb.ModifierCtrl)
	key(t, ctx, kb.Escape)
	waitResult(t, ctx, "cutter", "132300")

	// The shortcuts sheet opens on ?.
	key(t, ctx, "?")
	WaitFor(t, ctx, `document.querySelector('[data-testid=shortcuts]').open`, 5*time.Second)
	screenshot(t, ctx, "shortcuts-desktop", 1280, 800, false)
	resetViewport(t, ctx)
	key(t, ctx, kb.Escape)
	WaitFor(t, ctx, `!document.querySelector('[data-testid=shortcuts]').open`, 5*time.Second)

	typeInto(t, ctx, "[data-testid=sel-start]", "0.5")
	typeInto(t, ctx, "[data-testid=sel-end]", "2.25")

	// Play the selection: the playhead moves; pausing leaves the cursor there.
	click(t, ctx, "[data-testid=play]")
	WaitFor(t, ctx, `!document.querySelector('.wave-playhead').hidden`, 10*time.Second)
	time.Sleep(600 * time.Millisecond)
	click(t, ctx, "[data-testid=play]")
	WaitFor(t, ctx, `document.querySelector('.wave-playhead').hidden`, 5*time.Second)
	if c := Eval[string](t, ctx, `document.querySelector('[data-testid=cursor]').textContent`); c <= "0:00.500" || c >= "0:02.250" {
		t.Errorf("after playing the selection for a moment and pausing, the cursor is at %s", c)
	}

	// Zoom with + down to single samples around the start handle, and back.
	run(t, ctx, chromedp.Focus(chromedp.CSS("[data-testid=waveform]")))
	key(t, ctx, kb.Home)
	for range 14 {
		key(t, ctx, "+")
	}
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=job]').length === 0`, 10*time.Second)
	screenshot(t, ctx, "cutter-samples", 1280, 800, false)
	resetViewport(t, ctx)
	for range 14 {
		key(t, ctx, "-")
	}
	screenshot(t, ctx, "cutter-phone", 390, 844, true)
	click(t, ctx, "#theme-btn")
	screenshot(t, ctx, "cutter-phone-dark", 390, 844, true)
	resetViewport(t, ctx)

	reqs.AssertNoUpload(t, site)
}

// TestUIJoiner joins three files with crossfades (one clip trimmed, the
// order changed and changed back from the keyboard) and compares the
// download with the native render of the same document.
func TestUIJoiner(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	a := WriteWAV(t, filepath.Join(dir, "a.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 66150, Seed: 1})
	b := WriteWAV(t, filepath.Join(dir, "b.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 88200, Seed: 2})
	c := WriteWAV(t, filepath.Join(dir, "c.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 44100, Seed: 3})

	SetFiles(t, ctx, "[data-testid=file-input]", a, b, c)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=join-item]').length === 3`, 30*time.Second)
	WaitFor(t, ctx, `document.querySelector('[data-testid=tab-joiner]').getAttribute('aria-selected') === 'true'`, 5*time.Second)
	waitResult(t, ctx, "joiner", fmt.Sprint(66150+88200+44100))

	// Reorder from the keyboard and back.
	run(t, ctx, chromedp.Focus(chromedp.CSS("[data-testid=join-item]")))
	key(t, ctx, kb.ArrowDown, kb.ModifierAlt)
	order := func() string {
		return Eval[string](t, ctx, `[...document.querySelectorAll('[data-testid=join-item] .join-name')].map((e) => e.textContent).join(',')`)
	}
	if got := order(); got != "b.wav,a.wav,c.wav" {
		t.Fatalf("after Alt+Down on the first clip: %s", got)
	}
	key(t, ctx, kb.ArrowUp, kb.ModifierAlt)
	if got := order(); got != "a.wav,b.wav,c.wav" {
		t.Fatalf("after Alt+Up: %s", got)
	}

	// Reorder with the mouse: drag the last clip's grip to the top, then undo.
	dragGrip(t, ctx, 2, 0)
	if got := order(); got != "c.wav,a.wav,b.wav" {
		t.Fatalf("after dragging the third clip to the top: %s", got)
	}
	run(t, ctx, chromedp.Focus(chromedp.CSS("[data-testid=join-item]")))
	key(t, ctx, "z", kb.ModifierCtrl)
	if got := order(); got != "a.wav,b.wav,c.wav" {
		t.Fatalf("after undoing the drag: %s", got)
	}

	// Trim the second clip's start; crossfade both junctions.
	typeInto(t, ctx, "[data-testid=join-item]:nth-of-type(3) [data-testid=clip-in]", "0.25")
	for i, curve := range []string{"equal-power", "s-curve"} {
		j := fmt.Sprintf(`document.querySelectorAll('[data-testid=join-type]')[%d]`, i)
		setSelect(t, ctx, j, "crossfade")
		ms := fmt.Sprintf(`document.querySelectorAll('[data-testid=join-ms]')[%d]`, i)
		Eval[bool](t, ctx, fmt.Sprintf(`(() => { const m = %s; m.value = '500'; m.dispatchEvent(new Event('change', {bubbles: true})); return true })()`, ms))
		setSelect(t, ctx, fmt.Sprintf(`document.querySelectorAll('.junction select[aria-label$="curve"]')[%d]`, i), curve)
	}
	total := 66150 + (88200 - 11025) + 44100 - 2*22050
	waitResult(t, ctx, "joiner", fmt.Sprint(total))

	// Preview the first junction (rendered ±3 s around it, then played).
	click(t, ctx, "[data-testid=join-preview]")
	time.Sleep(500 * time.Millisecond)
	if n := Eval[int](t, ctx, `document.querySelectorAll('[data-testid=error]').length`); n != 0 {
		t.Errorf("previewing a junction showed an error: %s", Eval[string](t, ctx, `document.querySelector('[data-testid=error]').textContent`))
	}
	screenshot(t, ctx, "joiner-desktop", 1280, 800, false)

	dls := CaptureDownloads(t, ctx)
	resetViewport(t, ctx)
	click(t, ctx, "[data-testid=joiner] [data-testid=export]")
	dl := dls.Wait(t, 30*time.Second)
	if dl.Name != "a (joined).wav" {
		t.Errorf("download name %q, want %q", dl.Name, "a (joined).wav")
	}
	doc := map[string]any{
		"version": 1,
		"sources": []map[string]any{{"name": "a.wav"}, {"name": "b.wav"}, {"name": "c.wav"}},
		"clips": []map[string]any{
			{"source": 0, "in": 0, "out": 66150},
			{"source": 1, "in": 11025, "out": 88200},
			{"source": 2, "in": 0, "out": 44100},
		},
		"joins": []map[string]any{
			{"type": "crossfade", "length": 22050, "curve": "equal-power"},
			{"type": "crossfade", "length": 22050, "curve": "s-curve"},
		},
		"output": map[string]any{"container": "wav"},
	}
	js, _ := json.Marshal(doc)
	docPath := filepath.Join(dir, "join.json")
	if err := os.WriteFile(docPath, js, 0o644); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "want-join.wav")
	runCLI(t, site, "render", docPath, "-o", want)
	sameFile(t, dl.Path, want)

	screenshot(t, ctx, "joiner-phone", 390, 844, true)
	resetViewport(t, ctx)
	reqs.AssertNoUpload(t, site)
}

// TestUICancel starts a long export, cancels it, and then finishes
// another one.
func TestUICancel(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	big := filepath.Join(dir, "long.wav")
	frames := WriteSparseWAV(t, big, 600<<20, 48000, 2, 16)
	SetFiles(t, ctx, "[data-testid=file-input]", big)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === 'long.wav'`, 30*time.Second)

	// Reading the waveform of 600 MB is a long job: it shows in the
	// activity bar with a Cancel button.
	WaitFor(t, ctx, `[...document.querySelectorAll('[data-testid=job]')].some((j) => j.textContent.includes('waveform'))`, 10*time.Second)
	click(t, ctx, "[data-testid=job] button")
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=job]').length === 0`, 5*time.Second)
	WaitFor(t, ctx, `document.querySelector('.wave-status').textContent.includes('cancelled')`, 5*time.Second)
	waitResult(t, ctx, "cutter", fmt.Sprint(frames))

	// A conversion touches every sample: long enough to cancel.
	setSelect(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=bit-depth]')`, "f32")
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=result]').textContent.includes('32-bit float')`, 20*time.Second)
	click(t, ctx, "[data-testid=cutter] [data-testid=export]")
	WaitFor(t, ctx, `!document.querySelector('[data-testid=cutter] .export-progress').hidden`, 10*time.Second)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=export-progress]').value > 0`, 60*time.Second)
	click(t, ctx, "[data-testid=cutter] [data-testid=export-cancel]")
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=export-results]').textContent.includes('cancelled')`, 5*time.Second)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter] .export-progress').hidden`, 5*time.Second)

	// Then a short export finishes.
	setSelect(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=bit-depth]')`, "")
	typeInto(t, ctx, "[data-testid=sel-start]", "10")
	typeInto(t, ctx, "[data-testid=sel-end]", "12.5")
	click(t, ctx, "[data-testid=keep]")
	waitResult(t, ctx, "cutter", "120000")
	dls := CaptureDownloads(t, ctx)
	click(t, ctx, "[data-testid=cutter] [data-testid=export]")
	dl := dls.Wait(t, 60*time.Second)
	st, err := os.Stat(dl.Path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != 44+120000*4 {
		t.Errorf("export after cancel: %d bytes, want %d", st.Size(), 44+120000*4)
	}
	if n := Eval[int](t, ctx, `document.querySelectorAll('[data-testid=error]').length`); n != 0 {
		t.Errorf("errors shown: %s", Eval[string](t, ctx, `document.querySelector('[data-testid=errors]').textContent`))
	}
	reqs.AssertNoUpload(t, site)
}

// TestUIUndecodable opens a file that is not audio: the error is in plain
// words and the page keeps working.
func TestUIUndecodable(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "notes.wav")
	if err := os.WriteFile(bad, []byte("these are my notes, not a sound\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "welcome-phone", 390, 844, true)
	resetViewport(t, ctx)
	SetFiles(t, ctx, "[data-testid=file-input]", bad)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=error]').length === 1`, 20*time.Second)
	msg := Eval[string](t, ctx, `document.querySelector('[data-testid=error] p').textContent`)
	if !strings.HasPrefix(msg, "notes.wav is not an audio file Offcut can open. Offcut opens WAV") || strings.Count(msg, "notes.wav") != 1 {
		t.Errorf("error message %q", msg)
	}
	screenshot(t, ctx, "error-desktop", 1280, 800, false)

	good := WriteWAV(t, filepath.Join(dir, "good.wav"), WAVSpec{Rate: 48000, Channels: 1, Bits: 24, Frames: 48000})
	SetFiles(t, ctx, "[data-testid=file-input]", good)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === 'good.wav'`, 20*time.Second)
	waitResult(t, ctx, "cutter", "48000")
	reqs.AssertNoUpload(t, site)
}

// renderDoc writes doc beside the inputs and renders it natively.
func renderDoc(t testing.TB, site *Site, dir, name string, doc map[string]any) string {
	t.Helper()
	js, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name+".json")
	if err := os.WriteFile(p, js, 0o644); err != nil {
		t.Fatal(err)
	}
	ext := "wav" // the CLI picks the format by the output's extension
	if o, ok := doc["output"].(map[string]any); ok {
		if c, ok := o["container"].(string); ok {
			ext = c
		}
	}
	out := filepath.Join(dir, name+"."+ext)
	runCLI(t, site, "render", p, "-o", out)
	return out
}

// TestUISplitAndFade fades in and out, splits at the cursor (Ctrl+I) and
// downloads both parts; each equals the native render of its document.
func TestUISplitAndFade(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	wav := WriteWAV(t, filepath.Join(dir, "song.wav"), WAVSpec{Rate: 48000, Channels: 1, Bits: 24, Frames: 3 * 48000, Seed: 4})
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === 'song.wav'`, 20*time.Second)
	waitResult(t, ctx, "cutter", "144000")

	typeInto(t, ctx, "[data-testid=fadeIn-ms]", "100")
	setSelect(t, ctx, `document.querySelector('[aria-label="Fade in curve"]')`, "linear")
	typeInto(t, ctx, "[data-testid=fadeOut-ms]", "250")
	setSelect(t, ctx, `document.querySelector('[aria-label="Fade out curve"]')`, "s-curve")
	run(t, ctx, chromedp.Focus(chromedp.CSS("[data-testid=waveform]")))
	key(t, ctx, kb.PageDown)
	key(t, ctx, "i", kb.ModifierCtrl)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=export]').textContent === 'Export 2 parts'`, 10*time.Second)
	waitResult(t, ctx, "cutter", "144000")

	dls := CaptureDownloads(t, ctx)
	click(t, ctx, "[data-testid=cutter] [data-testid=export]")
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=cutter] [data-testid=download]').length === 2`, 30*time.Second)
	for i, want := range []map[string]any{
		{"version": 1, "sources": []map[string]any{{"name": "song.wav"}}, "clips": []map[string]any{{"source": 0, "in": 0, "out": 48000, "fadeIn": map[string]any{"length": 4800, "curve": "linear"}}}},
		{"version": 1, "sources": []map[string]any{{"name": "song.wav"}}, "clips": []map[string]any{{"source": 0, "in": 48000, "out": 144000, "fadeOut": map[string]any{"length": 12000, "curve": "s-curve"}}}},
	} {
		click(t, ctx, fmt.Sprintf("[data-testid=cutter] li:nth-child(%d) [data-testid=download]", i+1))
		dl := dls.Wait(t, 30*time.Second)
		if name := fmt.Sprintf("song (part %d).wav", i+1); dl.Name != name {
			t.Errorf("download %d is named %q, want %q", i+1, dl.Name, name)
		}
		sameFile(t, dl.Path, renderDoc(t, site, dir, fmt.Sprintf("part%d", i+1), want))
	}
	// Both parts in one ZIP, each the same bytes.
	click(t, ctx, "[data-testid=cutter] [data-testid=download-zip]")
	dl := dls.Wait(t, 30*time.Second)
	names, data := zipEntries(t, dl.Path)
	if dl.Name != "song (parts).zip" || fmt.Sprint(names) != "[song (part 1).wav song (part 2).wav]" {
		t.Fatalf("ZIP %q holds %q", dl.Name, names)
	}
	for i, n := range names {
		if b, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("part%d.wav", i+1))); !bytes.Equal(b, data[n]) {
			t.Errorf("%s in the ZIP differs from the part downloaded alone", n)
		}
	}
	reqs.AssertNoUpload(t, site)
}

// touch dispatches one touch event with the given points (CSS pixels).
func touch(t testing.TB, ctx context.Context, typ input.DispatchTouchEventType, pts ...[2]float64) {
	t.Helper()
	tp := make([]*input.TouchPoint, len(pts))
	for i, p := range pts {
		id := float64(i)
		tp[i] = &input.TouchPoint{X: p[0], Y: p[1], ID: &id}
	}
	if _, err := chromedp.Call(ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: tp}); err != nil {
		t.Fatalf("touch %s: %v", typ, err)
	}
}

// swipe drags one finger from a to b in steps.
func swipe(t testing.TB, ctx context.Context, a, b [2]float64) {
	t.Helper()
	touch(t, ctx, input.DispatchTouchEventTypeTouchStart, a)
	for i := 1; i <= 8; i++ {
		f := float64(i) / 8
		touch(t, ctx, input.DispatchTouchEventTypeTouchMove, [2]float64{a[0] + (b[0]-a[0])*f, a[1] + (b[1]-a[1])*f})
	}
	touch(t, ctx, input.DispatchTouchEventTypeTouchEnd)
}

// TestUITouch drives the waveform with a finger on a phone-sized screen: a
// swipe never creates a stray selection, a tap places the cursor, a handle
// drags, and two fingers pinch to zoom.
func TestUITouch(t *testing.T) {
	_, ctx, _ := openApp(t)
	run(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	dir := t.TempDir()
	wav := WriteWAV(t, filepath.Join(dir, "memo.wav"), WAVSpec{Rate: 44100, Channels: 1, Bits: 16, Frames: 4 * 44100, Seed: 5})
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `document.querySelector('.wave-status').hidden`, 20*time.Second)
	type rect struct{ X, Y, W, H float64 }
	stage := func() rect {
		return Eval[rect](t, ctx, `(() => { const s = document.querySelector('[data-testid=waveform]'); s.scrollIntoView({block: 'center'}); const r = s.getBoundingClientRect(); return {X: r.left, Y: r.top, W: r.width, H: r.height} })()`)
	}
	r := stage()
	y := r.Y + r.H/2

	swipe(t, ctx, [2]float64{r.X + 60, y}, [2]float64{r.X + 260, y})
	settle(t, ctx)
	if sel := Eval[string](t, ctx, `document.querySelector('[data-testid=sel-start]').value`); sel != "" {
		t.Errorf("a one-finger swipe made a selection starting at %q", sel)
	}
	touch(t, ctx, input.DispatchTouchEventTypeTouchStart, [2]float64{r.X + r.W/2, y})
	touch(t, ctx, input.DispatchTouchEventTypeTouchEnd)
	settle(t, ctx)
	cursor := Eval[string](t, ctx, `document.querySelector('[data-testid=cursor]').textContent`)
	if cursor < "0:01.5" || cursor > "0:02.5" {
		t.Errorf("a tap in the middle put the cursor at %s, want about 0:02", cursor)
	}

	// Select all, then drag the start handle to the right with a finger.
	click(t, ctx, "[data-testid=cutter] [aria-keyshortcuts='Control+A']")
	r = stage()
	y = r.Y + r.H/2
	settle(t, ctx)
	h := Eval[rect](t, ctx, `(() => { const r = document.querySelector('[data-testid=handle-start]').getBoundingClientRect(); return {X: r.left, Y: r.top, W: r.width, H: r.height} })()`)
	if h.W < 44 {
		t.Errorf("handle touch target is %.0f px wide, want at least 44", h.W)
	}
	swipe(t, ctx, [2]float64{h.X + h.W/2, h.Y + h.H - 20}, [2]float64{h.X + h.W/2 + r.W/4, h.Y + h.H - 20})
	settle(t, ctx)
	start := attr(t, ctx, "[data-testid=handle-start]", "aria-valuenow")
	var f int
	fmt.Sscan(start, &f)
	if f < 44100/2 || f > 44100*3/2 {
		t.Errorf("dragging the start handle a quarter of the way: start at frame %d, want about 44100", f)
	}

	// Pinch out with two fingers: the view zooms in (the scroll bar wakes).
	if !Eval[bool](t, ctx, `document.querySelector('.wave-scroll').disabled`) {
		t.Fatalf("scroll bar enabled before zooming")
	}
	cx := r.X + r.W/2
	touch(t, ctx, input.DispatchTouchEventTypeTouchStart, [2]float64{cx - 20, y})
	touch(t, ctx, input.DispatchTouchEventTypeTouchStart, [2]float64{cx - 20, y}, [2]float64{cx + 20, y})
	for i := 1; i <= 6; i++ {
		d := 20 + float64(i)*20
		touch(t, ctx, input.DispatchTouchEventTypeTouchMove, [2]float64{cx - d, y}, [2]float64{cx + d, y})
	}
	touch(t, ctx, input.DispatchTouchEventTypeTouchEnd)
	settle(t, ctx)
	if Eval[bool](t, ctx, `document.querySelector('.wave-scroll').disabled`) {
		t.Errorf("pinching out did not zoom in")
	}
	if got := attr(t, ctx, "[data-testid=handle-start]", "aria-valuenow"); got != start {
		t.Errorf("pinching moved the selection start from %s to %s", start, got)
	}
}

// dragGrip drags the grip of clip i (0-based) with the mouse onto clip j.
func dragGrip(t testing.TB, ctx context.Context, i, j int) {
	t.Helper()
	type pt struct{ X, Y float64 }
	pos := func(k int, grip bool) pt {
		sel := ":scope"
		if grip {
			sel = ".grip"
		}
		return Eval[pt](t, ctx, fmt.Sprintf(`(() => { const e = document.querySelectorAll('[data-testid=join-item]')[%d]; const r = (e.querySelector(%q) || e).getBoundingClientRect(); return {X: r.left + r.width / 2, Y: r.top + r.height / 2} })()`, k, sel))
	}
	if i == j {
		return
	}
	Eval[bool](t, ctx, `(document.querySelector('[data-testid=join-list]').scrollIntoView({block: 'center'}), true)`)
	to := pos(j, false)
	from := pos(i, true)
	mouse := func(typ input.DispatchMouseEventType, p pt, buttons int64) {
		params := input.DispatchMouseEventParams{Type: typ, X: p.X, Y: p.Y, Button: input.MouseButtonLeft, Buttons: buttons, ClickCount: 1}
		if typ == input.DispatchMouseEventTypeMouseMoved {
			params.ClickCount = 0
		}
		if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, params); err != nil {
			t.Fatalf("mouse %s: %v", typ, err)
		}
	}
	mouse(input.DispatchMouseEventTypeMousePressed, from, 1)
	dy := to.Y - from.Y
	if dy < 0 {
		dy -= 10
	} else {
		dy += 10
	}
	for k := 1; k <= 10; k++ {
		mouse(input.DispatchMouseEventTypeMouseMoved, pt{from.X, from.Y + dy*float64(k)/10}, 1)
	}
	mouse(input.DispatchMouseEventTypeMouseReleased, pt{from.X, from.Y + dy}, 0)
	settle(t, ctx)
}

// TestUIDropAndPaste opens files by dropping them on the page and by
// pasting them (as a file manager's copy would put them on the clipboard).
func TestUIDropAndPaste(t *testing.T) {
	site, ctx, reqs := openApp(t)
	// A WAV built in the page: 0.5 s of 8 kHz mono 16-bit silence with a click.
	Eval[bool](t, ctx, `(() => {
		window.makeWAV = (name) => {
			const n = 4000, b = new DataView(new ArrayBuffer(44 + n * 2));
			const s = (o, t) => [...t].forEach((c, i) => b.setUint8(o + i, c.charCodeAt(0)));
			s(0, 'RIFF'); b.setUint32(4, 36 + n * 2, true); s(8, 'WAVEfmt '); b.setUint32(16, 16, true);
			b.setUint16(20, 1, true); b.setUint16(22, 1, true); b.setUint32(24, 8000, true); b.setUint32(28, 16000, true);
			b.setUint16(32, 2, true); b.setUint16(34, 16, true); s(36, 'data'); b.setUint32(40, n * 2, true);
			b.setInt16(44 + 2000, 12000, true);
			return new File([b.buffer], name, {type: 'audio/wav'});
		};
		return true;
	})()`)
	Eval[bool](t, ctx, `(() => {
		const dt = new DataTransfer();
		dt.items.add(makeWAV('dropped.wav'));
		for (const type of ['dragenter', 'dragover', 'drop']) {
			document.body.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
		}
		return true;
	})()`)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === 'dropped.wav'`, 20*time.Second)
	WaitFor(t, ctx, `document.querySelector('#drop-overlay').hidden`, 2*time.Second)
	Eval[bool](t, ctx, `(() => {
		const dt = new DataTransfer();
		dt.items.add(makeWAV('pasted.wav'));
		document.body.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
		return true;
	})()`)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === 'pasted.wav'`, 20*time.Second)
	if n := Eval[int](t, ctx, `document.querySelectorAll('[data-testid=lib-item]').length`); n != 2 {
		t.Errorf("%d open files, want 2", n)
	}
	waitResult(t, ctx, "cutter", "4000")

	// Files the system hands over (js/pwa.js sends them as an event).
	if !Eval[bool](t, ctx, `(() => {
		const e = new CustomEvent('offcut:open-files', {detail: {files: [makeWAV('shared.wav')], mode: 'join', via: 'share'}, cancelable: true});
		window.dispatchEvent(e);
		return e.defaultPrevented;
	})()`) {
		t.Errorf("the app did not take the files of offcut:open-files")
	}
	// Opened to join while a file is in the cutter: that file comes first.
	WaitFor(t, ctx, `[...document.querySelectorAll('[data-testid=join-item] .join-name')].map((e) => e.textContent).join() === 'pasted.wav,shared.wav'`, 20*time.Second)
	reqs.AssertNoUpload(t, site)
}

// TestUIMP3 cuts an MP3: by default the export stays MP3 with the frames
// copied (equal to the native `offcut cut` to .mp3); a format conversion
// needs re-encoding, so the same export becomes WAV and says why.
func TestUIMP3(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	wav := WriteWAV(t, filepath.Join(dir, "voice.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 3 * 44100, Seed: 6})
	mp3 := filepath.Join(dir, "voice.mp3")
	if out, err := exec.Command(audiotest.Tool(t, "lame"), "--quiet", "-b", "128", wav, mp3).CombinedOutput(); err != nil {
		t.Fatalf("lame: %v %s", err, out)
	}
	SetFiles(t, ctx, "[data-testid=file-input]", mp3)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === 'voice.mp3'`, 20*time.Second)
	typeInto(t, ctx, "[data-testid=sel-start]", "0.5")
	typeInto(t, ctx, "[data-testid=sel-end]", "1.5")
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=result]').textContent.includes('MP3')`, 20*time.Second)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=file-name]').value === 'voice (cut).mp3'`, 5*time.Second)

	dls := CaptureDownloads(t, ctx)
	click(t, ctx, "[data-testid=cutter] [data-testid=export]")
	dl := dls.Wait(t, 30*time.Second)
	if dl.Name != "voice (cut).mp3" {
		t.Errorf("download name %q, want %q", dl.Name, "voice (cut).mp3")
	}
	want := filepath.Join(dir, "want.mp3")
	runCLI(t, site, "cut", mp3, "--from", "0.5", "--to", "1.5", "-o", want)
	sameFile(t, dl.Path, want)

	// MP3 has no bit depth to choose.
	if !Eval[bool](t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=bit-depth]').disabled`) {
		t.Error("bit depth is enabled for MP3 output")
	}
	// A fade stays on the frames (global_gain), and the summary says so.
	typeInto(t, ctx, "[data-testid=fadeIn-ms]", "100")
	WaitFor(t, ctx, `(document.querySelector('[data-testid=cutter] [data-testid=format-note]') || {textContent: ''}).textContent.includes('without re-encoding')`, 20*time.Second)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=file-name]').value.endsWith('.mp3')`, 5*time.Second)
	t.Logf("note: %s", Eval[string](t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=format-note]').textContent`))
	// Removing the second 0.5–1.5: the frames after the junction stay on
	// their grid, so it moves and the note says by how much; with the
	// setting Junctions "exact" the edit is encoded whole, to the sample,
	// as the CLI's --option junctions=exact does.
	typeInto(t, ctx, "[data-testid=fadeIn-ms]", "0")
	click(t, ctx, "[data-testid=remove]")
	note := `(document.querySelector('[data-testid=cutter] [data-testid=format-note]') || {textContent: ''}).textContent`
	WaitFor(t, ctx, note+`.includes('than asked')`, 20*time.Second)
	if got := Eval[string](t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=result-duration]').dataset.frames`); got == "88200" {
		t.Errorf("a remove off the frame grid kept the frames and announced the exact %s samples", got)
	}
	setSelect(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=option-junctions]')`, "exact")
	waitResult(t, ctx, "cutter", "88200")
	WaitFor(t, ctx, note+`.includes('encoded with LAME')`, 20*time.Second)
	click(t, ctx, "[data-testid=cutter] [data-testid=export]")
	dl = dls.Wait(t, 60*time.Second)
	want = filepath.Join(dir, "want-exact.mp3")
	runCLI(t, site, "cut", mp3, "--from", "0.5", "--to", "1.5", "--remove", "--option", "junctions=exact", "-o", want)
	sameFile(t, dl.Path, want)
	// Chosen explicitly, WAV converts: 24-bit is offered and honoured.
	setSelect(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=container]')`, "wav")
	setSelect(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=bit-depth]')`, "s24")
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=result]').textContent.includes('24-bit')`, 20*time.Second)
	screenshot(t, ctx, "cutter-mp3-desktop", 1280, 800, false)
	reqs.AssertNoUpload(t, site)
}

// TestUIJoinMixedRates joins a 44.1 kHz stereo file and a 48 kHz mono one
// with a gap, written at 48 kHz 24-bit as chosen in the export settings:
// the announced length and the bytes equal the native render.
func TestUIJoinMixedRates(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	a := WriteWAV(t, filepath.Join(dir, "cd.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 44100, Seed: 7})
	b := WriteWAV(t, filepath.Join(dir, "video.wav"), WAVSpec{Rate: 48000, Channels: 1, Bits: 24, Frames: 36000, Seed: 8})
	SetFiles(t, ctx, "[data-testid=file-input]", a, b)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=join-item]').length === 2`, 30*time.Second)
	setSelect(t, ctx, `document.querySelector('[data-testid=joiner] [id=join-rate]')`, "48000")
	setSelect(t, ctx, `document.querySelector('[data-testid=joiner] [data-testid=bit-depth]')`, "s24")
	setSelect(t, ctx, `document.querySelector('[data-testid=join-type]')`, "gap")
	Eval[bool](t, ctx, `(() => { const m = document.querySelector('[data-testid=join-ms]'); m.value = '250'; m.dispatchEvent(new Event('change', {bubbles: true})); return true })()`)
	total := 48000 + 12000 + 36000
	waitResult(t, ctx, "joiner", fmt.Sprint(total))
	if txt := Eval[string](t, ctx, `document.querySelector('[data-testid=joiner] .total').textContent`); !strings.Contains(txt, "resampled to 48 kHz") {
		t.Errorf("no word about resampling: %q", txt)
	}
	dls := CaptureDownloads(t, ctx)
	key(t, ctx, "s", kb.ModifierCtrl) // Ctrl+S exports
	dl := dls.Wait(t, 30*time.Second)
	want := renderDoc(t, site, dir, "mixed", map[string]any{
		"version": 1,
		"sources": []map[string]any{{"name": "cd.wav"}, {"name": "video.wav"}},
		"clips":   []map[string]any{{"source": 0, "in": 0, "out": 44100}, {"source": 1, "in": 0, "out": 36000}},
		"joins":   []map[string]any{{"type": "gap", "length": 12000}},
		"output":  map[string]any{"container": "wav", "sampleRate": 48000, "sampleFormat": "s24"},
	})
	sameFile(t, dl.Path, want)
	reqs.AssertNoUpload(t, site)
}

// TestUIJoinBestOfInputs: with an 8 kHz mono voice note first and a 48 kHz
// stereo 24-bit file second, "same as source" writes the best of the
// inputs (48 kHz, stereo, 24-bit), and moving the clips never changes it
// (issue: the first clip used to decide the whole join).
func TestUIJoinBestOfInputs(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	a := WriteWAV(t, filepath.Join(dir, "note.wav"), WAVSpec{Rate: 8000, Channels: 1, Bits: 16, Frames: 8000, Seed: 9})
	b := WriteWAV(t, filepath.Join(dir, "music.wav"), WAVSpec{Rate: 48000, Channels: 2, Bits: 24, Frames: 24000, Seed: 10})
	SetFiles(t, ctx, "[data-testid=file-input]", a, b)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=join-item]').length === 2`, 30*time.Second)
	total := 48000 + 24000
	waitResult(t, ctx, "joiner", fmt.Sprint(total))
	result := func() string {
		return Eval[string](t, ctx, `document.querySelector('[data-testid=joiner] [data-testid=result]').textContent`)
	}
	WaitFor(t, ctx, `document.querySelector('[data-testid=joiner] [data-testid=result]').textContent.includes('48 kHz · stereo · 24-bit')`, 20*time.Second)
	first := result()
	// Move the second clip up: the output stays 48 kHz stereo 24-bit.
	click(t, ctx, `[data-testid=join-item][data-index="1"] [data-field=up]`)
	WaitFor(t, ctx, `document.querySelector('[data-testid=join-item][data-index="0"] .join-name').textContent === 'music.wav'`, 10*time.Second)
	WaitFor(t, ctx, `document.querySelector('[data-testid=joiner] [data-testid=result-duration]').dataset.source === 'engine'`, 20*time.Second)
	if got := result(); !strings.Contains(got, "48 kHz · stereo · 24-bit") || !strings.Contains(got, "72,000 samples") {
		t.Errorf("after reordering: %q (before: %q)", got, first)
	}
	dls := CaptureDownloads(t, ctx)
	key(t, ctx, "s", kb.ModifierCtrl)
	dl := dls.Wait(t, 30*time.Second)
	want := renderDoc(t, site, dir, "best", map[string]any{
		"version": 1,
		"sources": []map[string]any{{"name": "music.wav"}, {"name": "note.wav"}},
		"clips":   []map[string]any{{"source": 0, "in": 0, "out": 24000}, {"source": 1, "in": 0, "out": 8000}},
		"output":  map[string]any{"container": "wav", "sampleRate": 48000, "channels": 2, "sampleFormat": "s24"},
	})
	sameFile(t, dl.Path, want)
	reqs.AssertNoUpload(t, site)
}
