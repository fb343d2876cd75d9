package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// decodePNG decodes data as a PNG, failing the test otherwise.
func decodePNG(t *testing.T, name string, data []byte) image.Image {
	t.Helper()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != "png" {
		t.Fatalf("%s: not a PNG (%q): %v", name, format, err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		t.Fatalf("%s: config says %dx%d, image is %v", name, cfg.Width, cfg.Height, b)
	}
	return img
}

func opaque(c color.Color) bool { _, _, _, a := c.RGBA(); return a == 0xffff }

// TestAppIconsReal draws the real app icon (www/icons/app-icon.svg) at
// every size: decodable PNGs of the right size, deterministic, the plain
// icon with transparent rounded corners, the maskable one opaque to its
// corners.
func TestAppIconsReal(t *testing.T) {
	svg, err := os.ReadFile(filepath.Join("..", "www", filepath.FromSlash(appIconSource)))
	if err != nil {
		t.Skipf("no real app icon: %v", err)
	}
	for _, ic := range appIcons {
		data, err := rasterizeIcon(svg, ic.size, ic.maskable)
		if err != nil {
			t.Fatalf("%s: %v", ic.name, err)
		}
		again, _ := rasterizeIcon(svg, ic.size, ic.maskable)
		if !bytes.Equal(data, again) {
			t.Errorf("%s: two draws differ", ic.name)
		}
		img := decodePNG(t, ic.name, data)
		if b := img.Bounds(); b.Dx() != ic.size || b.Dy() != ic.size {
			t.Errorf("%s: %dx%d, want %dx%d", ic.name, b.Dx(), b.Dy(), ic.size, ic.size)
		}
		corner := img.At(0, 0)
		if ic.maskable != opaque(corner) {
			t.Errorf("%s: corner pixel %v; want opaque only for the maskable icon", ic.name, corner)
		}
		if !opaque(img.At(ic.size/2, ic.size/2)) {
			t.Errorf("%s: centre pixel is not opaque", ic.name)
		}
	}
}

// TestAppIconsBuilt checks that the fixture build emits the PNG icons
// under content-hashed names, that the web manifest's references to them
// were rewritten, and that they are precached but not precompressed.
func TestAppIconsBuilt(t *testing.T) {
	dist := fixtureDist(t)
	m := readManifest(t, dist)
	webman, err := os.ReadFile(filepath.Join(dist, "manifest.webmanifest"))
	if err != nil {
		t.Fatal(err)
	}
	var wm struct {
		Icons []struct{ Src, Sizes, Purpose string } `json:"icons"`
	}
	if err := json.Unmarshal(webman, &wm); err != nil {
		t.Fatalf("manifest.webmanifest: %v", err)
	}
	for _, ic := range appIcons {
		out, ok := m.Assets[ic.name]
		if !ok {
			t.Errorf("asset manifest lacks %s", ic.name)
			continue
		}
		if !hashedRE.MatchString(out) {
			t.Errorf("%s -> %s: want a content-hashed name", ic.name, out)
		}
		data, err := os.ReadFile(filepath.Join(dist, out))
		if err != nil {
			t.Fatal(err)
		}
		img := decodePNG(t, out, data)
		if b := img.Bounds(); b.Dx() != ic.size || b.Dy() != ic.size {
			t.Errorf("%s: %v, want %dx%d", out, b, ic.size, ic.size)
		}
		if !slices.Contains(m.Precache, out) {
			t.Errorf("precache list lacks %s", out)
		}
		for _, ext := range []string{".br", ".gz"} {
			if _, err := os.Stat(filepath.Join(dist, out+ext)); err == nil {
				t.Errorf("%s%s written; PNGs are not precompressed", out, ext)
			}
		}
		named := slices.ContainsFunc(wm.Icons, func(i struct{ Src, Sizes, Purpose string }) bool {
			return strings.TrimPrefix(i.Src, "/") == out
		})
		if !named {
			t.Errorf("manifest.webmanifest does not name %s: %s", out, webman)
		}
	}
}

// TestAppIconsErrors: a PNG of a drawn icon in the sources, and SVGs that
// cannot make an icon, are errors that name the problem.
func TestAppIconsErrors(t *testing.T) {
	square := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#000"/></svg>`
	assets := map[string]*asset{
		appIconSource:            {src: appIconSource, data: []byte(square)},
		"icons/app-icon-192.png": {src: "icons/app-icon-192.png", data: []byte("x")},
	}
	if err := addAppIcons(assets); err == nil || !strings.Contains(err.Error(), "must not be in the sources") {
		t.Errorf("PNG icon in the sources: err = %v", err)
	}
	for name, svg := range map[string]string{
		"not square":         `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 20"><rect width="10" height="20"/></svg>`,
		"transparent top":    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="1"/></svg>`,
		"not svg":            `hello`,
		"unsupported filter": `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><filter id="f"/><rect width="10" height="10" filter="url(#f)"/></svg>`,
	} {
		if _, err := rasterizeIcon([]byte(svg), 64, true); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// No source icon: nothing is drawn.
	none := map[string]*asset{"index.html": {src: "index.html"}}
	if err := addAppIcons(none); err != nil || len(none) != 1 {
		t.Errorf("without %s: err %v, %d assets", appIconSource, err, len(none))
	}
}
