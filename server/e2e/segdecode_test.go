package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// TestSegmentedMP3ToWAVExport: a 62 s MP3 (lame VBR) converted to WAV in
// the browser with splitDecodes (off by default) is decoded in segments on two
// workers and joined; the file is the native CLI's byte for byte, and the
// one-piece render's (workers: 0).
func TestSegmentedMP3ToWAVExport(t *testing.T) {
	site := StartSite(t)
	ctx := site.OpenAPIPage(t)
	dir := t.TempDir()
	mp3 := encodeMP3(t, dir, 62, "-V", "2")
	SetFiles(t, ctx, "#files", mp3)
	want := filepath.Join(dir, "want.wav")
	runCLI(t, site, "convert", mp3, "-o", want)
	b, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	type out struct {
		Size int    `json:"size"`
		SHA  string `json:"sha"`
	}
	got := Eval[struct {
		Segments int `json:"segments"`
		Workers  int `json:"workers"`
		Split    out `json:"split"`
		Whole    out `json:"whole"`
	}](t, ctx, `(async () => {
		const [f] = e2e.files();
		const info = await oc.probe(f);
		const doc = { version: 1, clips: [{ source: 0, in: 0, out: info.frames }], output: { container: 'wav' } };
		const split = await oc.render(doc, [f], { workers: 2, splitDecodes: true });
		const workers = oc.activity().workers;
		const whole = await oc.render(doc, [f], { workers: 0 });
		return { workers,
			split: { size: split.size, sha: await e2e.sha256(split) },
			whole: { size: whole.size, sha: await e2e.sha256(whole) } };
	})()`)
	cli := out{Size: len(b), SHA: hex.EncodeToString(sum[:])}
	if got.Split != cli || got.Whole != cli {
		t.Errorf("browser in segments on 2 workers %+v, in one piece %+v; CLI %+v", got.Split, got.Whole, cli)
	}
	if got.Workers != 2 {
		t.Errorf("%d workers after the export; want 2 (it was not split)", got.Workers)
	}
}

// BenchmarkSegmentedDecodeWAV times MP3 (lame 192k CBR) → WAV of 10
// minutes through /offcut.js in one page, interleaved: in one piece on one
// worker (workers: 0), in the engine's segments on one worker (their
// overhead) and on two (warm), and reports the medians and the ratios to
// one piece.
func BenchmarkSegmentedDecodeWAV(b *testing.B) {
	site := StartSite(b)
	ctx := site.OpenAPIPage(b)
	mp3 := encodeMP3(b, b.TempDir(), 600, "-b", "192")
	SetFiles(b, ctx, "#files", mp3)
	run := func(workers int) float64 {
		return Eval[float64](b, ctx, `(async () => {
			const [f] = e2e.files();
			const info = await oc.probe(f);
			const doc = { version: 1, clips: [{ source: 0, in: 0, out: info.frames }], output: { container: 'wav' } };
			const t0 = performance.now();
			const blob = await oc.render(doc, [f], { workers: `+strconv.Itoa(workers)+`, splitDecodes: true });
			if (blob.size < 1e8) throw new Error('short output: ' + blob.size);
			return performance.now() - t0;
		})()`)
	}
	// The helper stays between runs (it would go after 10 s idle).
	Eval[bool](b, ctx, `(Offcut.helperIdleMs = 600000, true)`)
	cold := run(2)
	times := map[int][]float64{}
	for i := 0; b.Loop(); i++ {
		order := []int{0, 1, 2}
		if i%2 == 1 {
			order = []int{2, 1, 0}
		}
		for _, w := range order {
			times[w] = append(times[w], run(w))
		}
	}
	med := func(x []float64) float64 {
		s := slices.Clone(x)
		slices.Sort(s)
		return s[len(s)/2]
	}
	one, seg1, two := med(times[0]), med(times[1]), med(times[2])
	b.ReportMetric(one, "one-piece-ms")
	b.ReportMetric(seg1, "segments-1-worker-ms")
	b.ReportMetric(two, "segments-2-workers-ms")
	b.ReportMetric(cold, "segments-2-workers-cold-ms")
	b.ReportMetric(seg1/one, "1-worker/one-piece")
	b.ReportMetric(two/one, "2-workers/one-piece")
	l, _ := os.ReadFile("/proc/loadavg")
	b.Logf("load average %s; runs %s", l, fmt.Sprint(times))
}
