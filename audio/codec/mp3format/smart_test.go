package mp3format_test

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/mp3"
	"offcut/audio/codec/mp3edit"
	"offcut/audio/codec/mp3format"
)

type source struct {
	path string
	in   *mp3edit.Input
	src  audio.Source
	pcm  []int16 // ffmpeg's gapless decode
}

func makeMP3(t *testing.T, dir, name string, rate, ch int, secs float64, seed uint64, args ...string) string {
	t.Helper()
	lame := audiotest.Tool(t, "lame")
	wav := filepath.Join(dir, name+".wav")
	audiotest.WriteWAV(t, wav, audio.Format{Rate: rate, Channels: ch, Bits: 16}, audiotest.Music(int(secs*float64(rate)), ch, rate, seed))
	out := filepath.Join(dir, name+".mp3")
	args = append(append([]string{"--quiet", "--resample", fmt.Sprint(float64(rate) / 1000)}, args...), wav, out)
	if b, err := exec.Command(lame, args...).CombinedOutput(); err != nil {
		t.Fatalf("lame %v: %v\n%s", args, err, b)
	}
	return out
}

// openSources opens MP3 files for editing (input i is source i) and
// decodes them with ffmpeg (one run for all: its start-up dominates).
func openSources(t *testing.T, paths ...string) []*source {
	t.Helper()
	var out []*source
	args := []string{"-v", "error"}
	for _, p := range paths {
		args = append(args, "-i", p)
	}
	for i, p := range paths {
		src, err := audio.OpenFile(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { src.Close() })
		in, err := mp3edit.Open(i, src)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, &source{path: p, in: in, src: src})
		args = append(args, "-map", fmt.Sprintf("%d:a", i), "-f", "s16le", "-y", p+".pcm")
	}
	if b, err := exec.Command(audiotest.Tool(t, "ffmpeg"), args...).CombinedOutput(); err != nil || len(b) > 0 {
		t.Fatalf("ffmpeg decoding %v: %v\n%s", paths, err, b)
	}
	for _, s := range out {
		b, err := os.ReadFile(s.path + ".pcm")
		if err != nil {
			t.Fatal(err)
		}
		s.pcm = pcm16(b)
	}
	return out
}

func pcm16(b []byte) []int16 {
	s := make([]int16, len(b)/2)
	for i := range s {
		s[i] = int16(uint16(b[2*i]) | uint16(b[2*i+1])<<8)
	}
	return s
}

// ourDecode decodes an MP3 with Offcut's gapless decoder, as 16-bit.
func ourDecode(t *testing.T, path string) []int16 {
	t.Helper()
	src, err := audio.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	d, err := mp3.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.Stream(0, d.Info().Frames)
	if err != nil {
		t.Fatal(err)
	}
	x := audiotest.ReadAll(t, s)
	out := make([]int16, len(x))
	for i, v := range x {
		out[i] = int16(max(-32768, min(32767, math.Round(float64(v)*32768))))
	}
	return out
}

func snr(ref, got []int16) float64 {
	var s, n float64
	for i := range ref {
		d := float64(got[i]) - float64(ref[i])
		s += float64(ref[i]) * float64(ref[i])
		n += d * d
	}
	if n == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(s/n)
}

type smartEncoding struct {
	name     string
	rate, ch int
	args     []string
}

var smartEncodings = []smartEncoding{
	{"cbr-44k-stereo", 44100, 2, []string{"-b", "128"}},
	{"vbr-48k-stereo", 48000, 2, []string{"-V", "2"}},
	{"abr-32k-mono", 32000, 1, []string{"--abr", "80"}},
	{"cbr-48k-mono", 48000, 1, []string{"-b", "64"}},
	{"vbr-44k-mono", 44100, 1, []string{"-V", "4"}},
	{"abr-44k-stereo", 44100, 2, []string{"--abr", "160"}},
	{"vbr-32k-stereo", 32000, 2, []string{"-V", "3"}},
	{"mpeg2-22k-stereo-vbr", 22050, 2, []string{"-V", "4"}},
	{"mpeg2-22k-mono-cbr", 22050, 1, []string{"-b", "64"}},
}

