// Package e2e drives the built Offcut app in real headless Chromium.
//
// The harness (this file) is shared by every test in the package:
//
//   - StartSite builds the app once per test binary (go run ./build into a
//     temporary dist), adds the test pages under /e2e/, and starts the real
//     server (go build ./server, run on 127.0.0.1 with a free port);
//   - NewBrowser launches a fresh headless Chromium (its own profile
//     directory) and returns a chromedp context for one tab;
//   - OpenAPIPage opens /e2e/api.html, a page that imports /offcut.js and
//     has an <input type=file id=files multiple>;
//   - Eval / EvalErr run JavaScript in the page (awaiting promises);
//   - SetFiles puts files on an <input type=file>;
//   - WriteWAV, WriteSparseWAV make test inputs;
//   - CaptureDownloads, RecordRequests watch what the page downloads and
//     sends.
//
// Only this file may define TestMain. Tests skip when Chromium is missing;
// the 2 GB test skips under -short.
package e2e

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net/url"
	"offcut/audio"
	"offcut/audio/audiotest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is the browser the tests drive; OFFCUT_CHROMIUM overrides it.
var ChromiumPath = "/usr/bin/chromium"

// Site is the built app served by the real server.
type Site struct {
	// URL is the server's base URL, without a trailing slash
	// (http://127.0.0.1:PORT).
	URL string
	// Dist is the built app the server serves.
	Dist string
	// Root is the repository root.
	Root string
}

var (
	siteOnce sync.Once
	theSite  *Site
	siteErr  error
	siteTmp  string
	server   *exec.Cmd
	serverWG sync.WaitGroup
)

// TestMain stops the shared server and removes the shared build after the
// tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if server != nil && server.Process != nil {
		server.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { serverWG.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			server.Process.Kill()
		}
	}
	if siteTmp != "" {
		os.RemoveAll(siteTmp)
	}
	os.Exit(code)
}

// repoRoot finds the directory holding go.mod above the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// StartSite returns the shared site, building the app and starting the
// server on first use. It skips the test when Chromium is missing (nothing
// could use the site) and fails it when the build or the server fails.
func StartSite(t testing.TB) *Site {
	t.Helper()
	requireChromium(t)
	siteOnce.Do(func() { theSite, siteErr = startSite() })
	if siteErr != nil {
		t.Fatalf("starting the site: %v", siteErr)
	}
	return theSite
}

func startSite() (*Site, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	siteTmp, err = os.MkdirTemp("", "offcut-e2e-*")
	if err != nil {
		return nil, err
	}
	dist := filepath.Join(siteTmp, "dist")
	build := exec.Command("go", "run", "./build", "-www", "www", "-wasm", "./wasm", "-out", dist)
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go run ./build: %v\n%s", err, out)
	}
	if err := writeTestPages(dist); err != nil {
		return nil, err
	}
	bin := filepath.Join(siteTmp, "offcut-server")
	gb := exec.Command("go", "build", "-o", bin, "./server")
	gb.Dir = root
	if out, err := gb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build ./server: %v\n%s", err, out)
	}
	server = exec.Command(bin, "-addr", "127.0.0.1:0", "-dist", dist, "-data", filepath.Join(siteTmp, "data"))
	server.Dir = root
	stdout, err := server.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var logs strings.Builder
	var logsMu sync.Mutex
	stderr, err := server.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := server.Start(); err != nil {
		return nil, fmt.Errorf("starting the server: %w", err)
	}
	serverWG.Add(2)
	go func() {
		defer serverWG.Done()
		s := bufio.NewScanner(stderr)
		for s.Scan() {
			logsMu.Lock()
			if logs.Len() < 1<<16 {
				logs.WriteString(s.Text() + "\n")
			}
			logsMu.Unlock()
		}
	}()
	urls := make(chan string, 1)
	go func() {
		defer serverWG.Done()
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			if i := strings.Index(s.Text(), "http://"); i >= 0 {
				select {
				case urls <- strings.TrimRight(strings.Fields(s.Text()[i:])[0], "/"):
				default:
				}
			}
		}
		close(urls)
	}()
	select {
	case u, ok := <-urls:
		if !ok {
			server.Wait()
			logsMu.Lock()
			defer logsMu.Unlock()
			return nil, fmt.Errorf("the server exited before printing its URL:\n%s", logs.String())
		}
		return &Site{URL: u, Dist: dist, Root: root}, nil
	case <-time.After(30 * time.Second):
		return nil, errors.New("the server printed no URL within 30s")
	}
}

