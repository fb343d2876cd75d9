package e2e

import (
	"path/filepath"
	"testing"
)

// BenchmarkBlobReadShapes measures, in Chromium, ways of
// reading the 4000 small windows of a quick overview (2 KiB each, spread
// evenly over a 1 GiB File): a Blob.slice().arrayBuffer() each, in batches
// of 128 or all at once; one arrayBuffer() of a Blob made of the slices
// (the browser reads its parts in one request), whole or in groups of 128;
// and, as the reference, one stream() of the whole File. It is the
// evidence for how wasm/readahead_js.go prefetches.
func BenchmarkBlobReadShapes(b *testing.B) {
	site := StartSite(b)
	path := filepath.Join(b.TempDir(), "1g.wav")
	WriteSparseWAV(b, path, 1<<30, 48000, 2, 16)
	for b.Loop() {
		ctx := NewBrowser(b)
		site.LoadAPIPage(b, ctx)
		SetFiles(b, ctx, "#files", path)
		got := Eval[map[string]float64](b, ctx, `(async () => {
			const f = e2e.files()[0];
			const n = 4000, w = 2048, step = Math.floor((f.size - w) / n);
			const ranges = Array.from({ length: n }, (_, i) => [i * step, i * step + w]);
			const one = (r) => f.slice(r[0], r[1]).arrayBuffer();
			const out = {};
			let t0 = performance.now();
			for (let i = 0; i < n; i += 128) await Promise.all(ranges.slice(i, i + 128).map(one));
			out.batches128 = performance.now() - t0;
			t0 = performance.now();
			await Promise.all(ranges.map(one));
			out.allAtOnce = performance.now() - t0;
			t0 = performance.now();
			const whole = await new Blob(ranges.map((r) => f.slice(r[0], r[1]))).arrayBuffer();
			out.composite = performance.now() - t0;
			if (whole.byteLength !== n * w) throw new Error('composite read ' + whole.byteLength);
			for (const size of [512, 2048, 8192, 512, 2048, 8192]) {
				t0 = performance.now();
				await Promise.all(ranges.map((r) => f.slice(r[0], r[0] + size).arrayBuffer()));
				out['allAtOnce' + size] = (out['allAtOnce' + size] || 0) + (performance.now() - t0) / 2;
			}
			for (const g of [4, 16, 64, 4, 16, 64]) {
				t0 = performance.now();
				const gs = [];
				for (let i = 0; i < n; i += g) gs.push(new Blob(ranges.slice(i, i + g).map((r) => f.slice(r[0], r[1]))).arrayBuffer());
				await Promise.all(gs);
				out['composite' + g] = (out['composite' + g] || 0) + (performance.now() - t0) / 2;
			}
			t0 = performance.now();
			const rd = f.stream().getReader();
			while (!(await rd.read()).done) {}
			out.stream = performance.now() - t0;
			return out;
		})()`)
		for k, v := range got {
			b.ReportMetric(v, "ms-"+k)
		}
	}
}
