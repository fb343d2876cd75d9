package e2e

// API-level tests of /offcut.js in Chromium: every result is checked
// against the native engine run on the same files in the test process.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/codecs"
	"offcut/audio/project"
)

// format mirrors the JSON of audio.Format.
type format struct {
	SampleRate int  `json:"sampleRate"`
	Channels   int  `json:"channels"`
	BitDepth   int  `json:"bitDepth"`
	Float      bool `json:"float"`
}

// summary mirrors what Offcut#plan resolves to.
type summary struct {
	Frames   int64   `json:"frames"`
	Duration float64 `json:"duration"`
	Format   format  `json:"format"`
	Size     int64   `json:"size"`
	Lossless bool    `json:"lossless"`
}

type progress struct {
	Done  int64 `json:"done"`
	Total int64 `json:"total"`
}

// rendered is what renderJS returns.
type rendered struct {
	Size     int64      `json:"size"`
	Type     string     `json:"type"`
	SHA      string     `json:"sha"`
	Summary  summary    `json:"summary"`
	Progress []progress `json:"progress"`
	Ms       float64    `json:"ms"`
}

// renderJS renders doc over the files on #files in the page, timing the
// render with performance.now, and returns the blob's size, type and
// SHA-256, the plan's summary and the progress reports.
func renderJS(t *testing.T, ctx context.Context, doc string) rendered {
	t.Helper()
	return Eval[rendered](t, ctx, `(async () => {
		const doc = `+doc+`;
		const progress = [];
		const t0 = performance.now();
		const blob = await oc.render(doc, e2e.files(), { onProgress: (p) => progress.push(p) });
		const ms = performance.now() - t0;
		const summary = await oc.plan(doc, e2e.files());
		return { size: blob.size, type: blob.type, sha: await e2e.sha256(blob), summary, progress, ms };
	})()`)
}

// nativePlan renders doc with the engine in this process (planning only).
func nativePlan(t *testing.T, doc string, paths ...string) (*project.Result, []audio.Source) {
	t.Helper()
	d, err := project.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var srcs []audio.Source
	var decs []audio.Decoder
	for _, p := range paths {
		f, err := audio.OpenFile(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		dec, err := codecs.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs, decs = append(srcs, f), append(decs, dec)
	}
	res, err := project.Render(d, decs, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res, srcs
}

// native renders doc with the engine in this process and returns the
// output's SHA-256 and the result.
func native(t *testing.T, doc string, paths ...string) (string, *project.Result) {
	t.Helper()
	res, srcs := nativePlan(t, doc, paths...)
	// A file, as the CLI writes: encoders' headers are patched in place.
	f, err := os.CreateTemp(t.TempDir(), "native-*")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := res.Plan.WriteTo(f, srcs, nil); err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil)), res
}

// checkProgress checks that reports are monotonic with a constant total
// that ends at want.
func checkProgress(t *testing.T, ps []progress, want int64) {
	t.Helper()
	if len(ps) == 0 {
		t.Fatal("no progress reported")
	}
	for i, p := range ps {
		if p.Total != want {
			t.Fatalf("progress[%d].total = %d, want %d", i, p.Total, want)
		}
		if i > 0 && p.Done <= ps[i-1].Done {
			t.Fatalf("progress[%d].done = %d after %d: not monotonic", i, p.Done, ps[i-1].Done)
		}
	}
	if last := ps[len(ps)-1]; last.Done != want {
		t.Errorf("last progress %d of %d, want done == total", last.Done, last.Total)
	}
}

// compare renders doc in the page and natively and checks they agree.
func compare(t *testing.T, ctx context.Context, doc string, lossless bool, paths ...string) rendered {
	t.Helper()
	got := renderJS(t, ctx, doc)
	sum, res := native(t, doc, paths...)
	if got.SHA != sum || got.Size != res.Plan.Size() {
		t.Errorf("browser render: %d bytes sha256 %s; native: %d bytes sha256 %s", got.Size, got.SHA, res.Plan.Size(), sum)
	}
	if got.Type != "audio/wav" {
		t.Errorf("blob type %q, want audio/wav", got.Type)
	}
	s := got.Summary
	if s.Size != got.Size || s.Frames != res.Frames || s.Lossless != lossless || res.Lossless != lossless ||
		s.Format.SampleRate != res.Format.Rate || s.Format.Channels != res.Format.Channels || s.Format.BitDepth != res.Format.Bits {
		t.Errorf("plan summary %+v; native: %d frames, %v, lossless %v; blob %d bytes", s, res.Frames, res.Format, res.Lossless, got.Size)
	}
	checkProgress(t, got.Progress, got.Size)
	return got
}

