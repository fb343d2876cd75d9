package e2e

// End-to-end test of issue 12 item 1: "Restore your last edit" when the
// user declined a private copy of the file.

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestUIRestoreWithoutCopy: the user says "Not now" to a private copy,
// removes 0.5 s to 2.25 s of a WAV, and reloads. Restore cannot reopen the
// file by itself and says so; a file with the same name and size but other
// bytes opens as itself; the same file opened again gets the remove back
// (with Undo), and exports the bytes `offcut render` makes of the same
// document.
func TestUIRestoreWithoutCopy(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	spec := WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 3 * 44100, Seed: 21}
	wav := WriteWAV(t, filepath.Join(dir, "memo.wav"), spec)
	other := filepath.Join(t.TempDir(), "memo.wav")
	spec.Seed = 22
	WriteWAV(t, other, spec) // same name and size, other samples

	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === 'memo.wav'`, 20*time.Second)
	WaitFor(t, ctx, `document.querySelector('[data-testid=pwa-no-copies]')`, 10*time.Second)
	click(t, ctx, "[data-testid=pwa-no-copies]")
	typeInto(t, ctx, "[data-testid=sel-start]", "0.5")
	typeInto(t, ctx, "[data-testid=sel-end]", "2.25")
	click(t, ctx, "[data-testid=remove]")
	waitResult(t, ctx, "cutter", "55125")

	// Saved: no copy, no handle, but a fingerprint and the remove, as an
	// engine document (the history's state: a document and a view).
	deadline := time.Now().Add(15 * time.Second)
	var savedDoc map[string]any
	for {
		var rec struct {
			Sources []struct {
				Name         string
				Size         int64
				FP           string
				Copy, Handle any
			}
			Docs json.RawMessage
		}
		json.Unmarshal([]byte(Eval[string](t, ctx, savedSession)), &rec)
		var docs struct {
			Cutter []struct {
				Present struct {
					Doc json.RawMessage
				}
			}
		}
		json.Unmarshal(rec.Docs, &docs)
		if len(rec.Sources) == 1 && len(docs.Cutter) == 1 && bytes.Contains(docs.Cutter[0].Present.Doc, []byte(`"clips":[{"source":0,"in":0,"out":22050},{"source":0,"in":99225,"out":132300}]`)) {
			if err := json.Unmarshal(docs.Cutter[0].Present.Doc, &savedDoc); err != nil {
				t.Fatal(err)
			}
			s := rec.Sources[0]
			if s.Copy != nil || s.Handle != nil {
				t.Errorf("after Not now the session keeps a copy (%v) or a handle (%v)", s.Copy, s.Handle)
			}
			if len(s.FP) != 64 || s.Name != "memo.wav" {
				t.Errorf("saved source %q with fingerprint %q, want a SHA-256", s.Name, s.FP)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the session was not saved with the remove")
		}
		time.Sleep(100 * time.Millisecond)
	}

	run(t, ctx, chromedp.Reload())
	WaitFor(t, ctx, `document.documentElement.classList.contains('ready')`, 30*time.Second)
	WaitFor(t, ctx, `document.querySelector('[data-testid=pwa-restore-btn]')`, 10*time.Second)
	click(t, ctx, "[data-testid=pwa-restore-btn]")
	WaitFor(t, ctx, `[...document.querySelectorAll('[data-testid=error]')].some((e) => e.textContent.includes('open it again and your edit is applied'))`, 10*time.Second)

	// Another file of the same name and size is not the edited one.
	SetFiles(t, ctx, "[data-testid=file-input]", other)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === 'memo.wav'`, 20*time.Second)
	waitResult(t, ctx, "cutter", "132300")
	if !Eval[bool](t, ctx, `document.querySelector('[data-testid=cutter] [aria-keyshortcuts="Control+Z"]').disabled`) {
		t.Errorf("the edit was applied to another file with the same name and size")
	}

	// The edited file, opened again: the remove is back, undoable.
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=lib-item]').length === 2`, 20*time.Second)
	waitResult(t, ctx, "cutter", "55125")
	if Eval[bool](t, ctx, `document.querySelector('[data-testid=cutter] [aria-keyshortcuts="Control+Z"]').disabled`) {
		t.Errorf("Undo is disabled after the edit came back")
	}
	dls := CaptureDownloads(t, ctx)
	click(t, ctx, "[data-testid=cutter] [data-testid=export]")
	dl := dls.Wait(t, 60*time.Second)
	// offcut render reads the saved document as it is.
	want := renderDoc(t, site, dir, "restored", savedDoc)
	sameFile(t, dl.Path, want)

	// Undo goes back to the file before the remove, with the selection
	// that was removed (which the export then takes).
	click(t, ctx, "[data-testid=cutter] [aria-keyshortcuts='Control+Z']")
	waitResult(t, ctx, "cutter", "77175")
	if got := Eval[string](t, ctx, `document.querySelector('[data-testid=sel-start]').value + '-' + document.querySelector('[data-testid=sel-end]').value`); got != "0:00.500-0:02.250" {
		t.Errorf("after Undo the selection is %s, want 0:00.500-0:02.250", got)
	}
	if _, err := os.Stat(want); err != nil {
		t.Fatal(err)
	}
	reqs.AssertNoUpload(t, site)
}
