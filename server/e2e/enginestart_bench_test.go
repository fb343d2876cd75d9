package e2e

import "testing"

// BenchmarkEngineStart measures, in Chromium, what an engine started after
// the page's first one (a batch's, a segmented encode's helper) costs
// until it answers: Offcut.load() and a first job, for an engine that is
// handed the page's compiled module. As the reference, in the same page,
// the cost it no longer pays: compiling the engine's wasm again
// (WebAssembly.compileStreaming of the same URL, from the HTTP cache).
func BenchmarkEngineStart(b *testing.B) {
	site := StartSite(b)
	for b.Loop() {
		ctx := site.OpenAPIPage(b)
		got := Eval[map[string]float64](b, ctx, `(async () => {
			const urls = [];
			const Real = window.Worker;
			window.Worker = class extends Real {
				constructor(u, o) { super(u, o); urls.push(String(u)); }
			};
			const out = {};
			for (let i = 0; i < 3; i++) {
				const t0 = performance.now();
				const o = await Offcut.load();
				await o.curves();
				out['engine' + i] = performance.now() - t0;
				o.terminate();
			}
			window.Worker = Real;
			if (!urls.every((u) => u.endsWith('#module'))) throw new Error('a later engine was not given the module: ' + urls);
			const src = await (await fetch(urls[0].replace(/#.*$/, ''))).text();
			const m = src.match(/offcut\.[0-9a-f]+\.wasm/);
			if (!m) throw new Error('no wasm URL in the worker script');
			const wasm = new URL(m[0], urls[0]).href;
			for (let i = 0; i < 2; i++) {
				const t0 = performance.now();
				await WebAssembly.compileStreaming(fetch(wasm));
				out['compile' + i] = performance.now() - t0;
			}
			return out;
		})()`)
		engine := (got["engine0"] + got["engine1"] + got["engine2"]) / 3
		compile := (got["compile0"] + got["compile1"]) / 2
		b.ReportMetric(engine, "ms-engine")
		b.ReportMetric(compile, "ms-compile")
		b.ReportMetric(engine/compile, "engine/compile")
	}
}