func TestProbe(t *testing.T) {
	site := StartSite(t)
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "tone.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 44100})
	ctx := site.OpenAPIPage(t)
	SetFiles(t, ctx, "#files", wav)
	type info struct {
		Container string            `json:"container"`
		Codec     string            `json:"codec"`
		Format    format            `json:"format"`
		Frames    int64             `json:"frames"`
		Duration  float64           `json:"duration"`
		Tags      map[string]string `json:"tags"`
		Warnings  []string          `json:"warnings"`
	}
	got := Eval[info](t, ctx, `oc.probe(e2e.files()[0])`)
	want := info{Container: "wav", Codec: "pcm_s16le", Format: format{44100, 2, 16, false}, Frames: 44100, Duration: 1,
		Tags: map[string]string{}, Warnings: []string{}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("probe = %+v\nwant    %+v", got, want)
	}
}

func TestPeaks(t *testing.T) {
	site := StartSite(t)
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "tone.wav"), WAVSpec{Rate: 48000, Channels: 2, Bits: 24, Frames: 3 * 48000, Seed: 1})
	ctx := site.OpenAPIPage(t)
	SetFiles(t, ctx, "#files", wav)
	type peaks struct {
		From     int64      `json:"from"`
		To       int64      `json:"to"`
		Min      []float32  `json:"min"`
		Max      []float32  `json:"max"`
		Min32    bool       `json:"min32"`
		Progress []progress `json:"progress"`
	}
	const from, to, buckets = 1000, 100000, 300
	got := Eval[peaks](t, ctx, fmt.Sprintf(`(async () => {
		const progress = [];
		const p = await oc.peaks(e2e.files()[0], { buckets: %d, from: %d, to: %d, onProgress: (x) => progress.push(x) });
		return { from: p.from, to: p.to, min: Array.from(p.min), max: Array.from(p.max),
			min32: p.min instanceof Float32Array && p.max instanceof Float32Array, progress };
	})()`, buckets, from, to))

	f, err := audio.OpenFile(wav)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec, err := codecs.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	s, err := dec.Stream(from, to)
	if err != nil {
		t.Fatal(err)
	}
	want, err := audio.Peaks(s, buckets, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.From != from || got.To != to || !got.Min32 || len(got.Min) != buckets || len(got.Max) != buckets {
		t.Fatalf("peaks from %d to %d, %d/%d buckets, Float32Array %v", got.From, got.To, len(got.Min), len(got.Max), got.Min32)
	}
	for i, p := range want {
		if got.Min[i] != p.Min || got.Max[i] != p.Max {
			t.Fatalf("bucket %d: browser %v..%v, native %v..%v", i, got.Min[i], got.Max[i], p.Min, p.Max)
		}
	}
	checkProgress(t, got.Progress, to-from)

	whole := Eval[peaks](t, ctx, `oc.peaks(e2e.files()[0], { buckets: 10 }).then((p) => ({ from: p.from, to: p.to, min: Array.from(p.min), max: Array.from(p.max) }))`)
	if whole.From != 0 || whole.To != 3*48000 || len(whole.Max) != 10 || whole.Max[0] < 0.4 {
		t.Errorf("peaks of the whole file: %+v", whole)
	}
}