// apiPage is /e2e/api.html: /offcut.js on window.Offcut, one Offcut
// loaded on window.oc, a file input #files, and helpers on window.e2e.
const apiPage = `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Offcut API test page</title>
<input type="file" id="files" multiple>
<script type="module" src="/e2e/api.js"></script>
</html>
`

const apiScript = `import { Offcut } from '/offcut.js';
window.Offcut = Offcut;
const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
window.e2e = {
  files: () => Array.from(document.getElementById('files').files),
  sha256: async (blob) => hex(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())),
  base64: async (blob) => { const b = new Uint8Array(await blob.arrayBuffer()); let s = ''; for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000)); return btoa(s); },
  hex: async (blob, a, b) => hex(await blob.slice(a, b).arrayBuffer()),
  error: (e) => ({ name: e && e.name, message: String(e && e.message), code: String(e && e.code), detail: String(e && e.detail) }),
};
window.oc = await Offcut.load();
document.documentElement.dataset.ready = '1';
`

func writeTestPages(dist string) error {
	dir := filepath.Join(dist, "e2e")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// The server refuses a dist without index.html; the UI writes the real
	// one, this stands in while it does not exist yet.
	if _, err := os.Stat(filepath.Join(dist, "index.html")); errors.Is(err, os.ErrNotExist) {
		if err := os.WriteFile(filepath.Join(dist, "index.html"), []byte("<!doctype html><title>Offcut</title>\n"), 0o644); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "api.html"), []byte(apiPage), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "api.js"), []byte(apiScript), 0o644)
}

func requireChromium(t testing.TB) {
	t.Helper()
	if p := os.Getenv("OFFCUT_CHROMIUM"); p != "" {
		ChromiumPath = p
	}
	if _, err := os.Stat(ChromiumPath); err != nil {
		audiotest.Missing(t, "chromium not found at %s (set OFFCUT_CHROMIUM): %v", ChromiumPath, err)
	}
}

// NewBrowser launches a fresh headless Chromium with its own profile
// directory and returns the context of its first tab. Console messages and
// uncaught exceptions of the page are logged to t. The browser stops when
// the test ends.
func NewBrowser(t testing.TB) context.Context {
	t.Helper()
	requireChromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	var mu sync.Mutex
	live := true
	logf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if live {
			t.Logf(format, args...)
		}
	}
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		mu.Lock()
		live = false
		mu.Unlock()
	})
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range ev.Args {
				if a.Value != nil {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			logf("console.%s: %s", ev.Type, strings.Join(parts, " "))
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			logf("page exception: %s (%s:%d)", msg, d.URL, d.LineNumber)
		}
	})
	if err != nil {
		t.Fatalf("launching chromium: %v", err)
	}
	return ctx
}

// Open navigates the tab of ctx to path on the site (e.g. "/") and waits
// for the load event.
func (s *Site) Open(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+path)); err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
}

// OpenAPIPage launches a browser on /e2e/api.html and waits until
// window.oc holds a loaded Offcut. In the page: window.Offcut (the class),
// window.oc (an instance), #files (a file input), and window.e2e with
// files() (the input's files), sha256(blob) and hex(blob, a, b) (hex
// strings) and error(e) ({name, message, code, detail}).
func (s *Site) OpenAPIPage(t testing.TB) context.Context {
	t.Helper()
	ctx := NewBrowser(t)
	s.LoadAPIPage(t, ctx)
	return ctx
}

// LoadAPIPage is OpenAPIPage in the tab of ctx (from NewBrowser), for a
// test that must set something up first, such as RecordRequests.
func (s *Site) LoadAPIPage(t testing.TB, ctx context.Context) {
	t.Helper()
	s.Open(t, ctx, "/e2e/api.html")
	WaitFor(t, ctx, `document.documentElement.dataset.ready === '1'`, 60*time.Second)
}

