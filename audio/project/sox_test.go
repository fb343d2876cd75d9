package project_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/wav"
	"offcut/audio/project"
)

// soxFormats are the stored formats the sox comparisons cover.
var soxFormats = []struct {
	name string
	args []string
}{
	{"u8", []string{"-b", "8", "-e", "unsigned-integer"}},
	{"s16", []string{"-b", "16", "-e", "signed-integer"}},
	{"s24", []string{"-b", "24", "-e", "signed-integer"}},
	{"f32", []string{"-b", "32", "-e", "floating-point"}},
}

// makeWAV writes a test file with sox: a sweep plus noise, so that every
// sample differs from its neighbours. Not audiotest.WAV: these files are
// made by the reference tool the renders are compared with.
func makeWAV(t testing.TB, sox, dir, name string, fmtArgs []string, rate, ch int, secs string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	args := append([]string{"-n", "-r", fmt.Sprint(rate), "-c", fmt.Sprint(ch)}, fmtArgs...)
	args = append(args, p, "synth", secs, "sine", "100-5000", "whitenoise", "gain", "-6")
	if out, err := exec.Command(sox, args...).CombinedOutput(); err != nil {
		t.Fatalf("sox %v: %v\n%s", args, err, out)
	}
	return p
}

// dataBytes returns a WAV file's format and the bytes of its samples.
func dataBytes(t testing.TB, path string) (audio.Format, []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := wav.Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	off, fm := f.PCMData()
	return fm, b[off : off+f.Info().Frames*int64(fm.BytesPerFrame())]
}

