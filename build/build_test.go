package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/andybalholm/brotli"
)

const (
	fixtureWWW  = "testdata/www"
	fixtureWasm = "./testdata/wasmfixture"
)

var (
	distOnce sync.Once
	distDir  string
	distErr  error
)

// fixtureBrotli is the brotli level of the fixture builds: the real one
// (11), or a quick one under -short.
func fixtureBrotli() int {
	if testing.Short() {
		return 4
	}
	return 11
}

// fixtureDist builds the fixture once per test binary and returns the
// output directory.
func fixtureDist(t *testing.T) string {
	t.Helper()
	distOnce.Do(func() {
		dir, err := os.MkdirTemp("", "offcut-build-test-*")
		if err != nil {
			distErr = err
			return
		}
		distDir = filepath.Join(dir, "dist")
		_, distErr = Build(context.Background(), Config{WWW: fixtureWWW, Wasm: fixtureWasm, Out: distDir, BrotliQuality: fixtureBrotli()})
	})
	if distErr != nil {
		t.Fatalf("Build(fixture): %v", distErr)
	}
	return distDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if distDir != "" {
		os.RemoveAll(filepath.Dir(distDir))
	}
	os.Exit(code)
}

// readTreeFiles returns every file under dir keyed by slash path.
func readTreeFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(filepath.Join(dir, p))
		files[p] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func readManifest(t *testing.T, dir string) Manifest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, manifestFileName))
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", manifestFileName, err)
	}
	return m
}

var hashedRE = regexp.MustCompile(`\.[0-9a-f]{8,12}\.[a-z0-9]+$`)

func TestNames(t *testing.T) {
	dist := fixtureDist(t)
	m := readManifest(t, dist)
	fixed := []string{"index.html", "offcut.js", "sw.js", "manifest.webmanifest", "robots.txt"}
	for _, n := range fixed {
		if got := m.Assets[n]; got != n {
			t.Errorf("fixed name %s was emitted as %q", n, got)
		}
	}
	for src, out := range m.Assets {
		if slices.Contains(fixed, src) {
			continue
		}
		if !hashedRE.MatchString(out) {
			t.Errorf("%s -> %s: want a content-hashed name", src, out)
		}
		wantPrefix := strings.TrimSuffix(src, path.Ext(src)) + "."
		if !strings.HasPrefix(out, wantPrefix) || path.Ext(out) != path.Ext(src) {
			t.Errorf("%s -> %s: want %sHASH%s", src, out, wantPrefix, path.Ext(src))
		}
		if _, err := os.Stat(filepath.Join(dist, out)); err != nil {
			t.Errorf("manifest names %s, which was not written: %v", out, err)
		}
	}
	for _, gen := range []string{wasmName, wasmExecName} {
		if _, ok := m.Assets[gen]; !ok {
			t.Errorf("asset manifest lacks generated %s", gen)
		}
	}
}

func TestPrecacheAndServiceWorker(t *testing.T) {
	dist := fixtureDist(t)
	m := readManifest(t, dist)
	for _, want := range []string{m.Assets[wasmName], m.Assets[wasmExecName], "index.html", "offcut.js", "manifest.webmanifest", m.Assets["js/main.js"]} {
		if !slices.Contains(m.Precache, want) {
			t.Errorf("precache list lacks %s", want)
		}
	}
	if slices.Contains(m.Precache, serviceWorker) {
		t.Errorf("precache list holds the service worker itself")
	}
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(m.Version) {
		t.Errorf("version %q: want 12 hex digits", m.Version)
	}
	sw, err := os.ReadFile(filepath.Join(dist, serviceWorker))
	if err != nil {
		t.Fatal(err)
	}
	list, _ := json.Marshal(m.Precache)
	if !bytes.Contains(sw, list) {
		t.Errorf("sw.js lacks the precache list %s:\n%s", list, sw)
	}
	if !bytes.Contains(sw, []byte(`"`+m.Version+`"`)) {
		t.Errorf("sw.js lacks the version %s:\n%s", m.Version, sw)
	}
	for _, ph := range []string{"__PRECACHE__", "__BUILD_VERSION__"} {
		if bytes.Contains(sw, []byte(ph)) {
			t.Errorf("sw.js still holds the placeholder %s", ph)
		}
	}
}

