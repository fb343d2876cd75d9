package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// BenchmarkPeaksMemory reads the exact waveform of a 1 GiB WAV through
// /offcut.js and reports the growth of the browser's processes' memory
// (the RSS of the browser's own processes, sampled every 100 ms, peak above the idle
// page) and the time of the quick overview and of the exact waveform,
// beside the time the same page takes to read the File once with
// file.stream().
func BenchmarkPeaksMemory(b *testing.B) {
	site := StartSite(b)
	path := filepath.Join(b.TempDir(), "big.wav")
	WriteSparseWAV(b, path, 1<<30, 48000, 2, 16)
	ctx := NewBrowser(b)
	site.LoadAPIPage(b, ctx)
	SetFiles(b, ctx, "#files", path)
	for b.Loop() {
		_, idle := processRSS(ctx)
		var peak int64
		var mu sync.Mutex
		done := make(chan struct{})
		go func() {
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					_, r := processRSS(ctx)
					mu.Lock()
					peak = max(peak, r)
					mu.Unlock()
				}
			}
		}()
		got := Eval[map[string]float64](b, ctx, `(async () => {
			const f = e2e.files()[0];
			let t0 = performance.now();
			const r = f.stream().getReader();
			while (!(await r.read()).done) {}
			const streamMs = performance.now() - t0;
			t0 = performance.now();
			await oc.peaks(f, { buckets: 4000, sampled: true });
			const quickMs = performance.now() - t0;
			t0 = performance.now();
			await oc.peaks(f, { buckets: 4000 });
			return { streamMs, quickMs, peaksMs: performance.now() - t0 };
		})()`)
		close(done)
		mu.Lock()
		growth := peak - idle
		mu.Unlock()
		b.ReportMetric(float64(growth)/(1<<20), "MiB-growth")
		b.ReportMetric(got["quickMs"], "ms-overview")
		b.ReportMetric(got["peaksMs"], "ms-peaks")
		b.ReportMetric(got["streamMs"], "ms-stream-read")
		b.ReportMetric(got["peaksMs"]/got["streamMs"], "peaks/stream")
		fmt.Fprintf(os.Stderr, "1 GiB WAV: idle %d MiB, peak %d MiB; overview %.0f ms, peaks %.0f ms, stream read %.0f ms\n", idle>>20, peak>>20, got["quickMs"], got["peaksMs"], got["streamMs"])
	}
}
