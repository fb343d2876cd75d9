package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"offcut/audio/audiotest"
)

// encodeMP3 writes a WAV and encodes it with Debian's lame.
func encodeMP3(t testing.TB, dir string, seconds int, args ...string) string {
	t.Helper()
	lame := audiotest.Tool(t, "lame")
	wav := WriteWAV(t, filepath.Join(dir, "src.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: int64(seconds) * 44100, Seed: 5})
	mp3 := filepath.Join(dir, "src.mp3")
	if out, err := exec.Command(lame, append(append([]string{"--quiet"}, args...), wav, mp3)...).CombinedOutput(); err != nil {
		t.Fatalf("lame: %v\n%s", err, out)
	}
	return mp3
}

// TestMP3Lossless: an MP3 opened in the browser is probed, and a cut of it
// is a lossless MP3 equal byte for byte to the native engine's, with the
// zero-copy plan (no computed bytes) and no upload; a removal re-encodes
// only its junction's frames, the same bytes as natively.
func TestMP3Lossless(t *testing.T) {
	site := StartSite(t)
	mp3 := encodeMP3(t, t.TempDir(), 6, "-V", "2")
	ctx := NewBrowser(t)
	reqs := RecordRequests(t, ctx)
	site.LoadAPIPage(t, ctx)
	SetFiles(t, ctx, "#files", mp3)
	info := Eval[struct {
		Container string `json:"container"`
		Frames    int64  `json:"frames"`
	}](t, ctx, `oc.probe(e2e.files()[0])`)
	if info.Container != "mp3" || info.Frames != 6*44100 {
		t.Fatalf("probe of an MP3: %+v", info)
	}
	for i, doc := range []string{
		`{"version": 1, "clips": [{"source": 0, "in": 44100, "out": 200000}]}`,
		`{"version": 1, "clips": [{"source": 0, "in": 0, "out": 50000}, {"source": 0, "in": 100000, "out": 264600}]}`,
	} {
		got := renderJS(t, ctx, doc)
		sum, res := native(t, doc, mp3)
		if got.SHA != sum || got.Size != res.Plan.Size() || got.Type != "audio/mpeg" || res.Container != "mp3" {
			t.Errorf("browser: %d bytes %s %s; native: %d bytes %s container %s", got.Size, got.Type, got.SHA, res.Plan.Size(), sum, res.Container)
		}
		// A cut is the frames alone; a removal re-encodes the few frames
		// at its junction (a few kB), the rest stays ranges.
		if i == 0 && (!res.Lossless || res.Plan.ComputedBytes() != 0) {
			t.Errorf("MP3 cut computed %d bytes", res.Plan.ComputedBytes())
		}
		if c := res.Plan.ComputedBytes(); i == 1 && (res.Lossless || c == 0 || c > 8000) {
			t.Errorf("MP3 removal computed %d bytes (lossless %v); want the junction's few frames", c, res.Lossless)
		}
	}
	reqs.AssertNoUpload(t, site)
}

// BenchmarkMP3DecodeChromium decodes a 60 s MP3 in full inside Chromium
// (the engine in its worker, computing peaks) and reports the speed in
// multiples of real time.
func BenchmarkMP3DecodeChromium(b *testing.B) {
	site := StartSite(b)
	mp3 := encodeMP3(b, b.TempDir(), 60, "-b", "192")
	ctx := NewBrowser(b)
	site.LoadAPIPage(b, ctx)
	SetFiles(b, ctx, "#files", mp3)
	var best float64
	for b.Loop() {
		ms := Eval[float64](b, ctx, `(async () => {
			const f = e2e.files()[0];
			const t0 = performance.now();
			await oc.peaks(f, { buckets: 1000 });
			return performance.now() - t0;
		})()`)
		if x := 60000 / ms; x > best {
			best = x
		}
	}
	b.ReportMetric(best, "best-x-realtime")
}

// BenchmarkMP3RemoveChromium removes 0:30–1:00.5 from a 3-hour 128 kbit/s
// MP3 inside Chromium: the junction's few frames re-encoded, the rest
// slices of the file. Beside it, in the same run, a cut of the same file
// (the lossless plan of ranges only); the ratio is the cost of the exact
// junction. The file is 10 s of lame CBR repeated (bytes.Repeat).
func BenchmarkMP3RemoveChromium(b *testing.B) {
	site := StartSite(b)
	dir := b.TempDir()
	block, err := os.ReadFile(encodeMP3(b, dir, 10, "-t", "-b", "128"))
	if err != nil {
		b.Fatal(err)
	}
	long := filepath.Join(dir, "3h.mp3")
	if err := os.WriteFile(long, bytes.Repeat(block, 3*360), 0o644); err != nil {
		b.Fatal(err)
	}
	ctx := NewBrowser(b)
	site.LoadAPIPage(b, ctx)
	SetFiles(b, ctx, "#files", long)
	timeJS := func(doc string) float64 {
		return Eval[float64](b, ctx, `(async () => {
			const t0 = performance.now();
			const blob = await oc.render(`+doc+`, e2e.files());
			if (blob.size < 1e8) throw new Error('short output: ' + blob.size);
			return performance.now() - t0;
		})()`)
	}
	const n = 3 * 3600 * 44100
	remove := fmt.Sprintf(`{"version": 1, "clips": [{"source": 0, "in": 0, "out": %d}, {"source": 0, "in": %d, "out": %d}], "output": {"container": "mp3"}}`, 30*44100, 60*44100+22050, n-44100)
	cut := fmt.Sprintf(`{"version": 1, "clips": [{"source": 0, "in": %d, "out": %d}], "output": {"container": "mp3"}}`, 30*44100, n-44100)
	// The first render opens (indexes) the file: once before timing.
	timeJS(cut)
	var smart, lossless float64
	for i := 0; b.Loop(); i++ {
		// Alternate the order, so neither pays for the other's caches.
		if i%2 == 0 {
			lossless += timeJS(cut)
			smart += timeJS(remove)
		} else {
			smart += timeJS(remove)
			lossless += timeJS(cut)
		}
	}
	b.ReportMetric(lossless/float64(b.N), "lossless-ms")
	b.ReportMetric(smart/float64(b.N), "smart-ms")
	b.ReportMetric(smart/lossless, "smart/lossless")
}