// TestRenderCut cuts a stretch out of a file: a lossless plan, so the blob
// is the header plus a slice of the File; no request carries audio.
func TestRenderCut(t *testing.T) {
	site := StartSite(t)
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "tone.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 5 * 44100})
	ctx := NewBrowser(t)
	reqs := RecordRequests(t, ctx)
	site.LoadAPIPage(t, ctx)
	SetFiles(t, ctx, "#files", wav)
	doc := `{"version": 1, "clips": [{"source": 0, "in": 12345, "out": 200000}]}`
	got := compare(t, ctx, doc, true, wav)
	if got.Size != 44+(200000-12345)*4 {
		t.Errorf("cut is %d bytes, want %d", got.Size, 44+(200000-12345)*4)
	}
	// Two clips of one file, and a gap between them.
	doc = `{"version": 1, "clips": [{"source": 0, "in": 0, "out": 1000}, {"source": 0, "in": 50000, "out": 90000}],
		"joins": [{"type": "gap", "length": 4410}]}`
	compare(t, ctx, doc, false, wav)
	reqs.AssertNoUpload(t, site)
}

// TestRenderCrossfade joins two files with a crossfade, fades and gain:
// computed segments streamed from the worker in chunks.
func TestRenderCrossfade(t *testing.T) {
	site := StartSite(t)
	dir := t.TempDir()
	a := WriteWAV(t, filepath.Join(dir, "a.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 10 * 44100, Seed: 2})
	b := WriteWAV(t, filepath.Join(dir, "b.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 8 * 44100, Seed: 3})
	ctx := site.OpenAPIPage(t)
	SetFiles(t, ctx, "#files", a, b)
	doc := `{"version": 1,
		"clips": [{"source": 0, "in": 1000, "out": 400000, "fadeIn": {"length": 4410}},
		          {"source": 1, "in": 0, "out": 352800, "gain": -3, "fadeOut": {"length": 22050, "curve": "s-curve"}}],
		"joins": [{"type": "crossfade", "length": 88200, "curve": "equal-power"}]}`
	got := compare(t, ctx, doc, false, a, b)
	if len(got.Progress) < 3 {
		t.Errorf("only %d progress reports for a %d-byte computed render", len(got.Progress), got.Size)
	}
	// Conversion to float, mono: every byte computed.
	doc = `{"version": 1, "clips": [{"source": 1, "in": 0, "out": 352800}],
		"output": {"channels": 1, "sampleFormat": "f32"}}`
	compare(t, ctx, doc, false, a, b)
}

// TestAbort cancels a long render through an AbortSignal: the promise
// rejects with an AbortError at once, a job queued behind it still
// completes, and the next job runs on a fresh worker.
func TestAbort(t *testing.T) {
	site := StartSite(t)
	dir := t.TempDir()
	big := filepath.Join(dir, "big.wav")
	WriteSparseWAV(t, big, 400<<20, 44100, 2, 16)
	small := WriteWAV(t, filepath.Join(dir, "small.wav"), WAVSpec{Rate: 8000, Channels: 1, Bits: 16, Frames: 8000})
	ctx := site.OpenAPIPage(t)
	SetFiles(t, ctx, "#files", big, small)
	type result struct {
		Err      map[string]string `json:"err"`
		Reports  int               `json:"reports"`
		AbortMs  float64           `json:"abortMs"`
		Queued   int64             `json:"queued"`
		Next     int64             `json:"next"`
		PreErr   map[string]string `json:"preErr"`
		Finished bool              `json:"finished"`
		Restart  float64           `json:"restartMs"`
	}
	// Gain makes every byte of the 400 MB file computed: many seconds of work.
	got := Eval[result](t, ctx, `(async () => {
		const [big, small] = e2e.files();
		const doc = { version: 1, clips: [{ source: 0, in: 0, out: 100000000, gain: -6 }] };
		const ac = new AbortController();
		let reports = 0, finished = false, t0 = 0, err;
		const job = oc.render(doc, [big], { signal: ac.signal, onProgress: () => {
			if (++reports === 2) { t0 = performance.now(); ac.abort(); }
		} }).then(() => { finished = true; });
		const queued = oc.probe(small);
		try { await job; } catch (e) { err = e2e.error(e); }
		const abortMs = performance.now() - t0;
		const q = await queued;
		const restartMs = performance.now() - t0;
		const next = await oc.peaks(small, { buckets: 4 });
		let preErr;
		try { await oc.probe(small, { signal: AbortSignal.abort() }); } catch (e) { preErr = e2e.error(e); }
		return { err, reports, abortMs, queued: q.frames, next: next.to, preErr, finished, restartMs };
	})()`)
	if got.Finished || got.Err["name"] != "AbortError" {
		t.Fatalf("aborted render: finished %v, error %v", got.Finished, got.Err)
	}
	t.Logf("abort: rejected after %.1f ms; the queued probe finished on a fresh worker %.1f ms after abort()", got.AbortMs, got.Restart)
	if got.AbortMs > 200 {
		t.Errorf("the render rejected %.0f ms after abort()", got.AbortMs)
	}
	if got.Queued != 8000 || got.Next != 8000 {
		t.Errorf("after the abort: queued probe saw %d frames, next peaks %d; want 8000", got.Queued, got.Next)
	}
	if got.PreErr["name"] != "AbortError" {
		t.Errorf("a job with an aborted signal: %v, want AbortError", got.PreErr)
	}
}

// TestAbortQueued: cancelling a job that waits in the queue takes it out
// of the queue and leaves the running job alone (it finishes, on the same
// worker); a plan asked again is answered from the cache.
func TestAbortQueued(t *testing.T) {
	site := StartSite(t)
	dir := t.TempDir()
	mid := WriteWAV(t, filepath.Join(dir, "mid.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 30 * 44100})
	small := WriteWAV(t, filepath.Join(dir, "small.wav"), WAVSpec{Rate: 8000, Channels: 1, Bits: 16, Frames: 8000})
	ctx := site.OpenAPIPage(t)
	SetFiles(t, ctx, "#files", mid, small)
	got := Eval[map[string]any](t, ctx, `(async () => {
		const [mid, small] = e2e.files();
		const doc = { version: 1, clips: [{ source: 0, in: 0, out: 30 * 44100, gain: -6 }] };
		const ac = new AbortController();
		const running = oc.render(doc, [mid]);
		const queued = oc.peaks(small, { buckets: 4, signal: ac.signal });
		let queuedErr = null;
		queued.catch((e) => { queuedErr = e.name; });
		ac.abort();
		const blob = await running;
		await Promise.resolve();
		const p1 = await oc.plan({ version: 1, clips: [{ source: 0, in: 0, out: 4000 }] }, [small]);
		const t0 = performance.now();
		const p2 = await oc.plan({ version: 1, clips: [{ source: 0, in: 0, out: 4000 }] }, [small]);
		return { size: blob.size, queuedErr, same: JSON.stringify(p1) === JSON.stringify(p2), cachedMs: performance.now() - t0 };
	})()`)
	if got["queuedErr"] != "AbortError" || got["size"].(float64) != 44+30*44100*4 || got["same"] != true {
		t.Errorf("queued abort: %v", got)
	}
	t.Logf("a cached plan answered in %.2f ms", got["cachedMs"])
}

// TestErrors checks that bad inputs reject with the engine's words and
// leave the engine working.
func TestErrors(t *testing.T) {
	site := StartSite(t)
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("these are not the samples you are looking for\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.wav")
	if err := os.WriteFile(bad, append([]byte("RIFF\x24\x00\x00\x00WAVEjunk\xff\xff\xff\x7f"), make([]byte, 32)...), 0o644); err != nil {
		t.Fatal(err)
	}
	good := WriteWAV(t, filepath.Join(dir, "good.wav"), WAVSpec{Rate: 22050, Channels: 1, Bits: 16, Frames: 22050})
	ctx := site.OpenAPIPage(t)
	SetFiles(t, ctx, "#files", text, bad, good)
	for _, c := range []struct{ name, js, code, want, detail string }{
		{"text file", `oc.probe(e2e.files()[0])`, "unknown_format", "notes.txt is not an audio file Offcut can open. Offcut opens WAV", "unrecognised header"},
		{"malformed wav", `oc.probe(e2e.files()[1])`, "malformed", "bad.wav is damaged or incomplete", "wav: malformed file"},
		{"render of text", `oc.render({version: 1, clips: [{source: 0, in: 0, out: 10}]}, [e2e.files()[0]])`, "unknown_format", "notes.txt is not an audio file", "notes.txt: not audio"},
		{"bad document", `oc.plan({version: 2, clips: []}, [e2e.files()[2]])`, "invalid_edit", "This edit does not fit", "invalid project: version is 2"},
		{"clip past the end", `oc.plan({version: 1, clips: [{source: 0, in: 0, out: 99999}]}, [e2e.files()[2]])`, "invalid_edit", "This edit does not fit", "past the end of source 0"},
		{"ringtone too long", `oc.plan({version: 1, clips: Array.from({length: 41}, () => ({source: 0, in: 0, out: 22050})), output: {container: 'm4r'}}, [e2e.files()[2]])`, "too_long", "M4R (iPhone ringtone) holds at most 40 seconds, and this is 0:41.000 long", "holds at most 40 seconds; this output is 41.000 s"},
		{"not a file", `oc.probe("hello")`, "undefined", "not a File or Blob", "undefined"},
	} {
		got := Eval[map[string]string](t, ctx, `(async () => { try { await `+c.js+`; return { message: 'resolved' }; } catch (e) { return e2e.error(e); } })()`)
		if !strings.Contains(got["message"], c.want) || got["code"] != c.code || !strings.Contains(got["detail"], c.detail) || (got["name"] != "Error" && got["name"] != "TypeError") {
			t.Errorf("%s: rejected with %s %q: %q (detail %q); want code %q, a message containing %q and a detail containing %q", c.name, got["name"], got["code"], got["message"], got["detail"], c.code, c.want, c.detail)
		}
		if strings.Contains(got["message"], "invalid project") || strings.Contains(got["message"], "clips[") {
			t.Errorf("%s: engine wording reached the message: %q", c.name, got["message"])
		}
		if n := Eval[int64](t, ctx, `oc.probe(e2e.files()[2]).then((i) => i.frames)`); n != 22050 {
			t.Errorf("after %s the next probe saw %d frames", c.name, n)
		}
	}
}

// TestScale2GB cuts a 2 GiB WAV through /offcut.js. The file is made in an
// instant by WriteSparseWAV (a header, then a hole made with Truncate that
// reads as zeros and takes no disk space). A cut of it is a plan of a
// header and one range: the blob is built from file.slice, so the render
// must take well under a second and the worker's memory must stay small.
//
// Memory is measured inside the worker: the size of the wasm linear memory
// (memory.buffer.byteLength), which holds the whole Go heap and never
// shrinks, so it is the high-water mark of everything Go allocated since
// the worker started; Go's runtime.MemStats are reported beside it.
func TestScale2GB(t *testing.T) {
	if testing.Short() {
		t.Skip("the 2 GiB test is skipped under -short")
	}
	site := StartSite(t)
	path := filepath.Join(t.TempDir(), "huge.wav")
	const size = 2 << 30
	frames := WriteSparseWAV(t, path, size, 48000, 2, 24)
	ctx := NewBrowser(t)
	reqs := RecordRequests(t, ctx)
	site.LoadAPIPage(t, ctx)
	SetFiles(t, ctx, "#files", path)

	in, out := int64(48000*60)+7, frames-48000*90-3
	doc := fmt.Sprintf(`{"version": 1, "clips": [{"source": 0, "in": %d, "out": %d}]}`, in, out)
	type result struct {
		Ms      float64          `json:"ms"`
		Size    int64            `json:"size"`
		Plan    summary          `json:"plan"`
		Head    string           `json:"head"`
		Tail    string           `json:"tail"`
		Stats   map[string]int64 `json:"stats"`
		Before  map[string]int64 `json:"before"`
		PeaksMs float64          `json:"peaksMs"`
		Peaks   int              `json:"peaks"`
		FadeMs  float64          `json:"fadeMs"`
		Fade    int64            `json:"fade"`
		After   map[string]int64 `json:"after"`
	}
	got := Eval[result](t, ctx, `(async () => {
		const doc = `+doc+`;
		const [file] = e2e.files();
		const before = await oc.stats();
		const t0 = performance.now();
		const blob = await oc.render(doc, [file]);
		const ms = performance.now() - t0;
		const plan = await oc.plan(doc, [file]);
		const stats = await oc.stats();
		const t1 = performance.now();
		const p = await oc.peaks(file, { buckets: 100, from: 10000000, to: 10048000 });
		const peaksMs = performance.now() - t1;
		const faded = { ...doc, clips: [{ ...doc.clips[0], fadeIn: { length: 48000 }, fadeOut: { length: 48000 } }] };
		const t2 = performance.now();
		const fade = await oc.render(faded, [file]);
		const fadeMs = performance.now() - t2;
		const after = await oc.stats();
		return { ms, size: blob.size, plan, head: await e2e.hex(blob, 0, 80),
			tail: await e2e.hex(blob, blob.size - 16, blob.size), stats, before, peaksMs, peaks: p.max.length,
			fadeMs, fade: fade.size, after };
	})()`)

	res, _ := nativePlan(t, doc, path)
	want := res.Plan.Size()
	t.Logf("2 GiB cut: render %.1f ms in page; blob %d bytes; wasm memory %.1f MiB (before %.1f MiB); Go heapSys %.1f MiB, heapAlloc %.1f MiB; 1 s of peaks %.1f ms",
		got.Ms, got.Size, mib(got.Stats["wasmMemory"]), mib(got.Before["wasmMemory"]), mib(got.Stats["heapSys"]), mib(got.Stats["heapAlloc"]), got.PeaksMs)
	if got.Size != want || got.Plan.Size != want {
		t.Errorf("blob %d bytes, plan %d, native %d", got.Size, got.Plan.Size, want)
	}
	if segs := res.Plan.Segments; !got.Plan.Lossless || len(segs) != 2 || segs[1].Kind() != "range" || segs[1].Length != (out-in)*6 {
		t.Fatalf("the cut is not a header plus one range of %d bytes: lossless %v, segments %+v", (out-in)*6, got.Plan.Lossless, segs)
	}
	if h := hex.EncodeToString(res.Plan.Segments[0].Literal); !strings.HasPrefix(got.Head, h) || got.Head[len(h):] != strings.Repeat("0", len(got.Head)-len(h)) {
		t.Errorf("blob starts %s, want the native header %s then zeros", got.Head, h)
	}
	if got.Tail != strings.Repeat("0", 32) {
		t.Errorf("blob ends %s, want zeros", got.Tail)
	}
	if got.Ms >= 1000 {
		t.Errorf("the 2 GiB cut took %.0f ms, want under 1 s", got.Ms)
	}
	if m := got.Stats["wasmMemory"]; m <= 0 || m >= 64<<20 {
		t.Errorf("worker wasm memory %d bytes, want under 64 MiB", m)
	}
	t.Logf("2 GiB cut with 1 s fades at both ends (computed): %.1f ms, wasm memory after %.1f MiB", got.FadeMs, mib(got.After["wasmMemory"]))
	if got.Fade != want {
		t.Errorf("the faded cut is %d bytes, want %d", got.Fade, want)
	}
	if got.FadeMs >= 2000 {
		t.Errorf("the faded cut took %.0f ms, want under 2 s", got.FadeMs)
	}
	if m := got.After["wasmMemory"]; m >= 64<<20 {
		t.Errorf("worker wasm memory %d bytes after the faded cut, want under 64 MiB", m)
	}
	if got.Peaks != 100 {
		t.Errorf("peaks of 1 s in the middle: %d buckets", got.Peaks)
	}
	reqs.AssertNoUpload(t, site)
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// Marshalled documents must survive the trip as JSON strings too.
func TestPlanStringDocument(t *testing.T) {
	site := StartSite(t)
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "t.wav"), WAVSpec{Rate: 8000, Channels: 1, Bits: 8, Frames: 8000})
	ctx := site.OpenAPIPage(t)
	SetFiles(t, ctx, "#files", wav)
	doc, _ := json.Marshal(`{"version":1,"clips":[{"source":0,"in":100,"out":4100}]}`)
	got := Eval[summary](t, ctx, `oc.plan(`+string(doc)+`, e2e.files())`)
	if got.Frames != 4000 || got.Size != 44+4000 || !got.Lossless || got.Duration != 0.5 {
		t.Errorf("plan = %+v", got)
	}
}

// TestWorkerCrash makes the worker report an error event (as a worker
// that dies does) in the middle of a long render: the render rejects with
// an error naming the crash, the job queued behind it runs on a new
// worker, and so does the next call.
func TestWorkerCrash(t *testing.T) {
	site := StartSite(t)
	dir := t.TempDir()
	big := filepath.Join(dir, "big.wav")
	WriteSparseWAV(t, big, 200<<20, 44100, 2, 16)
	small := WriteWAV(t, filepath.Join(dir, "small.wav"), WAVSpec{Rate: 8000, Channels: 1, Bits: 16, Frames: 8000})
	ctx := site.OpenAPIPage(t)
	SetFiles(t, ctx, "#files", big, small)
	type result struct {
		Err     map[string]string `json:"err"`
		Queued  int64             `json:"queued"`
		Next    int64             `json:"next"`
		Workers int               `json:"workers"`
	}
	got := Eval[result](t, ctx, `(async () => {
		const made = [];
		const Real = window.Worker;
		window.Worker = class extends Real {
			constructor(...args) { super(...args); made.push(this); }
		};
		const oc2 = await Offcut.load();
		const [big, small] = e2e.files();
		const doc = { version: 1, clips: [{ source: 0, in: 0, out: 50000000, gain: -6 }] };
		let crashed = false, err;
		const job = oc2.render(doc, [big], { onProgress: () => {
			if (!crashed) {
				crashed = true;
				made[made.length - 1].dispatchEvent(new ErrorEvent('error', { message: 'simulated crash' }));
			}
		} });
		const queued = oc2.probe(small);
		try { await job; } catch (e) { err = e2e.error(e); }
		const q = await queued;
		const next = await oc2.peaks(small, { buckets: 2 });
		oc2.terminate();
		window.Worker = Real;
		return { err, queued: q.frames, next: next.to, workers: made.length };
	})()`)
	if got.Err["name"] != "Error" || !strings.Contains(got.Err["message"], "the Offcut engine crashed: simulated crash") {
		t.Errorf("the crashed render rejected with %v", got.Err)
	}
	if got.Queued != 8000 || got.Next != 8000 || got.Workers != 2 {
		t.Errorf("after the crash: queued probe %d frames, next peaks %d, %d workers started; want 8000, 8000, 2", got.Queued, got.Next, got.Workers)
	}
}

// TestEnginesShareModule: engines started after the page's first (a
// batch's, a segmented encode's helpers) are started to be given its
// compiled module (worker.js#module) instead of fetching and compiling the
// wasm again, and work; each()
// runs every item once, on several engines, and rejects with a failing
// item's error after the others are done.
func TestEnginesShareModule(t *testing.T) {
	site := StartSite(t)
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "a.wav"), WAVSpec{Rate: 8000, Channels: 1, Bits: 16, Frames: 8000})
	ctx := site.OpenAPIPage(t)
	SetFiles(t, ctx, "#files", wav)
	type result struct {
		Frames  []int64  `json:"frames"`
		URLs    []string `json:"urls"`
		Ran     []int    `json:"ran"`
		Engines int      `json:"engines"`
		Err     string   `json:"err"`
		Done    int      `json:"done"`
	}
	got := Eval[result](t, ctx, `(async () => {
		const urls = [];
		const Real = window.Worker;
		window.Worker = class extends Real {
			constructor(u, o) { super(u, o); urls.push(String(u)); }
		};
		const [f] = e2e.files();
		const more = [await Offcut.load(), await Offcut.load()];
		const frames = [];
		for (const o of more) frames.push((await o.probe(f)).frames);
		more.forEach((o) => o.terminate());
		const ran = new Array(8).fill(0);
		const used = new Set();
		// Items wait (at most 20 s) until a second engine has taken one:
		// probes alone are done before a new worker is ready.
		const t0 = performance.now();
		await oc.each(ran, async (o, _, i) => {
			used.add(o);
			ran[i]++;
			while (used.size < 2 && performance.now() - t0 < 20000) await new Promise((r) => setTimeout(r, 20));
			frames.push((await o.probe(f)).frames);
		}, { workers: 3 });
		let err = '', done = 0;
		try {
			await oc.each([0, 1, 2, 3, 4, 5], async (o, x) => {
				if (x === 1) throw new Error('item 1 failed');
				await o.probe(f);
				done++;
			}, { workers: 2 });
		} catch (e) { err = e.message; }
		window.Worker = Real;
		return { frames, urls, ran, engines: used.size, err, done };
	})()`)
	for i, n := range got.Frames {
		if n != 8000 {
			t.Errorf("probe %d on a later engine: %d frames, want 8000", i, n)
		}
	}
	if len(got.URLs) == 0 {
		t.Fatal("no worker was started")
	}
	for _, u := range got.URLs {
		if !strings.HasSuffix(u, "#module") {
			t.Errorf("a later worker was started as %s, not given the module", u)
		}
	}
	for i, n := range got.Ran {
		if n != 1 {
			t.Errorf("each ran item %d %d times", i, n)
		}
	}
	if got.Engines < 2 {
		t.Errorf("each ran 8 items on %d engine(s), want 2 or 3", got.Engines)
	}
	if got.Err != "item 1 failed" || got.Done < 1 {
		t.Errorf("each with a failing item: error %q after %d items done", got.Err, got.Done)
	}
}

// TestRenderLargeComputed converts 3 minutes of audio: over 32 MiB of
// computed bytes, so the worker folds its parts into a Blob on the way.
func TestRenderLargeComputed(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped under -short")
	}
	site := StartSite(t)
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "long.wav"), WAVSpec{Rate: 48000, Channels: 1, Bits: 16, Frames: 180 * 48000, Seed: 4})
	ctx := site.OpenAPIPage(t)
	SetFiles(t, ctx, "#files", wav)
	doc := `{"version": 1, "clips": [{"source": 0, "in": 3, "out": 8640000}], "output": {"sampleFormat": "s32"}}`
	got := compare(t, ctx, doc, false, wav)
	t.Logf("%.1f MB computed in %.0f ms (%.1f MB/s)", float64(got.Size)/1e6, got.Ms, float64(got.Size)/1e3/got.Ms)
}

