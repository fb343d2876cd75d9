package e2e

// End-to-end tests of Offcut as an installable, offline-first app
// (www/sw.js, www/js/pwa.js, www/js/persist.js, www/manifest.webmanifest)
// in real headless Chromium.
//
// These tests stop and restart the server, and serve different builds, so
// each one runs a server of its own (pwaServer) instead of the shared
// one; a restarted server keeps its port, so the origin, and with it the
// browser's service worker, stays the same.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/png"
	"net"
	"offcut/audio/codecs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/pwa"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// pwaShotsDir receives the screenshots, for people to look at.
const pwaShotsDir = "/tmp/offcut-shots"

// ---- builds and servers of their own ------------------------------------

// pwaBinaries builds the server and the native CLI for the test and
// returns the directory holding offcut-server and offcut (removed when
// the test ends; the go build cache makes this quick).
func pwaBinaries(t testing.TB, root string) string {
	t.Helper()
	dir := t.TempDir()
	for _, b := range [][2]string{{"offcut-server", "./server"}, {"offcut", "./cmd/offcut"}} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, b[0]), b[1])
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b[1], err, out)
		}
	}
	return dir
}

// pwaDist builds the app from a copy of www/ into a dist of its own
// (removed when the test ends): variant "" is the app as it is; any other
// variant appends a CSS rule naming it to css/pwa.css, which changes that
// asset's hash, the precache list and so the build version — a new
// release.
func pwaDist(t testing.TB, root, variant string) string {
	t.Helper()
	dir := t.TempDir()
	www := filepath.Join(dir, "www")
	if out, err := exec.Command("cp", "-r", filepath.Join(root, "www"), www).CombinedOutput(); err != nil {
		t.Fatalf("copying www: %v\n%s", err, out)
	}
	if variant != "" {
		f, err := os.OpenFile(filepath.Join(www, "css", "pwa.css"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(f, "\n/* release %s */\n.pwa-release-%s { order: 1; }\n", variant, variant)
		f.Close()
	}
	dist := filepath.Join(dir, "dist")
	cmd := exec.Command("go", "run", "./build", "-www", www, "-wasm", "./wasm", "-out", dist, "-br-quality", "1")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./build: %v\n%s", err, out)
	}
	return dist
}

// pwaServer is a server the test controls: it can stop it (the network
// is gone) and start it again, with another build, on the same address.
type pwaServer struct {
	URL  string
	Root string
	Bins string // offcut-server and offcut
	addr string
	cmd  *exec.Cmd
	logs *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for the server's writes and the
// test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// newPWAServer starts a server of its own serving the build variant (see
// pwaDist) on a free port; it stops when the test ends.
func newPWAServer(t *testing.T, variant string) *pwaServer {
	t.Helper()
	requireChromium(t)
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bins := pwaBinaries(t, root)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &pwaServer{URL: "http://" + addr, Root: root, Bins: bins, addr: addr}
	s.Start(t, variant)
	t.Cleanup(s.Stop)
	return s
}

// Start serves the build variant; the server must be stopped.
func (s *pwaServer) Start(t testing.TB, variant string) {
	t.Helper()
	dist := pwaDist(t, s.Root, variant)
	s.logs = &syncBuffer{}
	s.cmd = exec.Command(filepath.Join(s.Bins, "offcut-server"), "-addr", s.addr, "-dist", dist)
	s.cmd.Stderr = s.logs
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	up := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "http://") {
				select {
				case up <- true:
				default:
				}
			}
		}
		close(up)
	}()
	select {
	case ok := <-up:
		if !ok {
			s.cmd.Wait()
			t.Fatalf("the server exited: %s", s.logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server printed no URL within 30s")
	}
}

// Stop stops the server (the app's origin is then unreachable).
func (s *pwaServer) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
	s.cmd = nil
}

// ---- browser helpers -----------------------------------------------------

// networkConditions is the deprecated Network.emulateNetworkConditions,
// the fallback where the by-rule form is missing.
type networkConditions struct {
	Offline            bool    `json:"offline"`
	Latency            float64 `json:"latency"`
	DownloadThroughput float64 `json:"downloadThroughput"`
	UploadThroughput   float64 `json:"uploadThroughput"`
}

var emulateNetworkConditions = cdp.Command[networkConditions, cdp.Empty]{Method: "Network.emulateNetworkConditions"}

// goOffline cuts the tab of ctx off the network (CDP network emulation:
// every request of the page fails, navigator.onLine is false).
func goOffline(t testing.TB, ctx context.Context) {
	t.Helper()
	_, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}},
	})
	if err != nil {
		if _, err2 := chromedp.Call(ctx, emulateNetworkConditions, networkConditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}); err2 != nil {
			t.Fatalf("emulating offline: %v; %v", err, err2)
		}
		return
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Logf("overriding navigator.onLine: %v", err)
	}
}

