package project_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codecs"
	"offcut/audio/plan"
	"offcut/audio/project"
)

// writePlan writes p (whose ranges read srcs) to path and returns its
// bytes.
func writePlan(t testing.TB, path string, p *plan.Plan, srcs []audio.Source) []byte {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := p.WriteTo(f, srcs, nil); err != nil {
		t.Fatalf("writing %s: %v", path, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// segmentedMP3 encodes doc's segments on workers goroutines, joins them,
// and returns the file.
func segmentedMP3(t testing.TB, dir string, doc *project.Document, open func() ([]audio.Decoder, error), segs []project.Segment, workers int) []byte {
	t.Helper()
	parts, err := project.EncodeSegments(doc, segs, project.Options{}, project.Parallel{
		Workers: workers,
		Open:    open,
		Store: func(i int, res *project.Result) (audio.Source, error) {
			return audio.NewBytesSource(writePlan(t, filepath.Join(dir, fmt.Sprintf("seg%d-%d.mp3", workers, i)), res.Plan, nil)), nil
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
	if res.Frames != doc.Clips[0].Out-doc.Clips[0].In {
		t.Errorf("the join says %d frames, the document %d", res.Frames, doc.Clips[0].Out-doc.Clips[0].In)
	}
	return writePlan(t, filepath.Join(dir, fmt.Sprintf("joined%d.mp3", workers)), res.Plan, parts)
}

// TestSegmentedMP3 encodes 92 s of music-like stereo as MP3 128k in
// segments (on one goroutine and on several: the same bytes) and checks
// the joined file against the reference tools: mp3val and ffmpeg find
// nothing wrong, ffmpeg decodes exactly the source's length, the tags are
// there, and its SNR against the source is within 0.5 dB of a single
// encode's. The worst 50 ms window SNR near the junctions is logged beside
// the worst elsewhere.
func TestSegmentedMP3(t *testing.T) {
	mp3val := audiotest.Tool(t, "mp3val")
	const rate = 44100
	n := 92*rate + 777
	wav := audiotest.WAV(audio.Format{Rate: rate, Channels: 2, Bits: 16}, audiotest.Music(n, 2, rate, 7))
	open := func() ([]audio.Decoder, error) {
		d, err := codecs.Open(audio.NewBytesSource(wav))
		return []audio.Decoder{d}, err
	}
	decs, err := open()
	if err != nil {
		t.Fatal(err)
	}
	src := audiotest.DecodeAll(t, decs[0])
	title := "Segments"
	doc := &project.Document{Version: 1, Clips: []project.Clip{{Source: 0, In: 0, Out: int64(n)}},
		Output: project.Output{Container: "mp3", Options: map[string]string{"quality": "128"}, Tags: &project.Tags{Title: &title}}}
	segs, err := project.Segments(doc, decs, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(segs) != 3 {
		t.Fatalf("%d segments for 92 s, want 3: %v", len(segs), segs)
	}
	dir := t.TempDir()

	res, err := project.Render(doc, decs, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	single := filepath.Join(dir, "single.mp3")
	writePlan(t, single, res.Plan, nil)

	serial := segmentedMP3(t, dir, doc, open, segs, 1)
	parallel := segmentedMP3(t, dir, doc, open, segs, max(3, runtime.GOMAXPROCS(0)))
	if !bytes.Equal(serial, parallel) {
		t.Fatalf("1 worker wrote %d bytes, 3 workers %d bytes: not the same file", len(serial), len(parallel))
	}
	joined := filepath.Join(dir, "joined1.mp3")
	if out, err := exec.Command(mp3val, joined).CombinedOutput(); err != nil || strings.Contains(string(out), "WARNING") || strings.Contains(string(out), "PROBLEM") {
		t.Errorf("mp3val: %v\n%s", err, out)
	}
	got := audiotest.FFmpegF32(t, joined)
	ref := audiotest.FFmpegF32(t, single)
	if len(got) != len(src) || len(ref) != len(src) {
		t.Fatalf("ffmpeg decodes %d frames segmented, %d single; the source is %d", len(got)/2, len(ref)/2, len(src)/2)
	}
	jd, err := codecs.Open(audio.NewBytesSource(serial))
	if err != nil {
		t.Fatal(err)
	}
	if info := jd.Info(); info.Tags["title"] != title || info.Frames != int64(n) {
		t.Errorf("the joined file says title %q, %d frames", info.Tags["title"], info.Frames)
	}
	snrSeg, snrOne := audiotest.SNR(got, src), audiotest.SNR(ref, src)
	t.Logf("SNR against the source: segmented %.2f dB, single encode %.2f dB (%d bytes, %d bytes)", snrSeg, snrOne, len(serial), res.Plan.Size())
	if snrSeg < snrOne-0.5 {
		t.Errorf("segmented SNR %.2f dB is more than 0.5 dB below the single encode's %.2f dB", snrSeg, snrOne)
	}

	// Windows of 50 ms: the worst SNR near a junction (within 0.2 s) and
	// elsewhere, and the most a window lost against the single encode's
	// same window.
	const win = 2205
	type stat struct{ worst, lost float64 }
	measure := func(near bool) (st stat) {
		st.worst = math.Inf(1)
		for a := 0; a+win <= n; a += win {
			close := false
			for _, s := range segs[1:] {
				close = close || math.Abs(float64(int64(a+win/2)-s.From)) < 0.2*rate
			}
			if close != near {
				continue
			}
			g := audiotest.SNR(got[2*a:2*(a+win)], src[2*a:2*(a+win)])
			r := audiotest.SNR(ref[2*a:2*(a+win)], src[2*a:2*(a+win)])
			st.worst, st.lost = min(st.worst, g), max(st.lost, r-g)
		}
		return st
	}
	nearJ, away := measure(true), measure(false)
	t.Logf("50 ms windows near the junctions: worst SNR %.2f dB, at most %.2f dB below the single encode's; elsewhere: worst %.2f dB, at most %.2f dB below",
		nearJ.worst, nearJ.lost, away.worst, away.lost)
	if nearJ.lost > 6 {
		t.Errorf("a window at a junction is %.2f dB worse than the single encode's", nearJ.lost)
	}
}

// TestSegmentsSingle: outputs that are not split — shorter than one and
// a half segments, not encoded from samples (a lossless MP3 cut keeps the
// source's frames), a WAV cut of a WAV file (nothing to decode) or in a
// format without segmented encoding (FLAC).
func TestSegmentsSingle(t *testing.T) {
	const rate = 44100
	wav := audiotest.WAV(audio.Format{Rate: rate, Channels: 2, Bits: 16}, audiotest.Signal(project.SegmentSeconds*rate*3/2-1, 2, rate, 1))
	d, err := codecs.Open(audio.NewBytesSource(wav))
	if err != nil {
		t.Fatal(err)
	}
	n := d.Info().Frames
	for _, out := range []project.Output{{Container: "mp3"}, {Container: "wav"}, {Container: "flac"}} {
		doc := &project.Document{Version: 1, Clips: []project.Clip{{Source: 0, In: 0, Out: n}}, Output: out}
		segs, err := project.Segments(doc, []audio.Decoder{d}, project.Options{})
		if err != nil || segs != nil {
			t.Errorf("%s of %d frames: %v, %v; want one piece", out.Container, n, segs, err)
		}
	}
	long := audiotest.WAV(audio.Format{Rate: rate, Channels: 1, Bits: 16}, make([]float32, 3*project.SegmentSeconds*rate))
	d, err = codecs.Open(audio.NewBytesSource(long))
	if err != nil {
		t.Fatal(err)
	}
	doc := &project.Document{Version: 1, Clips: []project.Clip{{Source: 0, In: 0, Out: d.Info().Frames}}, Output: project.Output{Container: "wav"}}
	if segs, err := project.Segments(doc, []audio.Decoder{d}, project.Options{}); err != nil || segs != nil {
		t.Errorf("WAV output: %v, %v; want one piece", segs, err)
	}
	doc.Output.Container = "flac"
	if _, err := project.RenderSegment(doc, []audio.Decoder{d}, project.Segment{From: 0, To: 1000}, project.Options{}); !errors.Is(err, project.ErrInvalid) {
		t.Errorf("a FLAC segment: %v, want ErrInvalid", err)
	}

	// Normalised, or resampled: one piece.
	doc.Output.Container = "mp3"
	norm := -1.0
	doc.Output.Normalize = &norm
	if segs, err := project.Segments(doc, []audio.Decoder{d}, project.Options{}); err != nil || segs != nil {
		t.Errorf("normalised MP3: %v, %v; want one piece", segs, err)
	}
	doc.Output.Normalize = nil
	if segs, err := project.Segments(doc, []audio.Decoder{d}, project.Options{}); err != nil || len(segs) != 3 {
		t.Errorf("MP3 of %d frames: %v, %v; want 3 segments", d.Info().Frames, segs, err)
	}
	doc.Output.SampleRate = 48000
	if segs, err := project.Segments(doc, []audio.Decoder{d}, project.Options{}); err != nil || segs != nil {
		t.Errorf("resampled MP3: %v, %v; want one piece", segs, err)
	}

	// A lossless MP3 cut of a long MP3: its frames are kept, not encoded.
	dir := t.TempDir()
	_, md := openMP3(t, lameMP3(t, dir, "long", 3*project.SegmentSeconds*rate, 1, "-b", "128"))
	doc = &project.Document{Version: 1, Clips: []project.Clip{{Source: 0, In: 1000, Out: md.Info().Frames - 1000}}, Output: project.Output{Container: "mp3"}}
	if segs, err := project.Segments(doc, []audio.Decoder{md}, project.Options{}); err != nil || segs != nil {
		t.Errorf("lossless MP3 cut: %v, %v; want one piece", segs, err)
	}
	// With a crossfade, it is encoded: split.
	doc.Clips = []project.Clip{{Source: 0, In: 0, Out: 50 * rate}, {Source: 0, In: 60 * rate, Out: md.Info().Frames}}
	doc.Joins = []project.Join{{Type: project.JoinCrossfade, Length: rate}}
	doc.Clips[0].Gain = -1
	if segs, err := project.Segments(doc, []audio.Decoder{md}, project.Options{}); err != nil || len(segs) < 2 {
		t.Errorf("MP3 crossfade with gain: %v, %v; want segments", segs, err)
	}
}

// TestSegmentsPlanMP3: SegmentsPlan gives Segments' segments with
// Render's plan of the output (its size and frames), or neither for an
// output made in one piece; an MP3 join reads its parts whole, and a
// format without segments has no join to read anything.
func TestSegmentsPlanMP3(t *testing.T) {
	const rate = 44100
	long := audiotest.WAV(audio.Format{Rate: rate, Channels: 1, Bits: 16}, audiotest.Signal(3*project.SegmentSeconds*rate, 1, rate, 2))
	d, err := codecs.Open(audio.NewBytesSource(long))
	if err != nil {
		t.Fatal(err)
	}
	decs := []audio.Decoder{d}
	doc := &project.Document{Version: 1, Clips: []project.Clip{{Source: 0, In: 0, Out: d.Info().Frames}},
		Output: project.Output{Container: "mp3", Options: map[string]string{"quality": "64"}}}
	segs, res, err := project.SegmentsPlan(doc, decs, project.Options{})
	if err != nil || len(segs) != 3 || res == nil {
		t.Fatalf("SegmentsPlan: %v, %v, %v; want 3 segments and a plan", segs, res, err)
	}
	want, err := project.Render(doc, decs, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Plan.Size() != want.Plan.Size() || res.Frames != want.Frames || res.Frames != d.Info().Frames {
		t.Errorf("SegmentsPlan's plan: %d bytes, %d frames; Render's: %d bytes, %d frames", res.Plan.Size(), res.Frames, want.Plan.Size(), want.Frames)
	}
	short := *doc
	short.Clips = []project.Clip{{Source: 0, In: 0, Out: rate}}
	if segs, res, err := project.SegmentsPlan(&short, decs, project.Options{}); err != nil || segs != nil || res != nil {
		t.Errorf("a 1-s MP3: %v, %v, %v; want one piece and no plan", segs, res, err)
	}
}

// TestSegmentErrors: a failing segment's error names it, and a segment
// outside the output is refused.
func TestSegmentErrors(t *testing.T) {
	const rate = 8000
	wav := audiotest.WAV(audio.Format{Rate: rate, Channels: 1, Bits: 16}, audiotest.Signal(100*rate, 1, rate, 1))
	open := func() ([]audio.Decoder, error) {
		d, err := codecs.Open(audio.NewBytesSource(wav))
		return []audio.Decoder{d}, err
	}
	decs, _ := open()
	doc := &project.Document{Version: 1, Clips: []project.Clip{{Source: 0, In: 0, Out: decs[0].Info().Frames}}, Output: project.Output{Container: "mp3"}}
	segs, err := project.Segments(doc, decs, project.Options{})
	if err != nil || len(segs) != 3 {
		t.Fatalf("%v, %v; want 3 segments", segs, err)
	}
	boom := errors.New("disk full")
	_, err = project.EncodeSegments(doc, segs, project.Options{}, project.Parallel{Workers: 2, Open: open,
		Store: func(i int, res *project.Result) (audio.Source, error) {
			if i == 1 {
				return nil, boom
			}
			return audio.NewBytesSource(nil), nil
		}})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "segment 2 of 3") {
		t.Errorf("error %v; want it to wrap the store's and name segment 2 of 3", err)
	}
	for _, s := range []project.Segment{{From: -1, To: 10}, {From: 10, To: 10}, {From: 0, To: decs[0].Info().Frames + 1}, {From: 1000, To: 1152 * 100}, {From: 1152, To: 1152*100 + 1}} {
		if _, err := project.RenderSegment(doc, decs, s, project.Options{}); !errors.Is(err, project.ErrInvalid) {
			t.Errorf("segment %v: %v, want ErrInvalid", s, err)
		}
	}
	// Parts out of order, or one left from another encode: the join
	// says where it went wrong.
	var files []audio.Source
	for _, sg := range segs {
		res, err := project.RenderSegment(doc, decs, sg, project.Options{})
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, audio.NewBytesSource(writePlan(t, filepath.Join(t.TempDir(), "seg.mp3"), res.Plan, nil)))
	}
	for _, bad := range [][]audio.Source{{files[1], files[0], files[2]}, {files[0], files[2], files[2]}} {
		if _, err := project.JoinSegments(doc, decs, bad, project.Options{}); err == nil || !strings.Contains(err.Error(), "not at") {
			t.Errorf("joining segments out of order: %v; want an error saying where one starts", err)
		}
	}
	if _, err := project.JoinSegments(doc, decs, files, project.Options{}); err != nil {
		t.Errorf("joining the segments in order: %v", err)
	}
	// Parts that are not MP3 files: the join says which.
	parts := []audio.Source{audio.NewBytesSource(wav), audio.NewBytesSource(wav), audio.NewBytesSource(wav)}
	if _, err := project.JoinSegments(doc, decs, parts, project.Options{}); err == nil || !strings.Contains(err.Error(), "segment 1 of 3") {
		t.Errorf("joining WAVs: %v; want an error naming segment 1", err)
	}
}

// music3minMP3 is the segmented benchmarks' job: 3 minutes of music-like
// stereo (n frames) to MP3 128k, with decoders of its WAV (open gives more
// of them) and the segments it is encoded in.
func music3minMP3(b *testing.B) (doc *project.Document, open func() ([]audio.Decoder, error), decs []audio.Decoder, segs []project.Segment, n int) {
	b.Helper()
	const rate = 44100
	n = 180 * rate
	wav := audiotest.WAV(audio.Format{Rate: rate, Channels: 2, Bits: 16}, audiotest.Music(n, 2, rate, 9))
	open = func() ([]audio.Decoder, error) {
		d, err := codecs.Open(audio.NewBytesSource(wav))
		return []audio.Decoder{d}, err
	}
	decs, err := open()
	if err != nil {
		b.Fatal(err)
	}
	doc = &project.Document{Version: 1, Clips: []project.Clip{{Source: 0, In: 0, Out: int64(n)}},
		Output: project.Output{Container: "mp3", Options: map[string]string{"quality": "128"}}}
	segs, err = project.Segments(doc, decs, project.Options{})
	if err != nil || len(segs) != 6 {
		b.Fatalf("%v, %v; want 6 segments", segs, err)
	}
	return doc, open, decs, segs, n
}

// BenchmarkJoinSegmentsMP3 joins the six segments of 3 minutes of
// music-like stereo encoded as MP3 128k (encoded once, before the timing):
// the join alone, as the page's worker makes it after the segments: it
// reads each segment's trailer and plans the Info frame and the parts'
// ranges.
func BenchmarkJoinSegmentsMP3(b *testing.B) {
	doc, open, decs, segs, n := music3minMP3(b)
	dir := b.TempDir()
	parts, err := project.EncodeSegments(doc, segs, project.Options{}, project.Parallel{Workers: runtime.GOMAXPROCS(0), Open: open,
		Store: func(i int, res *project.Result) (audio.Source, error) {
			return audio.NewBytesSource(writePlan(b, filepath.Join(dir, fmt.Sprintf("seg%d.mp3", i)), res.Plan, nil)), nil
		}})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		res, err := project.JoinSegments(doc, decs, parts, project.Options{})
		if err != nil || res.Frames != int64(n) {
			b.Fatalf("%v frames, %v", res, err)
		}
	}
}

// BenchmarkSegmentedMP3 encodes 3 minutes of music-like stereo as MP3
// 128k in each iteration three ways: in one piece (Render), in segments
// on one goroutine, and in segments on GOMAXPROCS goroutines, and reports
// each one's time and the ratios to one piece.
func BenchmarkSegmentedMP3(b *testing.B) {
	doc, open, decs, segs, _ := music3minMP3(b)
	dir := b.TempDir()
	var one, serial, parallel time.Duration
	for b.Loop() {
		t0 := time.Now()
		res, err := project.Render(doc, decs, project.Options{})
		if err != nil {
			b.Fatal(err)
		}
		writePlan(b, filepath.Join(dir, "one.mp3"), res.Plan, nil)
		t1 := time.Now()
		segmentedMP3(b, dir, doc, open, segs, 1)
		t2 := time.Now()
		segmentedMP3(b, dir, doc, open, segs, runtime.GOMAXPROCS(0))
		t3 := time.Now()
		one, serial, parallel = one+t1.Sub(t0), serial+t2.Sub(t1), parallel+t3.Sub(t2)
	}
	k := float64(b.N)
	b.ReportMetric(one.Seconds()*1000/k, "one-piece-ms")
	b.ReportMetric(serial.Seconds()*1000/k, "segments-serial-ms")
	b.ReportMetric(parallel.Seconds()*1000/k, "segments-parallel-ms")
	b.ReportMetric(serial.Seconds()/one.Seconds(), "serial/one-piece")
	b.ReportMetric(parallel.Seconds()/one.Seconds(), "parallel/one-piece")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "goroutines")
}
