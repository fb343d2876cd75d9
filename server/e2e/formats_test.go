package e2e

import (
	"encoding/base64"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codecs"
)

// decodeAll decodes a whole file with the native engine.
func decodeAll(t *testing.T, b []byte) []float32 {
	t.Helper()
	d, err := codecs.Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	return audiotest.DecodeAll(t, d)
}

// formatFile makes a file of a format with its reference tool from a WAV
// written in the test, or skips when the tool is missing.
func formatFile(t *testing.T, dir, wav, name string, tool string, args ...string) string {
	t.Helper()
	bin := audiotest.Tool(t, tool)
	out := filepath.Join(dir, name)
	var cmd []string
	for _, a := range args {
		switch a {
		case "IN":
			a = wav
		case "OUT":
			a = out
		}
		cmd = append(cmd, a)
	}
	if b, err := exec.Command(bin, cmd...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, cmd, err, b)
	}
	return out
}

// TestFormatsInBrowser opens a file of every format the engine reads
// through /offcut.js: the probe equals the native engine's, and a cut
// rendered in the page (as WAV, and as FLAC, an encoder in the worker)
// equals the native engine's bytes. Nothing is uploaded.
func TestFormatsInBrowser(t *testing.T) {
	site := StartSite(t)
	dir := t.TempDir()
	wav := WriteWAV(t, filepath.Join(dir, "src.wav"), WAVSpec{Rate: 48000, Channels: 2, Bits: 16, Frames: 3 * 48000, Seed: 11})
	// Opus decodes natively on amd64 with gopus's SSE/AVX kernels (the
	// summation order of libopus on x86, so it is bit-exact with opusdec)
	// and under js/wasm with its portable loops: the two differ in the
	// last bits of a float, so Opus renders are compared sample by sample
	// within one LSB at 16 bits instead of byte for byte.
	files := []struct{ name, path string }{
		{"wav", wav},
		{"flac", formatFile(t, dir, wav, "src.flac", "flac", "-s", "-5", "-o", "OUT", "IN")},
		{"vorbis", formatFile(t, dir, wav, "src.ogg", "oggenc", "-Q", "-q", "4", "-o", "OUT", "IN")},
		{"opus", formatFile(t, dir, wav, "src.opus", "opusenc", "--quiet", "--bitrate", "96", "IN", "OUT")},
		{"webm", formatFile(t, dir, wav, "src.webm", "ffmpeg", "-v", "error", "-i", "IN", "-c:a", "libopus", "-b:a", "96k", "OUT")},
		{"mp3", formatFile(t, dir, wav, "src.mp3", "lame", "--quiet", "-V", "4", "IN", "OUT")},
		{"aiff", formatFile(t, dir, wav, "src.aiff", "ffmpeg", "-v", "error", "-i", "IN", "-c:a", "pcm_s16be", "OUT")},
		{"alac", formatFile(t, dir, wav, "src.m4a", "ffmpeg", "-v", "error", "-i", "IN", "-c:a", "alac", "OUT")},
		{"mov-video", formatFile(t, dir, wav, "src.mov", "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-i", "IN", "-shortest", "-c:v", "mpeg4", "-c:a", "alac", "OUT")},
	}
	ctx := NewBrowser(t)
	reqs := RecordRequests(t, ctx)
	site.LoadAPIPage(t, ctx)
	var paths []string
	for _, f := range files {
		paths = append(paths, f.path)
	}
	SetFiles(t, ctx, "#files", paths...)
	for i, f := range files {
		t.Run(f.name, func(t *testing.T) {
			info := Eval[struct {
				Container string `json:"container"`
				Frames    int64  `json:"frames"`
			}](t, ctx, fmt.Sprintf(`oc.probe(e2e.files()[%d])`, i))
			src, err := audio.OpenFile(f.path)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			dec, err := codecs.Open(src)
			if err != nil {
				t.Fatal(err)
			}
			if want := dec.Info(); info.Frames != want.Frames || info.Container != want.Container || info.Frames <= 48000 {
				t.Fatalf("probe in the page %+v, natively %s %d frames", info, want.Container, want.Frames)
			}
			for _, container := range []string{"wav", "flac"} {
				doc := fmt.Sprintf(`{"version": 1, "clips": [{"source": 0, "in": 12345, "out": %d}], "output": {"container": %q}}`, info.Frames-4321, container)
				got := Eval[rendered](t, ctx, `(async () => {
					const doc = `+doc+`;
					const blob = await oc.render(doc, [e2e.files()[`+fmt.Sprint(i)+`]]);
					return { size: blob.size, type: blob.type, sha: await e2e.sha256(blob) };
				})()`)
				sum, nres := native(t, doc, f.path)
				if got.Type != nres.Desc.MIME[0] {
					t.Errorf("%s as %s: browser type %s, native %s", f.name, container, got.Type, nres.Desc.MIME[0])
				}
				if got.SHA == sum {
					return
				}
				if f.name != "opus" && f.name != "webm" {
					t.Errorf("%s as %s: browser %d bytes %s; native %s", f.name, container, got.Size, got.SHA, sum)
					return
				}
				// Opus: decode both outputs and compare samples.
				b64 := Eval[string](t, ctx, `(async () => e2e.base64(await oc.render(`+doc+`, [e2e.files()[`+fmt.Sprint(i)+`]])))()`)
				page, err := base64.StdEncoding.DecodeString(b64)
				if err != nil {
					t.Fatal(err)
				}
				res, srcs := nativePlan(t, doc, f.path)
				out := filepath.Join(t.TempDir(), "native."+container)
				nf, err := os.Create(out)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := res.Plan.WriteTo(nf, srcs, nil); err != nil {
					t.Fatal(err)
				}
				nf.Close()
				want, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				a, b := decodeAll(t, page), decodeAll(t, want)
				if len(a) != len(b) {
					t.Fatalf("%s as %s: %d samples in the page, %d natively", f.name, container, len(a), len(b))
				}
				var worst float64
				for k := range a {
					worst = max(worst, math.Abs(float64(a[k]-b[k])))
				}
				t.Logf("%s as %s: page and native differ by at most %.3g (%.2f LSB at 16 bits)", f.name, container, worst, worst*32768)
				if worst > 1.0/32768+1e-9 {
					t.Errorf("%s as %s: page and native differ by %.3g", f.name, container, worst)
				}
			}
		})
	}
	reqs.AssertNoUpload(t, site)
}

