package mp3format_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/mp3edit"
	"offcut/audio/codec/mp3format"
)

// music is a test signal with tones that change, a sweep and noise
// bursts: junctions land in different material.
func music(frames, ch, rate int, seed uint64) []float32 {
	x := audiotest.Signal(frames, ch, rate, seed)
	for i := range frames {
		t := float64(i) / float64(rate)
		for c := range ch {
			f := 300 + 200*float64(seed%5) + 150*math.Sin(2*math.Pi*0.3*t) + 100*float64(c)
			v := 0.4*float64(x[i*ch+c]) + 0.3*math.Sin(2*math.Pi*f*t)
			if int(t*4)%3 == 0 {
				v += 0.1 * math.Sin(2*math.Pi*2500*t) * math.Sin(2*math.Pi*3*t)
			}
			x[i*ch+c] = float32(v)
		}
	}
	return x
}

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
	audiotest.WriteWAV(t, wav, audio.Format{Rate: rate, Channels: ch, Bits: 16}, music(int(secs*float64(rate)), ch, rate, seed))
	out := filepath.Join(dir, name+".mp3")
	args = append(append([]string{"--quiet", "--resample", fmt.Sprint(float64(rate) / 1000)}, args...), wav, out)
	if b, err := exec.Command(lame, args...).CombinedOutput(); err != nil {
		t.Fatalf("lame %v: %v\n%s", args, err, b)
	}
	return out
}

func openSource(t *testing.T, path string, idx int) *source {
	t.Helper()
	src, err := audio.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	in, err := mp3edit.Open(idx, src)
	if err != nil {
		t.Fatal(err)
	}
	return &source{path: path, in: in, src: src, pcm: ffdecode(t, path)}
}

// ffdecode decodes with ffmpeg, failing on any message.
func ffdecode(t *testing.T, path string) []int16 {
	t.Helper()
	cmd := exec.Command(audiotest.Tool(t, "ffmpeg"), "-v", "error", "-i", path, "-f", "s16le", "-")
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

func TestSmartRemoveQuick(t *testing.T) {
	dir := t.TempDir()
	a := openSource(t, makeMP3(t, dir, "a", 44100, 2, 4, 1, "-b", "128"), 0)
	n := a.in.Frames()
	pieces := []mp3edit.Piece{{In: a.in, From: 0, To: 44100}, {In: a.in, From: 88200 + 333, To: n}}
	res, err := mp3edit.Plan(pieces, mp3edit.Options{Reencode: mp3format.Reencode})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.mp3")
	f, _ := os.Create(out)
	if _, err := res.Plan.WriteTo(f, []audio.Source{a.src}, nil); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got := ffdecode(t, out)
	var want []int16
	for _, p := range res.Pieces {
		want = append(want, a.pcm[p.From*2:p.To*2]...)
	}
	t.Logf("frames %d, got %d want %d; stretches %+v", res.Frames, len(got)/2, len(want)/2, res.Stretches)
	st := res.Stretches[0]
	first, last := -1, -1
	for i := range min(len(got), len(want)) / 2 {
		if got[2*i] != want[2*i] || got[2*i+1] != want[2*i+1] {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	t.Logf("differences %d..%d; stretch %d..%d", first, last, st.From, st.To)
	t.Logf("snr in stretch %.1f dB", snr(want[st.From*2:st.To*2], got[st.From*2:st.To*2]))
	best, bl := -100.0, 0
	for l := -2400; l <= 2400; l++ {
		a0, b0 := st.From*2, st.To*2
		if v := snr(want[a0+int64(l)*2:b0+int64(l)*2], got[a0:b0]); v > best {
			best, bl = v, l
		}
	}
	for g := st.From - 1152; g < st.To+1152; g += 576 {
		t.Logf("granule at %d: %.1f dB", g, snr(want[g*2:(g+576)*2], got[g*2:(g+576)*2]))
	}
	t.Logf("best lag %d: %.1f dB", bl, best)
	o, _ := exec.Command("mp3val", out).CombinedOutput()
	t.Logf("mp3val: %s", strings.TrimSpace(string(o)))
	o, _ = exec.Command("mpg123", "-t", out).CombinedOutput()
	t.Logf("mpg123: %s", o)
}
