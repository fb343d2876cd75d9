package mp4_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/mp4"
	"offcut/audio/codecs"
	"offcut/audio/project"
)

// renderM4A renders doc over one WAV source to an M4A file.
func renderM4A(t testing.TB, doc *project.Document, src []byte) ([]byte, *project.Result) {
	t.Helper()
	s := audio.NewBytesSource(src)
	d, err := codecs.Open(s)
	if err != nil {
		t.Fatal(err)
	}
	res, err := project.Render(doc, []audio.Decoder{d}, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return written(t, res, s), res
}

// written writes a render's plan (whose header is patched at the end, so
// it needs a file) and returns the bytes.
func written(t testing.TB, res *project.Result, src audio.Source) []byte {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "out.m4a"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := res.Plan.WriteTo(f, []audio.Source{src}, nil); err != nil {
		t.Fatalf("writing: %v", err)
	}
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ffmpegF32 decodes an M4A file with ffmpeg to interleaved floats.
func ffmpegF32(t testing.TB, file []byte) []float32 {
	t.Helper()
	in := filepath.Join(t.TempDir(), "in.m4a")
	if err := os.WriteFile(in, file, 0o644); err != nil {
		t.Fatal(err)
	}
	return audiotest.FFmpegF32(t, in)
}

// ffprobe returns ffprobe's value of entry (e.g. "stream=duration_ts").
func ffprobe(t testing.TB, file []byte, entry string) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "in.m4a")
	if err := os.WriteFile(in, file, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(audiotest.Tool(t, "ffprobe"), "-v", "error", "-show_entries", entry, "-of", "default=nw=1:nk=1", in).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// bestLag is the shift of got against want (interleaved, ch channels) in
// frames, within a frame of AAC either way, at which a 0.1 s window half a
// second in matches best.
func bestLag(got, want []float32, ch, rate int) int {
	at, w := rate/2*ch, rate/10*ch
	best, lag := math.Inf(-1), 0
	for d := -1024; d <= 1024; d++ {
		o := at + d*ch
		if o < 0 || o+w > len(got) {
			continue
		}
		if q := audiotest.SNR(got[o:o+w], want[at:at+w]); q > best {
			best, lag = q, d
		}
	}
	return lag
}

// pngCover is a small PNG image.
func pngCover(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestWriteM4A exports a cut of a WAV as M4A (AAC-LC at 128 kbit/s) with
// tags: ffmpeg decodes it without complaint, in place (its
// edit list drops the encoder's delay: the source is at sample 0), with
// the cut's exact duration in the container (ffprobe) and at most one
// frame's padding after it in the decode (as ffmpeg's own M4A files);
// Offcut's reader and mutagen find the exact length and the tags.
func TestWriteM4A(t *testing.T) {
	const rate, n = 44100, 44100 * 3
	f := audio.Format{Rate: rate, Channels: 2, Bits: 16}
	sig := audiotest.Music(n, 2, rate, 4)
	for i := range sig {
		sig[i] *= 0.8
	}
	src := audiotest.WAV(f, sig)
	const from, to = 1000, n - 777
	doc := project.Keep(from, to)
	doc.Output.Container = "m4a"
	title, artist, track := "M4A export", "Offcut test", "4/9"
	doc.Output.Tags = &project.Tags{Title: &title, Artist: &artist, Track: &track}
	file, res := renderM4A(t, doc, src)
	if res.Container != "mp4" || res.Frames != to-from {
		t.Fatalf("rendered %s, %d frames; want mp4, %d", res.Container, res.Frames, to-from)
	}
	frames := int(to - from)

	got := ffmpegF32(t, file)
	if len(got) < 2*frames || len(got) > 2*(frames+1024) {
		t.Fatalf("ffmpeg decoded %d frames, want %d to %d", len(got)/2, frames, frames+1024)
	}
	want := sig[2*from : 2*to]
	if q := audiotest.SNR(got[:2*frames], want); q < 20 {
		t.Errorf("decode against the cut: %.1f dB (out of place?)", q)
	}
	if lag := bestLag(got, want, 2, rate); lag != 0 {
		t.Errorf("the decode matches the cut best %d frames off", lag)
	}
	if d := ffprobe(t, file, "stream=duration_ts"); d != strconv.Itoa(frames) {
		t.Errorf("ffprobe's duration_ts %s, want %d", d, frames)
	}
	if p := ffprobe(t, file, "stream=profile"); p != "LC" {
		t.Errorf("ffprobe's profile %q, want LC", p)
	}

	d, err := mp4.Open(audio.NewBytesSource(file))
	if err != nil {
		t.Fatal(err)
	}
	info := d.Info()
	if info.Frames != int64(frames) || info.Codec != "aac" || info.Format.Rate != rate || info.Format.Channels != 2 {
		t.Errorf("our reader: %+v", info)
	}
	if info.Tags["title"] != title || info.Tags["artist"] != artist || info.Tags["track"] != track {
		t.Errorf("our reader's tags: %v", info.Tags)
	}

	// mutagen (Python), a reader nobody here wrote.
	py := audiotest.PythonModule(t, "mutagen")
	in := filepath.Join(t.TempDir(), "out.m4a")
	if err := os.WriteFile(in, file, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "-c", `import sys, mutagen.mp4 as m
f = m.MP4(sys.argv[1])
print(f.info.codec, f.info.sample_rate, f.info.channels, round(f.info.length * f.info.sample_rate))
print(f.tags["\xa9nam"][0], f.tags["\xa9ART"][0], f.tags["trkn"][0])`, in).CombinedOutput()
	if err != nil {
		t.Fatalf("mutagen: %v\n%s", err, out)
	}
	// mutagen's length is the media's (mdhd), the encoder's delay
	// included, as it reads ffmpeg's own M4A files.
	if w := fmt.Sprintf("mp4a.40.2 %d 2 %d\n%s %s (4, 9)\n", rate, frames+1024, title, artist); string(out) != w {
		t.Errorf("mutagen read:\n%swant:\n%s", out, w)
	}
}

// TestWriteM4ACover: the document's cover goes into covr, the front cover
// first, and comes back from Offcut's reader and mutagen.
func TestWriteM4ACover(t *testing.T) {
	const rate = 22050
	src := audiotest.WAV(audio.Format{Rate: rate, Channels: 1, Bits: 16}, audiotest.Music(rate, 1, rate, 2))
	doc := project.Keep(0, rate)
	doc.Output.Container = "mp4"
	doc.Output.Options = map[string]string{"bitrate": "48"}
	cover := pngCover(t)
	s := audio.NewBytesSource(src)
	dec, err := codecs.Open(s)
	if err != nil {
		t.Fatal(err)
	}
	res, err := project.Render(doc, []audio.Decoder{dec}, project.Options{Cover: &project.Cover{MIME: "image/png", Data: cover}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := mp4.Open(audio.NewBytesSource(written(t, res, s)))
	if err != nil {
		t.Fatal(err)
	}
	if p := d.Info().Pictures; len(p) != 1 || !bytes.Equal(p[0].Data, cover) || p[0].MIME != "image/png" {
		t.Errorf("pictures read back: %d", len(p))
	}
	if d.Info().Frames != rate {
		t.Errorf("%d frames, want %d", d.Info().Frames, rate)
	}
}

var update = flag.Bool("update", false, "rewrite testdata/m4a.sha256 from a native export")

// TestWriteM4AGolden: the same export gives the same bytes natively and
// under js/wasm (testdata/m4a.sha256), as the app's and the CLI's files
// must be.
func TestWriteM4AGolden(t *testing.T) {
	var lines []string
	for _, c := range []struct{ rate, ch int }{{44100, 2}, {16000, 1}} {
		src := audiotest.WAV(audio.Format{Rate: c.rate, Channels: c.ch, Bits: 16}, audiotest.Signal(c.rate*2, c.ch, c.rate, 3))
		doc := project.Keep(0, int64(c.rate*2))
		doc.Output.Container = "mp4"
		title := "golden"
		doc.Output.Tags = &project.Tags{Title: &title}
		file, _ := renderM4A(t, doc, src)
		sum := sha256.Sum256(file)
		lines = append(lines, fmt.Sprintf("%dHz-%dch %d %s", c.rate, c.ch, len(file), hex.EncodeToString(sum[:])))
	}
	if runtime.GOOS == "js" && *update {
		t.Fatal("-update must run natively")
	}
	audiotest.Golden(t, filepath.Join("testdata", "m4a.sha256"), lines, *update)
}

// TestWriteM4ASettings: what the writer cannot do is refused with the
// reason; a document naming no format over an ALAC or PCM MP4 source gets
// WAV (lossless), over an AAC one M4A.
func TestWriteM4ASettings(t *testing.T) {
	src := audiotest.WAV(audio.Format{Rate: 44100, Channels: 2, Bits: 16}, audiotest.Signal(4410, 2, 44100, 1))
	s := audio.NewBytesSource(src)
	d, err := codecs.Open(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		opts map[string]string
		ch   int
		want string
	}{
		{map[string]string{"bitrate": "7"}, 0, `bitrate "7" is not one of 32, 48`},
		{map[string]string{"quality": "5"}, 0, `no option "quality" (it has bitrate)`},
		{nil, 9, "MP4 / M4A holds at most 2 channels"},
	} {
		doc := project.Keep(0, 4410)
		doc.Output.Container = "m4a"
		doc.Output.Options = c.opts
		doc.Output.Channels = c.ch
		if _, err := project.Render(doc, []audio.Decoder{d}, project.Options{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v, %d channels: %v, want it to say %q", c.opts, c.ch, err, c.want)
		}
	}
	for _, c := range []struct{ file, want string }{{"tiny-alac.m4a", "wav"}, {"tiny-aac.m4a", "mp4"}} {
		b, err := os.ReadFile(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		src, err := mp4.Open(audio.NewBytesSource(b))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		doc := project.Keep(0, min(100, src.Info().Frames))
		res, err := project.Render(doc, []audio.Decoder{src}, project.Options{Estimate: true})
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if res.Container != c.want {
			t.Errorf("%s (%s) with no format: %s, want %s", c.file, src.Info().Codec, res.Container, c.want)
		}
	}
}

// TestRingtone: the M4R format (the ringtone preset's) writes the M4A
// writer's bytes under its own extension, and refuses an output over 40
// seconds with the length.
func TestRingtone(t *testing.T) {
	const rate = 8000
	src := audiotest.WAV(audio.Format{Rate: rate, Channels: 1, Bits: 16}, audiotest.Signal(41*rate, 1, rate, 6))
	s := audio.NewBytesSource(src)
	d, err := codecs.Open(s)
	if err != nil {
		t.Fatal(err)
	}
	p := codecs.LookupPreset("ringtone")
	if p == nil || codecs.Lookup("tone.m4r") != &mp4.RingtoneDesc || p.Format != mp4.RingtoneDesc.Name {
		t.Fatalf("preset %+v, .m4r is %v", p, codecs.Lookup("tone.m4r"))
	}
	doc := project.Keep(0, 41*rate)
	doc.Output.Container, doc.Output.Options = p.Format, p.Options
	if _, err := project.Render(doc, []audio.Decoder{d}, project.Options{}); err == nil || !strings.Contains(err.Error(), "M4R (iPhone ringtone) holds at most 40 seconds; this output is 41.000 s") {
		t.Errorf("41 s: %v", err)
	}
	doc = project.Keep(0, 40*rate)
	doc.Output.Container, doc.Output.Options = p.Format, p.Options
	res, err := project.Render(doc, []audio.Decoder{d}, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ring := written(t, res, s)
	doc.Output.Container = "m4a"
	if m4a, _ := renderM4A(t, doc, src); !bytes.Equal(ring, m4a) {
		t.Errorf("the ringtone (%d bytes) is not the M4A (%d bytes)", len(ring), len(m4a))
	}
}
