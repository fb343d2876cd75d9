package project_test

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/wav"
	"offcut/audio/project"
)

// memInputs opens in-memory WAVs as decoders and sources.
func memInputs(t testing.TB, files ...[]byte) ([]audio.Decoder, []audio.Source) {
	t.Helper()
	var decs []audio.Decoder
	var srcs []audio.Source
	for _, b := range files {
		src := audio.NewBytesSource(b)
		d, err := wav.Open(src)
		if err != nil {
			t.Fatal(err)
		}
		decs, srcs = append(decs, d), append(srcs, src)
	}
	return decs, srcs
}

// renderMem renders doc and decodes the output's samples (as stored ints
// for integer formats, scaled to LSBs).
func renderMem(t testing.TB, doc *project.Document, files ...[]byte) (*project.Result, []float32) {
	t.Helper()
	res, b := renderBytes(t, doc, files...)
	out, err := wav.Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatalf("output does not open: %v", err)
	}
	if out.Info().Frames != res.Frames {
		t.Fatalf("output has %d frames, Result says %d", out.Info().Frames, res.Frames)
	}
	s, _ := out.Stream(0, res.Frames)
	return res, audiotest.ReadAll(t, s)
}

var f16 = audio.Format{Rate: 48000, Channels: 2, Bits: 16}

// TestFadeCurvesWithin1LSB checks every fade curve against its formula, in
// and out, at 16 bits.
func TestFadeCurvesWithin1LSB(t *testing.T) {
	const n, L = 20000, 4801
	src := audiotest.Signal(n, 2, 48000, 7)
	in := audiotest.WAV(f16, src)
	_, srcQ := renderMem(t, project.Keep(0, n), in) // the stored 16-bit values
	for _, c := range project.Curves {
		res, got := renderMem(t, project.Fades(n, L, L, c), in)
		if res.Lossless {
			t.Fatal("a fade was planned as lossless")
		}
		// Only the fades are computed: 2 × L frames.
		if cb := res.Plan.ComputedBytes(); cb != 2*L*4 {
			t.Errorf("%s: %d computed bytes, want %d (the fades only)", c, cb, 2*L*4)
		}
		var worst float64
		for k := 0; k < n; k++ {
			g := 1.0
			if k < L {
				g = c.Gain((float64(k) + 0.5) / L)
			} else if j := k - (n - L); j >= 0 {
				g = c.Gain(1 - (float64(j)+0.5)/L)
			}
			for ch := 0; ch < 2; ch++ {
				want := math.Round(float64(srcQ[2*k+ch]) * 32768 * g)
				worst = math.Max(worst, math.Abs(float64(got[2*k+ch])*32768-want))
			}
		}
		if worst > 1 {
			t.Errorf("%s: differs from the formula by %v LSB", c, worst)
		}
		if got[0] == srcQ[0] && srcQ[0] != 0 {
			t.Errorf("%s: first frame not faded", c)
		}
	}
	// The curves' end points and shapes.
	for _, c := range project.Curves {
		if g := c.Gain(0); math.Abs(g) > 1e-12 {
			t.Errorf("%s(0) = %v, want 0", c, g)
		}
		if g := c.Gain(1); math.Abs(g-1) > 1e-12 {
			t.Errorf("%s(1) = %v, want 1", c, g)
		}
	}
	if g := project.Logarithmic.Gain(0.5); math.Abs(20*math.Log10(g)-(-30)) > 0.5 {
		t.Errorf("logarithmic(0.5) = %.2f dB, want about -30 dB", 20*math.Log10(g))
	}
}

// TestCrossfadeWithin1LSB checks a crossfade against its formula.
func TestCrossfadeWithin1LSB(t *testing.T) {
	const n, L = 30000, 9600
	a := audiotest.WAV(f16, audiotest.Signal(n, 2, 48000, 1))
	b := audiotest.WAV(f16, audiotest.Signal(n, 2, 48000, 2))
	_, qa := renderMem(t, project.Keep(0, n), a)
	_, qb := renderMem(t, project.Keep(0, n), b)
	for _, c := range project.Curves {
		doc := project.JoinAll([]int64{n, n}, project.Join{Type: project.JoinCrossfade, Length: L, Curve: c})
		res, got := renderMem(t, doc, a, b)
		if res.Frames != 2*n-L {
			t.Fatalf("%s: %d frames, want %d", c, res.Frames, 2*n-L)
		}
		if cb := res.Plan.ComputedBytes(); cb != L*4 {
			t.Errorf("%s: %d computed bytes, want %d (the overlap only)", c, cb, L*4)
		}
		var worst float64
		for k := 0; k < 2*n-L; k++ {
			for ch := 0; ch < 2; ch++ {
				var want float64
				switch j := k - (n - L); {
				case j < 0:
					want = float64(qa[2*k+ch])
				case j < L:
					x := (float64(j) + 0.5) / L
					want = float64(qa[2*k+ch])*c.Gain(1-x) + float64(qb[2*j+ch])*c.Gain(x)
				default:
					want = float64(qb[2*j+ch])
				}
				worst = math.Max(worst, math.Abs(float64(got[2*k+ch])*32768-math.Round(want*32768)))
			}
		}
		if worst > 1 {
			t.Errorf("%s crossfade: differs from the formula by %v LSB", c, worst)
		}
	}
}

