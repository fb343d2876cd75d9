package mp3edit_test

import (
	"math"
	"path/filepath"
	"testing"

	"offcut/audio/codec/mp3edit"
)

// TestLosslessGain: four global_gain steps down is exactly half the
// amplitude, so the decode of the edited file is half the decode of the
// original; with CRC-protected frames the CRCs still check.
func TestLosslessGain(t *testing.T) {
	dir := t.TempDir()
	for _, e := range []struct {
		name string
		args []string
	}{{"cbr", []string{"-b", "192"}}, {"crc", []string{"-b", "128", "-p"}}, {"mpeg2", []string{"-b", "64", "--resample", "22.05"}}} {
		path := encode(t, dir, "g-"+e.name, 44100, 2, 2, e.args...)
		in, src := open(t, path, 0)
		db := -4 * mp3edit.StepDB
		res, err := mp3edit.Plan([]mp3edit.Piece{{In: in, From: 0, To: in.Frames(), Gain: db}}, mp3edit.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Plan.ComputedBytes() == 0 {
			t.Fatalf("%s: gain planned no computed bytes", e.name)
		}
		out := filepath.Join(dir, e.name+"-gain.mp3")
		write(t, res, out, src)
		_, orig := ourDecode(t, path)
		info, got := ourDecode(t, out)
		if info.Frames != in.Frames() {
			t.Fatalf("%s: %d frames after gain, want %d", e.name, info.Frames, in.Frames())
		}
		var worst float64
		for i := range got {
			worst = math.Max(worst, math.Abs(float64(got[i])-0.5*float64(orig[i])))
		}
		if worst > 2.0/32768 {
			t.Errorf("%s: -6.02 dB differs from half the original by %g", e.name, worst)
		}
		ffdecode(t, out) // a clean decode, CRCs included (see ffdecodeCRC)
		ffdecodeCRC(t, out)
	}
}

// TestLosslessFade: a fade-in changes only the granules it covers; every
// sample after it is bit-identical to the original's decode.
func TestLosslessFade(t *testing.T) {
	dir := t.TempDir()
	path := encode(t, dir, "fade", 44100, 2, 3, "-V", "2")
	in, src := open(t, path, 0)
	res, err := mp3edit.Plan([]mp3edit.Piece{{In: in, From: 0, To: in.Frames(), FadeIn: 44100, FadeOut: 22050}}, mp3edit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "faded.mp3")
	write(t, res, out, src)
	_, orig := ourDecode(t, path)
	_, got := ourDecode(t, out)
	n := len(orig) / 2
	// After the fade-in (plus a granule and the filterbank overlap) and
	// before the fade-out, identical.
	for i := 44100 + 2*576; i < n-22050-2*576; i++ {
		if got[2*i] != orig[2*i] {
			t.Fatalf("sample %d changed outside the fades", i)
		}
	}
	rms := func(s []float32) float64 {
		var sum float64
		for _, v := range s {
			sum += float64(v) * float64(v)
		}
		return math.Sqrt(sum / float64(len(s)))
	}
	// The first tenth of the fade-in is far quieter than the original.
	if a, b := rms(got[:2*4410]), rms(orig[:2*4410]); a > b/4 {
		t.Errorf("fade-in start RMS %.4f, original %.4f", a, b)
	}
	if a, b := rms(got[2*(n-2000):]), rms(orig[2*(n-2000):]); a > b/4 {
		t.Errorf("fade-out end RMS %.4f, original %.4f", a, b)
	}
	ffdecode(t, out)
}

// TestFadeCurvesAreSeparate: the fade-out follows its own curve whatever
// the fade-in's is.
func TestFadeCurvesAreSeparate(t *testing.T) {
	dir := t.TempDir()
	in, src := open(t, encode(t, dir, "curves", 44100, 2, 3, "-b", "128"), 0)
	logCurve := func(x float64) float64 { return (math.Pow(1000, x) - 1) / 999 }
	render := func(p mp3edit.Piece) []float32 {
		res, err := mp3edit.Plan([]mp3edit.Piece{p}, mp3edit.Options{})
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "c.mp3")
		write(t, res, out, src)
		_, s := ourDecode(t, out)
		return s
	}
	n := in.Frames()
	outOnly := render(mp3edit.Piece{In: in, From: 0, To: n, FadeOut: 44100, CurveOut: logCurve})
	both := render(mp3edit.Piece{In: in, From: 0, To: n, FadeIn: 4410, FadeOut: 44100, CurveOut: logCurve})
	for i := 2 * (n - 44100); i < 2*n; i++ {
		if outOnly[i] != both[i] {
			t.Fatalf("a linear fade-in changed the logarithmic fade-out at sample %d", i/2)
		}
	}
}

// TestGainLimitIsCounted: +100 dB cannot fit in global_gain; the granules
// that hit the limit are counted.
func TestGainLimitIsCounted(t *testing.T) {
	dir := t.TempDir()
	in, src := open(t, encode(t, dir, "loud", 44100, 2, 1, "-b", "128"), 0)
	res, err := mp3edit.Plan([]mp3edit.Piece{{In: in, From: 0, To: in.Frames(), Gain: 100}}, mp3edit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	write(t, res, filepath.Join(dir, "loud-out.mp3"), src)
	if res.Clamped() == 0 {
		t.Error("+100 dB: no global_gain field counted as clamped")
	}
}