// The junction tests, by group of encodings (each group well under 20 s):
// removes and joins of 2 and 5 files re-encode only the frames at each
// junction. FFmpeg decodes exactly the announced length; outside the
// re-encoded frames (and the decoder's overlap after them) the decode is
// the sources' own, sample for sample; inside, the error is at the
// encoder's level (SNR against the exact edit at least a full re-encode's
// at the source's bitrate, less 1 dB); mp3val, ffmpeg and mpg123 find nothing; no
// junction steps further than the edit itself or the second of source
// around it. A cut and a split need no re-encoding and are exact.
func TestSmartJunctionsStereo(t *testing.T) {
	smartJunctions(t, smartEncodings[0:2], smartEncodings[5:6])
}
func TestSmartJunctionsMono(t *testing.T)     { smartJunctions(t, smartEncodings[2:5]) }
func TestSmartJunctionsLowRates(t *testing.T) { smartJunctions(t, smartEncodings[6:9]) }

func smartJunctions(t *testing.T, groups ...[]smartEncoding) {
	dir := t.TempDir()
	for _, g := range groups {
		for _, e := range g {
			t.Run(e.name, func(t *testing.T) {
				t.Parallel()
				smartEncodingCases(t, dir, e)
			})
		}
	}
}

func smartEncodingCases(t *testing.T, dir string, e smartEncoding) {
	var paths []string
	for i := range 5 {
		secs := []float64{2, 0.8, 0.7, 0.6, 0.7}[i]
		paths = append(paths, makeMP3(t, dir, fmt.Sprintf("%s-%d", e.name, i), e.rate, e.ch, secs, uint64(i+1), e.args...))
	}
	srcs := openSources(t, paths...)
	a := srcs[0]
	n := a.in.Frames()
	r := int64(e.rate)
	whole := func(s *source) mp3edit.Piece { return mp3edit.Piece{In: s.in, From: 0, To: s.in.Frames()} }
	x := n/2 + 123
	cases := []struct {
		name   string
		pieces []mp3edit.Piece
	}{
		{"cut", []mp3edit.Piece{{In: a.in, From: 1000, To: n - 2000}}},
		{"split1", []mp3edit.Piece{{In: a.in, From: 0, To: x}}},
		{"split2", []mp3edit.Piece{{In: a.in, From: x, To: n}}},
		{"remove", []mp3edit.Piece{{In: a.in, From: 0, To: r * 3 / 4}, {In: a.in, From: r*3/2 + 333, To: n}}},
		{"remove2", []mp3edit.Piece{{In: a.in, From: 1000, To: r + 7}, {In: a.in, From: r + 7 + 4608, To: n - 999}}},
		{"join2", []mp3edit.Piece{whole(srcs[0]), whole(srcs[1])}},
		{"join5", []mp3edit.Piece{whole(srcs[0]), whole(srcs[1]), whole(srcs[2]), whole(srcs[3]), whole(srcs[4])}},
	}
	sources := make([]audio.Source, len(srcs))
	for i, s := range srcs {
		sources[i] = s.src
	}
	var (
		outs []string
		ress []*mp3edit.Result
	)
	for _, c := range cases {
		res, err := mp3edit.Plan(c.pieces, mp3edit.Options{Reencode: mp3format.Reencode})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(c.pieces) == 1 && (res.Plan.ComputedBytes() != 0 || len(res.Stretches) != 0) {
			t.Errorf("%s: a single piece re-encoded something", c.name)
		}
		out := filepath.Join(dir, e.name+"-"+c.name+".mp3")
		f, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := res.Plan.WriteTo(f, sources, nil); err != nil {
			t.Fatal(err)
		}
		f.Close()
		outs = append(outs, out)
		ress = append(ress, res)
	}
	decoded := ffdecodeAll(t, outs...)
	for i, c := range cases {
		checkSmart(t, dir, e.name+"-"+c.name, e.rate, e.ch, srcs, c.pieces, ress[i], decoded[i])
		checkTools(t, outs[i])
	}
	// The split's halves add up to the source.
	if len(decoded[1])+len(decoded[2]) != len(a.pcm) {
		t.Errorf("split halves hold %d samples, the source %d", (len(decoded[1])+len(decoded[2]))/e.ch, len(a.pcm)/e.ch)
	}
}