func pwaRun(t testing.TB, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

func pwaClick(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	pwaRun(t, ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// pwaType replaces an input's text and presses Enter, as a person would.
func pwaType(t testing.TB, ctx context.Context, sel, text string) {
	t.Helper()
	pwaRun(t, ctx, chromedp.Focus(chromedp.CSS(sel)))
	Eval[bool](t, ctx, fmt.Sprintf(`(document.querySelector(%q).select(), true)`, sel))
	pwaRun(t, ctx, chromedp.SendKeys(chromedp.CSS(sel), text+kb.Enter))
}

// swVersion asks the worker controlling the page for its build version.
const swVersion = `new Promise((resolve) => {
  const c = navigator.serviceWorker.controller;
  if (!c) return resolve('');
  const ch = new MessageChannel();
  ch.port1.onmessage = (e) => resolve(e.data.version);
  c.postMessage({type: 'version'}, [ch.port2]);
  setTimeout(() => resolve('timeout'), 3000);
})`

// cachedURLs lists the cache names and the paths each one holds.
const cachedURLs = `(async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const c = await caches.open(name);
    out[name] = (await c.keys()).map((r) => new URL(r.url).pathname);
  }
  return out;
})()`

// openFirstTime opens the app in a fresh browser and waits until the
// service worker controls the page and the app says it works offline.
func openFirstTime(t *testing.T, s *pwaServer) context.Context {
	t.Helper()
	ctx := NewBrowser(t)
	pwaRun(t, ctx, chromedp.Navigate(s.URL+"/"))
	WaitFor(t, ctx, `document.documentElement.classList.contains('ready')`, 30*time.Second)
	WaitFor(t, ctx, `navigator.serviceWorker.controller !== null`, 30*time.Second)
	WaitFor(t, ctx, `(document.querySelector('[data-testid=pwa-offline]') || {}).textContent === 'Ready to work offline.'`, 30*time.Second)
	return ctx
}

// cutInApp opens wav in the cutter, keeps 0.5 s to 2.25 s and exports;
// it returns the downloaded file.
func cutInApp(t *testing.T, ctx context.Context, wav string) Download {
	t.Helper()
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, fmt.Sprintf(`(document.querySelector('[data-testid=cutter-title]') || {}).textContent === %q`, filepath.Base(wav)), 30*time.Second)
	pwaType(t, ctx, "[data-testid=sel-start]", "0.5")
	pwaType(t, ctx, "[data-testid=sel-end]", "2.25")
	pwaClick(t, ctx, "[data-testid=keep]")
	WaitFor(t, ctx, `(document.querySelector('[data-testid=cutter] [data-testid=result-duration][data-source=engine]') || {dataset: {}}).dataset.frames === '77175'`, 30*time.Second)
	dls := CaptureDownloads(t, ctx)
	pwaClick(t, ctx, "[data-testid=cutter] [data-testid=export]")
	return dls.Wait(t, 60*time.Second)
}

// nativeCut is the engine's own cut of the same range (offcut cut).
func nativeCut(t *testing.T, s *pwaServer, wav string) []byte {
	t.Helper()
	want := filepath.Join(t.TempDir(), "want.wav")
	cmd := exec.Command(filepath.Join(s.Bins, "offcut"), "cut", wav, "--from", "0.5", "--to", "2.25", "-o", want)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("offcut cut: %v\n%s", err, out)
	}
	b, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ---- the tests -----------------------------------------------------------

// TestPWAOffline: a first visit installs the service worker, which
// precaches the whole app (the wasm engine included) and says so once.
// Then the server stops and the tab goes offline; a reload still brings
// the app up, from the cache, and a WAV is cut and exported exactly as
// the native engine cuts it.
func TestPWAOffline(t *testing.T) {
	s := newPWASite(t)
	ctx := openFirstTime(t, s)

	caches := Eval[map[string][]string](t, ctx, cachedURLs)
	version := Eval[string](t, ctx, swVersion)
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(version) {
		t.Fatalf("service worker version %q: want 12 hex digits", version)
	}
	static := caches["offcut-static-"+version]
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`^/offcut\.[0-9a-f]{10}\.wasm$`),
		regexp.MustCompile(`^/wasm_exec\.[0-9a-f]{10}\.js$`),
		regexp.MustCompile(`^/index\.html$`),
		regexp.MustCompile(`^/offcut\.js$`),
		regexp.MustCompile(`^/manifest\.webmanifest$`),
		regexp.MustCompile(`^/js/pwa\.[0-9a-f]{10}\.js$`),
		regexp.MustCompile(`^/icons/app-icon-maskable-512\.[0-9a-f]{10}\.png$`),
	} {
		if !slices.ContainsFunc(static, want.MatchString) {
			t.Errorf("the precache holds no %s; caches: %v", want, caches)
		}
	}
	if slices.Contains(static, "/sw.js") {
		t.Errorf("the precache holds sw.js itself")
	}
	// "Ready to work offline" is said once, not on every visit.
	pwaRun(t, ctx, chromedp.Reload())
	WaitFor(t, ctx, `document.documentElement.classList.contains('ready')`, 30*time.Second)
	time.Sleep(time.Second)
	if n := Eval[int](t, ctx, `document.querySelectorAll('[data-testid=pwa-offline]').length`); n != 0 {
		t.Errorf("'Ready to work offline' shown again on the second visit")
	}

	// /api/ is the network's: the worker neither answers nor caches it.
	Eval[int](t, ctx, `fetch('/api/whatever').then((r) => r.status)`)
	if n := Eval[int](t, ctx, `caches.keys().then(async (names) => { let n = 0; for (const c of names) n += (await (await caches.open(c)).keys()).filter((r) => new URL(r.url).pathname.startsWith('/api/')).length; return n; })`); n != 0 {
		t.Errorf("%d /api/ responses are cached", n)
	}

	// No network at all.
	s.Stop()
	goOffline(t, ctx)
	if _, err := EvalErr[bool](ctx, fmt.Sprintf(`fetch(%q, {cache: 'no-store'}).then(() => true)`, s.URL+"/healthz")); err == nil {
		t.Fatal("the page still reaches the server")
	}
	if _, err := EvalErr[int](ctx, `fetch('/api/whatever').then((r) => r.status)`); err == nil {
		t.Errorf("offline, /api/ still answers (from a cache?)")
	}
	pwaRun(t, ctx, chromedp.Reload())
	WaitFor(t, ctx, `document.documentElement.classList.contains('ready')`, 30*time.Second)
	if v := Eval[string](t, ctx, swVersion); v != version {
		t.Errorf("offline, the page is controlled by version %q, want %q", v, version)
	}
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "offline.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 3 * 44100, Seed: 3})
	dl := cutInApp(t, ctx, wav)
	got, err := os.ReadFile(dl.Path)
	if err != nil {
		t.Fatal(err)
	}
	if want := nativeCut(t, s, wav); !bytes.Equal(got, want) {
		t.Errorf("offline export (%d bytes) differs from the native cut (%d bytes)", len(got), len(want))
	}
	if n := Eval[int](t, ctx, `document.querySelectorAll('[data-testid=error]').length`); n != 0 {
		t.Errorf("errors shown offline: %s", Eval[string](t, ctx, `document.querySelector('[data-testid=errors]').textContent`))
	}
}

