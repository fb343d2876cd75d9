package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codecs"
)

// offcut runs the CLI in-process.
func offcut(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

// writeWAV writes dir/name: frames of audiotest.Signal in format f.
func writeWAV(t testing.TB, dir, name string, f audio.Format, frames int) string {
	t.Helper()
	return audiotest.WriteWAV(t, filepath.Join(dir, name), f, audiotest.Signal(frames, f.Channels, f.Rate, uint64(frames)))
}

func frames(t testing.TB, path string) (audio.Format, int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := codecs.Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f.Info().Format, f.Info().Frames
}

func TestParseTime(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{
		{"0", 0}, {"1", 48000}, {"12.5", 600000}, {"0.00001", 0}, {"0.00002", 1},
		{"1:02.5", 3000000}, {"1:00:00", 172800000}, {"44100s", 44100}, {"0s", 0},
	} {
		got, err := parseTime(c.in, 48000)
		if err != nil || got != c.want {
			t.Errorf("parseTime(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "abc", "-1", "1:60", "1.5:00", "1:2:3:4", "12.5s", "NaN", "Inf", "1e300"} {
		if _, err := parseTime(bad, 48000); err == nil {
			t.Errorf("parseTime(%q): no error", bad)
		}
	}
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	f := audio.Format{Rate: 44100, Channels: 2, Bits: 16}
	in := writeWAV(t, dir, "in.wav", f, 44100*3)
	in2 := writeWAV(t, dir, "in2.wav", audio.Format{Rate: 48000, Channels: 1, Bits: 24}, 48000)
	out := filepath.Join(dir, "out.wav")

	check := func(args []string, wantFrames int64) {
		t.Helper()
		code, _, stderr := offcut(args...)
		if code != 0 {
			t.Fatalf("offcut %v: exit %d: %s", args, code, stderr)
		}
		if _, n := frames(t, out); n != wantFrames {
			t.Fatalf("offcut %v: %d frames, want %d", args, n, wantFrames)
		}
	}
	check([]string{"cut", in, "--from", "0.5", "--to", "2.25", "-o", out}, 77175)
	check([]string{"cut", in, "--from", "1000s", "--to", "2000s", "--remove", "-o", out}, 44100*3-1000)
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != os.FileMode(0o666&^umask()) {
		t.Errorf("output mode %v, want %v (0666 less the umask, like any new file)", st.Mode().Perm(), os.FileMode(0o666&^umask()))
	}
	check([]string{"cut", "--to", "1", in, "-o", out}, 44100)
	// The inputs are 44.1 kHz stereo 16-bit and 48 kHz mono 24-bit: the
	// join is the best of them, 48 kHz stereo 24-bit, its times at 48 kHz.
	check([]string{"join", in, in2, in, "--crossfade", "0.5", "--curve", "s-curve", "-o", out}, 3*48000*2+48000-2*24000)
	if fm, _ := frames(t, out); fm != (audio.Format{Rate: 48000, Channels: 2, Bits: 24}) {
		t.Fatalf("join of mixed inputs wrote %v", fm)
	}
	check([]string{"join", in, in2, "--gap", "100s", "-o", out}, 3*48000+48000+100)
	check([]string{"fade", in, "--in", "1", "--out", "0.5", "--curve", "linear", "-o", out}, 3*44100)
	check([]string{"gain", in, "--db", "-3", "-o", out}, 3*44100)
	check([]string{"gain", in, "--normalize", "-1", "-o", out}, 3*44100)
	check([]string{"convert", in, "--rate", "48000", "--channels", "1", "--bits", "24", "-o", out}, 3*48000)
	if fm, _ := frames(t, out); fm != (audio.Format{Rate: 48000, Channels: 1, Bits: 24}) {
		t.Fatalf("convert wrote %v", fm)
	}
	check([]string{"convert", in, "--float", "-o", out}, 3*44100)

	// split names its parts from the pattern and prints them.
	code, stdout, stderr := offcut("split", in, "--at", "1,2.5", "-o", filepath.Join(dir, "part-%02d.wav"))
	if code != 0 {
		t.Fatalf("split: %s", stderr)
	}
	parts := strings.Fields(stdout)
	if len(parts) != 3 {
		t.Fatalf("split printed %q", stdout)
	}
	var total int64
	for i, p := range parts {
		if filepath.Base(p) != fmt.Sprintf("part-%02d.wav", i+1) {
			t.Errorf("part %d is %s", i, p)
		}
		_, n := frames(t, p)
		total += n
	}
	if total != 3*44100 {
		t.Errorf("split parts total %d frames, want %d", total, 3*44100)
	}

	// info, as text and JSON.
	code, stdout, _ = offcut("info", in)
	if code != 0 || !strings.Contains(stdout, "44100 Hz, 2 ch, 16-bit") || !strings.Contains(stdout, "0:03.000") {
		t.Errorf("info: %q", stdout)
	}
	code, stdout, _ = offcut("info", in2, "--json")
	var info struct {
		Frames   int64   `json:"frames"`
		Duration float64 `json:"duration"`
		Codec    string  `json:"codec"`
	}
	if err := json.Unmarshal([]byte(stdout), &info); err != nil || code != 0 || info.Frames != 48000 || info.Codec != "pcm_s24le" {
		t.Errorf("info --json: %v %+v", err, info)
	}

	// peaks.
	code, stdout, _ = offcut("peaks", in, "--buckets", "10", "--from", "1", "--to", "2", "--json")
	var peaks struct {
		From, To int64
		Peaks    [][2]float32
	}
	if err := json.Unmarshal([]byte(stdout), &peaks); err != nil || code != 0 || len(peaks.Peaks) != 10 || peaks.From != 44100 || peaks.Peaks[3][1] < 0.5 {
		t.Errorf("peaks: %v %+v", err, peaks)
	}

	// render of a document naming its sources relative to itself.
	doc := `{"version":1,"sources":[{"name":"in.wav"},{"name":"in2.wav"}],
	  "clips":[{"source":1,"in":0,"out":24000},{"source":0,"in":0,"out":44100}],
	  "joins":[{"type":"crossfade","length":4410}],"output":{"sampleRate":44100}}`
	pj := filepath.Join(dir, "edit.json")
	os.WriteFile(pj, []byte(doc), 0o644)
	check([]string{"render", pj, "-o", out}, 22050+44100-4410)
}

// TestErrors: bad input exits 1 with one line naming the file; usage
// errors exit 2; --help works everywhere.
func TestErrors(t *testing.T) {
	dir := t.TempDir()
	in := writeWAV(t, dir, "in.wav", audio.Format{Rate: 8000, Channels: 1, Bits: 16}, 8000)
	notAudio := filepath.Join(dir, "notes.txt")
	os.WriteFile(notAudio, []byte("hello, this is text"), 0o644)
	out := filepath.Join(dir, "o.wav")
	aac := filepath.Join(dir, "tiny-aac.m4a")
	if b, err := os.ReadFile("../../audio/codec/mp4/testdata/tiny-aac.m4a"); err != nil || os.WriteFile(aac, b, 0o644) != nil {
		t.Fatal("copying the AAC test file:", err)
	}
	pastEnd := filepath.Join(dir, "past.json")
	os.WriteFile(pastEnd, []byte(`{"version":1,"sources":[{"name":"in.wav"}],"clips":[{"source":0,"in":0,"out":99999}]}`), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"info", filepath.Join(dir, "missing.wav")}, 1, "missing.wav: no such file"},
		{[]string{"info", notAudio}, 1, "notes.txt: not audio Offcut can read"},
		{[]string{"cut", in, "--from", "2", "--to", "3", "-o", out}, 1, "in.wav: --to 3 is past the end"},
		{[]string{"cut", in, "--from", "0.5", "--to", "0.2", "-o", out}, 1, "range 4000..1600 frames is empty"},
		{[]string{"cut", in, "--from", "0", "--to", "1", "--remove", "-o", out}, 1, "leaves nothing"},
		{[]string{"cut", in, "--to", "0.5", "--option", "quality=7", "-o", filepath.Join(dir, "o.mp3")}, 1, `quality "7" is not one of v0`},
		{[]string{"cut", in, "--to", "0.5", "-o", filepath.Join(dir, "o.xyz")}, 1, "Offcut does not write .xyz files; use one of .wav"},
		{[]string{"cut", in, "--to", "0.5", "-o", filepath.Join(dir, "nodir", "o.wav")}, 1, "no such file"},
		{[]string{"fade", in, "--in", "2", "-o", out}, 1, "fadeIn is 16000 frames, the clip is 8000"},
		{[]string{"split", in, "--at", "0.5,0.25", "-o", filepath.Join(dir, "p%d.wav")}, 1, "must be after"},
		{[]string{"cut", in, "--from", "x", "-o", out}, 2, `--from: time "x"`},
		{[]string{"cut", in, "-o", out}, 2, "give --from and/or --to"},
		{[]string{"cut", in, "--to", "1"}, 2, "no output file"},
		{[]string{"cut", in, "--bogus"}, 2, "unknown flag --bogus"},
		{[]string{"join", in, "-o", out}, 2, "at least two input files"},
		{[]string{"join", in, in, "--gap", "1", "--crossfade", "1", "-o", out}, 2, "not both"},
		{[]string{"fade", in, "--in", "1", "--curve", "wobbly", "-o", out}, 2, `"wobbly" is not one of`},
		{[]string{"gain", in, "-o", out}, 2, "exactly one of --db and --normalize"},
		{[]string{"split", in, "--at", "1", "-o", out}, 2, "pattern"},
		{[]string{"peaks", in, "--buckets", "0"}, 2, "--buckets must be"},
		{[]string{"convert", in, "--bits", "12", "-o", out}, 2, "--bits 12"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"render", pastEnd, "-o", out}, 1, "past.json: invalid project: clips[0].out 99999 is past the end"},
		// No AAC decoder natively: refused when opened, naming the input.
		{[]string{"convert", aac, "-o", out}, 1, "tiny-aac.m4a: unsupported encoding: AAC audio needs the browser's decoder"},
		{[]string{"cut", aac, "--to", "0.01", "-o", filepath.Join(dir, "o.m4a")}, 1, "tiny-aac.m4a: unsupported encoding"},
	} {
		code, _, stderr := offcut(c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("offcut %v: exit %d, stderr %q; want exit %d mentioning %q", c.args, code, stderr, c.code, c.want)
		}
		if c.code == 1 && (!strings.HasPrefix(stderr, "offcut: ") || strings.Count(stderr, "\n") != 1) {
			t.Errorf("offcut %v: stderr %q is not one line starting offcut:", c.args, stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed command left an output file")
	}
	for _, cmd := range commands {
		code, stdout, _ := offcut(cmd.name, "--help")
		if code != 0 || !strings.Contains(stdout, "usage: offcut "+cmd.name) {
			t.Errorf("offcut %s --help: exit %d, %q", cmd.name, code, stdout)
		}
	}
	if code, stdout, _ := offcut("help"); code != 0 || !strings.Contains(stdout, "offcut render") {
		t.Errorf("offcut help: %d %q", code, stdout)
	}
}

// TestCutMatchesSoxThroughTheCLI runs the built binary, as a user would.
func TestCutMatchesSoxThroughTheCLI(t *testing.T) {
	sox := audiotest.Tool(t, "sox")
	dir := t.TempDir()
	bin := filepath.Join(dir, "offcut")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Skipf("cannot build the CLI here: %v\n%s", err, out)
	}
	in := filepath.Join(dir, "in.wav")
	if out, err := exec.Command(sox, "-n", "-r", "48000", "-c", "2", "-b", "24", in, "synth", "2", "pinknoise").CombinedOutput(); err != nil {
		t.Fatalf("sox: %v %s", err, out)
	}
	got, want := filepath.Join(dir, "got.wav"), filepath.Join(dir, "want.wav")
	if out, err := exec.Command(bin, "cut", in, "--from", "0:00.250", "--to", "1.5", "-o", got).CombinedOutput(); err != nil {
		t.Fatalf("offcut cut: %v %s", err, out)
	}
	if out, err := exec.Command(sox, in, want, "trim", "0.25", "=1.5").CombinedOutput(); err != nil {
		t.Fatalf("sox trim: %v %s", err, out)
	}
	gf, gn := frames(t, got)
	wf, wn := frames(t, want)
	if gf != wf || gn != wn {
		t.Fatalf("offcut: %v %d frames; sox: %v %d frames", gf, gn, wf, wn)
	}
	g, _ := os.ReadFile(got)
	w, _ := os.ReadFile(want)
	if !bytes.Equal(g[len(g)-int(gn)*6:], w[len(w)-int(wn)*6:]) {
		t.Fatal("samples differ from sox trim")
	}
}

// TestMP3Export cuts an MP3 to MP3 losslessly with new tags and a cover,
// and reads them back with offcut info --json.
func TestMP3Export(t *testing.T) {
	lame := audiotest.Tool(t, "lame")
	dir := t.TempDir()
	wavIn := writeWAV(t, dir, "in.wav", audio.Format{Rate: 44100, Channels: 2, Bits: 16}, 3*44100)
	in := filepath.Join(dir, "in.mp3")
	if out, err := exec.Command(lame, "--quiet", "-b", "128", "--tt", "Old", "--ta", "Artist", wavIn, in).CombinedOutput(); err != nil {
		t.Fatalf("lame: %v %s", err, out)
	}
	cover := filepath.Join(dir, "cover.png")
	os.WriteFile(cover, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"), 0o644)
	out := filepath.Join(dir, "out.mp3")
	code, _, stderr := offcut("cut", in, "--from", "0.5", "--to", "2", "--title", "New", "--cover", cover, "-o", out)
	if code != 0 {
		t.Fatalf("cut to mp3: %s", stderr)
	}
	code, stdout, _ := offcut("info", out, "--json")
	var info struct {
		Frames   int64             `json:"frames"`
		Tags     map[string]string `json:"tags"`
		Pictures []struct {
			MIME string `json:"mime"`
			Type int    `json:"type"`
		} `json:"pictures"`
	}
	if err := json.Unmarshal([]byte(stdout), &info); err != nil || code != 0 {
		t.Fatalf("info: %v %s", err, stdout)
	}
	if info.Frames != 66150 || info.Tags["title"] != "New" || info.Tags["artist"] != "Artist" || len(info.Pictures) != 1 || info.Pictures[0].MIME != "image/png" {
		t.Errorf("exported MP3: %+v", info)
	}
	if code, _, stderr := offcut("cut", in, "--to", "1", "--cover", in, "-o", out); code != 1 || !strings.Contains(stderr, "JPEG or PNG") {
		t.Errorf("an MP3 as cover: exit %d %q", code, stderr)
	}
}

// TestFormats: offcut formats lists the registry, and its JSON is the
// engine's list.
func TestFormats(t *testing.T) {
	code, out, errs := offcut("formats", "--json")
	if code != 0 {
		t.Fatalf("formats --json: exit %d: %s", code, errs)
	}
	var list []struct {
		Name       string `json:"name"`
		Reads      bool   `json:"reads"`
		Writes     bool   `json:"writes"`
		MaxSeconds int    `json:"maxSeconds"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != len(codecs.All) {
		t.Fatalf("%d formats listed, the registry has %d", len(list), len(codecs.All))
	}
	for i, f := range list {
		if f.Name != codecs.All[i].Name || f.Writes != (codecs.All[i].Write != nil) || (f.Name == "m4r") != (f.MaxSeconds == 40) {
			t.Errorf("format %d: %+v", i, f)
		}
	}
	code, out, _ = offcut("formats")
	if code != 0 || !strings.Contains(out, "flac") || !strings.Contains(out, "--option level=VALUE") || !strings.Contains(out, "at most 40 seconds long") {
		t.Errorf("formats: exit %d:\n%s", code, out)
	}
	if code, _, errs := offcut("formats", "x.wav"); code != 2 {
		t.Errorf("formats x.wav: exit %d: %s", code, errs)
	}
}

// TestConvertBatch converts several files into a folder with --format and with
// --preset: each output decodes to its input's length in the asked format;
// a name collision and an output that would replace its input are
// reported, and the other files are still converted.
func TestConvertBatch(t *testing.T) {
	dir := t.TempDir()
	a := writeWAV(t, dir, "a.wav", audio.Format{Rate: 44100, Channels: 2, Bits: 16}, 44100)
	b := writeWAV(t, dir, "b.wav", audio.Format{Rate: 48000, Channels: 1, Bits: 24}, 24000)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := offcut("convert", a, b, "--format", "flac", "--option", "level=8", "-o", out)
	if code != 0 {
		t.Fatalf("convert --format flac: exit %d: %s", code, stderr)
	}
	for _, c := range []struct {
		path   string
		frames int64
		f      audio.Format
	}{{filepath.Join(out, "a.flac"), 44100, audio.Format{Rate: 44100, Channels: 2, Bits: 16}}, {filepath.Join(out, "b.flac"), 24000, audio.Format{Rate: 48000, Channels: 1, Bits: 24}}} {
		if f, n := frames(t, c.path); n != c.frames || f != c.f {
			t.Errorf("%s: %v, %d frames; want %v, %d", c.path, f, n, c.f, c.frames)
		}
	}
	if !strings.Contains(stdout, "a.wav -> ") || !strings.Contains(stdout, "b.wav -> ") {
		t.Errorf("stdout %q", stdout)
	}
	// A preset: podcast is MP3, mono, 64 kbit/s.
	code, _, stderr = offcut("convert", a, b, "--preset", "podcast", "-o", out)
	if code != 0 {
		t.Fatalf("convert --preset podcast: exit %d: %s", code, stderr)
	}
	if f, n := frames(t, filepath.Join(out, "a.mp3")); n != 44100 || f.Channels != 1 {
		t.Errorf("podcast a.mp3: %v, %d frames", f, n)
	}
	// b.wav and a copy of it named b.flac collide in out/b.flac; an input in
	// the output folder is never replaced.
	code, _, stderr = offcut("convert", b, filepath.Join(out, "b.flac"), a, "--format", "flac", "-o", out)
	if code != 1 || !strings.Contains(stderr, "would be written from") || !strings.Contains(stderr, "1 of 3 files could not be converted") {
		t.Errorf("collision: exit %d: %s", code, stderr)
	}
	code, _, stderr = offcut("convert", filepath.Join(out, "a.flac"), "--format", "flac", "-o", out)
	if code != 1 || !strings.Contains(stderr, "the output would replace the input") {
		t.Errorf("output over its input: exit %d: %s", code, stderr)
	}
	if code, _, stderr := offcut("convert", a, b, "-o", out); code != 2 || !strings.Contains(stderr, "--format NAME or --preset") {
		t.Errorf("batch without a format: exit %d: %s", code, stderr)
	}
}

// TestConvertZip converts several files into one ZIP archive: entries are
// stored under unique names, each equal to the same file converted on its
// own, and a file that cannot be converted is reported while the others
// are stored.
func TestConvertZip(t *testing.T) {
	dir := t.TempDir()
	a := writeWAV(t, dir, "a.wav", audio.Format{Rate: 44100, Channels: 2, Bits: 16}, 44100)
	b := writeWAV(t, dir, "b.wav", audio.Format{Rate: 48000, Channels: 1, Bits: 24}, 24000)
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	a2 := writeWAV(t, sub, "a.wav", audio.Format{Rate: 22050, Channels: 1, Bits: 16}, 1000)
	bad := filepath.Join(dir, "notes.wav")
	if err := os.WriteFile(bad, []byte("not audio at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	zipPath := filepath.Join(dir, "batch.zip")
	code, stdout, stderr := offcut("convert", a, b, bad, a2, "--format", "flac", "-o", zipPath)
	if code != 1 || !strings.Contains(stderr, "notes.wav") || !strings.Contains(stderr, "1 of 4 files could not be converted") {
		t.Fatalf("convert to zip: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "batch.zip:a (2).flac") {
		t.Errorf("stdout %q", stdout)
	}
	r, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
	}
	if fmt.Sprint(names) != "[a.flac b.flac a (2).flac]" {
		t.Fatalf("entries %q", names)
	}
	for i, in := range []string{a, b, a2} {
		one := filepath.Join(dir, fmt.Sprintf("one%d.flac", i))
		if code, _, stderr := offcut("convert", in, "--format", "flac", "-o", one); code != 0 {
			t.Fatalf("convert %s: %s", in, stderr)
		}
		want, _ := os.ReadFile(one)
		rc, err := r.File[i].Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: the archive holds %d bytes (%v), converting it alone gives %d", names[i], len(got), err, len(want))
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 8 {
		t.Errorf("temporary files left beside the archive: %v", ents)
	}
	if code, _, stderr := offcut("convert", bad, "--format", "flac", "-o", filepath.Join(dir, "none.zip")); code != 1 || !strings.Contains(stderr, "was not written") {
		t.Errorf("nothing converted: exit %d: %s", code, stderr)
	}
}
