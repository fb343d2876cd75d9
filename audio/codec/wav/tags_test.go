package wav_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/id3"
	"offcut/audio/codec/wav"
	"offcut/audio/codecs"
	"offcut/audio/project"
)

// pngImage is a small real PNG (players and mutagen take any bytes, but
// ffprobe shows a cover it can decode as a picture stream).
func pngImage(t testing.TB, seed uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = uint8(i) * seed
	}
	img.Set(0, 0, color.RGBA{seed, 1, 2, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// renderFile renders doc over the files at paths to out and checks that
// the plan's announced size is the size written and that the plan only
// copies and computes (no estimate).
func renderFile(t testing.TB, doc *project.Document, opt project.Options, out string, paths ...string) *project.Result {
	t.Helper()
	var decs []audio.Decoder
	var srcs []audio.Source
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		src := audio.NewBytesSource(b)
		d, err := codecs.Open(src)
		if err != nil {
			t.Fatalf("open %s: %v", filepath.Base(p), err)
		}
		decs, srcs = append(decs, d), append(srcs, src)
	}
	doc.Output.Container = "wav"
	res, err := project.Render(doc, decs, opt)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if !res.Plan.Exact() {
		t.Fatal("the WAV plan is not exact")
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

// ffprobeTags returns the container tags ffprobe reads (lower-case keys)
// and its stream count (a cover it reads is an attached-picture stream).
func ffprobeTags(t testing.TB, path string) (map[string]string, int) {
	t.Helper()
	out, err := exec.Command(audiotest.Tool(t, "ffprobe"), "-v", "error", "-show_format", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", filepath.Base(path), err)
	}
	var v struct {
		Format struct {
			Streams int               `json:"nb_streams"`
			Tags    map[string]string `json:"tags"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, out)
	}
	tags := map[string]string{}
	for k, val := range v.Format.Tags {
		tags[strings.ToLower(k)] = val
	}
	return tags, v.Format.Streams
}

// mutagenID3 is what mutagen reads from a file's ID3 tag: text frames by
// id (TXXX as TXXX:desc, COMM as COMM) and the APIC pictures.
type mutagenID3 struct {
	Text     map[string]string `json:"text"`
	Pictures []struct {
		MIME string `json:"mime"`
		Type int    `json:"type"`
		Data []byte `json:"data"`
	} `json:"pictures"`
	Version int `json:"version"`
}

func readMutagen(t testing.TB, class, path string) mutagenID3 {
	t.Helper()
	py := audiotest.PythonModule(t, "mutagen")
	script := `import sys, json, base64, mutagen.wave, mutagen.aiff
mod, cls = sys.argv[1].split('.')
f = getattr(getattr(mutagen, mod), cls)(sys.argv[2])
out = {"text": {}, "pictures": [], "version": 0}
if f.tags is not None:
    out["version"] = f.tags.version[1]
    for k, fr in f.tags.items():
        if k.startswith("APIC"):
            out["pictures"].append({"mime": fr.mime, "type": int(fr.type), "data": base64.b64encode(fr.data).decode()})
        elif k.startswith("COMM"):
            out["text"]["COMM"] = str(fr.text[0])
        elif k.startswith("TXXX"):
            out["text"][k] = str(fr.text[0])
        elif hasattr(fr, "text"):
            out["text"][k] = "/".join(str(x) for x in fr.text)
print(json.dumps(out))`
	out, err := exec.Command(py, "-c", script, class, path).CombinedOutput()
	if err != nil {
		t.Fatalf("mutagen %s on %s: %v\n%s", class, filepath.Base(path), err, out)
	}
	var m mutagenID3
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("mutagen: %v\n%s", err, out)
	}
	return m
}

// ffmpegFrames decodes path with ffmpeg -v error and returns the frame
// count; any message is a failure.
func ffmpegFrames(t testing.TB, path string, channels int) int64 {
	t.Helper()
	cmd := exec.Command(audiotest.Tool(t, "ffmpeg"), "-v", "error", "-i", path, "-map", "0:a", "-f", "f32le", "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("ffmpeg decoding %s: %v %s", filepath.Base(path), err, stderr.String())
	}
	return int64(len(out) / 4 / channels)
}

// TestTagsFromFLAC converts a tagged FLAC with a cover to WAV, with a
// title edit and a new cover: the tags land in LIST/INFO (ffprobe), the
// cover and the tags INFO has no entry for in an id3 chunk (mutagen), and
// our reader reads all of it back.
func TestTagsFromFLAC(t *testing.T) {
	flacBin := audiotest.Tool(t, "flac")
	dir := t.TempDir()
	f := audio.Format{Rate: 44100, Channels: 2, Bits: 16}
	in := filepath.Join(dir, "in.wav")
	if err := os.WriteFile(in, audiotest.WAV(f, audiotest.Signal(44100, 2, 44100, 3)), 0o644); err != nil {
		t.Fatal(err)
	}
	oldCover := filepath.Join(dir, "old.png")
	os.WriteFile(oldCover, pngImage(t, 3), 0o644)
	src := filepath.Join(dir, "in.flac")
	back := filepath.Join(dir, "back.png")
	os.WriteFile(back, pngImage(t, 4), 0o644)
	args := []string{"-s", "-f", "-o", src, "--picture=3||||" + oldCover, "--picture=4||||" + back}
	for _, kv := range []string{"TITLE=Old", "ARTIST=Ärtist", "ALBUM=Album", "DATE=2021", "TRACKNUMBER=4",
		"GENRE=Rock", "COMMENT=odd", "COMPOSER=Comp", "REPLAYGAIN_TRACK_GAIN=-3.5 dB"} {
		args = append(args, "-T", kv)
	}
	if out, err := exec.Command(flacBin, append(args, in)...).CombinedOutput(); err != nil {
		t.Fatalf("flac: %v %s", err, out)
	}
	cover := pngImage(t, 7)
	title := "New títle"
	doc := project.Keep(100, 30100)
	doc.Output.Tags = &project.Tags{Title: &title}
	out := filepath.Join(dir, "out.wav")
	res := renderFile(t, doc, project.Options{Cover: &project.Cover{MIME: "image/png", Data: cover}}, out, src)

	// ffprobe reads LIST/INFO (and the id3 chunk).
	tags, streams := ffprobeTags(t, out)
	for k, v := range map[string]string{"title": title, "artist": "Ärtist", "album": "Album", "date": "2021",
		"track": "4", "genre": "Rock", "comment": "odd"} {
		if tags[k] != v {
			t.Errorf("ffprobe: %s = %q, want %q (all: %v)", k, tags[k], v, tags)
		}
	}
	if _, ok := tags["encoder"]; ok {
		t.Errorf("ffprobe finds an encoder tag: %v (the output must not be branded)", tags)
	}
	if streams < 1 {
		t.Errorf("ffprobe: %d streams", streams)
	}
	// mutagen reads the id3 chunk: the new cover in place of the old one,
	// the back cover kept, and the tags INFO cannot hold.
	m := readMutagen(t, "wave.WAVE", out)
	if m.Version != 4 {
		t.Errorf("mutagen: ID3v2.%d, want 2.4", m.Version)
	}
	for k, v := range map[string]string{"TIT2": title, "TPE1": "Ärtist", "TCOM": "Comp", "TDRC": "2021", "TRCK": "4",
		"COMM": "odd", "TXXX:replaygain_track_gain": "-3.5 dB"} {
		if m.Text[k] != v {
			t.Errorf("mutagen: %s = %q, want %q (all: %v)", k, m.Text[k], v, m.Text)
		}
	}
	if len(m.Pictures) != 2 || !bytes.Equal(m.Pictures[0].Data, cover) || m.Pictures[0].Type != 3 ||
		m.Pictures[0].MIME != "image/png" || !bytes.Equal(m.Pictures[1].Data, pngImage(t, 4)) || m.Pictures[1].Type != 4 {
		t.Errorf("mutagen: %d pictures; want the new front cover then the back cover", len(m.Pictures))
	}
	// Our reader.
	b, _ := os.ReadFile(out)
	w := open(t, b)
	i := w.Info()
	for k, v := range map[string]string{"title": title, "artist": "Ärtist", "album": "Album", "year": "2021",
		"track": "4", "genre": "Rock", "comment": "odd", "composer": "Comp"} {
		if i.Tags[k] != v {
			t.Errorf("wav reader: %s = %q, want %q (all: %v)", k, i.Tags[k], v, i.Tags)
		}
	}
	if len(i.Pictures) != 2 || !bytes.Equal(i.Pictures[0].Data, cover) || i.Pictures[0].Type != 3 {
		t.Errorf("wav reader: pictures %+v", i.Pictures)
	}
	if len(i.Warnings) > 0 || i.Frames != res.Frames || res.Frames != 30000 {
		t.Errorf("wav reader: %d frames (want %d), warnings %v", i.Frames, res.Frames, i.Warnings)
	}
	// LIST/INFO sits before the data, the id3 chunk after it.
	var ids []string
	for _, c := range w.Chunks() {
		ids = append(ids, c.ID)
	}
	if got := strings.Join(ids, ","); got != "fmt ,LIST,data,id3 " {
		t.Errorf("chunks %q, want fmt, LIST, data, id3", got)
	}
	if n := ffmpegFrames(t, out, 2); n != res.Frames {
		t.Errorf("ffmpeg decodes %d frames, want %d", n, res.Frames)
	}
}

// TestTagsOnlyInfo: tags that INFO holds, without a cover, need no id3
// chunk; a WAV source's INFO tags are carried, edited, and an odd-length
// value gets its pad byte. The samples are still copied by range.
func TestTagsOnlyInfo(t *testing.T) {
	dir := t.TempDir()
	data := make([]byte, 2000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	src := filepath.Join(dir, "in.wav")
	os.WriteFile(src, riff(fmtChunk(1, 1, 8000, 2, 16), info("INAM", "odd", "IART", "Even", "ISFT", "Their tool", "ICRD", "1999"),
		chunk("data", data), chunk("bext", make([]byte, 602))), 0o644)
	artist := "A"
	empty := ""
	doc := project.Keep(10, 900)
	doc.Output.Tags = &project.Tags{Artist: &artist, Year: &empty}
	out := filepath.Join(dir, "out.wav")
	res := renderFile(t, doc, project.Options{}, out, src)
	if !res.Lossless {
		t.Error("a tag edit made the WAV samples computed")
	}
	b, _ := os.ReadFile(out)
	w := open(t, b)
	want := map[string]string{"title": "odd", "artist": "A", "software": "Their tool"}
	if len(w.Info().Tags) != len(want) {
		t.Errorf("tags %v, want %v", w.Info().Tags, want)
	}
	for k, v := range want {
		if w.Info().Tags[k] != v {
			t.Errorf("%s = %q, want %q", k, w.Info().Tags[k], v)
		}
	}
	var ids []string
	for _, c := range w.Chunks() {
		ids = append(ids, c.ID)
	}
	if got := strings.Join(ids, ","); got != "fmt ,LIST,data,bext" {
		t.Errorf("chunks %q, want fmt, LIST, data, bext", got)
	}
	if !bytes.Equal(b[len(b)-610-890*2:len(b)-610], data[20:20+890*2]) {
		t.Error("the samples are not the source's")
	}
	tags, _ := ffprobeTags(t, out)
	if tags["title"] != "odd" || tags["artist"] != "A" || tags["encoder"] != "Their tool" || tags["date"] != "" {
		t.Errorf("ffprobe tags %v", tags)
	}
	if m := readMutagen(t, "wave.WAVE", out); m.Version != 0 {
		t.Errorf("mutagen finds an ID3v2.%d tag where none was needed", m.Version)
	}
	if n := ffmpegFrames(t, out, 1); n != 890 {
		t.Errorf("ffmpeg decodes %d frames, want 890", n)
	}
}

// TestTagsNotBranded: a source without tags gives a WAV without LIST or
// id3 chunks (no software tag of ours).
func TestTagsNotBranded(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "in.wav")
	os.WriteFile(src, audiotest.WAV(audio.Format{Rate: 8000, Channels: 1, Bits: 16}, audiotest.Signal(100, 1, 8000, 1)), 0o644)
	out := filepath.Join(dir, "out.wav")
	renderFile(t, project.Keep(0, 50), project.Options{}, out, src)
	b, _ := os.ReadFile(out)
	w := open(t, b)
	if len(w.Chunks()) != 2 || w.Info().Tags != nil || bytes.Contains(b, []byte("Offcut")) {
		t.Errorf("chunks %v, tags %v", w.Chunks(), w.Info().Tags)
	}
}

// TestTagsEditSourceID3 edits a WAV source's own id3 chunk in place: a
// frame the edit does not touch (a TXXX) is kept; without edits the chunk
// is copied byte for byte.
func TestTagsEditSourceID3(t *testing.T) {
	dir := t.TempDir()
	tag := id3.TagFromFields(map[string]string{"title": "Old", "artist": "Them", "mood": "calm"}, nil)
	tag.Version = 3 // as most taggers write it
	raw, err := tag.Encode(0)
	if err != nil {
		t.Fatal(err)
	}
	// TagFromFields wrote v2.4 text (UTF-8); v2.3 has no UTF-8, but ASCII
	// reads the same, so the tag is valid v2.3.
	src := filepath.Join(dir, "in.wav")
	body := riff(fmtChunk(1, 1, 8000, 2, 16), chunk("data", make([]byte, 400)), chunk("id3 ", raw))
	os.WriteFile(src, body, 0o644)
	out := filepath.Join(dir, "same.wav")
	renderFile(t, project.Keep(0, 200), project.Options{}, out, src)
	b, _ := os.ReadFile(out)
	if !bytes.Contains(b, raw) {
		t.Error("without edits the id3 chunk is not copied byte for byte")
	}
	title := "New\x00NUL"
	doc := project.Keep(0, 100)
	doc.Output.Tags = &project.Tags{Title: &title}
	out = filepath.Join(dir, "edited.wav")
	renderFile(t, doc, project.Options{Cover: &project.Cover{MIME: "image/png", Data: pngImage(t, 5)}}, out, src)
	m := readMutagen(t, "wave.WAVE", out)
	if m.Version != 3 || m.Text["TIT2"] != "NewNUL" || m.Text["TPE1"] != "Them" || m.Text["TXXX:mood"] != "calm" || len(m.Pictures) != 1 {
		t.Errorf("mutagen reads %+v", m)
	}
	tags, _ := ffprobeTags(t, out)
	if tags["title"] != "NewNUL" || tags["artist"] != "Them" {
		t.Errorf("ffprobe tags %v", tags)
	}
	b, _ = os.ReadFile(out)
	if i := open(t, b).Info(); i.Tags["title"] != "NewNUL" || len(i.Pictures) != 1 {
		t.Errorf("wav reader: %v, %d pictures", i.Tags, len(i.Pictures))
	}
}

// TestTagsHostile: very long values, NUL bytes, odd lengths and control
// characters still give files that ffmpeg decodes without a message, with
// every sample, and that our reader and mutagen read.
func TestTagsHostile(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("x", 200<<10) + "end"
	tags := map[string]string{
		"title":   "a\x00b",
		"artist":  "odd",
		"album":   "\x00\x00",
		"comment": long,
		"genre":   "\x01\xff\xfe not UTF-8",
		"year":    strings.Repeat("9", 1023),
		"lyrics":  long,
		"":        "no key",
		"track":   " 7 ",
	}
	f := audio.Format{Rate: 44100, Channels: 1, Bits: 16}
	in := filepath.Join(dir, "in.wav")
	os.WriteFile(in, audiotest.WAV(f, audiotest.Signal(1000, 1, 44100, 9)), 0o644)
	// A WAV source with these tags in its INFO chunk: go through the
	// writer as a FLAC source would, by building the INFO chunk here.
	infoChunk, all := wav.InfoChunk(tags)
	if all {
		t.Error("InfoChunk says it holds keys it has no entry for")
	}
	if len(infoChunk)%2 != 0 {
		t.Errorf("INFO chunk of odd length %d", len(infoChunk))
	}
	hdr, err := wav.Header(f, 1000, wav.HeaderOptions{Chunks: infoChunk})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(in)
	w0 := open(t, raw)
	off, _ := w0.PCMData()
	file := append(hdr, raw[off:off+2000]...)
	tagBytes, err := wav.ID3Tag(tags, []audio.Picture{{MIME: "image/png", Type: 3, Data: pngImage(t, 1)}, {MIME: "x\x00y", Type: 0, Description: "d\x00", Data: []byte{1, 2, 3}}})
	if err != nil {
		t.Fatal(err)
	}
	id3c := chunk("id3 ", tagBytes)
	file = append(file, id3c...)
	// Fix the RIFF size for the appended chunk.
	putRIFF(file)
	out := filepath.Join(dir, "hostile.wav")
	os.WriteFile(out, file, 0o644)
	if n := ffmpegFrames(t, out, 1); n != 1000 {
		t.Errorf("ffmpeg decodes %d frames, want 1000", n)
	}
	w := open(t, file)
	i := w.Info()
	if i.Frames != 1000 || len(i.Warnings) > 0 {
		t.Errorf("reader: %d frames, warnings %v", i.Frames, i.Warnings)
	}
	if i.Tags["title"] != "ab" || i.Tags["artist"] != "odd" || i.Tags["comment"] != long || i.Tags["track"] != "7" || len(i.Tags["year"]) != 1023 {
		t.Errorf("reader: title %q artist %q track %q, comment of %d bytes", i.Tags["title"], i.Tags["artist"], i.Tags["track"], len(i.Tags["comment"]))
	}
	if _, ok := i.Tags["album"]; ok {
		t.Errorf("an album of NULs is read as %q", i.Tags["album"])
	}
	if len(i.Pictures) != 2 {
		t.Errorf("reader: %d pictures", len(i.Pictures))
	}
	m := readMutagen(t, "wave.WAVE", out)
	if m.Text["TIT2"] != "ab" || m.Text["COMM"] != long || m.Text["TXXX:lyrics"] != long || len(m.Pictures) != 2 {
		t.Errorf("mutagen: title %q, %d pictures", m.Text["TIT2"], len(m.Pictures))
	}
	tg, _ := ffprobeTags(t, out)
	if tg["title"] != "ab" || tg["artist"] != "odd" {
		t.Errorf("ffprobe: title %q artist %q", tg["title"], tg["artist"])
	}
}

func putRIFF(b []byte) {
	n := uint32(len(b) - 8)
	b[4], b[5], b[6], b[7] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
}

// TestTagsRF64: the INFO chunk before the data of an RF64 file is read by
// ffprobe and by our reader.
func TestTagsRF64(t *testing.T) {
	f := audio.Format{Rate: 8000, Channels: 2, Bits: 24}
	c, _ := wav.InfoChunk(map[string]string{"title": "Big", "artist": "odd"})
	hdr, err := wav.Header(f, 100, wav.HeaderOptions{ForceRF64: true, Chunks: c})
	if err != nil {
		t.Fatal(err)
	}
	file := append(hdr, make([]byte, 600)...)
	w := open(t, file)
	if w.Info().Tags["title"] != "Big" || w.Info().Frames != 100 {
		t.Errorf("reader: %v, %d frames", w.Info().Tags, w.Info().Frames)
	}
	out := filepath.Join(t.TempDir(), "big.wav")
	os.WriteFile(out, file, 0o644)
	if tags, _ := ffprobeTags(t, out); tags["title"] != "Big" || tags["artist"] != "odd" {
		t.Errorf("ffprobe tags %v", tags)
	}
	if n := ffmpegFrames(t, out, 2); n != 100 {
		t.Errorf("ffmpeg decodes %d frames, want 100", n)
	}
}

// TestID3ClaimAllocatesLittle: an id3 chunk whose ID3 header, or whose
// frame, claims far more than is there opens with a warning while
// allocating under 16 MB.
func TestID3ClaimAllocatesLittle(t *testing.T) {
	body := append([]byte("TIT2\x7f\x7f\x7f\x7f\x00\x00\x03"), make([]byte, 40)...)
	for _, tag := range [][]byte{
		append([]byte("ID3\x04\x00\x00\x7f\x7f\x7f\x7f"), make([]byte, 50)...), // 256 MB tag
		append([]byte("ID3\x04\x00\x00\x00\x00\x00\x33"), body...),             // 256 MB frame
	} {
		file := riff(fmtChunk(1, 1, 8000, 2, 16), chunk("data", make([]byte, 20)), chunk("id3 ", tag))
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f := open(t, file)
		runtime.ReadMemStats(&after)
		if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
			t.Errorf("allocated %d bytes for a %d-byte file", got, len(file))
		}
		if i := f.Info(); i.Frames != 10 || len(i.Warnings) != 1 || !strings.Contains(i.Warnings[0], "id3 chunk") {
			t.Errorf("%d frames, warnings %q", i.Frames, i.Warnings)
		}
	}
}
