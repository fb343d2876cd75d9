package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codecs"
)

// browserPIDs returns the browser of ctx's own process and its
// descendants (from /proc: each process's parent).
func browserPIDs(ctx context.Context) []int {
	c := chromedp.FromContext(ctx)
	if c == nil || c.Browser == nil || c.Browser.Process() == nil {
		return nil
	}
	root := c.Browser.Process().Pid
	parent := map[int]int{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		st, err := os.ReadFile(filepath.Join(d, "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces; split after ')'.
		s := string(st)
		i := strings.LastIndexByte(s, ')')
		f := strings.Fields(s[i+1:])
		pid, _ := strconv.Atoi(filepath.Base(d))
		if len(f) > 1 {
			parent[pid], _ = strconv.Atoi(f[1])
		}
	}
	var pids []int
	for pid := range parent {
		p := pid
		for p != root && p > 1 {
			p = parent[p]
		}
		if p == root {
			pids = append(pids, pid)
		}
	}
	return pids
}

// processRSS returns the resident memory of the renderer processes of the
// browser of ctx and of all its processes (each process's VmRSS, the
// browser's own process and its descendants).
func processRSS(ctx context.Context) (renderers, all int64) {
	for _, pid := range browserPIDs(ctx) {
		rss := vmRSS(pid)
		all += rss
		if cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil && strings.Contains(string(cmd), "--type=renderer") {
			renderers += rss
		}
	}
	return renderers, all
}

func vmRSS(pid int) int64 {
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(st), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// peakRSS samples processRSS every 50 ms until stop is called, which
// returns the peaks.
func peakRSS(ctx context.Context) (stop func() (renderers, all int64)) {
	var mu sync.Mutex
	var pr, pa int64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			r, a := processRSS(ctx)
			mu.Lock()
			pr, pa = max(pr, r), max(pa, a)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return func() (int64, int64) {
		close(done)
		<-finished
		mu.Lock()
		defer mu.Unlock()
		return pr, pa
	}
}

// zipEntries reads a ZIP archive: entry names in order and their bytes.
func zipEntries(t testing.TB, path string) ([]string, map[string][]byte) {
	t.Helper()
	r, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer r.Close()
	var names []string
	data := map[string][]byte{}
	for _, f := range r.File {
		if f.Method != zip.Store {
			t.Errorf("%s: %s is compressed (method %d)", path, f.Name, f.Method)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc) // checks the CRC-32
		if err != nil {
			t.Fatalf("%s: %s: %v", path, f.Name, err)
		}
		names = append(names, f.Name)
		data[f.Name] = b
	}
	return names, data
}

// batchFiles writes 18 WAVs of the given length in seconds, a FLAC and an
// MP3 made from two of them by the reference tools, and returns their
// paths and total size.
func batchFiles(tb testing.TB, dir string, seconds int) ([]string, int64) {
	var paths []string
	for i := 0; i < 18; i++ {
		p := WriteWAV(tb, filepath.Join(dir, fmt.Sprintf("take %02d.wav", i+1)), WAVSpec{Rate: []int{44100, 48000}[i%2], Channels: 1 + i%2, Bits: 16, Frames: int64(seconds) * 44100, Seed: 20 + i})
		paths = append(paths, p)
	}
	flacPath := filepath.Join(dir, "take 19.flac")
	if out, err := exec.Command(audiotest.Tool(tb, "flac"), "-s", "-5", "-o", flacPath, paths[0]).CombinedOutput(); err != nil {
		tb.Fatalf("flac: %v\n%s", err, out)
	}
	mp3Path := filepath.Join(dir, "take 20.mp3")
	if out, err := exec.Command(audiotest.Tool(tb, "lame"), "--quiet", "-V2", paths[1], mp3Path).CombinedOutput(); err != nil {
		tb.Fatalf("lame: %v\n%s", err, out)
	}
	paths = append(paths, flacPath, mp3Path)
	var size int64
	for _, p := range paths {
		st, _ := os.Stat(p)
		size += st.Size()
	}
	return paths, size
}

const conv = `document.querySelector('[data-testid=converter] `

// openBatch opens paths on the Convert tab (one file opens in the cutter;
// files opened while the Convert tab is shown join the batch and stay).
func openBatch(tb testing.TB, ctx context.Context, paths []string) {
	SetFiles(tb, ctx, "[data-testid=file-input]", paths[0])
	WaitFor(tb, ctx, `!document.querySelector('[data-testid=tab-convert]').closest('[hidden]')`, 20*time.Second)
	click(tb, ctx, "[data-testid=tab-convert]")
	SetFiles(tb, ctx, "[data-testid=file-input]", paths[1:]...)
	WaitFor(tb, ctx, fmt.Sprintf(`document.querySelectorAll('[data-testid=conv-item]').length === %d`, len(paths)), 60*time.Second)
}

// convertBatch sets the target and converts every checked file; it returns
// the ZIP downloaded, the time from the click to the download and the
// peak growth of the renderer processes' and of all the browser's
// processes' memory.
func convertBatch(tb testing.TB, ctx context.Context, n int, format, option, value string) (dl Download, took time.Duration, renderer, all int64) {
	setSelect(tb, ctx, conv+`[data-testid=container]')`, format)
	if option != "" {
		WaitFor(tb, ctx, `!!`+conv+`[data-testid=option-`+option+`]')`, 10*time.Second)
		setSelect(tb, ctx, conv+`[data-testid=option-`+option+`]')`, value)
	}
	WaitFor(tb, ctx, conv+fmt.Sprintf(`[data-testid=export]').textContent === 'Convert %d files' && !`, n)+conv+`[data-testid=export]').disabled`, 30*time.Second)
	WaitFor(tb, ctx, conv+fmt.Sprintf(`[data-testid=result]').textContent.includes('%d files')`, n), 30*time.Second)
	// The summary of an earlier batch stays until this one starts: marked,
	// it is not taken for this batch's.
	Eval[bool](tb, ctx, `(document.querySelectorAll('[data-testid=converter] [data-testid=conv-summary]').forEach((e) => (e.dataset.earlier = '1')), true)`)
	const summary = `document.querySelector('[data-testid=converter] [data-testid=conv-summary]:not([data-earlier])')`
	r0, a0 := processRSS(ctx)
	stop := peakRSS(ctx)
	dls := CaptureDownloads(tb, ctx)
	start := time.Now()
	// A double click, as impatient users do: one batch must run.
	Eval[bool](tb, ctx, `(() => { document.querySelector('[data-testid=converter] [data-testid=export]').scrollIntoView({block: 'center'}); return true })()`)
	run(tb, ctx, chromedp.DoubleClick(chromedp.CSS("[data-testid=converter] [data-testid=export]"), chromedp.NodeVisible))
	// The batch ends with a summary line (or an error): say what each file
	// did when it is not a full success.
	WaitFor(tb, ctx, `!!(`+summary+` || document.querySelector('[data-testid=error]'))`, 600*time.Second)
	if !Eval[bool](tb, ctx, fmt.Sprintf(`(() => { const s = %s; return !!s && s.textContent === '%d of %d files converted.' })()`, summary, n, n)) {
		tb.Fatalf("the batch did not convert every file: %s", Eval[string](tb, ctx, `[...document.querySelectorAll('[data-testid=error], [data-testid=conv-summary], [data-testid=conv-status]')].map((e) => e.textContent).join(' | ')`))
	}
	dl = dls.Wait(tb, 120*time.Second)
	took = time.Since(start)
	time.Sleep(500 * time.Millisecond)
	if k := Eval[int](tb, ctx, `document.querySelectorAll('[data-testid=converter] [data-testid=conv-summary]').length`); k != 1 {
		tb.Errorf("a double click ran %d batches", k)
	}
	pr, pa := stop()
	return dl, took, pr - r0, pa - a0
}

// TestUIConvertBatch converts 20 files (WAV, FLAC and MP3 sources) to MP3
// 128 kbit/s in the Convert tab: the ZIP the page downloads holds one
// entry per file, each byte for byte the CLI's conversion of that file in
// the CLI's own ZIP. Then MP3 and FLAC → FLAC with the other files left
// out. (BenchmarkConvertBatch measures the memory on a bigger batch.)
func TestUIConvertBatch(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	paths, size := batchFiles(t, dir, 2)
	openBatch(t, ctx, paths)
	dl, took, pr, pa := convertBatch(t, ctx, 20, "mp3", "quality", "128")
	t.Logf("20 files (%.1f MB) to MP3 128k in %.1f s; renderer +%.0f MB, all browser processes +%.0f MB", float64(size)/1e6, took.Seconds(), float64(pr)/1e6, float64(pa)/1e6)
	if dl.Name != "converted.zip" {
		t.Errorf("download named %q", dl.Name)
	}
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=conv-status][data-state=done]').length === 20`, 10*time.Second)
	// A whole-file conversion has no junctions: the MP3 setting for
	// them (marked joins by the engine) is not offered here.
	if Eval[bool](t, ctx, `!!`+conv+`[data-testid=option-junctions]')`) {
		t.Errorf("the Convert tab offers the MP3 Junctions setting, which does nothing to a whole file")
	}

	want := filepath.Join(dir, "want.zip")
	runCLI(t, site, append(append([]string{"convert"}, paths...), "--format", "mp3", "--option", "quality=128", "-o", want)...)
	gotNames, got := zipEntries(t, dl.Path)
	wantNames, wantData := zipEntries(t, want)
	if fmt.Sprint(gotNames) != fmt.Sprint(wantNames) || len(gotNames) != 20 {
		t.Fatalf("entries %q, want %q", gotNames, wantNames)
	}
	for _, n := range wantNames {
		if !bytes.Equal(got[n], wantData[n]) {
			t.Errorf("%s: %d bytes from the browser, %d from the CLI", n, len(got[n]), len(wantData[n]))
		}
	}

	// To FLAC, with 18 files left out.
	Eval[bool](t, ctx, `(() => { const boxes = [...document.querySelectorAll('[data-testid=conv-item] input[type=checkbox]')]; boxes.forEach((b, i) => { if (b.checked !== (i >= 18)) b.click(); }); return true })()`)
	dl, _, _, _ = convertBatch(t, ctx, 2, "flac", "", "")
	names, data := zipEntries(t, dl.Path)
	if fmt.Sprint(names) != "[take 19.flac take 20.flac]" {
		t.Fatalf("FLAC batch entries %q", names)
	}
	for _, p := range paths[18:] {
		n := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p)) + ".flac"
		one := filepath.Join(dir, "one-"+n)
		runCLI(t, site, "convert", p, "--format", "flac", "-o", one)
		if b, _ := os.ReadFile(one); !bytes.Equal(b, data[n]) {
			t.Errorf("%s → FLAC: %d bytes from the browser, %d from the CLI", filepath.Base(p), len(data[n]), len(b))
		}
	}
	if s := Eval[string](t, ctx, `document.querySelector('[data-testid=conv-summary]').textContent`); s != "2 of 2 files converted." {
		t.Errorf("summary %q", s)
	}
	reqs.AssertNoUpload(t, site)
}

