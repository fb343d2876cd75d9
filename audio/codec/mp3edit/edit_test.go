package mp3edit_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/mp3"
	"offcut/audio/codec/mp3edit"
)

// encode makes an MP3 with lame from a generated signal.
func encode(t *testing.T, dir, name string, rate, ch int, secs float64, lameArgs ...string) string {
	t.Helper()
	lame := audiotest.Tool(t, "lame")
	f := audio.Format{Rate: rate, Channels: ch, Bits: 16}
	wav := filepath.Join(dir, name+".wav")
	audiotest.WriteWAV(t, wav, f, audiotest.Signal(int(secs*float64(rate)), ch, rate, uint64(len(name))))
	out := filepath.Join(dir, name+".mp3")
	args := append(append([]string{"--quiet"}, lameArgs...), "--tt", "Title "+name, "--ta", "Artist", "--add-id3v2", wav, out)
	if b, err := exec.Command(lame, args...).CombinedOutput(); err != nil {
		t.Fatalf("lame %v: %v\n%s", args, err, b)
	}
	return out
}

func open(t *testing.T, path string, idx int) (*mp3edit.Input, audio.Source) {
	t.Helper()
	src, err := audio.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	in, err := mp3edit.Open(idx, src)
	if err != nil {
		t.Fatalf("Open %s: %v", path, err)
	}
	return in, src
}