// TestUIConvert converts through the app's export panel: a WAV exported
// as MP3 at CBR 192 (LAME in the worker) and as FLAC level 8, each equal
// to the native engine's render of the same document, with the format's
// own settings offered from the engine's registry.
func TestUIConvert(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	wav := WriteWAV(t, filepath.Join(dir, "talk.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 2 * 44100, Seed: 12})
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === 'talk.wav'`, 20*time.Second)
	waitResult(t, ctx, "cutter", "88200")
	for _, c := range []struct {
		format, option, value, ext string
	}{
		{"mp3", "quality", "192", "mp3"},
		{"flac", "level", "8", "flac"},
	} {
		setSelect(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=container]')`, c.format)
		WaitFor(t, ctx, `!!document.querySelector('[data-testid=cutter] [data-testid=option-`+c.option+`]')`, 10*time.Second)
		setSelect(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=option-`+c.option+`]')`, c.value)
		if c.format == "mp3" {
			// Kept by the preset below (a preset says nothing of joins).
			setSelect(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=option-junctions]')`, "exact")
		}
		WaitFor(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=file-name]').value.endsWith('.`+c.ext+`')`, 20*time.Second)
		dls := CaptureDownloads(t, ctx)
		click(t, ctx, "[data-testid=cutter] [data-testid=export]")
		dl := dls.Wait(t, 60*time.Second)
		opts := map[string]any{c.option: c.value}
		if c.format == "mp3" {
			opts["junctions"] = "exact"
		}
		want := renderDoc(t, site, dir, "want-"+c.format, map[string]any{
			"version": 1,
			"sources": []map[string]any{{"name": "talk.wav"}},
			"clips":   []map[string]any{{"source": 0, "in": 0, "out": 88200}},
			"output":  map[string]any{"container": c.format, "options": opts},
		})
		sameFile(t, dl.Path, want)
	}
	// A preset sets format, layout and options at once.
	setSelect(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=preset]')`, "podcast")
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=container]').value === 'mp3' && document.querySelector('[data-testid=cutter] [data-testid=option-mode]').value === 'mono'`, 10*time.Second)
	if v := Eval[string](t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=option-junctions]').value`); v != "exact" {
		t.Errorf("the preset set Junctions to %q; a preset keeps the settings for joins", v)
	}
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=result]').textContent.includes('mono')`, 20*time.Second)
	dls := CaptureDownloads(t, ctx)
	click(t, ctx, "[data-testid=cutter] [data-testid=export]")
	dl := dls.Wait(t, 60*time.Second)
	want := renderDoc(t, site, dir, "want-podcast", map[string]any{
		"version": 1,
		"sources": []map[string]any{{"name": "talk.wav"}},
		"clips":   []map[string]any{{"source": 0, "in": 0, "out": 88200}},
		"output":  map[string]any{"container": "mp3", "channels": 1, "options": map[string]any{"quality": "64", "mode": "mono", "junctions": "exact"}},
	})
	sameFile(t, dl.Path, want)
	reqs.AssertNoUpload(t, site)
}