// renderFiles renders doc over the files and writes the output to a file.
func renderFiles(t testing.TB, doc *project.Document, out string, paths ...string) *project.Result {
	t.Helper()
	var decs []audio.Decoder
	var srcs []audio.Source
	for _, p := range paths {
		src, err := audio.OpenFile(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { src.Close() })
		d, err := wav.Open(src)
		if err != nil {
			t.Fatal(err)
		}
		decs, srcs = append(decs, d), append(srcs, src)
	}
	res, err := project.Render(doc, decs, project.Options{})
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	var buf bytes.Buffer
	n, err := res.Plan.WriteTo(&buf, srcs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n != res.Plan.Size() {
		t.Fatalf("wrote %d bytes, plan size %d", n, res.Plan.Size())
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return res
}

func sox(t testing.TB, bin string, args ...string) {
	t.Helper()
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("sox %v: %v\n%s", args, err, out)
	}
}

// sameSamples compares two WAV files' formats and sample bytes exactly.
func sameSamples(t testing.TB, got, want string) {
	t.Helper()
	gf, gb := dataBytes(t, got)
	wf, wb := dataBytes(t, want)
	if gf != wf {
		t.Fatalf("format %v, sox wrote %v", gf, wf)
	}
	if len(gb) != len(wb) {
		t.Fatalf("%d frames, sox wrote %d", len(gb)/gf.BytesPerFrame(), len(wb)/wf.BytesPerFrame())
	}
	if i := firstDiff(gb, wb); i >= 0 {
		t.Fatalf("sample bytes differ from sox's at byte %d (frame %d)", i, i/gf.BytesPerFrame())
	}
}

func firstDiff(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}

// TestCutsMatchSox: keep, remove and split on int and float WAVs of 1, 2 and
// 6 channels equal `sox IN OUT trim ...` sample for sample, and the plans
// copy every byte from the source (no computed samples).
func TestCutsMatchSox(t *testing.T) {
	bin := audiotest.Tool(t, "sox")
	dir := t.TempDir()
	for _, f := range soxFormats {
		for _, ch := range []int{1, 2, 6} {
			t.Run(fmt.Sprintf("%s-%dch", f.name, ch), func(t *testing.T) {
				in := makeWAV(t, bin, dir, fmt.Sprintf("in-%s-%d.wav", f.name, ch), f.args, 44100, ch, "1.5")
				const total = 66150
				a, b := int64(12345), int64(50001)

				got, want := filepath.Join(dir, "keep.wav"), filepath.Join(dir, "keep-sox.wav")
				res := renderFiles(t, project.Keep(a, b), got, in)
				sox(t, bin, in, want, "trim", fmt.Sprintf("%ds", a), fmt.Sprintf("=%ds", b))
				sameSamples(t, got, want)
				if res.Frames != b-a || !res.Lossless {
					t.Fatalf("keep: %d frames (want %d), lossless %v", res.Frames, b-a, res.Lossless)
				}

				doc, err := project.Remove(total, a, b)
				if err != nil {
					t.Fatal(err)
				}
				res = renderFiles(t, doc, got, in)
				sox(t, bin, in, want, "trim", "0s", fmt.Sprintf("=%ds", a), fmt.Sprintf("=%ds", b))
				sameSamples(t, got, want)
				if res.Frames != total-(b-a) || !res.Lossless {
					t.Fatalf("remove: %d frames (want %d), lossless %v", res.Frames, total-(b-a), res.Lossless)
				}

				points := []int64{1, 20000, 20001, 65000}
				docs, err := project.Split(total, points)
				if err != nil {
					t.Fatal(err)
				}
				edges := append(append([]int64{0}, points...), total)
				for i, d := range docs {
					res := renderFiles(t, d, got, in)
					sox(t, bin, in, want, "trim", fmt.Sprintf("%ds", edges[i]), fmt.Sprintf("=%ds", edges[i+1]))
					sameSamples(t, got, want)
					if res.Frames != edges[i+1]-edges[i] {
						t.Fatalf("split part %d: %d frames, want %d", i, res.Frames, edges[i+1]-edges[i])
					}
				}
			})
		}
	}
}

// TestJoinMatchesSox: a plain join equals sox's concatenation, and gaps
// equal sox's pad.
func TestJoinMatchesSox(t *testing.T) {
	bin := audiotest.Tool(t, "sox")
	dir := t.TempDir()
	for _, f := range soxFormats {
		for _, ch := range []int{1, 2, 6} {
			t.Run(fmt.Sprintf("%s-%dch", f.name, ch), func(t *testing.T) {
				var ins []string
				var frames []int64
				for i, secs := range []string{"0.5", "0.25", "0.3333"} {
					ins = append(ins, makeWAV(t, bin, dir, fmt.Sprintf("j%d-%s-%d.wav", i, f.name, ch), f.args, 48000, ch, secs))
					_, b := dataBytes(t, ins[i])
					frames = append(frames, int64(len(b)/(ch*(map[string]int{"u8": 1, "s16": 2, "s24": 3, "f32": 4}[f.name]))))
				}
				got, want := filepath.Join(dir, "join.wav"), filepath.Join(dir, "join-sox.wav")
				res := renderFiles(t, project.JoinAll(frames, project.Join{}), got, ins...)
				sox(t, bin, append(ins, want)...)
				sameSamples(t, got, want)
				if res.Frames != frames[0]+frames[1]+frames[2] || !res.Lossless {
					t.Fatalf("join: %d frames, lossless %v", res.Frames, res.Lossless)
				}
				// A gap of 1000 frames after each of the first two files.
				res = renderFiles(t, project.JoinAll(frames, project.Join{Type: project.JoinGap, Length: 1000}), got, ins...)
				p0, p1 := filepath.Join(dir, "p0.wav"), filepath.Join(dir, "p1.wav")
				sox(t, bin, ins[0], p0, "pad", "0", "1000s")
				sox(t, bin, ins[1], p1, "pad", "0", "1000s")
				sox(t, bin, p0, p1, ins[2], want)
				sameSamples(t, got, want)
				if res.Frames != frames[0]+frames[1]+frames[2]+2000 {
					t.Fatalf("gap join: %d frames", res.Frames)
				}
			})
		}
	}
}

// TestMixedFormatJoin joins files of other rates, channel counts and
// depths. Left to the sources, the output is the best of them in either
// order (48 kHz, stereo, 24-bit). Asked for the first file's format, the
// second file is converted to it: the length is exact and the converted
// part agrees with sox's own conversion.
func TestMixedFormatJoin(t *testing.T) {
	bin := audiotest.Tool(t, "sox")
	dir := t.TempDir()
	a := makeWAV(t, bin, dir, "a.wav", []string{"-b", "16"}, 44100, 2, "0.5")
	// Band-limited content: the two resamplers differ only in their
	// transition bands (above 20 kHz), which white noise would fill.
	b := filepath.Join(dir, "b.wav")
	sox(t, bin, "-n", "-r", "48000", "-c", "1", "-b", "24", b, "synth", "0.7", "sine", "100-5000", "gain", "-6")
	got := filepath.Join(dir, "mixed.wav")
	best := audio.Format{Rate: 48000, Channels: 2, Bits: 24}
	res := renderFiles(t, project.JoinAll([]int64{22050, 33600}, project.Join{}), got, a, b)
	if want := (22050*48000+22050)/44100 + 33600; res.Frames != int64(want) || res.Format != best {
		t.Fatalf("mixed join, sources' format: %d frames %v, want %d frames %v", res.Frames, res.Format, want, best)
	}
	res = renderFiles(t, project.JoinAll([]int64{33600, 22050}, project.Join{}), got, b, a)
	if res.Format != best {
		t.Fatalf("mixed join the other way round: %v, want %v", res.Format, best)
	}
	doc := project.JoinAll([]int64{22050, 33600}, project.Join{})
	doc.Output = project.Output{SampleRate: 44100, Channels: 2, SampleFormat: "s16"}
	res = renderFiles(t, doc, got, a, b)
	wantFrames := 22050 + (33600*44100+24000)/48000
	if res.Frames != int64(wantFrames) || res.Format != (audio.Format{Rate: 44100, Channels: 2, Bits: 16}) {
		t.Fatalf("mixed join: %d frames %v, want %d frames 44100 Hz 2 ch 16-bit", res.Frames, res.Format, wantFrames)
	}
	// sox's conversion of b to 44.1 kHz stereo, as 16-bit without dither.
	want := filepath.Join(dir, "b-sox.wav")
	sox(t, bin, b, "-b", "16", "-D", want, "rate", "-v", "44100", "channels", "2")
	_, gb := dataBytes(t, got)
	_, wb := dataBytes(t, want)
	gb = gb[22050*4:]
	n := min(len(gb), len(wb)) / 2
	var sig, noise float64
	for i := 0; i < n; i++ {
		g := float64(int16(uint16(gb[2*i]) | uint16(gb[2*i+1])<<8))
		w := float64(int16(uint16(wb[2*i]) | uint16(wb[2*i+1])<<8))
		sig += w * w
		noise += (g - w) * (g - w)
	}
	snr := 10 * log10(sig/max(noise, 1e-9))
	t.Logf("converted part vs sox rate -v: SNR %.1f dB over %d samples (sox length %d frames, ours %d)", snr, n, len(wb)/4, len(gb)/4)
	if snr < 60 {
		t.Fatalf("converted part differs from sox's conversion: SNR %.1f dB", snr)
	}
}

func log10(x float64) float64 { return logE(x) / logE(10) }

// TestCLIShapedErrors: documents that do not fit their sources say so.
func TestRenderErrors(t *testing.T) {
	src := audio.NewBytesSource(audiotest.WAV(audio.Format{Rate: 8000, Channels: 1, Bits: 16}, make([]float32, 100)))
	d, err := wav.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		doc  *project.Document
		want string
	}{
		{project.Keep(0, 101), "past the end of source 0 (100 frames)"},
		{&project.Document{Version: 1, Clips: []project.Clip{{Source: 1, In: 0, Out: 10}}}, "only 1 inputs"},
		{&project.Document{Version: 1, Clips: []project.Clip{{Source: 0, In: 0, Out: 10}, {Source: 0, In: 0, Out: 10}},
			Joins: []project.Join{{Type: "crossfade", Length: 20}}}, "too short for its crossfades"},
		{&project.Document{Version: 1, Clips: []project.Clip{{Source: 0, In: 0, Out: 10, FadeIn: &project.Fade{Length: 11}}}}, "fadeIn is 11 frames"},
	} {
		_, err := project.Render(c.doc, []audio.Decoder{d}, project.Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Render error %v, want one mentioning %q", err, c.want)
		}
	}
}