// TestEqualPowerKeepsRMS: an equal-power crossfade of two uncorrelated
// noises keeps the RMS within 0.5 dB across the junction; a linear one dips
// by about 3 dB in the middle (which shows the measurement can fail).
func TestEqualPowerKeepsRMS(t *testing.T) {
	const rate, n, L = 48000, 96000, 48000
	noise := func(seed uint64) []byte {
		r := rand.New(rand.NewPCG(seed, seed))
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(0.1 * r.NormFloat64())
		}
		return audiotest.WAV(audio.Format{Rate: rate, Channels: 1, Bits: 32, Float: true}, s)
	}
	a, b := noise(1), noise(2)
	worst := func(c project.Curve) (float64, float64) {
		_, got := renderMem(t, project.JoinAll([]int64{n, n}, project.Join{Type: project.JoinCrossfade, Length: L, Curve: c}), a, b)
		const win = 4800
		ref := 20 * math.Log10(0.1)
		var lo, hi float64
		for start := n - L - 2*win; start+win <= n+win; start += win / 2 {
			var sum float64
			for _, v := range got[start : start+win] {
				sum += float64(v) * float64(v)
			}
			d := 10*math.Log10(sum/win) - ref
			lo, hi = math.Min(lo, d), math.Max(hi, d)
		}
		return lo, hi
	}
	lo, hi := worst(project.EqualPower)
	t.Logf("equal-power: RMS across the junction within %+.2f..%+.2f dB", lo, hi)
	if lo < -0.5 || hi > 0.5 {
		t.Errorf("equal-power crossfade RMS varies %+.2f..%+.2f dB, want within ±0.5 dB", lo, hi)
	}
	lo, _ = worst(project.Linear)
	t.Logf("linear: RMS dips to %+.2f dB", lo)
	if lo > -2.5 {
		t.Errorf("linear crossfade of uncorrelated noise dips only %.2f dB; the measurement is not sensitive", lo)
	}
}

// TestGainAndNormalize checks gain in dB and peak normalisation.
func TestGainAndNormalize(t *testing.T) {
	f24 := audio.Format{Rate: 44100, Channels: 2, Bits: 24}
	src := audiotest.Signal(5000, 2, 44100, 3)
	in := audiotest.WAV(f24, src)
	_, q := renderMem(t, project.Keep(0, 5000), in)
	doc := project.Keep(0, 5000)
	doc.Clips[0].Gain = -6
	_, got := renderMem(t, doc, in)
	g := math.Pow(10, -6.0/20)
	for i := range got {
		if d := math.Abs(float64(got[i])*8388608 - math.Round(float64(q[i])*g*8388608)); d > 1 {
			t.Fatalf("-6 dB: sample %d off by %v LSB", i, d)
		}
	}
	target := -1.0
	doc = project.Keep(0, 5000)
	doc.Output.Normalize = &target
	res, got := renderMem(t, doc, in)
	var peak float64
	for _, v := range got {
		peak = math.Max(peak, math.Abs(float64(v)))
	}
	if db := 20 * math.Log10(peak); math.Abs(db-target) > 0.01 {
		t.Errorf("normalised peak %.4f dBFS, want %.2f", db, target)
	}
	if res.Clipped() != 0 {
		t.Errorf("normalise clipped %d samples", res.Clipped())
	}
	// +20 dB clips, and says so.
	doc = project.Keep(0, 5000)
	doc.Clips[0].Gain = 20
	res, _ = renderMem(t, doc, in)
	if res.Clipped() == 0 {
		t.Error("+20 dB on a 0.8 peak signal: no clipped samples counted")
	}
}