// TestPWAUpdate: a new release on the server is found, installed and
// offered ("A new version is ready — reload"); the page keeps running the
// old version, with its open edit, until the user presses Reload (here
// from the keyboard); then it reloads once into the new version and the
// old cache is gone.
func TestPWAUpdate(t *testing.T) {
	s := newPWASite(t)
	ctx := openFirstTime(t, s)
	v1 := Eval[string](t, ctx, swVersion)

	wav := WriteWAV(t, filepath.Join(t.TempDir(), "update.wav"), WAVSpec{Rate: 44100, Channels: 1, Bits: 16, Frames: 44100, Seed: 4})
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `(document.querySelector('[data-testid=cutter-title]') || {}).textContent === 'update.wav'`, 30*time.Second)
	Eval[bool](t, ctx, `(window.e2eSamePage = true)`)

	// A new release.
	s.Stop()
	s.Start(t, "b")
	Eval[bool](t, ctx, `navigator.serviceWorker.getRegistration().then((r) => r.update()).then(() => true)`)
	WaitFor(t, ctx, `document.querySelector('[data-testid=pwa-update]')`, 60*time.Second)
	msg := Eval[string](t, ctx, `document.querySelector('[data-testid=pwa-update] p').textContent`)
	if !strings.HasPrefix(msg, "A new version is ready") {
		t.Errorf("update prompt says %q", msg)
	}
	if live := Eval[string](t, ctx, `document.querySelector('[data-testid=pwa-update]').closest('[aria-live]').getAttribute('aria-live')`); live != "polite" {
		t.Errorf("the update prompt is in an aria-live=%q region, want polite", live)
	}

	// Nothing happens by itself.
	time.Sleep(3 * time.Second)
	if !Eval[bool](t, ctx, `window.e2eSamePage === true`) {
		t.Fatal("the page reloaded by itself")
	}
	if v := Eval[string](t, ctx, swVersion); v != v1 {
		t.Errorf("before Reload the page is controlled by %q, want the old %q", v, v1)
	}
	if title := Eval[string](t, ctx, `document.querySelector('[data-testid=cutter-title]').textContent`); title != "update.wav" {
		t.Errorf("the open edit is gone: cutter shows %q", title)
	}

	// Reload, from the keyboard.
	pwaRun(t, ctx, chromedp.Focus(chromedp.CSS("[data-testid=pwa-reload]")))
	pwaRun(t, ctx, chromedp.KeyEvent(kb.Enter))
	WaitFor(t, ctx, `window.e2eSamePage === undefined && document.documentElement.classList.contains('ready')`, 30*time.Second)
	WaitFor(t, ctx, `navigator.serviceWorker.controller !== null`, 10*time.Second)
	v2 := Eval[string](t, ctx, swVersion)
	if v2 == v1 || !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(v2) {
		t.Errorf("after Reload: version %q (was %q)", v2, v1)
	}
	caches := Eval[map[string][]string](t, ctx, cachedURLs)
	for name := range caches {
		if strings.HasPrefix(name, "offcut-static-") && name != "offcut-static-"+v2 {
			t.Errorf("the old cache %s is still there", name)
		}
	}
	if n := Eval[int](t, ctx, `document.querySelectorAll('[data-testid=pwa-update]').length`); n != 0 {
		t.Errorf("the update prompt is shown again after the update")
	}
}