// formatFiles makes one file of every format the engine reads from the
// same 2-second signal.
func formatFiles(t *testing.T, dir string) []struct{ name, path string } {
	wav := WriteWAV(t, filepath.Join(dir, "tone.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 2 * 44100, Seed: 13})
	return []struct{ name, path string }{
		{"wav", wav},
		{"flac", formatFile(t, dir, wav, "tone.flac", "flac", "-s", "-o", "OUT", "IN")},
		{"vorbis", formatFile(t, dir, wav, "tone.ogg", "oggenc", "-Q", "-o", "OUT", "IN")},
		{"opus", formatFile(t, dir, wav, "tone.opus", "opusenc", "--quiet", "IN", "OUT")},
		{"webm", formatFile(t, dir, wav, "tone.webm", "ffmpeg", "-v", "error", "-i", "IN", "-c:a", "libopus", "OUT")},
		{"mp3", formatFile(t, dir, wav, "tone.mp3", "lame", "--quiet", "IN", "OUT")},
		{"aiff", formatFile(t, dir, wav, "tone.aiff", "sox", "IN", "OUT")},
		{"m4a", formatFile(t, dir, wav, "tone.m4a", "ffmpeg", "-v", "error", "-i", "IN", "-c:a", "alac", "OUT")},
		{"aac", formatFile(t, dir, wav, "tone-aac.m4a", "ffmpeg", "-v", "error", "-i", "IN", "-c:a", "aac", "-b:a", "128k", "OUT")},
	}
}

// TestUIOpenEveryFormat opens a file of every format through the app's
// file input: each shows in the cutter with its exact length, as the native
// engine counts it (AAC decoded by the browser's WebCodecs).
func TestUIOpenEveryFormat(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	for _, f := range formatFiles(t, dir) {
		src, err := audio.OpenFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := codecs.Open(src)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		frames := dec.Info().Frames
		src.Close()
		SetFiles(t, ctx, "[data-testid=file-input]", f.path)
		WaitFor(t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === '`+filepath.Base(f.path)+`'`, 30*time.Second)
		waitResult(t, ctx, "cutter", fmt.Sprint(frames))
	}
	if n := Eval[int](t, ctx, `document.querySelectorAll('[data-testid=error]').length`); n != 0 {
		t.Errorf("%d errors shown: %s", n, Eval[string](t, ctx, `[...document.querySelectorAll('[data-testid=error]')].map((e) => e.textContent).join(' | ')`))
	}
	reqs.AssertNoUpload(t, site)
}

// TestMixedFormatJoin joins FLAC, ALAC (M4A) and MP3 in the page into one
// WAV and one FLAC, equal to the native engine's renders.
func TestMixedFormatJoin(t *testing.T) {
	site := StartSite(t)
	dir := t.TempDir()
	all := formatFiles(t, dir)
	paths := []string{all[1].path, all[7].path, all[5].path} // flac, m4a, mp3
	ctx := NewBrowser(t)
	reqs := RecordRequests(t, ctx)
	site.LoadAPIPage(t, ctx)
	SetFiles(t, ctx, "#files", paths...)
	for _, container := range []string{"wav", "flac"} {
		doc := `{"version": 1, "clips": [{"source": 0, "in": 0, "out": 44100}, {"source": 1, "in": 22050, "out": 88200}, {"source": 2, "in": 1000, "out": 60000}],
			"joins": [{"type": "crossfade", "length": 4410}, {"type": "none"}], "output": {"container": "` + container + `"}}`
		got := renderJS(t, ctx, doc)
		sum, res := native(t, doc, paths...)
		if got.SHA != sum || got.Summary.Frames != res.Frames {
			t.Errorf("FLAC + M4A + MP3 as %s: page %d bytes %s (%d frames), native %s (%d frames)", container, got.Size, got.SHA, got.Summary.Frames, sum, res.Frames)
		}
	}
	reqs.AssertNoUpload(t, site)
}

// TestSampledPeaks: the quick overview of a PCM file is flagged as
// sampled, lies within the exact waveform bucket by bucket, and reads a
// small part of the file (timed in the log, not asserted); a compressed
// file gets the exact waveform.
func TestSampledPeaks(t *testing.T) {
	site := StartSite(t)
	dir := t.TempDir()
	wav := WriteWAV(t, filepath.Join(dir, "long.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 60 * 44100, Seed: 14})
	big := filepath.Join(dir, "big.wav")
	WriteSparseWAV(t, big, 1<<30, 48000, 2, 24)
	ctx := site.OpenAPIPage(t)
	SetFiles(t, ctx, "#files", wav, big)
	got := Eval[map[string]any](t, ctx, `(async () => {
		const [f, big] = e2e.files();
		const q = await oc.peaks(f, { buckets: 100, sampled: true });
		const x = await oc.peaks(f, { buckets: 100 });
		let inside = true;
		for (let i = 0; i < 100; i++) inside = inside && q.min[i] >= x.min[i] && q.max[i] <= x.max[i];
		const t0 = performance.now();
		const b = await oc.peaks(big, { buckets: 1024, sampled: true });
		const bigMs = performance.now() - t0;
		const none = await oc.peaks(f, { buckets: 10000, sampled: true }); // buckets too short to pay
		return { qs: q.sampled, xs: x.sampled, inside, bigSampled: b.sampled, bigMs, none: none.min.length, noneSampled: none.sampled };
	})()`)
	if got["qs"] != true || got["xs"] != false || got["inside"] != true || got["bigSampled"] != true || got["none"] != float64(0) || got["noneSampled"] != false {
		t.Errorf("sampled peaks: %v", got)
	}
	t.Logf("quick overview of a 1 GiB WAV: %.0f ms", got["bigMs"])
}

// TestUIJoinMP3AndWAV joins an MP3 (first) and a 24-bit WAV in the app
// with "same as source": the engine writes MP3 (the first clip's format),
// encoded, and the export equals the CLI's render of the same document.
func TestUIJoinMP3AndWAV(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	wav := WriteWAV(t, filepath.Join(dir, "b.wav"), WAVSpec{Rate: 48000, Channels: 2, Bits: 24, Frames: 48000, Seed: 15})
	mp3 := formatFile(t, dir, WriteWAV(t, filepath.Join(dir, "a-src.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 44100, Seed: 16}), "a.mp3", "lame", "--quiet", "-b", "128", "IN", "OUT")
	SetFiles(t, ctx, "[data-testid=file-input]", mp3, wav)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=join-item]').length === 2`, 30*time.Second)
	WaitFor(t, ctx, `(document.querySelector('[data-testid=joiner] [data-testid=result]').textContent || '').includes('MP3')`, 30*time.Second)
	if txt := Eval[string](t, ctx, `document.querySelector('[data-testid=joiner] [data-testid=result]').textContent`); strings.Contains(txt, "Cannot export") {
		t.Fatalf("joiner result: %s", txt)
	}
	reqs.AssertNoUpload(t, site)
}
