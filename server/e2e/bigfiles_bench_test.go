package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkBigFiles is issue 10's measurement, through /offcut.js in
// Chromium, for a 1 GiB and a 4 GB WAV and a 3-hour MP3: the quick
// overview, the exact waveform beside one file.stream() read of the same
// File in the same page, ten edits (a plan after each, as the editor
// asks), the first sound of playback from the middle, and the export of
// the edited result; and the growth of the browser's processes' memory
// (the RSS of its own processes, sampled every 50 ms) above the idle
// page over all of it. The bars: growth < 150 MB, overview < 1 s, peaks
// within 2× the stream read, plan after an edit < 50 ms, playback < 200 ms.
// It logs the engine's Blob reads of the probe and of the quick overview.
// One file alone: -bench 'BigFiles/mp3-3h'; with OFFCUT_BIGFILES_OPEN_ONLY
// set, only the opening (the probe and the quick overview) is measured.
func BenchmarkBigFiles(b *testing.B) {
	site := StartSite(b)
	dir := b.TempDir()
	files := []struct {
		name string
		make func() (path string, frames int64, rate int)
	}{
		{"wav-1GiB", func() (string, int64, int) {
			p := filepath.Join(dir, "1g.wav")
			WriteSparseWAV(b, p, 1<<30, 48000, 2, 16)
			return p, ((1 << 30) - 44) / 4, 48000
		}},
		{"wav-4GB", func() (string, int64, int) {
			p := filepath.Join(dir, "4g.wav")
			WriteSparseWAV(b, p, 4_000_000_000, 48000, 2, 16)
			return p, (4_000_000_000 - 44) / 4, 48000
		}},
		{"mp3-3h", func() (string, int64, int) {
			// 10 s of lame CBR repeated (the frames tile: CBR, no Info frame).
			block, err := os.ReadFile(encodeMP3(b, b.TempDir(), 10, "-t", "-b", "128"))
			if err != nil {
				b.Fatal(err)
			}
			p := filepath.Join(dir, "3h.mp3")
			if err := os.WriteFile(p, bytes.Repeat(block, 3*360), 0o644); err != nil {
				b.Fatal(err)
			}
			return p, 0, 44100 // frames from the probe
		}},
	}
	for _, f := range files {
		b.Run(f.name, func(b *testing.B) {
			path, _, _ := f.make()
			defer os.Remove(path)
			for b.Loop() {
				benchBigFile(b, site, path)
			}
		})
	}
}