// TestBitDepthConversion: 24 → 16 bits gets TPDF dither (error RMS about
// 0.5 LSB, mean 0); 16 → 24 → 16 is exact; dither can be turned off.
func TestBitDepthConversion(t *testing.T) {
	f24 := audio.Format{Rate: 44100, Channels: 1, Bits: 24}
	src := make([]float32, 44100)
	for i := range src {
		src[i] = float32(0.001 * math.Sin(2*math.Pi*997*float64(i)/44100))
	}
	in := audiotest.WAV(f24, src)
	_, q := renderMem(t, project.Keep(0, 44100), in)
	doc := project.Keep(0, 44100)
	doc.Output.SampleFormat = "s16"
	_, got := renderMem(t, doc, in)
	var sum, sum2 float64
	for i := range got {
		e := (float64(got[i]) - float64(q[i])) * 32768
		sum += e
		sum2 += e * e
	}
	mean, rms := sum/float64(len(got)), math.Sqrt(sum2/float64(len(got)))
	t.Logf("24→16 bit: error mean %.3f LSB, RMS %.3f LSB", mean, rms)
	if rms < 0.4 || rms > 0.6 || math.Abs(mean) > 0.02 {
		t.Errorf("24→16 with TPDF dither: error mean %.3f RMS %.3f LSB, want mean 0, RMS ≈ 0.5", mean, rms)
	}
	off := false
	doc.Output.Dither = &off
	_, got = renderMem(t, doc, in)
	sum2 = 0
	for i := range got {
		e := (float64(got[i]) - float64(q[i])) * 32768
		sum2 += e * e
	}
	if rms := math.Sqrt(sum2 / float64(len(got))); rms > 0.3 {
		t.Errorf("24→16 without dither: error RMS %.3f LSB, want ≤ 0.29 (rounding only)", rms)
	}

	// 16 → 24 → 16 is exact.
	in16 := audiotest.WAV(audio.Format{Rate: 44100, Channels: 1, Bits: 16}, audiotest.Signal(1000, 1, 44100, 9))
	_, q16 := renderMem(t, project.Keep(0, 1000), in16)
	up := project.Keep(0, 1000)
	up.Output.SampleFormat = "s24"
	_, u := renderMem(t, up, in16)
	for i := range u {
		if u[i] != q16[i] {
			t.Fatalf("16→24 changed sample %d: %v → %v", i, q16[i], u[i])
		}
	}
}

// TestZeroCopyPlans: cuts and joins of same-format PCM are ranges of the
// sources; a gain makes the clip computed.
func TestZeroCopyPlans(t *testing.T) {
	in := audiotest.WAV(f16, audiotest.Signal(1000, 2, 48000, 4))
	decs, _ := memInputs(t, in, in)
	res, err := project.Render(project.JoinAll([]int64{1000, 1000}, project.Join{}), decs, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, s := range res.Plan.Segments {
		kinds = append(kinds, s.Kind())
	}
	if !res.Lossless || len(kinds) != 3 || kinds[0] != "bytes" || kinds[1] != "range" || kinds[2] != "range" {
		t.Errorf("join plan segments %v, lossless %v; want bytes, range, range", kinds, res.Lossless)
	}
	doc := project.Keep(100, 900)
	doc.Clips[0].Gain = 1
	res, _ = project.Render(doc, decs[:1], project.Options{})
	if res.Plan.ComputedBytes() != 800*4 {
		t.Errorf("a clip with gain computes %d bytes, want %d", res.Plan.ComputedBytes(), 800*4)
	}
}

// TestBextTimeReferenceFollowsTheCut: a Broadcast WAV cut from frame 1000
// has its TimeReference moved on by 1000 frames; other bytes are kept.
func TestBextTimeReferenceFollowsTheCut(t *testing.T) {
	in := audiotest.WAV(f16, audiotest.Signal(5000, 2, 48000, 3))
	bext := make([]byte, 602)
	copy(bext, "A description")
	binary.LittleEndian.PutUint64(bext[338:], 48000*3600) // 01:00:00
	chunk := append([]byte("bext"), binary.LittleEndian.AppendUint32(nil, uint32(len(bext)))...)
	in = append(in, append(chunk, bext...)...)
	binary.LittleEndian.PutUint32(in[4:], uint32(len(in)-8))
	decs, srcs := memInputs(t, in)
	res, err := project.Render(project.Keep(1000, 4000), decs, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	res.Plan.WriteTo(&buf, srcs, nil)
	out := buf.Bytes()
	i := bytes.Index(out, []byte("bext"))
	if i < 0 {
		t.Fatal("bext chunk not carried")
	}
	got := out[i+8 : i+8+602]
	if tr := binary.LittleEndian.Uint64(got[338:]); tr != 48000*3600+1000 {
		t.Errorf("TimeReference %d, want %d", tr, 48000*3600+1000)
	}
	if !bytes.Equal(got[:338], bext[:338]) || !bytes.Equal(got[346:], bext[346:]) {
		t.Error("bext bytes other than TimeReference changed")
	}
}