// TestReferencesResolve checks that every local reference in every emitted
// text asset names an emitted file, and that no hashed asset is referred
// to by its source name any more.
func TestReferencesResolve(t *testing.T) {
	dist := fixtureDist(t)
	files := readTreeFiles(t, dist)
	m := readManifest(t, dist)
	outputs := map[string]*asset{}
	for n := range files {
		outputs[n] = &asset{src: n}
	}
	pathLike := regexp.MustCompile(`^(\.{0,2}/)?[\w./-]+\.(js|css|wasm|svg|png|json|webmanifest|html)([?#].*)?$`)
	checked := 0
	for n, data := range files {
		if strings.HasSuffix(n, ".br") || strings.HasSuffix(n, ".gz") || n == manifestFileName {
			continue
		}
		var spans [][2]int
		var err error
		switch path.Ext(n) {
		case ".html", ".svg":
			spans, err = markupSpans(data)
		case ".css":
			spans, err = cssSpans(data)
		case ".js":
			spans, err = jsSpans(data)
		case ".webmanifest", ".json":
			spans = jsonSpans(data)
		default:
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		for _, s := range spans {
			raw := string(data[s[0]:s[1]])
			if !pathLike.MatchString(raw) {
				continue
			}
			checked++
			if _, ok := resolve(n, raw, outputs); !ok {
				t.Errorf("%s refers to %q, which resolves to no emitted file", n, raw)
			}
		}
		for src, out := range m.Assets {
			if src != out && bytes.Contains(data, []byte(path.Base(src))) {
				t.Errorf("%s still mentions the source name %s (emitted as %s)", n, path.Base(src), out)
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d references checked; the fixture has more, so the scanners miss some", checked)
	}
}

func TestPrecompressed(t *testing.T) {
	dist := fixtureDist(t)
	files := readTreeFiles(t, dist)
	m := readManifest(t, dist)
	if _, ok := files[m.Assets[wasmName]+".br"]; !ok {
		t.Errorf("no .br variant for the wasm")
	}
	if _, ok := files[m.Assets["img/icon.png"]+".gz"]; ok {
		t.Errorf("a png was gzipped")
	}
	for n, data := range files {
		var r io.Reader
		switch {
		case strings.HasSuffix(n, ".br"):
			r = brotli.NewReader(bytes.NewReader(data))
		case strings.HasSuffix(n, ".gz"):
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Errorf("%s: %v", n, err)
				continue
			}
			r = zr
		default:
			continue
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		orig := files[n[:len(n)-3]]
		if !bytes.Equal(got, orig) {
			t.Errorf("%s decompresses to %d bytes that differ from the %d of the original", n, len(got), len(orig))
		}
		if len(data) >= len(orig) {
			t.Errorf("%s is %d bytes, not smaller than the original's %d", n, len(data), len(orig))
		}
	}
}

func TestDeterministic(t *testing.T) {
	a := readTreeFiles(t, fixtureDist(t))
	out := filepath.Join(t.TempDir(), "dist")
	if _, err := Build(context.Background(), Config{WWW: fixtureWWW, Wasm: fixtureWasm, Out: out, BrotliQuality: fixtureBrotli()}); err != nil {
		t.Fatal(err)
	}
	b := readTreeFiles(t, out)
	if len(a) != len(b) {
		t.Errorf("second build wrote %d files, first %d", len(b), len(a))
	}
	for n, data := range a {
		if !bytes.Equal(data, b[n]) {
			t.Errorf("%s differs between two builds of the same input", n)
		}
	}
	// Rebuilding over an earlier build replaces it.
	if _, err := Build(context.Background(), Config{WWW: fixtureWWW, Wasm: fixtureWasm, Out: out, BrotliQuality: 4}); err != nil {
		t.Fatalf("rebuilding over an earlier output: %v", err)
	}
}

// TestModulesParse runs node over the minified modules: node --check on a
// .mjs copy of each, then imports the module graph and calls into it, to
// prove import/export survived minification and renaming.
func TestModulesParse(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	dist := fixtureDist(t)
	m := readManifest(t, dist)
	tmp := t.TempDir()
	for src, out := range m.Assets {
		if path.Ext(out) != ".js" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dist, out))
		if err != nil {
			t.Fatal(err)
		}
		mjs := filepath.Join(tmp, strings.ReplaceAll(out, "/", "_")+".mjs")
		if err := os.WriteFile(mjs, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(node, "--check", mjs).CombinedOutput(); err != nil {
			t.Errorf("node --check %s (from %s): %v\n%s", mjs, src, err, out)
		}
	}

	// Import ui.js, which imports util.js twice over, and check the values.
	copyDir := filepath.Join(tmp, "site")
	if err := os.CopyFS(copyDir, os.DirFS(dist)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(copyDir, "package.json"), []byte(`{"type":"module"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `import describe, * as ui from './` + m.Assets["js/ui.js"] + `';
import * as util from './` + m.Assets["js/util.js"] + `';
const lazy = await import('./` + m.Assets["js/lazy.js"] + `');
console.log(JSON.stringify([describe(), typeof ui.render, util.add(2, 3), util.NAME, lazy.default]));`
	cmd := exec.Command(node, "--input-type=module", "-e", script)
	cmd.Dir = copyDir
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node importing the minified modules: %v\n%s", err, got)
	}
	want := `["offcut: 42","function",5,"offcut","loaded lazily"]`
	if strings.TrimSpace(string(got)) != want {
		t.Errorf("node printed %s, want %s", got, want)
	}
}

// writeWWW creates a www tree from a map of files.
func writeWWW(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for n, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCycle(t *testing.T) {
	www := writeWWW(t, map[string]string{
		"index.html": `<script type="module" src="a.js"></script>`,
		"a.js":       `import {b} from './b.js'; export const a = 1;`,
		"b.js":       `import {a} from './a.js'; export const b = 2;`,
	})
	_, err := Build(context.Background(), Config{WWW: www, Wasm: fixtureWasm, Out: filepath.Join(t.TempDir(), "dist")})
	if err == nil || !strings.Contains(err.Error(), "cycle") || !strings.Contains(err.Error(), "a.js -> b.js -> a.js") {
		t.Fatalf("Build with an import cycle: got error %v, want one naming the cycle a.js -> b.js -> a.js", err)
	}

	// Listing one of them as unhashed breaks the cycle.
	if err := os.WriteFile(filepath.Join(www, unhashedListName), []byte("b.js\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(context.Background(), Config{WWW: www, Wasm: fixtureWasm, Out: filepath.Join(t.TempDir(), "dist"), BrotliQuality: 4}); err != nil {
		t.Fatalf("Build with b.js unhashed: %v", err)
	}
}

func TestErrors(t *testing.T) {
	www := writeWWW(t, map[string]string{"index.html": `<p>hi</p>`})
	emptyPkg := t.TempDir()
	ctx := context.Background()
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no Go files", Config{WWW: www, Wasm: emptyPkg, Out: filepath.Join(t.TempDir(), "d")}, "has no Go files"},
		{"missing www", Config{WWW: filepath.Join(www, "nope"), Wasm: fixtureWasm, Out: filepath.Join(t.TempDir(), "d")}, "www directory"},
		{"dangling import", Config{WWW: writeWWW(t, map[string]string{"js/a.js": "import {x} from '../lib/x.js';"}), Wasm: fixtureWasm, Out: filepath.Join(t.TempDir(), "d")}, `js/a.js: imports "../lib/x.js", which names no file`},
		{"bad JS", Config{WWW: writeWWW(t, map[string]string{"x.js": "import {"}), Wasm: fixtureWasm, Out: filepath.Join(t.TempDir(), "d")}, "x.js"},
		{"generated name in sources", Config{WWW: writeWWW(t, map[string]string{"wasm_exec.js": ""}), Wasm: fixtureWasm, Out: filepath.Join(t.TempDir(), "d")}, "generated by the build"},
		{"unknown unhashed entry", Config{WWW: writeWWW(t, map[string]string{"a.css": "", "unhashed.txt": "nope.css"}), Wasm: fixtureWasm, Out: filepath.Join(t.TempDir(), "d")}, `unhashed.txt:1: "nope.css"`},
		{"foreign output dir", Config{WWW: www, Wasm: fixtureWasm, Out: writeWWW(t, map[string]string{"precious.txt": "x"})}, "refusing to replace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(ctx, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestHashedName(t *testing.T) {
	for _, tt := range []struct{ in, wantRE string }{
		{"js/app.js", `^js/app\.[0-9a-f]{10}\.js$`},
		{"app.min.css", `^app\.min\.[0-9a-f]{10}\.css$`},
		{"LICENSE", `^LICENSE\.[0-9a-f]{10}$`},
		{".x/y", `^\.x/y\.[0-9a-f]{10}$`},
	} {
		if got := hashedName(tt.in, []byte("x")); !regexp.MustCompile(tt.wantRE).MatchString(got) {
			t.Errorf("hashedName(%q) = %q, want match for %s", tt.in, got, tt.wantRE)
		}
	}
}

func TestResolve(t *testing.T) {
	assets := map[string]*asset{"js/a.js": {}, "img/x.svg": {}, "index.html": {}}
	for _, tt := range []struct {
		from, raw, want string
	}{
		{"js/b.js", "./a.js", "js/a.js"},
		{"js/b.js", "a.js", "js/a.js"},
		{"js/b.js", "../img/x.svg#frag", "img/x.svg"},
		{"css/s.css", "/img/x.svg?v=1", "img/x.svg"},
		{"index.html", "js/a.js", "js/a.js"},
		{"js/b.js", "../../js/a.js", ""},
		{"js/b.js", "https://x/a.js", ""},
		{"js/b.js", "//cdn/js/a.js", ""},
		{"js/b.js", "data:a.js", ""},
		{"js/b.js", "./a\\.js", ""},
		{"js/b.js", "./", ""},
		{"js/b.js", "./missing.js", ""},
	} {
		got, _ := resolve(tt.from, tt.raw, assets)
		if got != tt.want {
			t.Errorf("resolve(%q, %q) = %q, want %q", tt.from, tt.raw, got, tt.want)
		}
	}
	if got := replaceBase("../img/x.svg?v=1#a", "x.0123456789.svg"); got != "../img/x.0123456789.svg?v=1#a" {
		t.Errorf("replaceBase = %q", got)
	}
}

func TestSrcset(t *testing.T) {
	val := []byte("a.png 1x, b.png 2x,c.png")
	var got []string
	for _, s := range srcsetSpans(val, 0) {
		got = append(got, string(val[s[0]:s[1]]))
	}
	if want := []string{"a.png", "b.png", "c.png"}; !slices.Equal(got, want) {
		t.Errorf("srcsetSpans = %q, want %q", got, want)
	}
}