// TestZipAndFileNames stores two Blobs in a ZIP through oc.zip and asks
// oc.fileNames for the same names: both give the engine's safe, unique
// names, and the archive holds the Blobs' bytes under them.
func TestZipAndFileNames(t *testing.T) {
	site := StartSite(t)
	ctx := site.OpenAPIPage(t)
	got := Eval[map[string][]string](t, ctx, `(async () => {
		const names = ['dir/a.mp3', 'A.mp3', 'x:y?.mp3'];
		const zip = await oc.zip([new Blob(['one']), new Blob(['two']), new Blob(['three'])], names);
		const b = new Uint8Array(await zip.arrayBuffer());
		// The stored names, read from the local file headers.
		const read = [];
		const dv = new DataView(b.buffer);
		for (let off = 0; dv.getUint32(off, true) === 0x04034b50; ) {
			const n = dv.getUint16(off + 26, true), x = dv.getUint16(off + 28, true), size = dv.getUint32(off + 18, true);
			read.push(new TextDecoder().decode(b.subarray(off + 30, off + 30 + n)) + '=' + new TextDecoder().decode(b.subarray(off + 30 + n + x, off + 30 + n + x + size)));
			off += 30 + n + x + size;
		}
		return { zip: zip.names, names: await oc.fileNames(names), read };
	})()`)
	want := []string{"a.mp3", "A (2).mp3", "x_y_.mp3"}
	if fmt.Sprint(got["zip"]) != fmt.Sprint(want) || fmt.Sprint(got["names"]) != fmt.Sprint(want) {
		t.Errorf("zip stored %q, fileNames gave %q; want %q", got["zip"], got["names"], want)
	}
	if fmt.Sprint(got["read"]) != "[a.mp3=one A (2).mp3=two x_y_.mp3=three]" {
		t.Errorf("archive holds %q", got["read"])
	}
}
