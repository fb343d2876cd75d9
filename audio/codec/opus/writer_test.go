package opus_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/opus"
	"offcut/audio/codec/vorbiscomment"
	"offcut/audio/codecs"
	"offcut/audio/project"
	"offcut/audio/resample"
)

// render renders doc over one source file to bytes.
func render(t *testing.T, doc *project.Document, src []byte, opt project.Options) ([]byte, *project.Result, error) {
	t.Helper()
	s := audio.NewBytesSource(src)
	d, err := codecs.Open(s)
	if err != nil {
		t.Fatal(err)
	}
	res, err := project.Render(doc, []audio.Decoder{d}, opt)
	if err != nil {
		return nil, nil, err
	}
	var out bytes.Buffer
	if _, err := res.Plan.WriteTo(&out, []audio.Source{s}, nil); err != nil {
		t.Fatalf("writing: %v", err)
	}
	return out.Bytes(), res, nil
}

// toolFrames decodes file with a tool and returns the frames it gave.
func toolFrames(t *testing.T, file []byte, ch int, name string, args ...string) int {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.opus"), filepath.Join(dir, "out.raw")
	if err := os.WriteFile(in, file, 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range args {
		args[i] = strings.NewReplacer("IN", in, "OUT", out).Replace(args[i])
	}
	b, err := exec.Command(audiotest.Tool(t, name), args...).CombinedOutput()
	if err != nil || len(b) > 0 {
		t.Fatalf("%s: %v: %s", name, err, b)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	return int(fi.Size() / 4 / int64(ch))
}

// TestWriterRender exports a cut of a tagged 44.1 kHz WAV as Opus through
// the renderer with a new title and a cover: opusdec gives the cut's exact
// length at 44.1 kHz, ffmpeg and our decoder at 48 kHz; the tags and the
// cover come back; the audio is the cut's.
func TestWriterRender(t *testing.T) {
	const rate, n = 44100, 44100 * 3
	f := audio.Format{Rate: rate, Channels: 2, Bits: 16}
	sig := audiotest.Signal(n, 2, rate, 9)
	src := audiotest.WAV(f, sig)
	doc := project.Keep(1000, n-500)
	doc.Output.Container = "opus"
	doc.Output.Options = map[string]string{"bitrate": "128"}
	title := "Opus export"
	doc.Output.Tags = &project.Tags{Title: &title}
	var pic bytes.Buffer
	if err := png.Encode(&pic, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	file, res, err := render(t, doc, src, project.Options{Cover: &project.Cover{MIME: "image/png", Data: pic.Bytes()}})
	if err != nil {
		t.Fatal(err)
	}
	cut := int64(n - 1500)
	n48 := opus.EncodedFrames(cut, rate)
	if res.Container != "opus" || res.Frames != n48 {
		t.Errorf("result: %s, %d frames, want %d", res.Container, res.Frames, n48)
	}
	if got := toolFrames(t, file, 2, "opusdec", "--quiet", "--float", "IN", "OUT"); got != int(cut) {
		t.Errorf("opusdec: %d frames at 44.1 kHz, want %d", got, cut)
	}
	if got := toolFrames(t, file, 2, "ffmpeg", "-v", "error", "-i", "IN", "-f", "f32le", "-y", "OUT"); got != int(n48) {
		t.Errorf("ffmpeg: %d frames at 48 kHz, want %d", got, n48)
	}
	d, err := codecs.Open(audio.NewBytesSource(file))
	if err != nil {
		t.Fatal(err)
	}
	info := d.Info()
	if info.Codec != "opus" || info.Frames != n48 || info.Tags["title"] != title {
		t.Errorf("decoded info: %s, %d frames, tags %v", info.Codec, info.Frames, info.Tags)
	}
	if len(info.Pictures) != 1 || !bytes.Equal(info.Pictures[0].Data, pic.Bytes()) || info.Pictures[0].Type != 3 {
		t.Errorf("pictures: %+v", info.Pictures)
	}
	// The audio is the cut, at 48 kHz.
	got := audiotest.DecodeAll(t, d)
	want, err := resample.New(audio.Samples(rate, 2, sig[1000*2:(n-500)*2]), opus.Rate, resample.Default)
	if err != nil {
		t.Fatal(err)
	}
	w := audiotest.ReadAll(t, want)
	if q := audiotest.SNR(got[:len(w)], w); q < 20 {
		t.Errorf("decoded vs the cut: %.1f dB", q)
	} else {
		t.Logf("decoded vs the cut at 48 kHz: %.1f dB SNR", q)
	}
}

// TestWriterHostile: settings out of range and too many channels are
// refused with errors that say which setting.
func TestWriterHostile(t *testing.T) {
	src := audiotest.WAV(audio.Format{Rate: 48000, Channels: 2, Bits: 16}, audiotest.Signal(4800, 2, 48000, 1))
	for _, c := range []struct {
		opts map[string]string
		want string
	}{
		{map[string]string{"bitrate": "5"}, `bitrate "5" is not one of 6, 8`},
		{map[string]string{"bitrate": "511"}, `bitrate "511" is not one of`},
		{map[string]string{"bitrate": "-96"}, `bitrate "-96"`},
		{map[string]string{"application": "loud"}, `application "loud" is not one of music, voice`},
		{map[string]string{"quality": "5"}, `no option "quality" (it has bitrate, application)`},
	} {
		doc := project.Keep(0, 4800)
		doc.Output.Container = "opus"
		doc.Output.Options = c.opts
		_, _, err := render(t, doc, src, project.Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error with %q", c.opts, err, c.want)
		}
	}
	// Nine channels: refused when asked for; a nine-channel source is
	// mixed down to eight, as for every writer.
	nine := audiotest.WAV(audio.Format{Rate: 48000, Channels: 9, Bits: 16}, audiotest.Signal(4800, 9, 48000, 1))
	doc := project.Keep(0, 4800)
	doc.Output.Container = "opus"
	doc.Output.Channels = 9
	if _, _, err := render(t, doc, nine, project.Options{}); err == nil || !strings.Contains(err.Error(), "at most 8 channels") {
		t.Errorf("9 channels asked for: %v", err)
	}
	doc.Output.Channels = 0
	if _, res, err := render(t, doc, nine, project.Options{}); err != nil || res.Format.Channels != 8 {
		t.Errorf("9-channel source: %v", err)
	}
	// The encoder itself, called directly.
	for _, c := range []struct {
		ch  int
		opt opus.EncoderOptions
	}{
		{2, opus.EncoderOptions{Bitrate: 5}},
		{2, opus.EncoderOptions{Bitrate: 511}},
		{9, opus.EncoderOptions{}},
		{0, opus.EncoderOptions{}},
		{1, opus.EncoderOptions{Application: 7}},
	} {
		s := audio.Samples(48000, max(c.ch, 1), make([]float32, 960*max(c.ch, 1)))
		if c.ch != max(c.ch, 1) {
			s = zeroChannels{s}
		}
		var out bytes.Buffer
		_, err := opus.Encode(&out, s, c.opt)
		if !errors.Is(err, opus.ErrSettings) || out.Len() != 0 {
			t.Errorf("%d channels, %+v: %v (%d bytes written)", c.ch, c.opt, err, out.Len())
		}
	}
}

// zeroChannels claims to have no channels.
type zeroChannels struct{ audio.Stream }

func (zeroChannels) Channels() int { return 0 }

// TestWriterDeclared checks what the registry shows of the writer.
func TestWriterDeclared(t *testing.T) {
	d := codecs.Lookup("x.opus")
	if d == nil || d.Write == nil || d.Write.MaxChannels != 8 || !d.Write.Tags {
		t.Fatalf("opus writer: %+v", d)
	}
	s, err := d.Write.Settings(nil)
	if err != nil || s["bitrate"] != "96" || s["application"] != "music" {
		t.Errorf("defaults %v, %v", s, err)
	}
}

// TestWriterGolden renders a cut of a 44.1 kHz WAV with a title to Opus
// through the renderer (resampling included) and checks the file's
// sha256: js/wasm and the native build with -tags purego (the CLI's, see
// the Makefile) give the same bytes.
func TestWriterGolden(t *testing.T) {
	if !opus.HostMatchesGolden() {
		t.Skipf("no recorded hashes for the %s build on this CPU", opus.Build)
	}
	const rate, n = 44100, 44100
	src := audiotest.WAV(audio.Format{Rate: rate, Channels: 2, Bits: 16}, audiotest.Signal(n, 2, rate, 11))
	doc := project.Keep(100, n-100)
	doc.Output.Container = "opus"
	doc.Output.Options = map[string]string{"bitrate": "64"}
	title := "golden"
	doc.Output.Tags = &project.Tags{Title: &title}
	file, _, err := render(t, doc, src, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"portable": "776b22b073e5ee8dd56972d3e58ea33a2a465f0a003fe553788e3b29473dd791",
		"amd64":    "e119903d9e7b630b8b5e6d1a1590f607323295a8a52c2dbdc0c4182d1f93493b",
	}[opus.Build]
	sum := sha256.Sum256(file)
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Errorf("%s build: sha256 %s, want %s (%d bytes)", opus.Build, got, want, len(file))
	}
}

// TestWriterBigCover: a cover of over 800 kB (over the old 1 MiB bound on
// a comment, once in base64) is kept with the other tags and read back;
// one over the readers' bound is left out and counted.
func TestWriterBigCover(t *testing.T) {
	src := audiotest.WAV(audio.Format{Rate: 48000, Channels: 1, Bits: 16}, audiotest.Signal(4800, 1, 48000, 1))
	doc := project.Keep(0, 4800)
	doc.Output.Container = "opus"
	title := "big cover"
	doc.Output.Tags = &project.Tags{Title: &title}
	var pic bytes.Buffer
	img := image.NewNRGBA(image.Rect(0, 0, 600, 600))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.Uint32())
	}
	if err := png.Encode(&pic, img); err != nil {
		t.Fatal(err)
	}
	if pic.Len() < 800<<10 {
		t.Fatalf("the cover is only %d bytes", pic.Len())
	}
	file, res, err := render(t, doc, src, project.Options{Cover: &project.Cover{MIME: "image/png", Data: pic.Bytes()}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.Join(res.Notes, "\n"), "left out") {
		t.Errorf("notes: %q", res.Notes)
	}
	d, err := codecs.Open(audio.NewBytesSource(file))
	if err != nil {
		t.Fatal(err)
	}
	if info := d.Info(); info.Tags["title"] != title || len(info.Pictures) != 1 || info.Pictures[0].Size != int64(pic.Len()) || len(info.Warnings) != 0 {
		t.Errorf("tags %v, pictures %+v, warnings %v", info.Tags, info.Pictures, info.Warnings)
	}
	// A picture whose comment would pass the readers' bound is left out
	// (and counted), not written to cost the file all its tags.
	kept, dropped := opus.FitPictures([]audio.Picture{{MIME: "image/png", Data: pic.Bytes()}, {MIME: "image/png", Data: make([]byte, vorbiscomment.MaxCommentSize)}})
	if len(kept) != 1 || dropped != 1 {
		t.Errorf("FitPictures kept %d, dropped %d; want 1 and 1", len(kept), dropped)
	}
}
