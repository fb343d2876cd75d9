package project_test

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/project"
)

// ffmpegS16 decodes a file with ffmpeg (gapless) to interleaved 16-bit
// samples.
func ffmpegS16(t *testing.T, path string) []int16 {
	t.Helper()
	b, err := exec.Command(audiotest.Tool(t, "ffmpeg"), "-v", "error", "-i", path, "-f", "s16le", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg %s: %v", path, err)
	}
	out := make([]int16, len(b)/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return out
}

// TestMP3CrossfadeAndGapReencodeJunction joins two MP3s with a crossfade,
// and with a gap, as MP3: only the frames around the junction are
// encoded again. ffmpeg decodes exactly the announced length; before and
// after the re-encoded stretch the output is the sources' own decode;
// inside it, the error against the exact crossfade (made here from
// ffmpeg's decodes of the sources) is no worse than lame's when it
// encodes the whole exact result at the same bitrate.
func TestMP3CrossfadeAndGapReencodeJunction(t *testing.T) {
	lame := audiotest.Tool(t, "lame")
	dir := t.TempDir()
	const rate, nA, nB = 44100, 88200, 66150
	pa, pb := lameMP3(t, dir, "a", nA, 1, "-b", "128"), lameMP3(t, dir, "b", nB, 2, "-b", "128")
	A, B := ffmpegS16(t, pa), ffmpegS16(t, pb)
	if len(A) != 2*nA || len(B) != 2*nB {
		t.Fatalf("ffmpeg decodes %d and %d samples", len(A)/2, len(B)/2)
	}
	var decs []audio.Decoder
	var srcs []audio.Source
	for _, p := range []string{pa, pb} {
		src, d := openMP3(t, p)
		decs, srcs = append(decs, d), append(srcs, src)
	}
	// Lengths that keep the junction on the frame grid (no shift): the
	// sources share LAME's delay, so nA - X (or nA + G) is a whole
	// number of 1152-sample frames.
	const X = nA - 1152*70 // 7560 samples, 171 ms
	const G = 1152*77 - nA // 2504 samples of silence
	for _, c := range []struct {
		name string
		join project.Join
	}{
		{"crossfade", project.Join{Type: project.JoinCrossfade, Length: X, Curve: project.EqualPower}},
		{"gap", project.Join{Type: project.JoinGap, Length: G}},
	} {
		doc := project.JoinAll([]int64{nA, nB}, c.join)
		doc.Output.Container = "mp3"
		res, err := project.Render(doc, decs, project.Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		notes := strings.Join(res.Notes, "; ")
		t.Logf("%s: %s", c.name, notes)
		if res.Container != "mp3" || !strings.Contains(notes, "re-encoded at 1 junction, the rest untouched") {
			t.Fatalf("%s: container %s, notes %q: not a re-encoded junction", c.name, res.Container, notes)
		}
		// The exact result, from the sources' decodes.
		s := int64(nA)
		if c.join.Type == project.JoinCrossfade {
			s -= X
		} else {
			s += G
		}
		want := make([]float64, 2*(s+nB))
		for i := range int64(nA) {
			g := 1.0
			if i >= s {
				g = project.EqualPower.Gain(1 - (float64(i-s)+0.5)/X)
			}
			for ch := range int64(2) {
				want[2*i+ch] += g * float64(A[2*i+ch])
			}
		}
		for i := range int64(nB) {
			g := 1.0
			if c.join.Type == project.JoinCrossfade && i < X {
				g = project.EqualPower.Gain((float64(i) + 0.5) / X)
			}
			for ch := range int64(2) {
				want[2*(s+i)+ch] += g * float64(B[2*i+ch])
			}
		}
		if res.Frames != s+nB {
			t.Errorf("%s: %d samples announced, the edit is %d", c.name, res.Frames, s+nB)
		}
		out := filepath.Join(dir, c.name+".mp3")
		f, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := res.Plan.WriteTo(f, srcs, nil); err != nil {
			t.Fatal(err)
		}
		f.Close()
		got := ffmpegS16(t, out)
		if int64(len(got)) != 2*res.Frames {
			t.Fatalf("%s: ffmpeg decodes %d samples, %d announced", c.name, len(got)/2, res.Frames)
		}
		if b, err := exec.Command(audiotest.Tool(t, "ffmpeg"), "-v", "error", "-i", out, "-f", "null", "-").CombinedOutput(); err != nil || len(b) > 0 {
			t.Errorf("%s: ffmpeg -v error: %v %s", c.name, err, b)
		}
		// Outside the stretch (a few frames each side of the junction,
		// with one granule of overlap-add): the sources' own samples.
		lo, hi := 2*(s-X-6*1152), 2*(s+X+6*1152)
		if c.join.Type == project.JoinGap {
			lo, hi = 2*(nA-6*1152), 2*(s+6*1152)
		}
		for i := range int64(len(got)) {
			if (i < lo || i >= hi) && math.Abs(float64(got[i])-want[i]) > 1 {
				t.Fatalf("%s: sample %d (frame %d) is %d, the source's is %.0f: outside the junction the frames must be the sources'", c.name, i, i/2, got[i], want[i])
			}
		}
		// Inside it: against lame encoding the exact result whole.
		exact := make([]float32, len(want))
		for i, v := range want {
			exact[i] = float32(math.Round(v) / 32768)
		}
		wav := filepath.Join(dir, c.name+"-exact.wav")
		audiotest.WriteWAV(t, wav, audio.Format{Rate: rate, Channels: 2, Bits: 16}, exact)
		ref := filepath.Join(dir, c.name+"-lame.mp3")
		if b, err := exec.Command(lame, "--quiet", "-b", "128", wav, ref).CombinedOutput(); err != nil {
			t.Fatalf("lame: %v %s", err, b)
		}
		full := ffmpegS16(t, ref)
		// Over what is surely re-encoded: the crossfade, or the gap with
		// a frame each side.
		a, b := 2*s, 2*(s+X)
		if c.join.Type == project.JoinGap {
			a, b = 2*(nA-1152), 2*(s+1152)
		}
		snr := func(x []int16) float64 {
			var sig, noise float64
			for i := a; i < b; i++ {
				sig += want[i] * want[i]
				d := float64(x[i]) - want[i]
				noise += d * d
			}
			return 10 * math.Log10(sig/max(noise, 1e-9))
		}
		val, _ := exec.Command(audiotest.Tool(t, "mp3val"), out).CombinedOutput()
		for _, l := range strings.Split(string(val), "\n") {
			// mp3val warns about every file without ID3/APE tags.
			if (strings.HasPrefix(l, "WARNING") || strings.HasPrefix(l, "ERROR")) && !strings.Contains(l, "No supported tags") {
				t.Errorf("%s: mp3val: %s", c.name, l)
			}
		}
		ours, theirs := snr(got), snr(full)
		t.Logf("%s: SNR over the re-encoded samples %.1f dB; lame encoding the whole result %.1f dB", c.name, ours, theirs)
		if ours < theirs-1 {
			t.Errorf("%s: the re-encoded junction is at %.1f dB, lame's whole encode at %.1f dB", c.name, ours, theirs)
		}
	}
	// Off the frame grid, the junction moves by under half a frame (the
	// notes say so) and the announced length is still what decodes. With
	// junctions "exact" the edit is encoded whole instead, to the sample.
	for _, exact := range []bool{false, true} {
		for _, j := range []project.Join{{Type: project.JoinCrossfade, Length: 5000, Curve: project.SCurve}, {Type: project.JoinGap, Length: 777}} {
			doc := project.JoinAll([]int64{nA, nB}, j)
			doc.Output.Container = "mp3"
			if exact {
				doc.Output.Options = map[string]string{"junctions": "exact"}
			}
			res, err := project.Render(doc, decs, project.Options{})
			if err != nil {
				t.Fatalf("%s of %d: %v", j.Type, j.Length, err)
			}
			out := filepath.Join(dir, "off-grid.mp3")
			f, _ := os.Create(out)
			if _, err := res.Plan.WriteTo(f, srcs, nil); err != nil {
				t.Fatal(err)
			}
			f.Close()
			want := int64(nA+nB) - j.Length
			if j.Type == project.JoinGap {
				want = int64(nA+nB) + j.Length
			}
			notes := strings.Join(res.Notes, "; ")
			if got := int64(len(ffmpegS16(t, out)) / 2); got != res.Frames || res.Container != "mp3" || abs64(res.Frames-want) > 1152/2 {
				t.Errorf("%s of %d (exact %v): ffmpeg decodes %d samples, %d announced, %d asked (container %s)", j.Type, j.Length, exact, got, res.Frames, want, res.Container)
			}
			switch {
			case exact && (res.Frames != want || !strings.Contains(notes, "encoded with LAME") || !strings.Contains(notes, "off the source's frame grid")):
				t.Errorf("%s of %d, junctions exact: %d samples for %d asked; notes %q", j.Type, j.Length, res.Frames, want, notes)
			case !exact && (res.Frames == want || !strings.Contains(notes, "than asked") || strings.Contains(notes, "encoded with LAME")):
				t.Errorf("%s of %d: %d samples for %d asked (off the grid, it moves); notes %q", j.Type, j.Length, res.Frames, want, notes)
			}
		}
	}
	// On the grid, "exact" keeps the frames: nothing has to move.
	doc := project.JoinAll([]int64{nA, nB}, project.Join{Type: project.JoinCrossfade, Length: X, Curve: project.EqualPower})
	doc.Output.Container = "mp3"
	doc.Output.Options = map[string]string{"junctions": "exact"}
	res, err := project.Render(doc, decs, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if notes := strings.Join(res.Notes, "; "); res.Frames != nA+nB-X || !strings.Contains(notes, "re-encoded at 1 junction, the rest untouched") {
		t.Errorf("on the grid, junctions exact: %d samples for %d asked; notes %q", res.Frames, nA+nB-X, notes)
	}
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