func benchBigFile(b *testing.B, site *Site, path string) {
	ctx := NewBrowser(b)
	site.LoadAPIPage(b, ctx)
	SetFiles(b, ctx, "#files", path)
	// The reference: one read of the File in the page, before the memory
	// baseline (the page's own reading is not the engine's memory).
	streamMs := Eval[float64](b, ctx, `(async () => {
		const t0 = performance.now();
		const rd = e2e.files()[0].stream().getReader();
		while (!(await rd.read()).done) {}
		return performance.now() - t0;
	})()`)
	time.Sleep(2 * time.Second) // the page settles
	idleKinds := processKinds(ctx)
	idle := idleKinds.all
	stop := phaseRSS(ctx)
	quick := os.Getenv("OFFCUT_BIGFILES_OPEN_ONLY") != ""
	got := Eval[map[string]float64](b, ctx, `(async () => {
		const QUICK = `+strconv.FormatBool(quick)+`;
		const f = e2e.files()[0];
		const out = {};
		// Phase marks (Unix ms) for the per-phase memory report, and the
		// engine's wasm memory at the end of each phase.
		let phaseName = null;
		const phase = async (name) => {
			if (phaseName) {
				const s = await oc.stats();
				out['wasm:' + phaseName] = s.wasmMemory;
			}
			phaseName = name;
			if (name) out['mark:' + name] = Date.now();
		};
		await phase('probe');
		// The engine's Blob reads for a step: how many, how many bytes, and
		// how long the engine waited for them.
		const reads = async (name, s0) => {
			const s = await oc.stats();
			out[name + 'Reads'] = s.reads - s0.reads;
			out[name + 'ReadMB'] = (s.readBytes - s0.readBytes) / 1e6;
			out[name + 'ReadWaitMs'] = s.readWaitMs - s0.readWaitMs;
			return s;
		};
		let s0 = await oc.stats();
		let t0 = performance.now();
		const info = await oc.probe(f);
		out.probeMs = performance.now() - t0;
		s0 = await reads('probe', s0);
		const n = info.frames, rate = info.format.sampleRate;
		// The app's quick overview (www/js/overviews.js: 1024 buckets), then
		// one of 4000 buckets.
		t0 = performance.now();
		await phase('overview');
		const app = await oc.peaks(f, { buckets: 1024, sampled: true });
		out.overview1024Ms = performance.now() - t0;
		out.overview1024Buckets = app.min.length;
		s0 = await reads('overview1024', s0);
		t0 = performance.now();
		const quick = await oc.peaks(f, { buckets: 4000, sampled: true });
		out.overviewMs = performance.now() - t0;
		out.overviewBuckets = quick.min.length;
		s0 = await reads('overview', s0);
		if (QUICK) return out;
		await phase('peaks');
		t0 = performance.now();
		await oc.peaks(f, { buckets: 4000 });
		out.peaksMs = performance.now() - t0;
		// Ten edits: each removes a second from another tenth of the file.
		const ext = info.container === 'mp3' ? 'mp3' : 'wav';
		let clips = [{ source: 0, in: 0, out: n }];
		const plans = [];
		await phase('plans');
		for (let k = 0; k < 10; k++) {
			const at = Math.floor(((k + 0.5) * n) / 10), len = rate;
			const next = [];
			for (const c of clips) {
				if (at > c.in && at + len < c.out) next.push({ source: 0, in: c.in, out: at }, { source: 0, in: at + len, out: c.out });
				else next.push(c);
			}
			clips = next;
			t0 = performance.now();
			await oc.plan({ version: 1, clips, output: { container: ext } }, [f]);
			plans.push(performance.now() - t0);
		}
		// The first plan of a file also walks its frames once (kept for
		// the file's next plans): reported apart from the nine after it.
		out.planFirstMs = plans[0];
		const after = plans.slice(1).sort((a, b) => a - b);
		out.planMedianMs = after[4];
		out.planMaxMs = after[8];
		// Play from the middle: the time to the first piece of sound.
		await phase('play');
		const mid = Math.floor(n / 2);
		const ctl = new AbortController();
		t0 = performance.now();
		await new Promise((resolve, reject) => {
			oc.stream({ version: 1, clips: [{ source: 0, in: mid, out: Math.min(n, mid + 60 * rate) }], output: { container: 'wav', sampleFormat: 'f32' } }, [f], {
				signal: ctl.signal,
				onChunk: () => { out.playMs = out.playMs || performance.now() - t0; resolve(); ctl.abort(); return Promise.resolve(); },
			}).catch((e) => (ctl.signal.aborted ? resolve() : reject(e)));
		});
		// Export the edited result.
		await phase('export');
		t0 = performance.now();
		const blob = await oc.render({ version: 1, clips, output: { container: ext } }, [f]);
		out.exportMs = performance.now() - t0;
		out.exportBytes = blob.size;
		out.frames = n;
		await phase(null);
		return out;
	})()`)
	samples := stop()
	var peak int64
	for _, s := range samples {
		peak = max(peak, s.all)
	}
	growth := peak - idle
	marks := map[string]float64{}
	var wasm []string
	for k, v := range got {
		if name, ok := strings.CutPrefix(k, "mark:"); ok {
			marks[name] = v
		}
		if name, ok := strings.CutPrefix(k, "wasm:"); ok {
			wasm = append(wasm, fmt.Sprintf("%s %d", name, int64(v)>>20))
		}
	}
	sort.Strings(wasm)
	b.Logf("%s: memory by phase (MiB; a phase's peak growth above idle, by process, at that peak) %s\n  wasm memory after each phase (MiB): %s",
		filepath.Base(path), phaseReport(idleKinds, samples, marks), strings.Join(wasm, ", "))
	got["streamMs"] = streamMs
	b.Logf("%s: probe %.0f ms (%.0f Blob reads of %.1f MB, %.0f ms waiting for them); overview of 1024 buckets %.0f ms, %.0f buckets (%.0f reads of %.1f MB, %.0f ms waiting); overview of 4000 buckets %.0f ms, %.0f buckets (%.0f reads of %.1f MB, %.0f ms waiting)",
		filepath.Base(path), got["probeMs"], got["probeReads"], got["probeReadMB"], got["probeReadWaitMs"],
		got["overview1024Ms"], got["overview1024Buckets"], got["overview1024Reads"], got["overview1024ReadMB"], got["overview1024ReadWaitMs"],
		got["overviewMs"], got["overviewBuckets"], got["overviewReads"], got["overviewReadMB"], got["overviewReadWaitMs"])
	b.ReportMetric(got["overview1024Ms"], "ms-overview-1024")
	if quick {
		b.ReportMetric(got["probeMs"], "ms-probe")
		b.ReportMetric(got["overviewMs"], "ms-overview")
		b.ReportMetric(got["streamMs"], "ms-stream")
		return
	}
	if got["exportBytes"] < 1e6 {
		b.Fatalf("the export made %v bytes", got["exportBytes"])
	}
	b.ReportMetric(float64(growth)/(1<<20), "MiB-growth")
	b.ReportMetric(got["overviewMs"], "ms-overview")
	b.ReportMetric(got["peaksMs"], "ms-peaks")
	b.ReportMetric(got["peaksMs"]/got["streamMs"], "peaks/stream")
	b.ReportMetric(got["planMaxMs"], "ms-plan-max")
	b.ReportMetric(got["planFirstMs"], "ms-plan-first")
	b.ReportMetric(got["playMs"], "ms-play-start")
	b.ReportMetric(got["exportMs"], "ms-export")
	b.Logf("%s: idle %d MiB, peak %d MiB (growth %d MiB); probe %.0f ms, overview %.0f ms, peaks %.0f ms, stream read %.0f ms; first plan %.1f ms, plan after an edit median %.1f ms, max %.1f ms; first sound %.0f ms; export %.0f ms (%.0f MB)",
		filepath.Base(path), idle>>20, peak>>20, growth>>20, got["probeMs"], got["overviewMs"], got["peaksMs"], got["streamMs"], got["planFirstMs"], got["planMedianMs"], got["planMaxMs"], got["playMs"], got["exportMs"], got["exportBytes"]/1e6)
}
