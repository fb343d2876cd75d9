package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

// TestSegmentedMP3Export: a 62 s WAV converted to MP3 128k in the
// browser is encoded in segments on two workers and joined; the file is
// the native CLI's byte for byte (which splits the same way on any number
// of cores). Aborting while both workers encode rejects with AbortError,
// leaves no worker busy, and the engine goes on working.
func TestSegmentedMP3Export(t *testing.T) {
	site := StartSite(t)
	ctx := site.OpenAPIPage(t)
	dir := t.TempDir()
	const rate = 44100
	frames := int64(62 * rate)
	wav := WriteWAV(t, filepath.Join(dir, "long.wav"), WAVSpec{Rate: rate, Channels: 2, Bits: 16, Frames: frames, Seed: 3})
	SetFiles(t, ctx, "#files", wav)
	t0 := time.Now()

	want := filepath.Join(dir, "want.mp3")
	runCLI(t, site, "convert", wav, "--option", "quality=128", "-o", want)
	b, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	t.Logf("CLI: %v", time.Since(t0))
	t0 = time.Now()

	got := Eval[struct {
		Segments int      `json:"segments"`
		Size     int      `json:"size"`
		SHA      string   `json:"sha"`
		Frames   int64    `json:"frames"`
		Progress []int    `json:"progress"`
		Notes    []string `json:"notes"`
		Workers  int      `json:"workers"`
		Left     int      `json:"left"`
	}](t, ctx, `(async () => {
		const doc = { version: 1, clips: [{ source: 0, in: 0, out: `+strconv.FormatInt(frames, 10)+` }], output: { container: 'mp3', options: { quality: '128' } } };
		const [f] = e2e.files();
		let total = 0, last = -1, monotonic = true;
		// The helper goes once idle for helperIdleMs (10 s; shortened here).
		const idle = Offcut.helperIdleMs;
		Offcut.helperIdleMs = 1000;
		const blob = await oc.render(doc, [f], { workers: 2, onProgress: ({ done, total: t }) => {
			if (done < last || (total && t !== total)) monotonic = false;
			last = done; total = t;
		} });
		const a = oc.activity();
		await new Promise((r) => setTimeout(r, 1500));
		const left = oc.activity().workers;
		Offcut.helperIdleMs = idle;
		return { size: blob.size, sha: await e2e.sha256(blob), frames: blob.summary.frames, notes: blob.summary.notes,
			progress: [last, total, monotonic ? 1 : 0], workers: a.workers, left };
	})()`)
	if got.SHA != hex.EncodeToString(sum[:]) || got.Size != len(b) {
		t.Errorf("browser: %d bytes sha256 %s; CLI: %d bytes sha256 %x", got.Size, got.SHA, len(b), sum)
	}
	if got.Frames != frames || got.Progress[0] != got.Progress[1] || got.Progress[2] != 1 {
		t.Errorf("summary says %d frames (want %d); progress ended at %d of %d, monotonic %d", got.Frames, frames, got.Progress[0], got.Progress[1], got.Progress[2])
	}
	if got.Workers != 2 || got.Left != 1 {
		t.Errorf("%d workers after a segmented encode on 2 and %d once idle; want the helper kept for a while, then gone", got.Workers, got.Left)
	}
	t.Logf("browser, 2 workers: %v; notes: %q", time.Since(t0), got.Notes)
	t0 = time.Now()

	// Cancel while both workers encode.
	res := Eval[struct {
		Name   string `json:"name"`
		Busy   int    `json:"busy"`
		During int    `json:"during"`
		After  int    `json:"after"`
		Frames int64  `json:"frames"`
		Trace  string `json:"trace"`
	}](t, ctx, `(async () => {
		const doc = { version: 1, clips: [{ source: 0, in: 0, out: `+strconv.FormatInt(frames, 10)+` }], output: { container: 'mp3', options: { quality: '160' } } };
		const [f] = e2e.files();
		const ctl = new AbortController();
		const t0 = Date.now();
		let during = 0, part = 0;
		const trace = [];
		const p = oc.render(doc, [f], { workers: 2, signal: ctl.signal, onProgress: ({ done, total }) => { part = done / total; during = Math.max(during, oc.activity().busy); trace.push([Date.now() - t0, Math.round(part * 100), oc.activity().busy]); } });
		// A quarter done: both workers are encoding their segments.
		while ((oc.activity().busy < 2 || part < 0.25) && Date.now() - t0 < 20000) await new Promise((r) => setTimeout(r, 20));
		during = Math.max(during, oc.activity().busy);
		ctl.abort();
		let name = '';
		try { await p; } catch (e) { name = e.name; }
		const busy = oc.activity().busy;
		await new Promise((r) => setTimeout(r, 300));
		const after = oc.activity().busy;
		const info = await oc.probe(f);
		return { name, busy, during, after, frames: info.frames, trace: JSON.stringify(trace) };
	})()`)
	t.Logf("cancel: %v", time.Since(t0))
	if res.Name != "AbortError" || res.During < 2 || res.Busy != 0 || res.After != 0 || res.Frames != frames {
		t.Errorf("cancel: %+v; want AbortError with 2 workers busy before and none after, and the engine working", res)
	}
}

// BenchmarkSegmentedMP3 times WAV → MP3 128k of 3 minutes through
// /offcut.js in one page, interleaved: in one piece on one worker
// (workers: 0), in the engine's segments on one worker, and on two; the
// first two-worker run starts its helper worker (cold), the others find
// it running (warm). It reports each median and the ratios to one piece.
func BenchmarkSegmentedMP3(b *testing.B) {
	site := StartSite(b)
	ctx := site.OpenAPIPage(b)
	const rate = 44100
	frames := int64(180 * rate)
	wav := WriteWAV(b, filepath.Join(b.TempDir(), "3min.wav"), WAVSpec{Rate: rate, Channels: 2, Bits: 16, Frames: frames, Seed: 4})
	SetFiles(b, ctx, "#files", wav)
	run := func(workers int) float64 {
		return Eval[float64](b, ctx, `(async () => {
			const doc = { version: 1, clips: [{ source: 0, in: 0, out: `+strconv.FormatInt(frames, 10)+` }], output: { container: 'mp3', options: { quality: '128' } } };
			const t0 = performance.now();
			await oc.render(doc, e2e.files(), { workers: `+strconv.Itoa(workers)+` });
			return performance.now() - t0;
		})()`)
	}
	// The helper stays between runs (it would go after 10 s idle).
	Eval[bool](b, ctx, `(Offcut.helperIdleMs = 600000, true)`)
	cold := run(2)
	times := map[int][]float64{}
	for b.Loop() {
		for _, w := range []int{0, 1, 2} {
			times[w] = append(times[w], run(w))
		}
	}
	med := func(x []float64) float64 {
		s := append([]float64(nil), x...)
		slices.Sort(s)
		return s[len(s)/2]
	}
	one, seg1, seg2 := med(times[0]), med(times[1]), med(times[2])
	b.ReportMetric(one, "one-piece-ms")
	b.ReportMetric(seg1, "segments-1-worker-ms")
	b.ReportMetric(seg2, "segments-2-workers-ms")
	b.ReportMetric(cold, "segments-2-workers-cold-ms")
	b.ReportMetric(seg1/one, "1-worker/one-piece")
	b.ReportMetric(seg2/one, "2-workers/one-piece")
	l, _ := os.ReadFile("/proc/loadavg")
	b.Logf("load average %s", l)
}