func write(t *testing.T, res *mp3edit.Result, path string, srcs ...audio.Source) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := res.Plan.WriteTo(&b, srcs, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// ffdecode decodes with ffmpeg (gapless, as players do) to s16 samples,
// failing on any decoder error.
func ffdecode(t *testing.T, path string) []int16 {
	t.Helper()
	ffmpeg := audiotest.Tool(t, "ffmpeg")
	cmd := exec.Command(ffmpeg, "-v", "error", "-xerror", "-i", path, "-f", "s16le", "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("ffmpeg decoding %s: %v\n%s", filepath.Base(path), err, stderr.String())
	}
	s := make([]int16, len(out)/2)
	for i := range s {
		s[i] = int16(uint16(out[2*i]) | uint16(out[2*i+1])<<8)
	}
	return s
}

// ffduration is the duration ffprobe reports, in samples.
func ffduration(t *testing.T, path string, rate int) int64 {
	t.Helper()
	ffprobe := audiotest.Tool(t, "ffprobe")
	out, err := exec.Command(ffprobe, "-v", "error", "-show_entries", "stream=duration", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	d, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		t.Fatalf("ffprobe duration %q: %v", out, err)
	}
	return int64(d*float64(rate) + 0.5)
}

// ourDecode decodes gaplessly with Offcut's decoder.
func ourDecode(t *testing.T, path string) (audio.Info, []float32) {
	t.Helper()
	src, err := audio.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	d, err := mp3.Open(src)
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	s, err := d.Stream(0, d.Info().Frames)
	if err != nil {
		t.Fatal(err)
	}
	return d.Info(), audiotest.ReadAll(t, s)
}

var encodings = []struct {
	name, rate string
	ch         int
	args       []string
}{
	{"cbr128", "44100", 2, []string{"-b", "128"}},
	{"vbr", "44100", 2, []string{"-V", "2"}},
	{"mono-cbr64", "48000", 1, []string{"-b", "64"}},
	{"mpeg2-vbr", "22050", 2, []string{"-V", "4"}},
}

// TestKeepIsSampleExact cuts ranges losslessly: the output's frames are the
// input's bytes, and both ffmpeg and Offcut's decoder play exactly the kept
// samples — the same samples they decode from the original.
func TestKeepIsSampleExact(t *testing.T) {
	dir := t.TempDir()
	for _, e := range encodings {
		t.Run(e.name, func(t *testing.T) {
			rate, _ := strconv.Atoi(e.rate)
			path := encode(t, dir, e.name, rate, e.ch, 3, append(e.args, "--resample", e.rate)...)
			in, src := open(t, path, 0)
			origFF := ffdecode(t, path)
			_, origOurs := ourDecode(t, path)
			if int64(len(origFF)) != in.Frames()*int64(e.ch) {
				t.Fatalf("ffmpeg decodes %d frames of the original, the index says %d", len(origFF)/e.ch, in.Frames())
			}
			n := in.Frames()
			for _, r := range [][2]int64{{0, n}, {0, 1000}, {1, 2}, {12345, 54321}, {n / 2, n}, {n - 1, n}, {1151, 1153}, {2000, 2000 + int64(rate)}} {
				res, err := mp3edit.Plan([]mp3edit.Piece{{In: in, From: r[0], To: r[1]}}, mp3edit.Options{})
				if err != nil {
					t.Fatalf("Plan %v: %v", r, err)
				}
				if res.Plan.ComputedBytes() != 0 {
					t.Fatalf("%v: %d computed bytes in a lossless cut", r, res.Plan.ComputedBytes())
				}
				out := filepath.Join(dir, fmt.Sprintf("%s-%d-%d.mp3", e.name, r[0], r[1]))
				write(t, res, out, src)
				if res.Frames != r[1]-r[0] {
					t.Fatalf("%v: declared %d frames", r, res.Frames)
				}
				got := ffdecode(t, out)
				want := origFF[r[0]*int64(e.ch) : r[1]*int64(e.ch)]
				// FFmpeg does not trim streams of fewer than about five
				// frames (lame's own 1000-sample file decodes to 919 samples
				// there); below 8 frames only a clean decode is required.
				short := r[1]-r[0] < 8*1152
				if len(got) != len(want) && !short {
					t.Fatalf("%v: ffmpeg decodes %d frames, want %d", r, len(got)/e.ch, len(want)/e.ch)
				}
				for i := range min(len(got), len(want)) {
					if got[i] != want[i] && !short {
						t.Fatalf("%v: ffmpeg's decode differs from its decode of the original at sample %d", r, i)
					}
				}
				// ffprobe counts whole frames (as for lame's own files): the
				// declared length plus the delay and padding the header gives.
				// (For a few frames it estimates from the file size instead.)
				if d, want := ffduration(t, out, rate), r[1]-r[0]+int64(res.Delay+res.Padding); d != want && !short {
					t.Errorf("%v: ffprobe duration %d samples, want %d (the frames the header counts)", r, d, want)
				}
				info, ours := ourDecode(t, out)
				if info.Frames != r[1]-r[0] {
					t.Fatalf("%v: Offcut decodes %d frames", r, info.Frames)
				}
				for i := range ours {
					if ours[i] != origOurs[r[0]*int64(e.ch)+int64(i)] {
						t.Fatalf("%v: Offcut's decode differs from its decode of the original at sample %d", r, i)
					}
				}
			}
		})
	}
}

// TestJoinAndRemove: joins and removals decode with no error, and the
// declared duration is what ffmpeg decodes; each junction plays under a
// frame of padding from each side.
func TestJoinAndRemove(t *testing.T) {
	dir := t.TempDir()
	a := encode(t, dir, "a", 44100, 2, 2, "-b", "128")
	b := encode(t, dir, "b", 44100, 2, 1.5, "-V", "2")
	ia, sa := open(t, a, 0)
	ib, sb := open(t, b, 1)
	for name, pieces := range map[string][]mp3edit.Piece{
		"join":   {{In: ia, From: 0, To: ia.Frames()}, {In: ib, From: 0, To: ib.Frames()}},
		"remove": {{In: ia, From: 0, To: 30000}, {In: ia, From: 60000, To: ia.Frames()}},
		"mix":    {{In: ib, From: 1000, To: 50000}, {In: ia, From: 5000, To: 80000}, {In: ib, From: 0, To: 3000}},
	} {
		res, err := mp3edit.Plan(pieces, mp3edit.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out := filepath.Join(dir, name+".mp3")
		write(t, res, out, sa, sb)
		got := ffdecode(t, out)
		if int64(len(got)/2) != res.Frames && res.Frames >= 8*1152 {
			t.Errorf("%s: ffmpeg decodes %d frames, the header declares %d", name, len(got)/2, res.Frames)
		}
		info, _ := ourDecode(t, out)
		if info.Frames != res.Frames {
			t.Errorf("%s: Offcut decodes %d frames, the header declares %d", name, info.Frames, res.Frames)
		}
		var sum int64
		for _, p := range pieces {
			sum += p.To - p.From
		}
		for i, j := range res.Junctions {
			t.Logf("%s: junction %d plays %d extra samples (%.1f ms)", name, i, j, float64(j)/44.1)
			if j >= 3*1152 {
				t.Errorf("%s: junction %d plays %d extra samples", name, i, j)
			}
			sum += j
		}
		if sum != res.Frames {
			t.Errorf("%s: pieces and junctions add to %d, declared %d", name, sum, res.Frames)
		}
	}
	// A plain join of two whole files: each side adds under one frame.
	join := []mp3edit.Piece{{In: ia, From: 0, To: ia.Frames()}, {In: ib, From: 0, To: ib.Frames()}}
	res, _ := mp3edit.Plan(join, mp3edit.Options{})
	if j := res.Junctions[0]; j >= 2*1152 {
		t.Errorf("join of whole files plays %d samples at the junction, want under one frame from each side", j)
	}
	// Asked for exact junctions, the same join is refused: it would play
	// the encoders' padding.
	if _, err := mp3edit.Plan(join, mp3edit.Options{Exact: true}); !errors.Is(err, mp3edit.ErrNotLossless) || !strings.Contains(err.Error(), "padding") {
		t.Errorf("join with padding at its junction, exact asked: %v", err)
	}
}

func TestTagsAndErrors(t *testing.T) {
	dir := t.TempDir()
	a := encode(t, dir, "tagged", 44100, 2, 1, "-b", "128", "--add-id3v2", "--id3v1-only")
	b := encode(t, dir, "other", 48000, 2, 1, "-b", "128", "--resample", "48")
	ia, sa := open(t, a, 0)
	ib, _ := open(t, b, 1)
	res, err := mp3edit.Plan([]mp3edit.Piece{{In: ia, From: 100, To: 20000}}, mp3edit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := write(t, res, filepath.Join(dir, "cut.mp3"), sa)
	orig, _ := os.ReadFile(a)
	if !bytes.Equal(out[len(out)-128:], orig[len(orig)-128:]) || string(out[len(out)-128:][:3]) != "TAG" {
		t.Error("the ID3v1 tag was not carried to the end")
	}
	_, err = mp3edit.Plan([]mp3edit.Piece{{In: ia, From: 0, To: 100}, {In: ib, From: 0, To: 100}}, mp3edit.Options{})
	if !errors.Is(err, mp3edit.ErrNotLossless) || !strings.Contains(err.Error(), "48000 Hz") {
		t.Errorf("joining 44.1 and 48 kHz: %v", err)
	}
	if _, err := mp3edit.Plan([]mp3edit.Piece{{In: ia, From: 0, To: ia.Frames() + 1}}, mp3edit.Options{}); err == nil {
		t.Error("a piece past the end: no error")
	}
}

// ffdecodeCRC decodes with FFmpeg checking frame CRCs.
func ffdecodeCRC(t *testing.T, path string) {
	t.Helper()
	ffmpeg := audiotest.Tool(t, "ffmpeg")
	cmd := exec.Command(ffmpeg, "-v", "error", "-err_detect", "crccheck+explode", "-i", path, "-f", "null", "-")
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("ffmpeg CRC check of %s: %v\n%s", filepath.Base(path), err, out)
	}
}
