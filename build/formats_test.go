package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"offcut/audio/codecs"
)

// TestFormatsFromRegistry: the app's accept list, file handlers and share
// target list exactly the formats the engine reads.
func TestFormatsFromRegistry(t *testing.T) {
	assets := map[string]*asset{}
	for _, n := range []string{"index.html", "manifest.webmanifest"} {
		b, err := os.ReadFile(filepath.Join("..", "www", n))
		if err != nil {
			t.Fatal(err)
		}
		assets[n] = &asset{src: n, data: b}
	}
	if err := applyFormats(assets); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range codecs.List() {
		if f.Reads {
			for _, e := range f.Extensions {
				want = append(want, "."+e)
			}
		}
	}
	m := regexp.MustCompile(`id="file-input"[^>]*accept="([^"]*)"`).FindSubmatch(assets["index.html"].data)
	if m == nil {
		t.Fatal("index.html has no file input with an accept list")
	}
	got := strings.Split(string(m[1]), ",")
	if got[0] != "audio/*" || !slices.Equal(got[1:], want) {
		t.Errorf("accept = %q, want audio/* and %q", got, want)
	}
	var man struct {
		FileHandlers []struct {
			Accept map[string][]string `json:"accept"`
		} `json:"file_handlers"`
		ShareTarget struct {
			Params struct {
				Files []struct {
					Accept []string `json:"accept"`
				} `json:"files"`
			} `json:"params"`
		} `json:"share_target"`
	}
	if err := json.Unmarshal(assets["manifest.webmanifest"].data, &man); err != nil {
		t.Fatal(err)
	}
	if len(man.FileHandlers) != 1 {
		t.Fatalf("%d file handlers", len(man.FileHandlers))
	}
	var handled []string
	for mime, exts := range man.FileHandlers[0].Accept {
		if codecs.Lookup(mime) == nil {
			t.Errorf("file handler for %s, which no format reads", mime)
		}
		for _, e := range exts {
			if !slices.Contains(handled, e) {
				handled = append(handled, e)
			}
		}
	}
	slices.Sort(handled)
	sorted := slices.Sorted(slices.Values(want))
	if !slices.Equal(handled, sorted) {
		t.Errorf("file handlers accept %v, want %v", handled, sorted)
	}
	if f := man.ShareTarget.Params.Files; len(f) != 1 || !slices.Equal(f[0].Accept[1:], want) {
		t.Errorf("share target accepts %v", f)
	}
}