// ffdecodeAll decodes files with ffmpeg in one run, its error detection
// on, failing on any message.
func ffdecodeAll(t *testing.T, paths ...string) [][]int16 {
	t.Helper()
	args := []string{"-v", "error"}
	for _, p := range paths {
		args = append(args, "-err_detect", "crccheck+bitstream+buffer", "-i", p)
	}
	for i, p := range paths {
		args = append(args, "-map", fmt.Sprintf("%d:a", i), "-f", "s16le", "-y", p+".pcm")
	}
	if b, err := exec.Command(audiotest.Tool(t, "ffmpeg"), args...).CombinedOutput(); err != nil || len(b) > 0 {
		t.Fatalf("ffmpeg decoding: %v\n%s", err, b)
	}
	var out [][]int16
	for _, p := range paths {
		b, err := os.ReadFile(p + ".pcm")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pcm16(b))
	}
	return out
}

func checkSmart(t *testing.T, dir, name string, rate, ch int, srcs []*source, pieces []mp3edit.Piece, res *mp3edit.Result, got []int16) {
	t.Helper()
	if int64(len(got)/ch) != res.Frames {
		t.Fatalf("%s: ffmpeg decodes %d samples, %d announced", name, len(got)/ch, res.Frames)
	}
	// The exact edit, from ffmpeg's decodes of the sources, and where each
	// junction falls in it.
	var want []int16
	var at []int64
	var asked int64
	for i, p := range res.Pieces {
		s := srcs[slicesIndex(srcs, p.In)]
		if i > 0 {
			at = append(at, int64(len(want)/ch))
		}
		want = append(want, s.pcm[p.From*int64(ch):p.To*int64(ch)]...)
		asked += pieces[i].To - pieces[i].From
	}
	var shift int64
	for _, st := range res.Stretches {
		shift += st.Shift
	}
	if res.Frames != asked+shift || int64(len(want)/ch) != res.Frames {
		t.Fatalf("%s: %d samples announced, %d asked, junctions moved by %d", name, res.Frames, asked, shift)
	}
	// Outside the stretches: the sources' samples exactly. The decoder's
	// overlap-add and synthesis window carry a stretch one granule into the
	// frames after it, and the synthesis filter's 480-sample memory
	// a little further: two granules are allowed there.
	const gran = 576
	inside := func(i int64) int {
		for k, st := range res.Stretches {
			if i >= st.From-gran && i < st.To+2*gran {
				return k
			}
		}
		return -1
	}
	for i := range int64(len(want) / ch) {
		if inside(i) >= 0 {
			continue
		}
		for c := range int64(ch) {
			if got[i*int64(ch)+c] != want[i*int64(ch)+c] {
				t.Fatalf("%s: sample %d (outside the re-encoded frames %+v) differs from the source: %d, want %d", name, i, res.Stretches, got[i*int64(ch)+c], want[i*int64(ch)+c])
			}
		}
	}
	// A full re-encode of the exact edit at each stretch's bitrate, for the
	// SNR it reaches on the same samples.
	frames := 0
	fulls := map[int][]int16{}
	for k, st := range res.Stretches {
		frames += st.Frames
		a, b := st.From*int64(ch), st.To*int64(ch)
		own := snr(want[a:b], got[a:b])
		full, ok := fulls[st.SourceKbps]
		if !ok {
			full = fullReencode(t, dir, fmt.Sprintf("%s-full%d", name, k), rate, ch, want, st.SourceKbps, srcs[0].in)
			fulls[st.SourceKbps] = full
		}
		ref := snr(want[a:b], full[a:b])
		t.Logf("%s: junction %d: %d frames at %d kbit/s (%d bytes), shift %d: SNR %.1f dB, full re-encode at %d kbit/s %.1f dB", name, k+1, st.Frames, st.Kbps, st.Bytes, st.Shift, own, st.SourceKbps, ref)
		// The granules at each end of a stretch carry both encodings'
		// noise, and a junction's transient may land worse on this frame
		// grid than on the full re-encode's: 1 dB is allowed.
		if own < ref-1 {
			for g := st.From - 1152; g < st.To+1152; g += 576 {
				t.Logf("granule at %d: %.1f dB", g, snr(want[g*int64(ch):(g+576)*int64(ch)], got[g*int64(ch):(g+576)*int64(ch)]))
			}
			t.Errorf("%s: junction %d: SNR %.1f dB, a full re-encode reaches %.1f dB", name, k+1, own, ref)
		}
		// Clicks: the largest step in the re-encoded stretch (and its
		// overlap) against the exact edit's there and the source's in the
		// second around the junction.
		lo, hi := st.From-gran, min(st.To+2*gran, int64(len(want)/ch))
		j := at[k]
		limit := max(maxStep(want, ch, lo, hi), maxStep(want, ch, max(0, j-int64(rate)/2), j), maxStep(want, ch, j+1, min(int64(len(want)/ch), j+int64(rate)/2)))
		if s := maxStep(got, ch, lo, hi); s > limit {
			t.Errorf("%s: junction %d: a step of %d at the junction, the edit and the source around it step at most %d", name, k+1, s, limit)
		}
	}
	var copied int64
	for _, s := range res.Plan.Segments {
		if s.Kind() == "range" {
			copied += s.Length
		}
	}
	if len(res.Stretches) > 0 {
		t.Logf("%s: %d frames re-encoded at %d junctions; %.2f%% of %d bytes copied byte for byte", name, frames, len(res.Stretches), 100*float64(copied)/float64(res.Plan.Size()), res.Plan.Size())
	}
}

