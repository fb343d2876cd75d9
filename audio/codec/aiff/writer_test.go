package aiff_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/aiff"
	"offcut/audio/codecs"
	"offcut/audio/project"
)

func pngImage(t testing.TB, seed uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for i := range img.Pix {
		img.Pix[i] = uint8(i) * seed
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// renderAIFF renders doc over the files at paths as AIFF into out, and
// checks that the plan is exact and its size the size written.
func renderAIFF(t testing.TB, doc *project.Document, opt project.Options, out string, paths ...string) *project.Result {
	t.Helper()
	var decs []audio.Decoder
	var srcs []audio.Source
	for _, p := range paths {
		src := audio.NewBytesSource(readFile(t, p))
		d, err := codecs.Open(src)
		if err != nil {
			t.Fatalf("open %s: %v", filepath.Base(p), err)
		}
		decs, srcs = append(decs, d), append(srcs, src)
	}
	doc.Output.Container = "aiff"
	res, err := project.Render(doc, decs, opt)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if !res.Plan.Exact() || res.Container != "aiff" {
		t.Fatalf("plan exact %v, container %q", res.Plan.Exact(), res.Container)
	}
	var buf bytes.Buffer
	if _, err := res.Plan.WriteTo(&buf, srcs, nil); err != nil {
		t.Fatal(err)
	}
	if int64(buf.Len()) != res.Plan.Size() {
		t.Fatalf("wrote %d bytes, the plan announced %d", buf.Len(), res.Plan.Size())
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return res
}

// ffmpegDecode decodes path to interleaved float32 with ffmpeg -v error;
// any message fails the test.
func ffmpegDecode(t testing.TB, path string) []byte {
	t.Helper()
	cmd := exec.Command(audiotest.Tool(t, "ffmpeg"), "-v", "error", "-i", path, "-map", "0:a", "-f", "f64le", "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("ffmpeg decoding %s: %v %s", filepath.Base(path), err, stderr.String())
	}
	return out
}

// TestWriteFormats writes every sample format the AIFF writer offers from
// a WAV of the same format: our reader gives the source's samples back
// exactly, and ffmpeg decodes the AIFF to what it decodes the WAV to.
func TestWriteFormats(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		sf    string
		f     audio.Format
		codec string
	}{
		{"u8", audio.Format{Rate: 8000, Channels: 1, Bits: 8}, "pcm_s8"},
		{"s16", audio.Format{Rate: 44100, Channels: 2, Bits: 16}, "pcm_s16be"},
		{"s24", audio.Format{Rate: 48000, Channels: 6, Bits: 24}, "pcm_s24be"},
		{"s32", audio.Format{Rate: 96000, Channels: 2, Bits: 32}, "pcm_s32be"},
		{"f32", audio.Format{Rate: 44100, Channels: 2, Bits: 32, Float: true}, "pcm_f32be"},
		{"f64", audio.Format{Rate: 22050, Channels: 1, Bits: 64, Float: true}, "pcm_f64be"},
	} {
		t.Run(c.sf, func(t *testing.T) {
			const n = 1001 // odd: 8-bit mono data needs its pad byte
			want := audiotest.Signal(n, c.f.Channels, c.f.Rate, 5)
			src := filepath.Join(dir, c.sf+".wav")
			os.WriteFile(src, audiotest.WAV(c.f, want), 0o644)
			out := filepath.Join(dir, c.sf+".aiff")
			doc := project.Keep(0, n)
			doc.Output.SampleFormat = c.sf
			res := renderAIFF(t, doc, project.Options{}, out, src)
			if res.Frames != n || res.Format != c.f {
				t.Fatalf("result: %d frames of %v", res.Frames, res.Format)
			}
			d, err := aiff.OpenDecoder(audio.NewBytesSource(readFile(t, out)))
			if err != nil {
				t.Fatal(err)
			}
			i := d.Info()
			if i.Frames != n || i.Format != c.f || i.Codec != c.codec || len(i.Warnings) > 0 || i.Tags != nil {
				t.Fatalf("reader: %d frames of %v (%s), tags %v, warnings %v", i.Frames, i.Format, i.Codec, i.Tags, i.Warnings)
			}
			s, _ := d.Stream(0, n)
			got := audiotest.CheckStream(t, s)
			w, _ := codecs.Open(audio.NewBytesSource(audiotest.WAV(c.f, want)))
			ws, _ := w.Stream(0, n)
			if exp := audiotest.ReadAll(t, ws); !slicesEqual(got, exp) {
				t.Error("the AIFF's samples are not the WAV's")
			}
			if a, b := ffmpegDecode(t, out), ffmpegDecode(t, src); !bytes.Equal(a, b) {
				t.Errorf("ffmpeg decodes the AIFF to %d bytes that differ from the WAV's %d", len(a), len(b))
			}
			if strings.Contains(string(readFile(t, out)), "Offcut") {
				t.Error("the file names Offcut")
			}
			// Copied and computed stretches (a fade) decode as the WAV
			// writer's output of the same edit does.
			doc = project.Keep(0, n)
			doc.Clips = append(doc.Clips, project.Clip{Source: 0, In: 100, Out: 600, FadeIn: &project.Fade{Length: 250}})
			doc.Joins = append(doc.Joins, project.Join{Type: project.JoinNone})
			doc.Output.SampleFormat = c.sf
			res = renderAIFF(t, doc, project.Options{}, out, src)
			wdoc := *doc
			wdoc.Output.Container = "wav"
			d0, _ := codecs.Open(audio.NewBytesSource(readFile(t, src)))
			wres, err := project.Render(&wdoc, []audio.Decoder{d0}, project.Options{})
			if err != nil {
				t.Fatal(err)
			}
			wout := filepath.Join(dir, c.sf+"-edit.wav")
			wf, _ := os.Create(wout)
			if _, err := wres.Plan.WriteTo(wf, []audio.Source{audio.NewBytesSource(readFile(t, src))}, nil); err != nil {
				t.Fatal(err)
			}
			wf.Close()
			if a, b := ffmpegDecode(t, out), ffmpegDecode(t, wout); !bytes.Equal(a, b) || res.Frames != n+500 || res.Lossless {
				t.Errorf("edited: AIFF decodes to %d bytes, WAV to %d, or they differ (%d frames)", len(a), len(b), res.Frames)
			}
		})
	}
}

func slicesEqual(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestWriteTags converts a tagged FLAC with a cover to AIFF with a title
// edit and a new cover: ffprobe reads the tags, mutagen the ID3 chunk and
// the cover, our reader all of it.
func TestWriteTags(t *testing.T) {
	flacBin := audiotest.Tool(t, "flac")
	dir := t.TempDir()
	f := audio.Format{Rate: 44100, Channels: 2, Bits: 16}
	in := filepath.Join(dir, "in.wav")
	os.WriteFile(in, audiotest.WAV(f, audiotest.Signal(22050, 2, 44100, 3)), 0o644)
	old := filepath.Join(dir, "old.png")
	os.WriteFile(old, pngImage(t, 3), 0o644)
	src := filepath.Join(dir, "in.flac")
	args := []string{"-s", "-f", "-o", src, "--picture=3||||" + old}
	for _, kv := range []string{"TITLE=Old", "ARTIST=Ärtist", "ALBUM=Album", "DATE=2021", "TRACKNUMBER=4",
		"GENRE=Rock", "COMMENT=a comment", "COPYRIGHT=(c) them", "COMPOSER=Comp"} {
		args = append(args, "-T", kv)
	}
	run(t, flacBin, append(args, in)...)
	cover := pngImage(t, 9)
	title := "Odd títle"
	doc := project.Keep(1000, 21000)
	doc.Output.Tags = &project.Tags{Title: &title}
	out := filepath.Join(dir, "out.aiff")
	res := renderAIFF(t, doc, project.Options{Cover: &project.Cover{MIME: "image/png", Data: cover}}, out, src)

	d, err := aiff.Open(audio.NewBytesSource(readFile(t, out)))
	if err != nil {
		t.Fatal(err)
	}
	i := d.Info()
	want := map[string]string{"title": title, "artist": "Ärtist", "album": "Album", "year": "2021", "track": "4",
		"genre": "Rock", "comment": "a comment", "copyright": "(c) them", "composer": "Comp"}
	for k, v := range want {
		if i.Tags[k] != v {
			t.Errorf("reader: %s = %q, want %q (all %v)", k, i.Tags[k], v, i.Tags)
		}
	}
	if len(i.Pictures) != 1 || !bytes.Equal(i.Pictures[0].Data, cover) || i.Pictures[0].Type != 3 || i.Frames != res.Frames || len(i.Warnings) > 0 {
		t.Errorf("reader: %d pictures, %d frames, warnings %v", len(i.Pictures), i.Frames, i.Warnings)
	}
	var ids []string
	for _, c := range d.Chunks() {
		ids = append(ids, c.ID)
	}
	if got := strings.Join(ids, ","); got != "COMM,NAME,AUTH,(c) ,ANNO,SSND,ID3 " {
		t.Errorf("chunks %q", got)
	}

	probe, err := exec.Command(audiotest.Tool(t, "ffprobe"), "-v", "error", "-show_format", "-of", "json", out).Output()
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Format struct {
			Tags map[string]string `json:"tags"`
		} `json:"format"`
	}
	json.Unmarshal(probe, &v)
	for k, val := range map[string]string{"title": title, "artist": "Ärtist", "album": "Album", "date": "2021", "track": "4", "genre": "Rock", "copyright": "(c) them"} {
		if v.Format.Tags[k] != val {
			t.Errorf("ffprobe: %s = %q, want %q (all %v)", k, v.Format.Tags[k], val, v.Format.Tags)
		}
	}
	if n := len(ffmpegDecode(t, out)) / 8 / 2; int64(n) != res.Frames {
		t.Errorf("ffmpeg decodes %d frames, want %d", n, res.Frames)
	}

	py := audiotest.PythonModule(t, "mutagen")
	m, err := exec.Command(py, "-c", `import sys, base64, mutagen.aiff
t = mutagen.aiff.AIFF(sys.argv[1]).tags
print(t["TIT2"].text[0]); print(t["TPE1"].text[0]); print(t["TCOM"].text[0])
p = t.getall("APIC"); print(len(p), int(p[0].type), p[0].mime, base64.b64encode(p[0].data).decode())`, out).CombinedOutput()
	if err != nil {
		t.Fatalf("mutagen: %v %s", err, m)
	}
	if got, want := string(m), title+"\nÄrtist\nComp\n1 3 image/png "+base64.StdEncoding.EncodeToString(cover)+"\n"; got != want {
		t.Errorf("mutagen reads\n%s\nwant\n%s", got, want)
	}
}

// TestWriteHostileTags: very long values, NUL bytes and odd lengths give
// a file ffmpeg decodes without a message, with every frame.
func TestWriteHostileTags(t *testing.T) {
	dir := t.TempDir()
	f := audio.Format{Rate: 8000, Channels: 1, Bits: 16}
	in := filepath.Join(dir, "in.wav")
	os.WriteFile(in, audiotest.WAV(f, audiotest.Signal(999, 1, 8000, 3)), 0o644)
	title := "a\x00b" // odd once the NUL is gone
	artist := strings.Repeat("é", 512)
	year := "\x00"
	doc := project.Keep(0, 999)
	doc.Output.Tags = &project.Tags{Title: &title, Artist: &artist, Year: &year}
	out := filepath.Join(dir, "out.aiff")
	renderAIFF(t, doc, project.Options{Cover: &project.Cover{MIME: "image/png", Data: pngImage(t, 2)}}, out, in)
	if n := len(ffmpegDecode(t, out)) / 8; n != 999 {
		t.Errorf("ffmpeg decodes %d frames, want 999", n)
	}
	d, err := aiff.Open(audio.NewBytesSource(readFile(t, out)))
	if err != nil {
		t.Fatal(err)
	}
	if i := d.Info(); i.Tags["title"] != "ab" || i.Tags["artist"] != artist || i.Tags["year"] != "" || len(i.Pictures) != 1 || len(i.Warnings) > 0 {
		t.Errorf("reader: tags %q, %d pictures, warnings %v", i.Tags, len(i.Pictures), i.Warnings)
	}
}

// TestHeaderLimits: AIFF cannot hold 4 GiB; Header says so rather than
// wrapping the sizes.
func TestHeaderLimits(t *testing.T) {
	f := audio.Format{Rate: 44100, Channels: 2, Bits: 16}
	if _, err := aiff.Header(f, 1<<30, aiff.HeaderOptions{}); err == nil {
		t.Error("a 4 GiB AIFF header was written")
	}
	h, err := aiff.Header(f, 1000, aiff.HeaderOptions{TailBytes: 10})
	if err != nil || len(h) != 12+8+18+16 {
		t.Fatalf("header of %d bytes: %v", len(h), err)
	}
}