// BenchmarkConvertBatch converts 20 one-minute files (about 190 MB of
// WAV, FLAC and MP3) to MP3 128 kbit/s in the Convert tab and reports the
// time from the click to the ZIP and the peak growth of the renderer's
// memory (RSS of its processes) and of all the browser's processes.
func BenchmarkConvertBatch(b *testing.B) {
	site := StartSite(b)
	dir := b.TempDir()
	paths, size := batchFiles(b, dir, 60)
	for i := 0; i < b.N; i++ {
		ctx := NewBrowser(b)
		site.Open(b, ctx, "/")
		WaitFor(b, ctx, `document.documentElement.classList.contains('ready')`, 30*time.Second)
		openBatch(b, ctx, paths)
		_, took, pr, pa := convertBatch(b, ctx, 20, "mp3", "quality", "128")
		b.ReportMetric(took.Seconds(), "s/batch")
		b.ReportMetric(float64(pr)/(1<<20), "renderer-MiB")
		b.ReportMetric(float64(pa)/(1<<20), "browser-MiB")
		b.ReportMetric(float64(size)/(1<<20), "input-MiB")
	}
}

// TestUITagsAndCover sets tags and a cover in the cutter's export panel:
// the FLAC and MP3 outputs carry them (read back by the engine's readers)
// and equal the CLI's render of the same document.
func TestUITagsAndCover(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	wav := WriteWAV(t, filepath.Join(dir, "voice.wav"), WAVSpec{Rate: 44100, Channels: 1, Bits: 16, Frames: 44100, Seed: 31})
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 13)
	}
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, img); err != nil {
		t.Fatal(err)
	}
	cover := filepath.Join(dir, "cover.png")
	if err := os.WriteFile(cover, pngBuf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === 'voice.wav'`, 20*time.Second)
	waitResult(t, ctx, "cutter", "44100")
	cut := `document.querySelector('[data-testid=cutter] `
	for _, format := range []string{"flac", "mp3"} {
		setSelect(t, ctx, cut+`[data-testid=container]')`, format)
		WaitFor(t, ctx, `!`+cut+`[data-testid=tags]').hidden`, 10*time.Second)
		if format == "flac" {
			Eval[bool](t, ctx, `(() => { document.querySelector('[data-testid=cutter] [data-testid=tags]').open = true; return true })()`)
			typeInto(t, ctx, "[data-testid=cutter] [data-testid=tag-title]", "Morning notes")
			typeInto(t, ctx, "[data-testid=cutter] [data-testid=tag-artist]", "Ana Ruiz")
			typeInto(t, ctx, "[data-testid=cutter] [data-testid=tag-year]", "2026")
			SetFiles(t, ctx, "[data-testid=cutter] [data-testid=cover-input]", cover)
			WaitFor(t, ctx, cut+`[data-testid=cover-text]').textContent.startsWith('cover.png')`, 10*time.Second)
		}
		WaitFor(t, ctx, cut+`[data-testid=file-name]').value.endsWith('.`+format+`')`, 20*time.Second)
		dls := CaptureDownloads(t, ctx)
		click(t, ctx, "[data-testid=cutter] [data-testid=export]")
		dl := dls.Wait(t, 60*time.Second)
		want := renderDoc(t, site, dir, "want-tags-"+format, map[string]any{
			"version": 1,
			"sources": []map[string]any{{"name": "voice.wav"}},
			"clips":   []map[string]any{{"source": 0, "in": 0, "out": 44100}},
			"output": map[string]any{"container": format, "tags": map[string]any{
				"title": "Morning notes", "artist": "Ana Ruiz", "year": "2026",
				"cover": map[string]any{"mime": "image/png", "data": base64.StdEncoding.EncodeToString(pngBuf.Bytes())},
			}},
		})
		sameFile(t, dl.Path, want)
		b, _ := os.ReadFile(dl.Path)
		d, err := codecs.Open(audio.NewBytesSource(b))
		if err != nil {
			t.Fatal(err)
		}
		info := d.Info()
		if info.Tags["title"] != "Morning notes" || info.Tags["artist"] != "Ana Ruiz" || len(info.Pictures) != 1 || !bytes.Equal(info.Pictures[0].Data, pngBuf.Bytes()) {
			t.Errorf("%s: tags %q, %d pictures", format, info.Tags, len(info.Pictures))
		}
	}
	reqs.AssertNoUpload(t, site)
}

// TestUIConvertToOpus converts an AAC .m4a (decoded by the browser's
// WebCodecs) and a WAV to Opus 96 kbit/s in the Convert tab: both entries
// decode cleanly with ffmpeg to the exact length at 48 kHz, and the WAV's
// equals the CLI's conversion byte for byte.
func TestUIConvertToOpus(t *testing.T) {
	ffmpeg := audiotest.Tool(t, "ffmpeg")
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	m4a := filepath.Join(dir, "tone.m4a")
	if out, err := exec.Command(ffmpeg, "-v", "error", "-f", "lavfi", "-i", "sine=f=440:r=44100:d=2", "-ac", "2", "-c:a", "aac", m4a).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	wav := WriteWAV(t, filepath.Join(dir, "voice.wav"), WAVSpec{Rate: 48000, Channels: 1, Bits: 16, Frames: 3 * 48000, Seed: 41})
	openBatch(t, ctx, []string{m4a, wav})
	dl, _, _, _ := convertBatch(t, ctx, 2, "opus", "bitrate", "96")
	names, data := zipEntries(t, dl.Path)
	if fmt.Sprint(names) != "[tone.opus voice.opus]" {
		t.Fatalf("entries %q", names)
	}
	for n, frames := range map[string]int{"tone.opus": 96000, "voice.opus": 3 * 48000} {
		p := filepath.Join(dir, "got-"+n)
		if err := os.WriteFile(p, data[n], 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(ffmpeg, "-v", "error", "-i", p, "-f", "f32le", "-ar", "48000", "-").Output()
		if err != nil {
			t.Fatalf("ffmpeg decoding %s: %v", n, err)
		}
		ch := map[string]int{"tone.opus": 2, "voice.opus": 1}[n]
		if got := len(out) / 4 / ch; got != frames {
			t.Errorf("%s decodes to %d frames, want %d", n, got, frames)
		}
	}
	one := filepath.Join(dir, "one.opus")
	runCLI(t, site, "convert", wav, "--format", "opus", "--option", "bitrate=96", "-o", one)
	if b, _ := os.ReadFile(one); !bytes.Equal(b, data["voice.opus"]) {
		t.Errorf("WAV → Opus: %d bytes from the browser, %d from the CLI", len(data["voice.opus"]), len(b))
	}
	reqs.AssertNoUpload(t, site)
}

// TestUIConvertToM4A converts two WAVs to M4A (AAC-LC 96 kbit/s, faac) in
// the Convert tab: each entry equals the CLI's conversion byte for byte,
// ffmpeg decodes it without complaint, and its container holds the exact
// length (ffprobe's duration_ts; the edit list drops the encoder's delay).
func TestUIConvertToM4A(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	song := WriteWAV(t, filepath.Join(dir, "song.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 4 * 44100, Seed: 43})
	voice := WriteWAV(t, filepath.Join(dir, "voice.wav"), WAVSpec{Rate: 22050, Channels: 1, Bits: 16, Frames: 3 * 22050, Seed: 44})
	openBatch(t, ctx, []string{song, voice})
	dl, _, _, _ := convertBatch(t, ctx, 2, "mp4", "bitrate", "96")
	names, data := zipEntries(t, dl.Path)
	if fmt.Sprint(names) != "[song.m4a voice.m4a]" {
		t.Fatalf("entries %q", names)
	}
	for _, c := range []struct {
		name, src string
		frames    int
	}{{"song.m4a", song, 4 * 44100}, {"voice.m4a", voice, 3 * 22050}} {
		got := filepath.Join(dir, "got-"+c.name)
		if err := os.WriteFile(got, data[c.name], 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(audiotest.Tool(t, "ffmpeg"), "-v", "error", "-i", got, "-f", "null", "-").CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("%s: ffmpeg: %v\n%s", c.name, err, out)
		}
		out, err := exec.Command(audiotest.Tool(t, "ffprobe"), "-v", "error", "-show_entries", "stream=codec_name,duration_ts", "-of", "csv=p=0", got).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != fmt.Sprintf("aac,%d", c.frames) {
			t.Errorf("%s: ffprobe: %v: %s", c.name, err, out)
		}
		one := filepath.Join(dir, "cli-"+c.name)
		runCLI(t, site, "convert", c.src, "--format", "mp4", "--option", "bitrate=96", "-o", one)
		if b, _ := os.ReadFile(one); !bytes.Equal(b, data[c.name]) {
			t.Errorf("%s: %d bytes from the browser, %d from the CLI", c.name, len(data[c.name]), len(b))
		}
	}
	reqs.AssertNoUpload(t, site)
}

// TestUIRingtoneFits: the ringtone preset on a 50-s song says that an M4R
// holds 40 seconds (the engine's too_long, not a generic "edit does not
// fit") and offers to select 40 s. With a selection from 30 s and the
// whole result chosen, the offer selects the last 40 s (from 10 s: moved
// back to fit) and exports only it: the CLI's bytes for the same 40 s,
// which ffprobe reads as AAC of exactly that length.
func TestUIRingtoneFits(t *testing.T) {
	site, ctx, reqs := openApp(t)
	dir := t.TempDir()
	const rate = 44100
	wav := WriteWAV(t, filepath.Join(dir, "song.wav"), WAVSpec{Rate: rate, Channels: 2, Bits: 16, Frames: 50 * rate, Seed: 51})
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent === 'song.wav'`, 20*time.Second)
	waitResult(t, ctx, "cutter", fmt.Sprint(50*rate))
	typeInto(t, ctx, "[data-testid=cutter] [data-testid=sel-start]", "30")
	waitResult(t, ctx, "cutter", fmt.Sprint(20*rate))
	click(t, ctx, "[data-testid=cutter] [data-testid=scope-all]")
	waitResult(t, ctx, "cutter", fmt.Sprint(50*rate))
	setSelect(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=preset]')`, "ringtone")
	WaitFor(t, ctx, `!!document.querySelector('[data-testid=cutter] [data-testid=fit-length]')`, 20*time.Second)
	if msg := Eval[string](t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=result]').textContent`); !strings.Contains(msg, "M4R (iPhone ringtone) holds at most 40 seconds, and this is 0:50.000 long.") {
		t.Errorf("the result says %q", msg)
	}
	click(t, ctx, "[data-testid=cutter] [data-testid=fit-length]")
	waitResult(t, ctx, "cutter", fmt.Sprint(40*rate))
	if v := Eval[string](t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=sel-start]').value`); v != "0:10.000" {
		t.Errorf("the selection starts at %q, want 0:10.000 (the last 40 s)", v)
	}
	if v := Eval[string](t, ctx, `document.activeElement.dataset.testid || document.activeElement.tagName`); v != "scope-selection" {
		t.Errorf("after the offer the focus is on %q, want the selection's scope", v)
	}
	WaitFor(t, ctx, `document.querySelector('[data-testid=cutter] [data-testid=file-name]').value.endsWith('.m4r')`, 20*time.Second)
	dls := CaptureDownloads(t, ctx)
	click(t, ctx, "[data-testid=cutter] [data-testid=export]")
	dl := dls.Wait(t, 60*time.Second)
	want := renderDoc(t, site, dir, "want-ringtone", map[string]any{
		"version": 1,
		"sources": []map[string]any{{"name": "song.wav"}},
		"clips":   []map[string]any{{"source": 0, "in": 10 * rate, "out": 50 * rate}},
		"output":  map[string]any{"container": "m4r", "options": map[string]any{"bitrate": "128"}},
	})
	sameFile(t, dl.Path, want)
	out, err := exec.Command(audiotest.Tool(t, "ffprobe"), "-v", "error", "-show_entries", "stream=codec_name,duration_ts", "-of", "csv=p=0", dl.Path).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != fmt.Sprintf("aac,%d", 40*rate) {
		t.Errorf("ffprobe: %v: %s", err, out)
	}
	reqs.AssertNoUpload(t, site)
}