func slicesIndex(srcs []*source, in *mp3edit.Input) int {
	for i, s := range srcs {
		if s.in == in {
			return i
		}
	}
	panic("no source")
}

// maxStep is the largest sample-to-sample step in frames [a, b).
func maxStep(x []int16, ch int, a, b int64) int {
	m := 0
	for i := max(a, 1); i < b; i++ {
		for c := range int64(ch) {
			d := int(x[i*int64(ch)+c]) - int(x[(i-1)*int64(ch)+c])
			m = max(m, d, -d)
		}
	}
	return m
}

// fullReencode encodes the whole edit with the lame CLI at kbps (the
// source's channel mode) and decodes it with ffmpeg.
func fullReencode(t *testing.T, dir, name string, rate, ch int, pcm []int16, kbps int, like *mp3edit.Input) []int16 {
	t.Helper()
	wav := filepath.Join(dir, name+".wav")
	x := make([]float32, len(pcm))
	for i, v := range pcm {
		x[i] = float32(v) / 32768
	}
	audiotest.WriteWAV(t, wav, audio.Format{Rate: rate, Channels: ch, Bits: 16}, x)
	mp3 := filepath.Join(dir, name+".mp3")
	mode := "j"
	if ch == 1 {
		mode = "m"
	}
	args := []string{"--quiet", "-b", fmt.Sprint(kbps), "-m", mode, "--resample", fmt.Sprint(float64(rate) / 1000), wav, mp3}
	if b, err := exec.Command(audiotest.Tool(t, "lame"), args...).CombinedOutput(); err != nil {
		t.Fatalf("lame %v: %v\n%s", args, err, b)
	}
	return ourDecode(t, mp3)
}

// checkTools runs mp3val and mpg123's test decode (ffdecode runs
// ffmpeg's error detection): neither may report anything (mp3val's note of
// a file without tags aside).
func checkTools(t *testing.T, path string) {
	t.Helper()
	o, err := exec.Command(audiotest.Tool(t, "mp3val"), path).CombinedOutput()
	for _, line := range strings.Split(string(o), "\n") {
		if (strings.Contains(line, "WARNING") || strings.Contains(line, "ERROR")) && !strings.Contains(line, "No supported tags") || err != nil {
			t.Errorf("mp3val %s: %v %s", filepath.Base(path), err, line)
		}
	}
	o, err = exec.Command(audiotest.Tool(t, "mpg123"), "-q", "-t", path).CombinedOutput()
	if err != nil || len(o) > 0 {
		t.Errorf("mpg123 -t %s: %v %s", filepath.Base(path), err, o)
	}
}
