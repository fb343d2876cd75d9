package project_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codecs"
	"offcut/audio/project"
)

// segmentedFile renders doc in segments on workers goroutines (each with
// decoders of its own from open), joins them and returns the file's bytes.
func segmentedFile(t testing.TB, doc *project.Document, open func() ([]audio.Decoder, error), segs []project.Segment, workers int) []byte {
	t.Helper()
	dir := t.TempDir()
	parts, err := project.EncodeSegments(doc, segs, project.Options{}, project.Parallel{
		Workers: workers,
		Open:    open,
		Store: func(i int, res *project.Result) (audio.Source, error) {
			return audio.NewBytesSource(writePlan(t, filepath.Join(dir, fmt.Sprintf("seg%d", i)), res.Plan, nil)), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	decs, err := open()
	if err != nil {
		t.Fatal(err)
	}
	res, err := project.JoinSegments(doc, decs, parts, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return writePlan(t, filepath.Join(dir, "joined"), res.Plan, parts)
}

// checkSegmentedPCM checks that doc's output is split into want segments
// and that the segments joined (on one goroutine and on several) are the
// bytes of the one-piece render.
func checkSegmentedPCM(t *testing.T, doc *project.Document, files [][]byte, want int) {
	t.Helper()
	open := func() ([]audio.Decoder, error) {
		var decs []audio.Decoder
		for _, b := range files {
			d, err := codecs.Open(audio.NewBytesSource(b))
			if err != nil {
				return nil, err
			}
			decs = append(decs, d)
		}
		return decs, nil
	}
	decs, err := open()
	if err != nil {
		t.Fatal(err)
	}
	segs, err := project.Segments(doc, decs, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(segs) != want {
		t.Fatalf("%d segments, want %d: %v", len(segs), want, segs)
	}
	res, err := project.Render(doc, decs, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// SegmentsPlan: the same segments, and Render's plan.
	psegs, pres, err := project.SegmentsPlan(doc, decs, project.Options{})
	if err != nil || fmt.Sprint(psegs) != fmt.Sprint(segs) || pres == nil || pres.Plan.Size() != res.Plan.Size() || pres.Frames != res.Frames {
		t.Fatalf("SegmentsPlan: %v, %v, %v; want %v and Render's %d bytes, %d frames", psegs, pres, err, segs, res.Plan.Size(), res.Frames)
	}
	var srcs []audio.Source
	for _, b := range files {
		srcs = append(srcs, audio.NewBytesSource(b))
	}
	single := writePlan(t, filepath.Join(t.TempDir(), "single"), res.Plan, srcs)
	for _, w := range []int{1, max(3, runtime.GOMAXPROCS(0))} {
		got := segmentedFile(t, doc, open, segs, w)
		if !bytes.Equal(got, single) {
			i := 0
			for i < min(len(got), len(single)) && got[i] == single[i] {
				i++
			}
			t.Fatalf("%d workers: %d bytes, the one-piece render %d; they differ from byte %d", w, len(got), len(single), i)
		}
	}
	// The file decodes to the output's length.
	d, err := codecs.Open(audio.NewBytesSource(single))
	if err != nil {
		t.Fatal(err)
	}
	if d.Info().Frames != res.Frames {
		t.Errorf("the output decodes to %d frames, the render says %d", d.Info().Frames, res.Frames)
	}
}

// encoded renders a WAV file as container with the engine's own encoder
// (so that the test runs under js/wasm too, where there are no tools).
func encoded(t testing.TB, wav []byte, container string, options map[string]string) []byte {
	t.Helper()
	d, err := codecs.Open(audio.NewBytesSource(wav))
	if err != nil {
		t.Fatal(err)
	}
	doc := &project.Document{Version: 1, Clips: []project.Clip{{Source: 0, In: 0, Out: d.Info().Frames}},
		Output: project.Output{Container: container, Options: options}}
	res, err := project.Render(doc, []audio.Decoder{d}, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return writePlan(t, filepath.Join(t.TempDir(), "src."+container), res.Plan, []audio.Source{audio.NewBytesSource(wav)})
}

// readFile is the file at path.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sourceMP3 is an MP3 of about seconds of music-like stereo (seed), VBR
// (which leans on the bit reservoir), and its rate: natively LAME's at
// 44.1 kHz, without lame the engine's own at 22.05 kHz (quick under
// js/wasm).
func sourceMP3(t testing.TB, seconds float64, seed uint64) ([]byte, int) {
	t.Helper()
	if _, err := exec.LookPath("lame"); err == nil {
		const rate = 44100
		return readFile(t, lameMP3(t, t.TempDir(), "src", int(seconds*rate), seed, "-V", "2")), rate
	}
	const rate = 22050
	wav := audiotest.WAV(audio.Format{Rate: rate, Channels: 2, Bits: 16}, audiotest.Music(int(seconds*rate), 2, rate, seed))
	return encoded(t, wav, "mp3", map[string]string{"quality": "v2"}), rate
}

// TestSegmentedMP3ToWAV: an MP3 made into 16-bit WAV in segments equals
// the one-piece render byte for byte, with a tag edit, a fade and a gain;
// with dither on (an MP3 source counts as 16 bits, so it is off by
// default); and as float WAV; and as AIFF.
func TestSegmentedMP3ToWAV(t *testing.T) {
	mp3, rate := sourceMP3(t, 65, 5)
	title := "Segmented"
	doc := &project.Document{Version: 1,
		Clips:  []project.Clip{{Source: 0, In: 1234, Out: int64(65*rate - 99), Gain: -1.5, FadeOut: &project.Fade{Length: int64(rate)}}},
		Output: project.Output{Container: "wav", SampleFormat: "s16", Tags: &project.Tags{Title: &title}}}
	checkSegmentedPCM(t, doc, [][]byte{mp3}, 2)
	on := true
	doc.Output.Dither = &on
	checkSegmentedPCM(t, doc, [][]byte{mp3}, 2)
	doc.Output.Dither = nil
	doc.Output.SampleFormat = "f32"
	checkSegmentedPCM(t, doc, [][]byte{mp3}, 2)
	// AIFF, 16-bit dithered and float (AIFF-C).
	doc.Output = project.Output{Container: "aiff", SampleFormat: "s16", Dither: &on, Tags: &project.Tags{Title: &title}}
	checkSegmentedPCM(t, doc, [][]byte{mp3}, 2)
	doc.Output.SampleFormat = "f32"
	checkSegmentedPCM(t, doc, [][]byte{mp3}, 2)
}

// TestSegmentedFLACToWAV: a 24-bit FLAC (the engine's encode) into 16-bit
// WAV, dithered, in segments equals the one-piece render; into 24-bit WAV
// too.
func TestSegmentedFLACToWAV(t *testing.T) {
	const rate = 48000
	wav := audiotest.WAV(audio.Format{Rate: rate, Channels: 2, Bits: 24}, audiotest.Music(95*rate+7, 2, rate, 8))
	flac := encoded(t, wav, "flac", nil)
	doc := &project.Document{Version: 1,
		Clips:  []project.Clip{{Source: 0, In: 0, Out: 95*rate + 7}},
		Output: project.Output{Container: "wav", SampleFormat: "s16"}}
	checkSegmentedPCM(t, doc, [][]byte{flac}, 3)
	doc.Output.SampleFormat = "s24"
	checkSegmentedPCM(t, doc, [][]byte{flac}, 3)
}

// TestSegmentedCrossfadeToWAV: two MP3s joined with a crossfade (and a
// WAV clip after a gap) into WAV, with a segment boundary inside the
// crossfade, in segments equals the one-piece render.
func TestSegmentedCrossfadeToWAV(t *testing.T) {
	a, rate := sourceMP3(t, 40, 1)
	b, _ := sourceMP3(t, 40, 2)
	w := audiotest.WAV(audio.Format{Rate: rate, Channels: 2, Bits: 16}, audiotest.Signal(5*rate, 2, rate, 3))
	r := int64(rate)
	// Clip a is 32 s; the crossfade of 4 s covers output 28..32 s, across
	// the first segment's end at 30 s.
	doc := &project.Document{Version: 1,
		Clips: []project.Clip{
			{Source: 0, In: 3 * r, Out: 35 * r},
			{Source: 1, In: r, Out: 39 * r, FadeIn: &project.Fade{Length: r / 2}},
			{Source: 2, In: 0, Out: 5 * r, Gain: -3},
		},
		Joins:  []project.Join{{Type: project.JoinCrossfade, Length: 4 * r, Curve: project.EqualPower}, {Type: project.JoinGap, Length: 777}},
		Output: project.Output{Container: "wav"}}
	checkSegmentedPCM(t, doc, [][]byte{a, b, w}, 2)
}

// TestSegmentsPCMRule: a WAV output is split only when it decodes a
// source and computes every frame: a cut of a WAV file into WAV, or a
// clip of it kept as stored beside an MP3 clip, stays in one piece.
func TestSegmentsPCMRule(t *testing.T) {
	const rate = 44100
	dir := t.TempDir()
	mp3 := lameMP3(t, dir, "a", 70*rate, 1, "-b", "128")
	w := audiotest.WriteWAV(t, filepath.Join(dir, "w.wav"), audio.Format{Rate: rate, Channels: 2, Bits: 16}, audiotest.Signal(70*rate, 2, rate, 3))
	_, dm := openMP3(t, mp3)
	_, dw := openMP3(t, w)
	decs := []audio.Decoder{dm, dw}
	for _, c := range []struct {
		name  string
		clips []project.Clip
		out   project.Output
		split bool
	}{
		{"wav cut", []project.Clip{{Source: 1, In: 10, Out: 70 * rate}}, project.Output{Container: "wav"}, false},
		{"wav to 24 bits", []project.Clip{{Source: 1, In: 10, Out: 70 * rate}}, project.Output{Container: "wav", SampleFormat: "s24"}, false},
		{"mp3 and stored wav", []project.Clip{{Source: 0, In: 0, Out: 30 * rate}, {Source: 1, In: 0, Out: 40 * rate}}, project.Output{Container: "wav", SampleFormat: "s16", Dither: new(bool)}, false},
		{"mp3", []project.Clip{{Source: 0, In: 0, Out: 70 * rate}}, project.Output{Container: "wav"}, true},
		{"mp3 resampled", []project.Clip{{Source: 0, In: 0, Out: 70 * rate}}, project.Output{Container: "wav", SampleRate: 48000}, false},
	} {
		doc := &project.Document{Version: 1, Clips: c.clips, Output: c.out}
		segs, err := project.Segments(doc, decs, project.Options{})
		if err != nil || (segs != nil) != c.split {
			t.Errorf("%s: %v, %v; split %v", c.name, segs, err, c.split)
		}
		if segs, err := project.Segments(doc, decs, project.Options{EncodedOnly: true}); err != nil || segs != nil {
			t.Errorf("%s with EncodedOnly: %v, %v; want one piece", c.name, segs, err)
		}
	}
}
