package main

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/id3"
	"offcut/audio/codec/wav"
)

// TestNonFiniteSamples: NaN and infinite samples in a float WAV give
// finite peaks and a sane normalisation, and each command says what it
// found in a warning line.
func TestNonFiniteSamples(t *testing.T) {
	dir := t.TempDir()
	f := audio.Format{Rate: 8000, Channels: 1, Bits: 32, Float: true}
	s := audiotest.Signal(8000, 1, 8000, 3)
	for i := range s {
		s[i] *= 0.5
	}
	b := audiotest.WAV(f, s)
	// Poke the bits in (the encoder would write silence for them); the
	// samples start after the 44-byte header.
	for i, v := range map[int]float64{100: math.NaN(), 200: math.Inf(1), 300: math.Inf(-1)} {
		binary.LittleEndian.PutUint32(b[44+4*i:], math.Float32bits(float32(v)))
	}
	in := filepath.Join(dir, "nan.wav")
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := offcut("peaks", in, "--buckets", "4", "--json")
	var peaks struct{ Peaks [][2]float32 }
	if code != 0 || json.Unmarshal([]byte(stdout), &peaks) != nil || len(peaks.Peaks) != 4 {
		t.Fatalf("peaks: exit %d, %q, %q", code, stdout, stderr)
	}
	for _, p := range peaks.Peaks {
		if p[0] < -0.6 || p[1] > 0.6 {
			t.Errorf("peaks %v: the infinite samples leaked in", p)
		}
	}
	if !strings.Contains(stderr, "warning") || !strings.Contains(stderr, "3 samples are NaN or infinite") {
		t.Errorf("peaks stderr %q: want a warning counting 3 NaN or infinite samples", stderr)
	}

	out := filepath.Join(dir, "norm.wav")
	code, _, stderr = offcut("gain", in, "--normalize", "-6.0206", "-o", out)
	if code != 0 {
		t.Fatalf("normalize: %s", stderr)
	}
	if !strings.Contains(stderr, "3 samples") || !strings.Contains(stderr, "NaN or infinite") {
		t.Errorf("normalize stderr %q: want a note counting 3 NaN or infinite samples", stderr)
	}
	b, _ = os.ReadFile(out)
	w, err := wav.Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	got := audiotest.DecodeAll(t, w)
	var peak float64
	for i, v := range got {
		x := float64(v)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("sample %d of the normalised output is %v", i, v)
		}
		peak = max(peak, math.Abs(x))
	}
	if math.Abs(peak-0.5) > 1e-3 {
		t.Errorf("normalised peak %v, want 0.5 (-6.02 dBFS); non-finite samples must not count", peak)
	}
	if got[100] != 0 || got[200] != 0 || got[300] != 0 {
		t.Errorf("non-finite samples written as %v %v %v, want silence", got[100], got[200], got[300])
	}
}

// TestNoAudio: a file whose frames decode to nothing (an empty WAV, an MP3
// holding only its Info tag frame) says "has no audio" from every command.
func TestNoAudio(t *testing.T) {
	dir := t.TempDir()
	emptyWAV := filepath.Join(dir, "empty.wav")
	os.WriteFile(emptyWAV, audiotest.WAV(audio.Format{Rate: 8000, Channels: 1, Bits: 16}, nil), 0o644)
	tagOnly := make([]byte, 417)
	copy(tagOnly, "\xff\xfb\x90\x64")
	copy(tagOnly[36:], "Info\x00\x00\x00\x0f\x00\x00\x00\x00\x00\x00\x01\xa1")
	copy(tagOnly[36+120:], "LAME3.100")
	emptyMP3 := filepath.Join(dir, "tagonly.mp3")
	os.WriteFile(emptyMP3, tagOnly, 0o644)
	doc := filepath.Join(dir, "doc.json")
	os.WriteFile(doc, []byte(`{"version":1,"sources":[{"name":"tagonly.mp3"}],"clips":[{"source":0,"in":0,"out":10}]}`), 0o644)
	o := filepath.Join(dir, "o.wav")
	for _, f := range []string{emptyWAV, emptyMP3} {
		for _, args := range [][]string{
			{"cut", f, "--to", "0.1", "-o", o}, {"peaks", f, "--buckets", "3"}, {"convert", f, "-o", o},
			{"gain", f, "--db", "1", "-o", o}, {"fade", f, "--in", "0.1", "-o", o}, {"join", f, f, "-o", o},
			{"split", f, "--at", "0.1", "-o", filepath.Join(dir, "p%d.wav")}, {"render", doc, "-o", o},
		} {
			code, _, stderr := offcut(args...)
			want := filepath.Base(f) + ": the file has no audio"
			if args[0] == "render" {
				want = "tagonly.mp3: the file has no audio"
			}
			if code != 1 || !strings.Contains(stderr, want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("offcut %s %s: exit %d, %q; want exit 1 and one line saying %q", args[0], filepath.Base(f), code, stderr, want)
			}
		}
		code, stdout, _ := offcut("info", f)
		if code != 0 || !strings.Contains(stdout, "has no audio") {
			t.Errorf("offcut info %s: exit %d, %q; want a description saying it has no audio", filepath.Base(f), code, stdout)
		}
		code, stdout, _ = offcut("info", f, "--json")
		if code != 0 || !strings.Contains(stdout, `"noAudio": true`) {
			t.Errorf("offcut info --json %s: exit %d, %q; want noAudio true", filepath.Base(f), code, stdout)
		}
	}
}

