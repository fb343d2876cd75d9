package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"offcut/audio/project"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/chromedp"

	"offcut/audio/crypt"
)

// logged is one request that reached the server through the logging
// proxy, with its whole body, and how many bytes were answered.
type logged struct {
	Method, URL, Range string
	Body               []byte
	Status             int
	Sent               int64
}

// proxyLog is a reverse proxy in front of the real server that records
// every request the browsers send (all of them go to this one origin:
// the app is same-origin), bodies included.
type proxyLog struct {
	URL  string
	mu   sync.Mutex
	reqs []logged
	// dropChunk, if not empty, is a chunk URL suffix ("/chunks/1") whose
	// first PUT loses its connection before any answer.
	dropChunk string
	dropped   bool
	// holdChunk, if not empty, is a chunk URL suffix whose PUTs get no
	// answer until the browser gives up (a reload).
	holdChunk string
	// apiDown makes /api/ unreachable (the connection is closed).
	apiDown bool
}

// drop closes the client's connection without an answer.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

type countingWriter struct {
	http.ResponseWriter
	status int
	n      int64
}

func (c *countingWriter) WriteHeader(s int) { c.status = s; c.ResponseWriter.WriteHeader(s) }
func (c *countingWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = 200
	}
	n, err := c.ResponseWriter.Write(b)
	c.n += int64(n)
	return n, err
}
func (c *countingWriter) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func startProxy(t *testing.T, target string) *proxyLog {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	p := &proxyLog{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		p.mu.Lock()
		down := p.apiDown && strings.HasPrefix(r.URL.Path, "/api/")
		cut := !down && p.dropChunk != "" && !p.dropped && r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, p.dropChunk)
		if cut {
			p.dropped = true
		}
		hold := p.holdChunk != "" && r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, p.holdChunk)
		if down || cut || hold {
			p.reqs = append(p.reqs, logged{Method: r.Method, URL: r.URL.RequestURI(), Range: r.Header.Get("Range"), Body: body, Status: -1})
		}
		p.mu.Unlock()
		if hold {
			select {
			case <-r.Context().Done():
			case <-time.After(90 * time.Second):
			}
			drop(w)
			return
		}
		if down || cut {
			drop(w)
			return
		}
		cw := &countingWriter{ResponseWriter: w}
		rp.ServeHTTP(cw, r)
		p.mu.Lock()
		p.reqs = append(p.reqs, logged{Method: r.Method, URL: r.URL.RequestURI(), Range: r.Header.Get("Range"), Body: body, Status: cw.status, Sent: cw.n})
		p.mu.Unlock()
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	p.URL = "http://" + ln.Addr().String()
	return p
}

// heapSnapshot returns a heap snapshot of the page of ctx (its main
// thread, not its workers), as JSON text.
func heapSnapshot(t *testing.T, ctx context.Context) string {
	t.Helper()
	var mu sync.Mutex
	var b strings.Builder
	if err := chromedp.Listen(ctx, func(ev any) {
		if c, ok := ev.(*heapprofiler.EventAddHeapSnapshotChunk); ok {
			mu.Lock()
			b.WriteString(c.Chunk)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, heapprofiler.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("heap profiler: %v", err)
	}
	if _, err := chromedp.Call(ctx, heapprofiler.TakeHeapSnapshot, heapprofiler.TakeHeapSnapshotParams{}); err != nil {
		t.Fatalf("heap snapshot: %v", err)
	}
	time.Sleep(500 * time.Millisecond) // the last chunks
	mu.Lock()
	defer mu.Unlock()
	return b.String()
}

func (p *proxyLog) set(f func(p *proxyLog)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(p)
}

func (p *proxyLog) all() []logged {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]logged(nil), p.reqs...)
}

func (p *proxyLog) apiCount() int {
	n := 0
	for _, r := range p.all() {
		if strings.HasPrefix(r.URL, "/api/") {
			n++
		}
	}
	return n
}

