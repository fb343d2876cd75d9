package project_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codecs"
	"offcut/audio/project"
)

// renderFile renders doc over the sources into a file in dir and returns
// its path and the render's result.
func renderFile(t *testing.T, dir, name string, doc *project.Document, srcs ...[]byte) (string, *project.Result) {
	t.Helper()
	decs := make([]audio.Decoder, len(srcs))
	sources := make([]audio.Source, len(srcs))
	for i, b := range srcs {
		sources[i] = audio.NewBytesSource(b)
		d, err := codecs.Open(sources[i])
		if err != nil {
			t.Fatal(err)
		}
		decs[i] = d
	}
	res, err := project.Render(doc, decs, project.Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := res.Plan.WriteTo(f, sources, nil); err != nil {
		t.Fatalf("%s: writing: %v", name, err)
	}
	return path, res
}

// TestFLACOutput: a cut written as FLAC passes flac -t, carries the
// source's tags, and decodes to exactly the samples of the cut (24-bit and
// 16-bit, stereo and 6 channels); a float source becomes 24-bit FLAC.
func TestFLACOutput(t *testing.T) {
	flacTool := audiotest.Tool(t, "flac")
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		f    audio.Format
	}{
		{"s24-stereo", audio.Format{Rate: 48000, Channels: 2, Bits: 24}},
		{"s16-6ch", audio.Format{Rate: 44100, Channels: 6, Bits: 16}},
		{"f32-mono", audio.Format{Rate: 22050, Channels: 1, Bits: 32, Float: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := c.f.Rate * 2
			src := audiotest.WAV(c.f, audiotest.Signal(n, c.f.Channels, c.f.Rate, 3))
			doc := project.Keep(1000, int64(n-500))
			doc.Output.Container = "flac"
			doc.Output.Options = map[string]string{"level": "8"}
			path, res := renderFile(t, dir, c.name+".flac", doc, src)
			if res.Container != "flac" || res.Frames != int64(n-1500) || res.Plan.Exact() {
				t.Errorf("result: %s, %d frames, exact size %v", res.Container, res.Frames, res.Plan.Exact())
			}
			if out, err := exec.Command(flacTool, "-t", "-s", path).CombinedOutput(); err != nil {
				t.Fatalf("flac -t: %v: %s", err, out)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := codecs.Open(audio.NewBytesSource(b))
			if err != nil {
				t.Fatal(err)
			}
			wantBits := c.f.Bits
			if c.f.Float {
				wantBits = 24
			}
			if i := got.Info(); i.Container != "flac" || i.Frames != int64(n-1500) || i.Format.Bits != wantBits || i.Format.Channels != c.f.Channels {
				t.Fatalf("decoded info %+v", i)
			}
			dec := audiotest.DecodeAll(t, got)
			srcDec, _ := codecs.Open(audio.NewBytesSource(src))
			ws, _ := srcDec.Stream(1000, int64(n-500))
			want := audiotest.ReadAll(t, ws)
			tol := float32(0)
			if c.f.Float {
				tol = 2.0 / (1 << 23) // TPDF dither: under 1.5 LSB at 24 bits
			}
			for i := range want {
				if d := dec[i] - want[i]; d > tol || d < -tol {
					t.Fatalf("sample %d: %v, want %v", i, dec[i], want[i])
				}
			}
		})
	}
}

// TestDocumentTagsAndCover: the document's tag edits and cover (base64 in
// JSON) reach every output format whose writer writes tags, read back by
// our own readers; a cover that is not a JPEG or PNG is refused.
func TestDocumentTagsAndCover(t *testing.T) {
	dir := t.TempDir()
	f := audio.Format{Rate: 44100, Channels: 2, Bits: 16}
	src := audiotest.WAV(f, audiotest.Signal(44100, 2, 44100, 5))
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 300)...)
	for _, d := range codecs.All {
		if d.Write == nil || !d.Write.Tags || d.Write.SourcesOnly {
			continue
		}
		t.Run(d.Name, func(t *testing.T) {
			js := `{"version":1,"sources":[{"name":"a.wav"}],"clips":[{"source":0,"in":0,"out":44100}],
				"output":{"container":"` + d.Name + `","tags":{"title":"Ünïcode title","artist":"Someone","year":"2026","cover":{"mime":"image/png","data":"` + base64.StdEncoding.EncodeToString(png) + `"}}}}`
			doc, err := project.Parse([]byte(js))
			if err != nil {
				t.Fatal(err)
			}
			path, _ := renderFile(t, dir, "tagged."+d.Extensions[0], doc, src)
			b, _ := os.ReadFile(path)
			got, err := codecs.Open(audio.NewBytesSource(b))
			if err != nil {
				t.Fatal(err)
			}
			info := got.Info()
			if info.Tags["title"] != "Ünïcode title" || info.Tags["artist"] != "Someone" || info.Tags["year"] != "2026" {
				t.Errorf("tags read back: %q", info.Tags)
			}
			if len(info.Pictures) != 1 || info.Pictures[0].MIME != "image/png" || info.Pictures[0].Type != 3 {
				t.Fatalf("pictures read back: %+v", info.Pictures)
			}
		})
	}
	bad := `{"version":1,"sources":[{"name":"a.wav"}],"clips":[{"source":0,"in":0,"out":44100}],"output":{"tags":{"cover":{"mime":"image/png","data":"` + base64.StdEncoding.EncodeToString([]byte("GIF89a....")) + `"}}}}`
	var ce *project.CoverError
	if _, err := project.Parse([]byte(bad)); err == nil || !strings.Contains(err.Error(), "JPEG or PNG") || !errors.As(err, &ce) || !errors.Is(err, project.ErrInvalid) || ce.TooLarge() {
		t.Errorf("a GIF cover: %v", err)
	}
	// A JPEG the document calls a PNG (a file named .png) is stored as
	// the JPEG it is.
	jpeg := append([]byte{0xff, 0xd8, 0xff, 0xe0}, make([]byte, 200)...)
	misnamed := `{"version":1,"sources":[{"name":"a.wav"}],"clips":[{"source":0,"in":0,"out":44100}],"output":{"container":"mp3","tags":{"cover":{"mime":"image/png","data":"` + base64.StdEncoding.EncodeToString(jpeg) + `"}}}}`
	doc, err := project.Parse([]byte(misnamed))
	if err != nil {
		t.Fatalf("a JPEG named as a PNG: %v", err)
	}
	path, _ := renderFile(t, dir, "misnamed.mp3", doc, src)
	b, _ := os.ReadFile(path)
	got, err := codecs.Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	if p := got.Info().Pictures; len(p) != 1 || p[0].MIME != "image/jpeg" || !bytes.Equal(p[0].Data, jpeg) {
		t.Errorf("a JPEG named as a PNG came back as %+v", p)
	}
}