// TestRenderSourcePaths: a document names files beside it or below it;
// absolute paths and .. are refused unless --allow-any-path.
func TestRenderSourcePaths(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "docs")
	os.Mkdir(sub, 0o755)
	os.Mkdir(filepath.Join(sub, "audio"), 0o755)
	in := writeWAV(t, dir, "in.wav", audio.Format{Rate: 8000, Channels: 1, Bits: 16}, 800)
	writeWAV(t, filepath.Join(sub, "audio"), "below.wav", audio.Format{Rate: 8000, Channels: 1, Bits: 16}, 800)
	out := filepath.Join(dir, "o.wav")
	docWith := func(name string) string {
		js, _ := json.Marshal(map[string]any{"version": 1, "sources": []map[string]string{{"name": name}},
			"clips": []map[string]any{{"source": 0, "in": 0, "out": 100}}})
		p := filepath.Join(sub, "doc.json")
		os.WriteFile(p, js, 0o644)
		return p
	}
	for _, c := range []struct {
		name, want string
	}{
		{in, "is an absolute path"},
		{"../in.wav", "goes up through .."},
		{"audio/../../in.wav", "goes up through .."},
		{`..\in.wav`, "goes up through .."},
	} {
		doc := docWith(c.name)
		code, _, stderr := offcut("render", doc, "-o", out)
		if code != 1 || !strings.Contains(stderr, "doc.json: sources[0]") || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "--allow-any-path") {
			t.Errorf("source %q: exit %d, %q; want exit 1 saying it %s", c.name, code, stderr, c.want)
		}
		if c.name == `..\in.wav` {
			continue // a backslash is a file name character here, not a separator
		}
		if code, _, stderr := offcut("render", doc, "--allow-any-path", "-o", out); code != 0 {
			t.Errorf("source %q with --allow-any-path: exit %d, %q", c.name, code, stderr)
		}
	}
	if code, _, stderr := offcut("render", docWith("audio/below.wav"), "-o", out); code != 0 {
		t.Errorf("a source below the document: exit %d, %q", code, stderr)
	}
}

// TestInfoEscapesControlCharacters: tag text can carry terminal escape
// sequences; offcut info prints them escaped, never raw.
func TestInfoEscapesControlCharacters(t *testing.T) {
	dir := t.TempDir()
	tag := id3.NewTag()
	evil := "Song\x1b]0;pwned\x07\x1b[2J\r\nartist: fake\u202egnp.exe\u009b"
	tag.Apply(id3.Edit{Title: &evil})
	b, err := tag.Encode(0)
	if err != nil {
		t.Fatal(err)
	}
	frame := make([]byte, 417)
	copy(frame, "\xff\xfb\x90\x64")
	for range 20 {
		b = append(b, frame...)
	}
	in := filepath.Join(dir, "evil.mp3")
	os.WriteFile(in, b, 0o644)
	code, stdout, stderr := offcut("info", in)
	if code != 0 {
		t.Fatalf("info: exit %d %q", code, stderr)
	}
	for _, r := range stdout {
		if r != '\n' && (r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u202e') {
			t.Fatalf("info printed a raw control character %U: %q", r, stdout)
		}
	}
	if !strings.Contains(stdout, `title: Song\x1b]0;pwned\a\x1b[2J\r\nartist: fake\u202egnp.exe\u009b`) {
		t.Errorf("info: %q; want the title escaped", stdout)
	}
}

// FuzzParseTime: any time argument at any rate parses to a frame count in
// range or fails with an error, never panics; a parsed time printed by
// audio.FormatTime (to the millisecond) parses back to within half a millisecond.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"0", "12.5", "1:02.250", "1:00:00", "44100s", "0.00001", "1e300", "NaN", "-1", "99:59:59.999", " 3 ", "1.5:00", "9223372036854775807s"} {
		f.Add(s, uint32(48000))
	}
	f.Add("1:02.5", uint32(1))
	f.Add("10", uint32(768000))
	f.Fuzz(func(t *testing.T, s string, r uint32) {
		rate := int(r%768000) + 1
		n, err := parseTime(s, rate)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("parseTime(%q, %d) = %d", s, rate, n)
		}
		if strings.HasSuffix(strings.TrimSpace(s), "s") {
			return // frames: exact, whatever the rate
		}
		back, err := parseTime(audio.FormatTime(n, rate), rate)
		if err != nil {
			t.Fatalf("audio.FormatTime(%d, %d) = %q does not parse: %v", n, rate, audio.FormatTime(n, rate), err)
		}
		if d := math.Abs(float64(back - n)); d > float64(rate)/2000+1 {
			t.Fatalf("%q at %d Hz: %d frames, printed %q, parsed back as %d", s, rate, n, audio.FormatTime(n, rate), back)
		}
	})
}