// TestCloudEndToEnd: profile A signs up (the recovery key is shown once)
// and saves an edit with its audio; profile B signs in, opens it from the
// cloud, and exports the cut, read by Range through the encrypted object;
// B shares a link; profile C opens it read-only; B deletes the account and
// the link answers 404. Every request the browsers sent is checked: no
// plaintext audio, no file name, no password, recovery key or key.
func TestCloudEndToEnd(t *testing.T) {
	site := StartSite(t)
	proxy := startProxy(t, site.URL)
	dir := t.TempDir()
	const name = "cloudtest-interview-7f3a.wav"
	const rate = 44100
	wav := WriteWAV(t, filepath.Join(dir, name), WAVSpec{Rate: rate, Channels: 2, Bits: 16, Frames: 130 * rate, Seed: 7})
	plain, err := os.ReadFile(wav)
	if err != nil {
		t.Fatal(err)
	}
	email := fmt.Sprintf("e2e-%d@example.com", time.Now().UnixNano())
	const password = "correct horse battery staple 42"
	const newPassword = "a new password, quite long 99"
	const thirdPassword = "recovered at last, 1234567"

	open := func(ctx context.Context, path string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(proxy.URL+path)); err != nil {
			t.Fatal(err)
		}
		WaitFor(t, ctx, `document.documentElement.classList.contains('ready')`, 30*time.Second)
	}
	signIn := func(ctx context.Context, up bool) {
		t.Helper()
		click(t, ctx, "[data-testid=cloud-account]")
		WaitFor(t, ctx, `document.querySelector('[data-testid=cloud-email]')`, 5*time.Second)
		run(t, ctx, chromedp.SendKeys(chromedp.CSS("[data-testid=cloud-email]"), email), chromedp.SendKeys(chromedp.CSS("[data-testid=cloud-password]"), password))
		if up {
			click(t, ctx, "[data-testid=cloud-signup]")
		} else {
			click(t, ctx, "[data-testid=cloud-signin]")
		}
	}

	// Profile A: signed out, the app asks the server nothing.
	a := NewBrowser(t)
	open(a, "/")
	time.Sleep(time.Second)
	if n := proxy.apiCount(); n != 0 {
		t.Fatalf("signed out, the app made %d /api/ requests", n)
	}
	signIn(a, true)
	WaitFor(t, a, `document.querySelector('[data-testid=cloud-recovery-key]')`, 60*time.Second)
	recovery := Eval[string](t, a, `document.querySelector('[data-testid=cloud-recovery-key]').textContent`)
	warn := Eval[string](t, a, `document.querySelector('[data-testid=cloud-recovery]').textContent`)
	if len(recovery) < 40 || !strings.Contains(warn, "gone") {
		t.Fatalf("recovery key %q, warning %q", recovery, warn)
	}
	click(t, a, "[data-testid=cloud-recovery-done]")
	Eval[bool](t, a, `(document.querySelectorAll('dialog').forEach((d) => d.close()), true)`)
	WaitFor(t, a, `document.documentElement.dataset.cloud === 'ready'`, 10*time.Second)

	SetFiles(t, a, "[data-testid=file-input]", wav)
	WaitFor(t, a, fmt.Sprintf(`document.querySelector('[data-testid=cutter-title]').textContent === %q`, name), 20*time.Second)
	typeInto(t, a, "[data-testid=sel-start]", "100")
	typeInto(t, a, "[data-testid=sel-end]", "110")
	waitResult(t, a, "cutter", fmt.Sprint(10*rate))
	click(t, a, "[data-testid=keep]")
	click(t, a, "[data-testid=cloud-save]")
	WaitFor(t, a, `document.querySelector('[data-testid=cloud-save-audio]').checked`, 5*time.Second)
	// The connection drops at chunk 1 (it is sent again), and chunk 2
	// hangs until the page is reloaded: after the reload, the password and
	// the same file, the upload resumes without sending chunks 0 and 1.
	proxy.set(func(p *proxyLog) { p.dropChunk, p.holdChunk = "/chunks/1", "/chunks/2" })
	click(t, a, "[data-testid=cloud-save-go]")
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		held := false
		for _, r := range proxy.all() {
			held = held || (r.Method == http.MethodPut && strings.HasSuffix(r.URL, "/chunks/2"))
		}
		if held {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the upload never reached chunk 2")
		}
	}
	open(a, "/")
	WaitFor(t, a, `document.documentElement.dataset.cloud === 'locked'`, 20*time.Second)
	WaitFor(t, a, `document.getElementById('announce').textContent.includes('interrupted')`, 10*time.Second)
	proxy.set(func(p *proxyLog) { p.holdChunk = "" })
	click(t, a, "[data-testid=cloud-account]")
	WaitFor(t, a, `document.querySelector('[data-testid=cloud-unlock]')`, 5*time.Second)
	run(t, a, chromedp.SendKeys(chromedp.CSS("[data-testid=cloud-password]"), password))
	click(t, a, "[data-testid=cloud-unlock]")
	WaitFor(t, a, `document.documentElement.dataset.cloud === 'ready'`, 30*time.Second)
	Eval[bool](t, a, `(document.querySelectorAll('dialog').forEach((d) => d.close()), true)`)
	SetFiles(t, a, "[data-testid=file-input]", wav)
	WaitFor(t, a, fmt.Sprintf(`document.querySelector('[data-testid=cutter-title]').textContent === %q`, name), 20*time.Second)
	typeInto(t, a, "[data-testid=sel-start]", "100")
	typeInto(t, a, "[data-testid=sel-end]", "110")
	waitResult(t, a, "cutter", fmt.Sprint(10*rate))
	click(t, a, "[data-testid=keep]")
	click(t, a, "[data-testid=cloud-save]")
	click(t, a, "[data-testid=cloud-save-go]")
	WaitFor(t, a, `document.documentElement.dataset.cloudSaved`, 120*time.Second)
	puts := map[string]int{}
	for _, r := range proxy.all() {
		if r.Method == http.MethodPut {
			puts[r.URL[strings.LastIndex(r.URL, "/chunks/"):]]++
		}
	}
	if puts["/chunks/0"] != 2 || puts["/chunks/1"] != 2 || puts["/chunks/2"] != 2 {
		// chunks/0: the audio's and the edit document's (one chunk each).
		t.Errorf("chunk PUTs %v: want the audio's chunk 0 once, chunk 1 again after its connection dropped, chunk 2 again after the reload, and the edit's chunk 0", puts)
	}

	// Profile B: signs in, opens the edit from the cloud.
	b := NewBrowser(t)
	before := proxy.apiCount()
	open(b, "/")
	time.Sleep(time.Second)
	if n := proxy.apiCount(); n != before {
		t.Fatalf("signed out, profile B made %d /api/ requests", n-before)
	}
	signIn(b, false)
	WaitFor(t, b, `document.documentElement.dataset.cloud === 'ready'`, 60*time.Second)

	// A, reopened, is told about the new device, and is locked until its
	// password is given again (the data key is never stored).
	open(a, "/")
	WaitFor(t, a, `document.getElementById('announce').textContent.includes('new device')`, 20*time.Second)
	WaitFor(t, a, `document.documentElement.dataset.cloud === 'locked'`, 5*time.Second)
	Eval[bool](t, b, `(document.querySelectorAll('dialog').forEach((d) => d.close()), true)`)
	click(t, b, "[data-testid=cloud-open-welcome]")
	WaitFor(t, b, `document.querySelectorAll('[data-testid=cloud-file]').length === 2`, 20*time.Second)
	listed := Eval[string](t, b, `document.querySelector('[data-testid=cloud-files]').textContent`)
	if !strings.Contains(listed, "Edit of "+name) || !strings.Contains(listed, "Audio "+name) {
		t.Fatalf("the cloud list says %q", listed)
	}
	click(t, b, "[data-testid=cloud-file] [data-testid=cloud-file-open]")
	WaitFor(t, b, fmt.Sprintf(`document.querySelector('[data-testid=cutter-title]').textContent === %q`, name), 30*time.Second)
	waitResult(t, b, "cutter", fmt.Sprint(10*rate))
	WaitFor(t, b, `document.querySelector('.wave-status').hidden`, 60*time.Second)

	// Export the cut: only the chunks it needs are fetched, by Range.
	var audioSize int64
	mark := len(proxy.all())
	dls := CaptureDownloads(t, b)
	click(t, b, "[data-testid=cutter] [data-testid=export]")
	dl := dls.Wait(t, 60*time.Second)
	want := filepath.Join(dir, "want.wav")
	runCLI(t, site, "cut", wav, "--from", "100", "--to", "110", "-o", want)
	sameFile(t, dl.Path, want)
	var fetched int64
	var ranged int
	for _, r := range proxy.all()[mark:] {
		if strings.Contains(r.URL, "/data") {
			if r.Range == "" {
				t.Errorf("export fetched %s whole (no Range)", r.URL)
			}
			ranged++
			fetched += r.Sent
			if r.Sent > 1<<20+64<<10 {
				t.Errorf("one Range read of %d bytes (%s); cloud reads ahead at most 1 MiB", r.Sent, r.Range)
			}
		}
	}
	for _, r := range proxy.all() {
		if strings.HasPrefix(r.URL, "/api/v1/objects") && strings.Contains(r.URL, "/data") && r.Sent > audioSize {
			audioSize = r.Sent
		}
	}
	encSize := crypt.EncryptedSize(int64(len(plain)))
	t.Logf("export of a 10 s cut of a %d-byte object: %d Range requests, %d bytes fetched (%.1f%%)", encSize, ranged, fetched, 100*float64(fetched)/float64(encSize))
	// The window also holds the detailed waveform of the selection, drawn
	// while the export runs (about 5 MB here); the export itself reads
	// the cut's 1.8 MB plus up to 1 MiB read ahead.
	if ranged == 0 || fetched > encSize*2/5 {
		t.Errorf("export fetched %d bytes in %d Range requests of a %d-byte object", fetched, ranged, encSize)
	}
	for _, r := range proxy.all() {
		if strings.Contains(r.URL, "/data") && r.Sent >= encSize {
			t.Errorf("%s %s (Range %q) answered the whole object", r.Method, r.URL, r.Range)
		}
	}

	// Save again: a second version of the edit; restore the first.
	saved := Eval[string](t, b, `document.documentElement.dataset.cloudSaved || ''`)
	click(t, b, "[data-testid=cloud-save]")
	click(t, b, "[data-testid=cloud-save-go]")
	WaitFor(t, b, fmt.Sprintf(`(document.documentElement.dataset.cloudSaved || '') !== %q`, saved), 30*time.Second)
	click(t, b, "[data-testid=cloud-open]")
	WaitFor(t, b, `document.querySelectorAll('[data-testid=cloud-file]').length === 2`, 20*time.Second)
	click(t, b, "[data-testid=cloud-file] [data-testid=cloud-file-versions]")
	WaitFor(t, b, `document.querySelectorAll('[data-testid=cloud-version]').length === 2`, 20*time.Second)
	click(t, b, "[data-testid=cloud-version-restore]")
	WaitFor(t, b, `document.getElementById('announce').textContent.includes('restored as version 3')`, 20*time.Second)

	// Share a link; profile C opens it read-only.
	click(t, b, "[data-testid=cloud-share]")
	click(t, b, "[data-testid=cloud-share-go]")
	WaitFor(t, b, `document.querySelector('[data-testid=cloud-share-link]').value.includes('#share=')`, 20*time.Second)
	link := Eval[string](t, b, `document.querySelector('[data-testid=cloud-share-link]').value`)
	// A second link, expiring in a week after 5 downloads, then revoked.
	run(t, b, chromedp.SendKeys(chromedp.CSS("[data-testid=cloud-share-days]"), "7"), chromedp.SendKeys(chromedp.CSS("[data-testid=cloud-share-max]"), "5"))
	click(t, b, "[data-testid=cloud-share-go]")
	WaitFor(t, b, fmt.Sprintf(`document.querySelector('[data-testid=cloud-share-link]').value.includes('#share=') && document.querySelector('[data-testid=cloud-share-link]').value !== %q`, link), 20*time.Second)
	link2 := Eval[string](t, b, `document.querySelector('[data-testid=cloud-share-link]').value`)
	limited := `[...document.querySelectorAll('[data-testid=cloud-shares] li')].filter((li) => li.textContent.includes('of 5') && li.textContent.includes('expires'))`
	WaitFor(t, b, limited+`.length === 2`, 20*time.Second)
	Eval[bool](t, b, `(`+limited+`.forEach((li) => li.querySelector('[data-testid=cloud-share-revoke]').click()), true)`)
	WaitFor(t, b, limited+`.length === 0 && document.querySelectorAll('[data-testid=cloud-shares] li').length === 2`, 20*time.Second)
	Eval[bool](t, b, `(document.querySelectorAll('dialog').forEach((d) => d.close()), true)`)
	lu, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(link, proxy.URL+"/#share=") {
		t.Fatalf("share link %q: %v", link, err)
	}
	c := NewBrowser(t)
	open(c, "/"+"#"+lu.Fragment)
	WaitFor(t, c, fmt.Sprintf(`document.querySelector('[data-testid=cutter-title]').textContent === %q`, name), 30*time.Second)
	waitResult(t, c, "cutter", fmt.Sprint(10*rate))
	if s := Eval[string](t, c, `document.querySelector('[data-testid=cloud-shared]').textContent`); !strings.Contains(s, "read-only") {
		t.Errorf("shared page says %q", s)
	}
	if Eval[bool](t, c, `!document.querySelector('[data-testid=cloud-save]').closest('[hidden]')`) {
		t.Errorf("the shared page offers Save to cloud")
	}
	// It plays (the playback engine reads the shared object by Range too).
	click(t, c, "[data-testid=play]")
	WaitFor(t, c, `!!document.querySelector('[data-testid=play]').dataset.startMs`, 30*time.Second)
	t.Logf("shared link: first sound scheduled after %s ms", Eval[string](t, c, `document.querySelector('[data-testid=play]').dataset.startMs`))
	click(t, c, "[data-testid=play]")
	WaitFor(t, c, `document.querySelector('.wave-playhead').hidden`, 5*time.Second)
	shareID := strings.TrimPrefix(strings.Split(lu.Fragment, "&")[0], "share=")
	lu2, _ := url.Parse(link2)
	revoked := strings.TrimPrefix(strings.Split(lu2.Fragment, "&")[0], "share=")
	if st := Eval[int](t, c, fmt.Sprintf(`fetch('/api/v1/shares/%s').then((r) => r.status)`, revoked)); st != 404 {
		t.Errorf("a revoked share answers %d", st)
	}
	if st := Eval[int](t, c, fmt.Sprintf(`fetch('/api/v1/shares/%s').then((r) => r.status)`, shareID)); st != 200 {
		t.Errorf("the share left answers %d", st)
	}

	// B lists both devices and signs A out: A, reopened, is signed out.
	click(t, b, "[data-testid=cloud-account]")
	WaitFor(t, b, `document.querySelectorAll('[data-testid=cloud-device]').length === 2`, 20*time.Second)
	click(t, b, "[data-testid=cloud-device-revoke]")
	WaitFor(t, b, `document.querySelectorAll('[data-testid=cloud-device]').length === 1`, 20*time.Second)
	Eval[bool](t, b, `(document.querySelectorAll('dialog').forEach((d) => d.close()), true)`)
	open(a, "/")
	WaitFor(t, a, `document.documentElement.dataset.cloud === 'signed-out'`, 20*time.Second)

	// The server unreachable: the app works as before and says so; back
	// again, the password unlocks the account.
	proxy.set(func(p *proxyLog) { p.apiDown = true })
	open(b, "/")
	WaitFor(t, b, `document.documentElement.dataset.cloud === 'unavailable'`, 20*time.Second)
	click(t, b, "[data-testid=cloud-account]")
	WaitFor(t, b, `document.querySelector('[data-testid=cloud-unavailable]')`, 5*time.Second)
	Eval[bool](t, b, `(document.querySelectorAll('dialog').forEach((d) => d.close()), true)`)
	SetFiles(t, b, "[data-testid=file-input]", wav)
	WaitFor(t, b, fmt.Sprintf(`document.querySelector('[data-testid=cutter-title]').textContent === %q`, name), 20*time.Second)
	proxy.set(func(p *proxyLog) { p.apiDown = false })
	open(b, "/")
	WaitFor(t, b, `document.documentElement.dataset.cloud === 'locked'`, 20*time.Second)
	click(t, b, "[data-testid=cloud-account]")
	WaitFor(t, b, `document.querySelector('[data-testid=cloud-unlock]')`, 5*time.Second)
	run(t, b, chromedp.SendKeys(chromedp.CSS("[data-testid=cloud-password]"), password))
	click(t, b, "[data-testid=cloud-unlock]")
	WaitFor(t, b, `document.documentElement.dataset.cloud === 'ready'`, 30*time.Second)

	// A new password: the data key is wrapped again; B stays signed in and
	// the files stay readable.
	WaitFor(t, b, `document.querySelector('[data-testid=cloud-change-password]')`, 10*time.Second)
	run(t, b, chromedp.SendKeys(chromedp.CSS("[data-testid=cloud-old-password]"), password), chromedp.SendKeys(chromedp.CSS("[data-testid=cloud-new-password]"), newPassword))
	click(t, b, "[data-testid=cloud-change-password]")
	WaitFor(t, b, `document.querySelector('[data-testid=cloud-password-msg]').textContent.includes('Password changed')`, 30*time.Second)
	Eval[bool](t, b, `(document.querySelectorAll('dialog').forEach((d) => d.close()), true)`)
	click(t, b, "[data-testid=cloud-open-welcome]")
	WaitFor(t, b, `document.querySelectorAll('[data-testid=cloud-file]').length === 2 && document.querySelector('[data-testid=cloud-files]').textContent.includes('Edit of ')`, 20*time.Second)
	Eval[bool](t, b, `(document.querySelectorAll('dialog').forEach((d) => d.close()), true)`)

	// The page holds the keys only sealed: its heap (the page's, not its
	// workers') has no data key or key-encryption key (checked below).
	heapB := heapSnapshot(t, b)

	// A (signed out) forgot the password: the recovery key shown at
	// sign-up sets a third one, the files open, and B is signed out.
	click(t, a, "[data-testid=cloud-account]")
	click(t, a, "[data-testid=cloud-forgot]")
	WaitFor(t, a, `document.querySelector('[data-testid=cloud-recovery-input]')`, 5*time.Second)
	run(t, a, chromedp.SendKeys(chromedp.CSS("[data-testid=cloud-email]"), email), chromedp.SendKeys(chromedp.CSS("[data-testid=cloud-recovery-input]"), recovery),
		chromedp.SendKeys(chromedp.CSS("[data-testid=cloud-new-password]"), thirdPassword))
	click(t, a, "[data-testid=cloud-recover]")
	WaitFor(t, a, `document.documentElement.dataset.cloud === 'ready'`, 60*time.Second)
	Eval[bool](t, a, `(document.querySelectorAll('dialog').forEach((d) => d.close()), true)`)
	click(t, a, "[data-testid=cloud-open-welcome]")
	WaitFor(t, a, `document.querySelectorAll('[data-testid=cloud-file]').length === 2 && document.querySelector('[data-testid=cloud-files]').textContent.includes('Edit of ' + `+fmt.Sprintf("%q", name)+`)`, 20*time.Second)
	Eval[bool](t, a, `(document.querySelectorAll('dialog').forEach((d) => d.close()), true)`)
	open(b, "/")
	WaitFor(t, b, `document.documentElement.dataset.cloud === 'signed-out'`, 20*time.Second)

	// Export on A: one ZIP, decrypted in the browser, with the audio as it
	// was saved, every kept version of the edit, and the account's list.
	click(t, a, "[data-testid=cloud-account]")
	WaitFor(t, a, `document.querySelector('[data-testid=cloud-export]')`, 10*time.Second)
	exp := CaptureDownloads(t, a)
	click(t, a, "[data-testid=cloud-export]")
	WaitFor(t, a, `!!document.querySelector('[data-testid=cloud-export-link]') || document.querySelector('[data-testid=cloud-export-msg]').textContent.startsWith('Could not')`, 120*time.Second)
	if m := Eval[string](t, a, `document.querySelector('[data-testid=cloud-export-msg]').textContent`); strings.HasPrefix(m, "Could not") {
		t.Fatalf("export: %s", m)
	}
	zipDL := exp.Wait(t, 60*time.Second)
	znames, zdata := zipEntries(t, zipDL.Path)
	if !bytes.Equal(zdata[name], plain) {
		t.Errorf("the export's %s is %d bytes, not the %d saved (entries %q)", name, len(zdata[name]), len(plain), znames)
	}
	var manifest struct {
		Account struct {
			Email string `json:"email"`
		} `json:"account"`
		Files []struct {
			Kind, Name, File string
			Version          int
			Current          bool
		} `json:"files"`
	}
	if err := json.Unmarshal(zdata["offcut-account.json"], &manifest); err != nil || manifest.Account.Email != email {
		t.Fatalf("the export's offcut-account.json: %v %q", err, zdata["offcut-account.json"])
	}
	edits := 0
	for _, f := range manifest.Files {
		if f.Kind != "edit" {
			continue
		}
		edits++
		var doc struct {
			Kind  string `json:"kind"`
			Name  string `json:"name"`
			State struct {
				Doc json.RawMessage `json:"doc"`
			} `json:"state"`
		}
		if err := json.Unmarshal(zdata[f.File], &doc); err != nil || doc.Kind != "offcut-edit" || doc.Name != name {
			t.Errorf("the export's %s (version %d): %v %+v", f.File, f.Version, err, doc)
		}
		// The saved edit is an engine document, as offcut render reads it.
		if d, err := project.Parse(doc.State.Doc); err != nil {
			t.Errorf("the export's %s (version %d): its edit is not a document the engine reads: %v\n%s", f.File, f.Version, err, doc.State.Doc)
		} else if len(d.Sources) != 1 || d.Sources[0].Name != name || len(d.Clips) != 1 || d.Clips[0].In != 100*rate || d.Clips[0].Out != 110*rate {
			t.Errorf("the export's %s (version %d): the document %s is not the 100–110 s kept of %s", f.File, f.Version, doc.State.Doc, name)
		}
	}
	if edits < 2 || len(znames) != len(manifest.Files)+1 {
		t.Errorf("the export holds %q; its list %+v", znames, manifest.Files)
	}
	t.Logf("export: %d entries, %d versions of the edit", len(znames), edits)
	Eval[bool](t, a, `(document.querySelectorAll('dialog').forEach((d) => d.close()), true)`)

	// Delete the account on A: the link answers 404 afterwards.
	click(t, a, "[data-testid=cloud-account]")
	WaitFor(t, a, `document.querySelector('[data-testid=cloud-delete-account]')`, 10*time.Second)
	click(t, a, "[data-testid=cloud-delete-account]")
	run(t, a, chromedp.SendKeys(chromedp.CSS("[data-testid=cloud-delete-confirm]"), "DELETE"))
	click(t, a, "[data-testid=cloud-delete-go]")
	WaitFor(t, a, `document.documentElement.dataset.cloud === 'signed-out'`, 20*time.Second)
	if st := Eval[int](t, c, fmt.Sprintf(`fetch('/api/v1/shares/%s').then((r) => r.status)`, shareID)); st != 404 {
		t.Errorf("after delete account, the share answers %d", st)
	}
	open(c, "/?again#"+lu.Fragment) // a new document (the same URL would only change the hash)
	WaitFor(t, c, `document.querySelector('[data-testid=cloud-shared]') && document.querySelector('[data-testid=cloud-shared]').dataset.failed`, 20*time.Second)

	// What left the browsers: keys of the account from the register body.
	all := proxy.all()
	var reg struct {
		KDFSalt, KDFParams, WrappedKey []byte `json:"-"`
	}
	var secrets [][]byte
	for _, r := range all {
		if r.URL == "/api/v1/register" {
			var body map[string]any
			json.Unmarshal(r.Body, &body)
			reg.KDFSalt, _ = base64.StdEncoding.DecodeString(fmt.Sprint(body["kdf_salt"]))
			reg.KDFParams, _ = base64.StdEncoding.DecodeString(fmt.Sprint(body["kdf_params"]))
			reg.WrappedKey, _ = base64.StdEncoding.DecodeString(fmt.Sprint(body["wrapped_key"]))
		}
	}
	sess, err := crypt.Login(password, reg.KDFSalt, reg.KDFParams)
	if err != nil {
		t.Fatal(err)
	}
	dk, err := sess.DataKey(reg.WrappedKey)
	if err != nil {
		t.Fatalf("the register body's wrapped key: %v", err)
	}
	ck := crypt.ContentKey(dk)
	for _, k := range [][]byte{dk[:], sess.KEK[:], ck[:]} {
		secrets = append(secrets, k, []byte(base64.StdEncoding.EncodeToString(k)), []byte(base64.RawURLEncoding.EncodeToString(k)), []byte(hex.EncodeToString(k)))
	}
	for _, r := range all {
		if r.URL == "/api/v1/account/keys" {
			var body map[string]any
			json.Unmarshal(r.Body, &body)
			salt, _ := base64.StdEncoding.DecodeString(fmt.Sprint(body["kdf_salt"]))
			params, _ := base64.StdEncoding.DecodeString(fmt.Sprint(body["kdf_params"]))
			s2, err := crypt.Login(newPassword, salt, params)
			if err != nil {
				t.Fatal(err)
			}
			wrapped, _ := base64.StdEncoding.DecodeString(fmt.Sprint(body["wrapped_key"]))
			if dk2, err := s2.DataKey(wrapped); err != nil || dk2 != dk {
				t.Errorf("the new password does not open the same data key: %v", err)
			}
			secrets = append(secrets, s2.KEK[:], []byte(base64.StdEncoding.EncodeToString(s2.KEK[:])))
		}
	}
	secrets = append(secrets, []byte(thirdPassword), []byte(newPassword), []byte(password), []byte(base64.StdEncoding.EncodeToString([]byte(password))), []byte(recovery), []byte(strings.ReplaceAll(recovery, "-", "")),
		[]byte(name), []byte(url.PathEscape(name)), []byte("cloudtest-interview"))
	// Distinctive runs of the audio: 64 bytes from several places.
	for _, off := range []int{1 << 20, len(plain) / 2, len(plain) - 4096} {
		secrets = append(secrets, plain[off:off+64])
	}
	if len(heapB) < 1<<20 || !strings.Contains(heapB, email) {
		// The e-mail is in the page's memory: a snapshot without it is
		// not of the page.
		t.Errorf("a heap snapshot of %d bytes without the e-mail", len(heapB))
	}
	for _, k := range [][]byte{dk[:], sess.KEK[:]} {
		for _, enc := range []string{base64.StdEncoding.EncodeToString(k), hex.EncodeToString(k)} {
			if strings.Contains(heapB, enc) {
				t.Errorf("the page's heap holds a key (%.8s…)", enc)
			}
		}
	}
	t.Logf("page heap snapshot of %d bytes checked for keys", len(heapB))
	var bodies, chunks int64
	for _, r := range all {
		bodies += int64(len(r.Body))
		if strings.Contains(r.URL, "/chunks/") {
			chunks++
		}
		for i, s := range secrets {
			if bytes.Contains(r.Body, s) || strings.Contains(r.URL, string(s)) {
				t.Errorf("%s %s carries secret %d (%.20q)", r.Method, r.URL, i, s)
			}
		}
	}
	t.Logf("%d requests, %d bytes of request bodies (%d chunk PUTs) checked; the audio was %d bytes", len(all), bodies, chunks, len(plain))
	if bodies < int64(len(plain)) {
		t.Errorf("only %d bytes were sent for a %d-byte file: was the audio saved?", bodies, len(plain))
	}
}

