package e2e

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"
)

// TestUITabKeysAndClose walks the tool tabs from the keyboard (the ARIA
// tabs pattern: → and ← step round the ends, Home and End, the focus
// follows the selected tab and only it is in the Tab order), then closes
// the open files one by one from the list: the list shrinks, the joiner
// loses the closed file's clip, and with none left the welcome screen is
// back.
func TestUITabKeysAndClose(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	a := WriteWAV(t, filepath.Join(dir, "one.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 44100, Seed: 21})
	b := WriteWAV(t, filepath.Join(dir, "two.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 22050, Seed: 22})
	SetFiles(t, ctx, "[data-testid=file-input]", a, b)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=lib-item]').length === 2 && document.querySelectorAll('[data-testid=join-item]').length === 2`, 30*time.Second)
	selected := func() string {
		return Eval[string](t, ctx, `(() => {
			const tabs = [...document.querySelectorAll('[role=tab]')];
			const on = tabs.filter((x) => x.getAttribute('aria-selected') === 'true');
			const inOrder = tabs.filter((x) => x.tabIndex === 0);
			const panel = document.getElementById(on[0].getAttribute('aria-controls'));
			if (on.length !== 1 || inOrder.length !== 1 || inOrder[0] !== on[0] || panel.hidden || document.activeElement !== on[0]) return 'inconsistent';
			return on[0].dataset.testid;
		})()`)
	}
	Eval[bool](t, ctx, `(document.querySelector('[role=tab][aria-selected=true]').focus(), true)`)
	start := selected()
	if start != "tab-joiner" {
		t.Fatalf("two files opened at once: %s is shown, want the joiner", start)
	}
	for _, step := range []struct{ key, want string }{
		{kb.ArrowRight, "tab-convert"},
		{kb.ArrowRight, "tab-recorder"},
		{kb.ArrowRight, "tab-cutter"}, // round the end
		{kb.ArrowLeft, "tab-recorder"},
		{kb.Home, "tab-cutter"},
		{kb.End, "tab-recorder"},
		{kb.ArrowLeft, "tab-convert"},
		{kb.ArrowLeft, "tab-joiner"},
	} {
		key(t, ctx, step.key)
		if got := selected(); got != step.want {
			t.Fatalf("after %q: %s, want %s", step.key, got, step.want)
		}
	}
	closeFile := func(name string) {
		t.Helper()
		click(t, ctx, fmt.Sprintf(`[data-testid=lib-item] button[title="Close %s"]`, name))
	}
	closeFile("one.wav")
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=lib-item]').length === 1 && document.querySelectorAll('[data-testid=join-item]').length === 1`, 10*time.Second)
	if name := Eval[string](t, ctx, `document.querySelector('[data-testid=lib-item] .lib-name').textContent`); name != "two.wav" {
		t.Errorf("after closing one.wav the list holds %q", name)
	}
	if Eval[bool](t, ctx, `document.getElementById('welcome').hidden === false`) {
		t.Error("the welcome screen is back with a file still open")
	}
	closeFile("two.wav")
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=lib-item]').length === 0 && !document.getElementById('welcome').hidden && document.getElementById('workspace').hidden`, 10*time.Second)
	// The workspace shows again with no file (the Record tab): nothing of
	// the closed files is left in the cutter's title or the Joiner's count.
	if got := Eval[string](t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent + '|' + (document.getElementById('join-count').hidden ? '' : document.getElementById('join-count').textContent)`); got != "|" {
		t.Errorf("with every file closed, the cutter's title and the Joiner's count read %q", got)
	}
	reqs.AssertNoUpload(t, site)
}