// TestManifest checks the installability fields of the built web
// manifest, that every icon it names exists with the pixel size it
// claims, that index.html links it, and that the service worker's
// precache list (injected by the build) holds the wasm engine and
// wasm_exec.js and names only files that exist.
func TestManifest(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dist := pwaDist(t, root, "")
	data, err := os.ReadFile(filepath.Join(dist, "manifest.webmanifest"))
	if err != nil {
		t.Fatal(err)
	}
	type icon struct{ Src, Sizes, Type, Purpose string }
	var m struct {
		Name, ShortName, Description, StartURL, Scope, Display, ThemeColor, BackgroundColor, ID string
		Icons                                                                                   []icon
		FileHandlers                                                                            []struct {
			Action string
			Accept map[string][]string
		}
		ShareTarget struct {
			Action, Method, Enctype string
			Params                  struct {
				Files []struct {
					Name   string
					Accept []string
				}
			}
		}
		Shortcuts []struct {
			Name, ShortName, URL string
			Icons                []icon
		}
	}
	// JSON field names are snake_case.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("manifest.webmanifest: %v", err)
	}
	snake := regexp.MustCompile(`"([a-z]+)_([a-z])([a-z]*)"\s*:`)
	camel := snake.ReplaceAllFunc(data, func(b []byte) []byte {
		p := snake.FindSubmatch(b)
		return []byte(fmt.Sprintf(`"%s%s%s":`, p[1], strings.ToUpper(string(p[2])), p[3]))
	})
	if err := json.Unmarshal(camel, &m); err != nil {
		t.Fatalf("manifest.webmanifest: %v", err)
	}
	if m.Name != "Offcut" || m.ShortName == "" || len(m.ShortName) > 12 || m.Description == "" {
		t.Errorf("name %q, short_name %q, description %q", m.Name, m.ShortName, m.Description)
	}
	if m.StartURL == "" || m.Scope == "" || m.Display != "standalone" {
		t.Errorf("start_url %q, scope %q, display %q", m.StartURL, m.Scope, m.Display)
	}
	css, err := os.ReadFile(filepath.Join(root, "www", "css", "app.css"))
	if err != nil {
		t.Fatal(err)
	}
	bg := regexp.MustCompile(`(?s):root \{.*?--bg: (#[0-9a-f]{6});`).FindSubmatch(css)
	if bg == nil {
		t.Fatal("app.css has no --bg colour in :root")
	}
	if !strings.EqualFold(m.BackgroundColor, string(bg[1])) || !strings.EqualFold(m.ThemeColor, string(bg[1])) {
		t.Errorf("background_color %q, theme_color %q; want app.css's --bg %s", m.BackgroundColor, m.ThemeColor, bg[1])
	}

	sizes := map[string]bool{}
	checkIcon := func(ic icon) {
		if ic.Type != "image/png" {
			return
		}
		b, err := os.ReadFile(filepath.Join(dist, filepath.FromSlash(strings.TrimPrefix(ic.Src, "/"))))
		if err != nil {
			t.Errorf("icon %s: %v", ic.Src, err)
			return
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil || format != "png" {
			t.Errorf("icon %s: not a PNG: %v", ic.Src, err)
			return
		}
		if got := fmt.Sprintf("%dx%d", cfg.Width, cfg.Height); got != ic.Sizes {
			t.Errorf("icon %s is %s, the manifest says %s", ic.Src, got, ic.Sizes)
		}
		purpose := ic.Purpose
		if purpose == "" {
			purpose = "any"
		}
		sizes[purpose+" "+ic.Sizes] = true
	}
	for _, ic := range m.Icons {
		checkIcon(ic)
	}
	for _, want := range []string{"any 192x192", "any 512x512", "maskable 512x512"} {
		if !sizes[want] {
			t.Errorf("the manifest names no PNG icon for %s", want)
		}
	}

	exts := map[string]bool{}
	for _, fh := range m.FileHandlers {
		for mime, es := range fh.Accept {
			// audio/*, and the video types of containers whose audio Offcut
			// opens (video/mp4, video/webm): each must name a format.
			if codecs.Lookup(mime) == nil {
				t.Errorf("file handler MIME type %q names no format", mime)
			}
			for _, e := range es {
				exts[e] = true
			}
		}
	}
	// Exactly the formats the engine reads (the build writes them from the
	// registry): an "Open with" for a file Offcut refuses is worse than none.
	for _, f := range codecs.List() {
		for _, e := range f.Extensions {
			if f.Reads != exts["."+e] {
				t.Errorf("file handler for .%s: %v, the engine reads it: %v", e, exts["."+e], f.Reads)
			}
			delete(exts, "."+e)
		}
	}
	for e := range exts {
		t.Errorf("file handler for %s, which no format reads", e)
	}
	st := m.ShareTarget
	if st.Action == "" || st.Method != "POST" || st.Enctype != "multipart/form-data" || len(st.Params.Files) == 0 || !slices.Contains(st.Params.Files[0].Accept, "audio/*") {
		t.Errorf("share_target %+v", st)
	}
	var urls []string
	for _, sc := range m.Shortcuts {
		urls = append(urls, sc.URL)
		for _, ic := range sc.Icons {
			checkIcon(ic)
		}
	}
	if !slices.ContainsFunc(urls, func(u string) bool { return strings.Contains(u, "mode=cut") }) ||
		!slices.ContainsFunc(urls, func(u string) bool { return strings.Contains(u, "mode=join") }) {
		t.Errorf("shortcuts %v: want Cut (mode=cut) and Join (mode=join)", urls)
	}

	index, err := os.ReadFile(filepath.Join(dist, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`rel="manifest" href="manifest.webmanifest"`, `name="theme-color"`, `rel="apple-touch-icon"`} {
		if !bytes.Contains(index, []byte(want)) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	if !regexp.MustCompile(`src="js/pwa\.[0-9a-f]{10}\.js"`).Match(index) {
		t.Errorf("index.html does not load js/pwa.js")
	}

	// The precache list in sw.js.
	sw, err := os.ReadFile(filepath.Join(dist, "sw.js"))
	if err != nil {
		t.Fatal(err)
	}
	list := regexp.MustCompile(`\["[^\]]*"\]`).Find(sw)
	var precache []string
	if list == nil || json.Unmarshal(list, &precache) != nil {
		t.Fatalf("sw.js holds no precache list:\n%.400s", sw)
	}
	var am struct {
		Version  string
		Assets   map[string]string
		Precache []string
	}
	amData, _ := os.ReadFile(filepath.Join(dist, "asset-manifest.json"))
	if err := json.Unmarshal(amData, &am); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(precache, am.Precache) {
		t.Errorf("sw.js precaches %d files, asset-manifest.json lists %d", len(precache), len(am.Precache))
	}
	for _, want := range []string{am.Assets["offcut.wasm"], am.Assets["wasm_exec.js"], "index.html", "offcut.js", "manifest.webmanifest"} {
		if want == "" || !slices.Contains(precache, want) {
			t.Errorf("the precache list lacks %q", want)
		}
	}
	for _, p := range precache {
		if p == "sw.js" || p == "./" || strings.HasPrefix(p, "/") {
			t.Errorf("precache entry %q", p)
		}
		if _, err := os.Stat(filepath.Join(dist, filepath.FromSlash(p))); err != nil {
			t.Errorf("precache entry %s: %v", p, err)
		}
	}
	if !bytes.Contains(sw, []byte(`"`+am.Version+`"`)) {
		t.Errorf("sw.js does not carry the build version %s", am.Version)
	}
}

// TestPWAPhoneScreenshot: the installed app on a phone (390×844,
// display-mode: standalone asked for) right after the first visit, with
// the "Ready to work offline" toast (/tmp/offcut-shots/pwa-phone.png),
// then with a file open and the offer to keep a copy
// (pwa-phone-edit.png).
func TestPWAPhoneScreenshot(t *testing.T) {
	s := newPWASite(t)
	ctx := NewBrowser(t)
	pwaRun(t, ctx, chromedp.EmulateViewport(390, 844, func(p *emulation.SetDeviceMetricsOverrideParams, _ *emulation.SetTouchEmulationEnabledParams) {
		p.Mobile = true
		p.DeviceScaleFactor = 2
	}))
	pwaRun(t, ctx, chromedp.Navigate(s.URL+"/"))
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "display-mode", Value: "standalone"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	WaitFor(t, ctx, `document.documentElement.classList.contains('ready')`, 30*time.Second)
	// Chromium 156 accepts the display-mode feature but ignores it; say so
	// rather than fail (pwa.css only adds safe-area insets there, which
	// are 0 in emulation anyway).
	if !Eval[bool](t, ctx, `matchMedia('(display-mode: standalone)').matches`) {
		t.Log("note: this Chromium does not emulate display-mode: standalone; the shot shows the browser display mode")
	}
	WaitFor(t, ctx, `document.querySelector('[data-testid=pwa-offline]')`, 30*time.Second)
	time.Sleep(500 * time.Millisecond) // the banner's entrance
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(pwaShotsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(pwaShotsDir, "pwa-phone.png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
	// The toast fits the screen and takes no clicks from the page.
	r := Eval[map[string]float64](t, ctx, `(() => { const b = document.querySelector('[data-testid=pwa-offline]').getBoundingClientRect(); return {left: b.left, right: b.right, top: b.top, bottom: b.bottom}; })()`)
	if r["left"] < 0 || r["right"] > 390 || r["top"] < 0 || r["bottom"] > 844 {
		t.Errorf("the toast %v leaves the 390x844 screen", r)
	}
	if pe := Eval[string](t, ctx, `getComputedStyle(document.querySelector('[data-testid=pwa-offline]')).pointerEvents`); pe != "none" {
		t.Errorf("the toast takes clicks (pointer-events: %s)", pe)
	}

	// With an edit open and a banner up (the offer to keep a copy), the
	// banner sits in the page's flow and covers nothing.
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "phone.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 3 * 44100, Seed: 8})
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `(document.querySelector('[data-testid=cutter-title]') || {}).textContent === 'phone.wav'`, 30*time.Second)
	WaitFor(t, ctx, `document.querySelector('[data-testid=pwa-keep]')`, 10*time.Second)
	time.Sleep(500 * time.Millisecond)
	png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	p = filepath.Join(pwaShotsDir, "pwa-phone-edit.png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
	under := Eval[[]string](t, ctx, `(() => {
	  const b = document.querySelector('[data-testid=pwa-banners]').getBoundingClientRect();
	  return [...document.querySelectorAll('button, select, input:not([type=file]), a')].filter((e) => {
	    if (e.closest('.pwa-banners')) return false;
	    const r = e.getBoundingClientRect();
	    return r.width && r.height && r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top;
	  }).map((e) => e.dataset.testid || e.id || e.textContent.trim());
	})()`)
	if len(under) > 0 {
		t.Errorf("the banners cover %q", under)
	}
}

func newPWASite(t *testing.T) *pwaServer { return newPWAServer(t, "") }

// savedSession is the session js/persist.js keeps in IndexedDB, as JSON
// (handles and the like become {}), or "" if there is none.
const savedSession = `new Promise((resolve, reject) => {
  const req = indexedDB.open('offcut');
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains('session')) return resolve('');
    const get = db.transaction('session').objectStore('session').get('last');
    get.onsuccess = () => resolve(get.result ? JSON.stringify(get.result) : '');
    get.onerror = () => reject(get.error);
  };
})`

// TestPWARestore: an edit survives a reload. The file came from the file
// input (no handle), so the app asks before keeping a private copy in
// this browser; with the user's yes, the next visit offers "Restore your
// last edit?", and Restore brings back the file and the cut, which then
// exports exactly as the native cut.
func TestPWARestore(t *testing.T) {
	s := newPWASite(t)
	ctx := NewBrowser(t)
	pwaRun(t, ctx, chromedp.Navigate(s.URL+"/"))
	WaitFor(t, ctx, `document.documentElement.classList.contains('ready')`, 30*time.Second)
	if n := Eval[int](t, ctx, `document.querySelectorAll('[data-testid=pwa-restore]').length`); n != 0 {
		t.Fatal("a fresh browser is offered a restore")
	}
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "restore.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 3 * 44100, Seed: 5})
	SetFiles(t, ctx, "[data-testid=file-input]", wav)
	WaitFor(t, ctx, `(document.querySelector('[data-testid=cutter-title]') || {}).textContent === 'restore.wav'`, 30*time.Second)
	WaitFor(t, ctx, `document.querySelector('[data-testid=pwa-keep-copies]')`, 10*time.Second)
	pwaClick(t, ctx, "[data-testid=pwa-keep-copies]")
	pwaType(t, ctx, "[data-testid=sel-start]", "0.5")
	pwaType(t, ctx, "[data-testid=sel-end]", "2.25")
	pwaClick(t, ctx, "[data-testid=keep]")
	WaitFor(t, ctx, `(document.querySelector('[data-testid=cutter] [data-testid=result-duration][data-source=engine]') || {dataset: {}}).dataset.frames === '77175'`, 30*time.Second)
	// Saved: the copy is made and the cut is in the session.
	deadline := time.Now().Add(15 * time.Second)
	for {
		js := Eval[string](t, ctx, savedSession)
		var rec struct {
			Sources []struct {
				Name string
				Copy *string
			}
			Docs json.RawMessage
		}
		json.Unmarshal([]byte(js), &rec)
		if len(rec.Sources) == 1 && rec.Sources[0].Copy != nil && bytes.Contains(rec.Docs, []byte(`"in":22050,"out":99225`)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the session was not saved with a copy and the cut: %.600s", js)
		}
		time.Sleep(100 * time.Millisecond)
	}

	pwaRun(t, ctx, chromedp.Reload())
	WaitFor(t, ctx, `document.documentElement.classList.contains('ready')`, 30*time.Second)
	WaitFor(t, ctx, `document.querySelector('[data-testid=pwa-restore-btn]')`, 10*time.Second)
	if msg := Eval[string](t, ctx, `document.querySelector('[data-banner=restore] p').textContent`); !strings.Contains(msg, "Restore your last edit?") || !strings.Contains(msg, "restore.wav") {
		t.Errorf("restore offer says %q", msg)
	}
	pwaClick(t, ctx, "[data-testid=pwa-restore-btn]")
	WaitFor(t, ctx, `(document.querySelector('[data-testid=cutter-title]') || {}).textContent === 'restore.wav'`, 30*time.Second)
	WaitFor(t, ctx, `(document.querySelector('[data-testid=cutter] [data-testid=result-duration][data-source=engine]') || {dataset: {}}).dataset.frames === '77175'`, 30*time.Second)
	dls := CaptureDownloads(t, ctx)
	pwaClick(t, ctx, "[data-testid=cutter] [data-testid=export]")
	dl := dls.Wait(t, 60*time.Second)
	got, err := os.ReadFile(dl.Path)
	if err != nil {
		t.Fatal(err)
	}
	if want := nativeCut(t, s, wav); !bytes.Equal(got, want) {
		t.Errorf("the restored edit exports %d bytes that differ from the native cut (%d bytes)", len(got), len(want))
	}
}

// TestPWAShareTarget: audio shared to the installed app arrives as a
// multipart POST to the manifest's share_target action; the service
// worker takes it (the server never sees the POST), keeps the file and
// sends the browser on to the app, which opens it in the cutter.
func TestPWAShareTarget(t *testing.T) {
	s := newPWASite(t)
	ctx := openFirstTime(t, s)
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "shared clip.wav"), WAVSpec{Rate: 48000, Channels: 1, Bits: 24, Frames: 48000, Seed: 6})
	Eval[bool](t, ctx, `(() => {
	  const f = document.createElement('form');
	  f.method = 'post';
	  f.action = 'share-target';
	  f.enctype = 'multipart/form-data';
	  f.innerHTML = '<input type="text" name="title" value="From the files app"><input type="file" name="audio" id="e2e-share" multiple>';
	  document.body.append(f);
	  return true;
	})()`)
	SetFiles(t, ctx, "#e2e-share", wav)
	Eval[bool](t, ctx, `(document.getElementById('e2e-share').form.submit(), true)`)
	WaitFor(t, ctx, `(document.querySelector('[data-testid=cutter-title]') || {}).textContent === 'shared clip.wav'`, 30*time.Second)
	if search := Eval[string](t, ctx, `location.search`); strings.Contains(search, "share-target") {
		t.Errorf("the app's URL keeps %q", search)
	}
	if strings.Contains(s.logs.String(), "method=POST") {
		t.Errorf("the share reached the server:\n%s", s.logs)
	}
}

// TestPWALaunchFiles: the installed app opens an audio file from the
// system (the manifest's file_handlers; Chromium's PWA.launchFilesInApp
// stands in for the file manager). With launch_handler focus-existing the
// open window gets it through window.launchQueue and opens it in the
// cutter; the file came with a handle, so the session can reopen it
// without a private copy (and the app asks for none), and after a reload
// Restore brings it back from that handle.
func TestPWALaunchFiles(t *testing.T) {
	s := newPWASite(t)
	ctx := openFirstTime(t, s)
	id := s.URL + "/"
	if _, err := chromedp.CallBrowser(ctx, pwa.Install, pwa.InstallParams{ManifestID: id, InstallURLOrBundleURL: id}); err != nil {
		t.Skipf("this Chromium cannot install web apps: %v", err)
	}
	wav := WriteWAV(t, filepath.Join(t.TempDir(), "launched.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 3 * 44100, Seed: 7})
	if _, err := chromedp.CallBrowser(ctx, pwa.LaunchFilesInApp, pwa.LaunchFilesInAppParams{ManifestID: id, Files: []string{wav}}); err != nil {
		t.Fatalf("PWA.launchFilesInApp: %v", err)
	}
	WaitFor(t, ctx, `(document.querySelector('[data-testid=cutter-title]') || {}).textContent === 'launched.wav'`, 30*time.Second)
	pwaType(t, ctx, "[data-testid=sel-start]", "0.5")
	pwaType(t, ctx, "[data-testid=sel-end]", "2.25")
	pwaClick(t, ctx, "[data-testid=keep]")
	deadline := time.Now().Add(15 * time.Second)
	for {
		js := Eval[string](t, ctx, savedSession)
		var rec struct {
			Sources []struct {
				Handle *struct{}
				Copy   *string
			}
			Docs json.RawMessage
		}
		json.Unmarshal([]byte(js), &rec)
		if len(rec.Sources) == 1 && rec.Sources[0].Handle != nil && bytes.Contains(rec.Docs, []byte(`"in":22050,"out":99225`)) {
			if rec.Sources[0].Copy != nil {
				t.Errorf("a private copy was made of a file that came with a handle")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the session was not saved with the file's handle and the cut: %.600s", js)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := Eval[int](t, ctx, `document.querySelectorAll('[data-testid=pwa-keep-copies]').length`); n != 0 {
		t.Errorf("the app asks to keep a copy of a file it can reopen by its handle")
	}

	pwaRun(t, ctx, chromedp.Navigate(s.URL+"/"))
	WaitFor(t, ctx, `document.documentElement.classList.contains('ready')`, 30*time.Second)
	WaitFor(t, ctx, `document.querySelector('[data-testid=pwa-restore-btn]')`, 10*time.Second)
	pwaClick(t, ctx, "[data-testid=pwa-restore-btn]")
	WaitFor(t, ctx, `(document.querySelector('[data-testid=cutter-title]') || {}).textContent === 'launched.wav' || document.querySelector('[data-testid=error]')`, 30*time.Second)
	if n := Eval[int](t, ctx, `document.querySelectorAll('[data-testid=error]').length`); n != 0 {
		t.Fatalf("restoring from the handle: %s", Eval[string](t, ctx, `document.querySelector('[data-testid=errors]').textContent`))
	}
	WaitFor(t, ctx, `(document.querySelector('[data-testid=cutter] [data-testid=result-duration][data-source=engine]') || {dataset: {}}).dataset.frames === '77175'`, 30*time.Second)
}

// TestPWARestoreJoin: a join of two files (the joiner's list and order)
// comes back after a reload too.
// savedJoinOfTwo opens b.wav and a.wav in a fresh browser (they go to the
// joiner), keeps private copies of both, and waits for the session saved
// with both copies and the join in view. It returns the browser, the
// joiner's list as shown, the files' paths and the expression that reads
// the list.
func savedJoinOfTwo(t *testing.T) (ctx context.Context, before, a, b, names string) {
	s := newPWASite(t)
	ctx = NewBrowser(t)
	pwaRun(t, ctx, chromedp.Navigate(s.URL+"/"))
	WaitFor(t, ctx, `document.documentElement.classList.contains('ready')`, 30*time.Second)
	dir := t.TempDir()
	a = WriteWAV(t, filepath.Join(dir, "a.wav"), WAVSpec{Rate: 44100, Channels: 1, Bits: 16, Frames: 44100, Seed: 9})
	b = WriteWAV(t, filepath.Join(dir, "b.wav"), WAVSpec{Rate: 44100, Channels: 1, Bits: 16, Frames: 22050, Seed: 10})
	SetFiles(t, ctx, "[data-testid=file-input]", b, a)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=join-item]').length === 2`, 30*time.Second)
	WaitFor(t, ctx, `document.querySelector('[data-testid=pwa-keep-copies]')`, 10*time.Second)
	pwaClick(t, ctx, "[data-testid=pwa-keep-copies]")
	names = `[...document.querySelectorAll('[data-testid=join-item] .join-name')].map((e) => e.textContent).join(',')`
	before = Eval[string](t, ctx, names)
	deadline := time.Now().Add(15 * time.Second)
	for {
		// The reload must come after the save that holds both copies and
		// the join in view (saves follow edits, a moment later).
		var rec struct {
			Sources []struct{ Copy *string }
			Docs    struct {
				Active string
				// The joiner's state: an engine document and its view.
				Joiner struct {
					Present struct{ Doc struct{ Clips []any } }
				}
			}
		}
		json.Unmarshal([]byte(Eval[string](t, ctx, savedSession)), &rec)
		if len(rec.Sources) == 2 && rec.Sources[0].Copy != nil && rec.Sources[1].Copy != nil && rec.Docs.Active == "joiner" && len(rec.Docs.Joiner.Present.Doc.Clips) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the session was not saved with copies of both files and the join in view: %+v", rec)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return ctx, before, a, b, names
}

func TestPWARestoreJoin(t *testing.T) {
	ctx, before, _, _, names := savedJoinOfTwo(t)
	pwaRun(t, ctx, chromedp.Reload())
	WaitFor(t, ctx, `document.documentElement.classList.contains('ready')`, 30*time.Second)
	WaitFor(t, ctx, `document.querySelector('[data-testid=pwa-restore-btn]')`, 10*time.Second)
	pwaClick(t, ctx, "[data-testid=pwa-restore-btn]")
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=join-item]').length === 2 && document.querySelector('[data-testid=tab-joiner]').getAttribute('aria-selected') === 'true'`, 30*time.Second)
	if after := Eval[string](t, ctx, names); after != before {
		t.Errorf("joiner list after restore %q, before %q", after, before)
	}
	if n := Eval[int](t, ctx, `document.querySelectorAll('[data-testid=error]').length`); n != 0 {
		t.Errorf("errors: %s", Eval[string](t, ctx, `document.querySelector('[data-testid=errors]').textContent`))
	}
}

// TestPWARestoreJoinMissingCopy: one file of a saved join did not come back
// (its private copy was cleared). Restore says so and shows the file that
// did come back in the cutter, not an empty joiner; opening the missing
// file again brings the whole join back, in its order, with no extra clip.
func TestPWARestoreJoinMissingCopy(t *testing.T) {
	ctx, before, _, b, names := savedJoinOfTwo(t)
	Eval[bool](t, ctx, `(async () => {
  const rec = JSON.parse(await `+savedSession+`);
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('offcut-copies');
  await dir.removeEntry(rec.sources.find((s) => s.name === 'b.wav').copy);
  return true;
})()`)
	pwaRun(t, ctx, chromedp.Reload())
	WaitFor(t, ctx, `document.documentElement.classList.contains('ready')`, 30*time.Second)
	WaitFor(t, ctx, `document.querySelector('[data-testid=pwa-restore-btn]')`, 10*time.Second)
	pwaClick(t, ctx, "[data-testid=pwa-restore-btn]")
	WaitFor(t, ctx, `document.querySelector('[data-testid=tab-cutter]').getAttribute('aria-selected') === 'true' && document.querySelectorAll('[data-testid=library] li').length === 1`, 30*time.Second)
	if msg := Eval[string](t, ctx, `document.querySelector('[data-testid=errors]').textContent`); !strings.Contains(msg, "b.wav") {
		t.Errorf("errors after a restore without b.wav: %q", msg)
	}
	if n := Eval[int](t, ctx, `document.querySelectorAll('[data-testid=join-item]').length`); n != 0 {
		t.Errorf("the joiner holds %d clips before b.wav is back", n)
	}
	SetFiles(t, ctx, "[data-testid=file-input]", b)
	WaitFor(t, ctx, `document.querySelectorAll('[data-testid=join-item]').length === 2 && document.querySelector('[data-testid=tab-joiner]').getAttribute('aria-selected') === 'true'`, 30*time.Second)
	time.Sleep(300 * time.Millisecond) // nothing more may arrive
	if after := Eval[string](t, ctx, names); after != before {
		t.Errorf("joiner list after b.wav was opened again %q, before %q", after, before)
	}
}