// TestCloudJoin saves a join (two files, one junction a crossfade) to the
// cloud from one profile and opens it on another: the joiner there has
// the same clips and junction, read from the cloud, and its export is
// byte for byte the first profile's.
func TestCloudJoin(t *testing.T) {
	site := StartSite(t)
	dir := t.TempDir()
	wa := WriteWAV(t, filepath.Join(dir, "first-take.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 2 * 44100, Seed: 11})
	wb := WriteWAV(t, filepath.Join(dir, "second-take.wav"), WAVSpec{Rate: 44100, Channels: 2, Bits: 16, Frames: 3 * 44100, Seed: 12})
	email := fmt.Sprintf("join-%d@example.com", time.Now().UnixNano())
	const password = "a join password of some length"
	const total = 5*44100 - 22050

	a := NewBrowser(t)
	site.Open(t, a, "/")
	WaitFor(t, a, `document.documentElement.classList.contains('ready')`, 60*time.Second)
	click(t, a, "[data-testid=cloud-account]")
	WaitFor(t, a, `document.querySelector('[data-testid=cloud-email]')`, 5*time.Second)
	run(t, a, chromedp.SendKeys(chromedp.CSS("[data-testid=cloud-email]"), email), chromedp.SendKeys(chromedp.CSS("[data-testid=cloud-password]"), password))
	click(t, a, "[data-testid=cloud-signup]")
	WaitFor(t, a, `document.querySelector('[data-testid=cloud-recovery-key]')`, 60*time.Second)
	click(t, a, "[data-testid=cloud-recovery-done]")
	Eval[bool](t, a, `(document.querySelectorAll('dialog').forEach((d) => d.close()), true)`)
	WaitFor(t, a, `document.documentElement.dataset.cloud === 'ready'`, 10*time.Second)
	SetFiles(t, a, "[data-testid=file-input]", wa, wb)
	WaitFor(t, a, `document.querySelectorAll('[data-testid=join-item]').length === 2`, 30*time.Second)
	setSelect(t, a, `document.querySelector('[data-testid=join-type]')`, "crossfade")
	WaitFor(t, a, `!!document.querySelector('[data-testid=join-ms]')`, 5*time.Second)
	typeInto(t, a, "[data-testid=join-ms]", "500")
	waitResult(t, a, "joiner", fmt.Sprint(total))
	dlsA := CaptureDownloads(t, a)
	click(t, a, "[data-testid=joiner] [data-testid=export]")
	want := dlsA.Wait(t, 60*time.Second)
	click(t, a, "[data-testid=cloud-save-join]")
	click(t, a, "[data-testid=cloud-save-join-go]")
	WaitFor(t, a, `document.documentElement.dataset.cloudSaved`, 120*time.Second)

	b := NewBrowser(t)
	site.Open(t, b, "/")
	WaitFor(t, b, `document.documentElement.classList.contains('ready')`, 60*time.Second)
	click(t, b, "[data-testid=cloud-account]")
	WaitFor(t, b, `document.querySelector('[data-testid=cloud-email]')`, 5*time.Second)
	run(t, b, chromedp.SendKeys(chromedp.CSS("[data-testid=cloud-email]"), email), chromedp.SendKeys(chromedp.CSS("[data-testid=cloud-password]"), password))
	click(t, b, "[data-testid=cloud-signin]")
	WaitFor(t, b, `document.documentElement.dataset.cloud === 'ready'`, 60*time.Second)
	Eval[bool](t, b, `(document.querySelectorAll('dialog').forEach((d) => d.close()), true)`)
	click(t, b, "[data-testid=cloud-open-welcome]")
	WaitFor(t, b, `[...document.querySelectorAll('[data-testid=cloud-file]')].some((li) => li.textContent.startsWith('Join of first-take.wav, second-take.wav'))`, 20*time.Second)
	Eval[bool](t, b, `([...document.querySelectorAll('[data-testid=cloud-file]')].find((li) => li.textContent.startsWith('Join of')).querySelector('[data-testid=cloud-file-open]').click(), true)`)
	WaitFor(t, b, `document.querySelectorAll('[data-testid=join-item]').length === 2 && !document.getElementById('joiner-panel').hidden`, 60*time.Second)
	waitResult(t, b, "joiner", fmt.Sprint(total))
	if got := Eval[string](t, b, `[...document.querySelectorAll('[data-testid=join-item] .join-name')].map((e) => e.textContent).join(',')`); got != "first-take.wav,second-take.wav" {
		t.Errorf("the opened join's clips: %s", got)
	}
	dlsB := CaptureDownloads(t, b)
	click(t, b, "[data-testid=joiner] [data-testid=export]")
	got := dlsB.Wait(t, 60*time.Second)
	wb1, _ := os.ReadFile(want.Path)
	gb1, _ := os.ReadFile(got.Path)
	if len(wb1) == 0 || !bytes.Equal(wb1, gb1) {
		t.Errorf("the join opened from the cloud exports %d bytes, the original %d, not the same", len(gb1), len(wb1))
	}
}