// WaitFor polls the JavaScript condition until it is true, failing the
// test after timeout.
func WaitFor(t testing.TB, ctx context.Context, cond string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!(`+cond+`)`))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			state, _ := EvalErr[string](ctx, pageState)
			t.Fatalf("waiting %s for %s: last error %v; the page: %s", timeout, cond, err, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// pageState sums up what a person would see, for a failed wait: the
// document's classes, the tool in view, the banners and errors shown, and
// the open files and the joiner's list.
const pageState = `(() => {
  const text = (sel) => [...document.querySelectorAll(sel)].filter((e) => e.checkVisibility()).map((e) => e.textContent.trim().replace(/\s+/g, ' ')).filter(Boolean);
  const tab = document.querySelector('[role=tab][aria-selected=true]');
  return JSON.stringify({
    classes: document.documentElement.className,
    tab: tab ? tab.textContent.trim() : null,
    errors: text('[data-testid=error]'),
    banners: text('[role=status]'),
    joinItems: text('[data-testid=join-item] .join-name'),
    library: text('[data-testid=library] li'),
  });
})()`

// Eval evaluates the JavaScript expression in the page, awaits it if it is
// a promise, and decodes its JSON value into T. An exception or rejection
// fails the test. Wrap statements in an async arrow:
//
//	info := Eval[map[string]any](t, ctx, `(async () => oc.probe(e2e.files()[0]))()`)
func Eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := EvalErr[T](ctx, expr)
	if err != nil {
		t.Fatalf("evaluating %s: %v", short(expr), err)
	}
	return v
}

// EvalErr is Eval returning the error (a page exception or rejection
// arrives as a *chromedp.ExceptionError) instead of failing the test.
func EvalErr[T any](ctx context.Context, expr string) (T, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		return s[:117] + "..."
	}
	return s
}

// SetFiles puts the files at paths on the <input type=file> matched by the
// CSS selector, as a user picking them would (the page gets File objects
// backed by the files on disk; nothing is read until the page reads). A
// change event fires.
func SetFiles(t testing.TB, ctx context.Context, selector string, paths ...string) {
	t.Helper()
	abs := make([]string, len(paths))
	for i, p := range paths {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		abs[i] = a
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(selector), abs)); err != nil {
		t.Fatalf("setting files on %s: %v", selector, err)
	}
}

// WAVSpec describes a test signal for WriteWAV.
type WAVSpec struct {
	Rate, Channels int
	// Bits is 8, 16, 24 or 32 (integer), or 32 or 64 with Float.
	Bits  int
	Float bool
	// Frames is the length; Seed varies the signal.
	Frames int64
	Seed   int
}

// WriteWAV writes a WAVE file (audiotest.WAV) of a deterministic signal —
// a sine per channel plus a little pseudo-random noise, at about -6 dBFS —
// to path and returns path.
func WriteWAV(t testing.TB, path string, s WAVSpec) string {
	t.Helper()
	samples := make([]float32, 0, int(s.Frames)*s.Channels)
	rng := 2463534242 + uint32(s.Seed)
	for i := int64(0); i < s.Frames; i++ {
		for c := 0; c < s.Channels; c++ {
			rng ^= rng << 13
			rng ^= rng >> 17
			rng ^= rng << 5
			noise := (float64(rng)/math.MaxUint32 - 0.5) * 0.02
			v := 0.5*math.Sin(2*math.Pi*float64(i)*(220+110*float64(c+s.Seed))/float64(s.Rate)) + noise
			samples = append(samples, float32(v))
		}
	}
	f := audio.Format{Rate: s.Rate, Channels: s.Channels, Bits: s.Bits, Float: s.Float}
	return audiotest.WriteWAV(t, path, f, samples)
}

// wavHeader is a 44-byte canonical header for dataSize bytes of samples,
// for WriteSparseWAV: audiotest.WAV writes the samples too, and a sparse
// file's are a hole of up to 4 GiB.
func wavHeader(rate, channels, bits int, float bool, dataSize int64) []byte {
	code := uint16(1)
	if float {
		code = 3
	}
	h := []byte("RIFF")
	h = binary.LittleEndian.AppendUint32(h, uint32(36+dataSize))
	h = append(h, "WAVEfmt "...)
	h = binary.LittleEndian.AppendUint32(h, 16)
	h = binary.LittleEndian.AppendUint16(h, code)
	h = binary.LittleEndian.AppendUint16(h, uint16(channels))
	h = binary.LittleEndian.AppendUint32(h, uint32(rate))
	h = binary.LittleEndian.AppendUint32(h, uint32(rate*channels*bits/8))
	h = binary.LittleEndian.AppendUint16(h, uint16(channels*bits/8))
	h = binary.LittleEndian.AppendUint16(h, uint16(bits))
	h = append(h, "data"...)
	return binary.LittleEndian.AppendUint32(h, uint32(dataSize))
}

// WriteSparseWAV writes a WAVE file of size bytes (at most 4 GiB - 1) in
// an instant: a canonical 44-byte header followed by digital silence made
// by extending the file with os.File.Truncate, which on Linux file systems
// leaves a hole that takes no disk space and reads as zeros. It returns
// the file's frame count.
func WriteSparseWAV(t testing.TB, path string, size int64, rate, channels, bits int) int64 {
	t.Helper()
	bpf := int64(channels * bits / 8)
	data := (size - 44) / bpf * bpf
	if size > math.MaxUint32 || data <= 0 {
		t.Fatalf("WriteSparseWAV: %d bytes does not fit a RIFF WAVE file", size)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(wavHeader(rate, channels, bits, false, data)); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(44 + data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return data / bpf
}

// Download is a file the page downloaded.
type Download struct {
	// Name is the file name the page suggested (a.download).
	Name string
	// Path is where Chromium saved it.
	Path string
}

// Downloads collects the downloads of a browser. See CaptureDownloads.
type Downloads struct {
	dir  string
	mu   sync.Mutex
	name map[string]string // guid -> suggested name
	done chan Download
}

// CaptureDownloads makes the browser of ctx save downloads into a
// temporary directory and report them. Call it before the action that
// downloads, then Wait.
func CaptureDownloads(t testing.TB, ctx context.Context) *Downloads {
	t.Helper()
	d := &Downloads{dir: t.TempDir(), name: map[string]string{}, done: make(chan Download, 16)}
	err := chromedp.ListenBrowser(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *browser.EventDownloadWillBegin:
			d.mu.Lock()
			d.name[ev.GUID] = ev.SuggestedFilename
			d.mu.Unlock()
		case *browser.EventDownloadProgress:
			if ev.State == browser.DownloadProgressStateCompleted {
				d.mu.Lock()
				n := d.name[ev.GUID]
				d.mu.Unlock()
				select {
				case d.done <- Download{Name: n, Path: filepath.Join(d.dir, ev.GUID)}:
				default:
				}
			}
		}
	})
	if err != nil {
		t.Fatalf("listening for downloads: %v", err)
	}
	_, err = chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior:      browser.SetDownloadBehaviorBehaviorAllowAndName,
		DownloadPath:  d.dir,
		EventsEnabled: ptr(true),
	})
	if err != nil {
		t.Fatalf("setting the download behaviour: %v", err)
	}
	return d
}

// Wait returns the next completed download, failing the test after
// timeout.
func (d *Downloads) Wait(t testing.TB, timeout time.Duration) Download {
	t.Helper()
	select {
	case dl := <-d.done:
		return dl
	case <-time.After(timeout):
		t.Fatalf("no download completed within %s", timeout)
		return Download{}
	}
}

func ptr[T any](v T) *T { return &v }

// Request is one network request the page (or its workers) made.
type Request struct {
	Method, URL string
	// Type is the resource type (Document, Script, Fetch, Other...).
	Type string
	// HasPostData is true when the request carried a body.
	HasPostData bool
}

// Requests records every request of a tab. See RecordRequests.
type Requests struct {
	mu   sync.Mutex
	list []Request
}

// RecordRequests starts recording the requests of the tab of ctx (its
// workers' requests included: Chromium reports them on the page). Call it
// before navigating.
func RecordRequests(t testing.TB, ctx context.Context) *Requests {
	t.Helper()
	r := &Requests{}
	err := chromedp.Listen(ctx, func(ev any) {
		if ev, ok := ev.(*network.EventRequestWillBeSent); ok && ev.Request != nil {
			r.mu.Lock()
			r.list = append(r.list, Request{Method: ev.Request.Method, URL: ev.Request.URL, Type: string(ev.Type), HasPostData: ev.Request.HasPostData})
			r.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("recording requests: %v", err)
	}
	return r
}

// All returns the requests so far.
func (r *Requests) All() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.list...)
}

// AssertNoUpload fails the test if any request so far could have carried
// the user's audio: every request must be a GET or HEAD without a body, to
// the site's own origin (or a blob:/data: URL, which never leaves the
// browser).
func (r *Requests) AssertNoUpload(t testing.TB, s *Site) {
	t.Helper()
	origin, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	all := r.All()
	if len(all) == 0 {
		t.Errorf("no requests were recorded; is RecordRequests called before navigating?")
	}
	for _, q := range all {
		u, err := url.Parse(q.URL)
		if err != nil {
			t.Errorf("request to unparseable URL %q", q.URL)
			continue
		}
		if u.Scheme == "blob" || u.Scheme == "data" {
			continue
		}
		if u.Host != origin.Host || u.Scheme != origin.Scheme {
			t.Errorf("request left the site: %s %s", q.Method, q.URL)
		}
		if (q.Method != "GET" && q.Method != "HEAD") || q.HasPostData {
			t.Errorf("request carries a body: %s %s (post data %v)", q.Method, q.URL, q.HasPostData)
		}
	}
}
