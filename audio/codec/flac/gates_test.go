package flac

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
)

// TestGates encodes synthetic signals of 8, 16 and 24 bits at levels 5, 6
// and 8 exhaustively (fixed predictors on every block, every window's LPC
// predictor encoded) and as the encoder does (fixed predictors only where
// estimates say they may win, the two best LPC predictors by a sampled
// residual): the shortcuts must cost at most 0.3 %.
func TestGates(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const rate = 44100
	n := rate * 3
	sine := func(i int) float64 { return 0.5 * math.Sin(2*math.Pi*440*float64(i)/rate) }
	sigs := []struct {
		name string
		gen  func(i int) float64
	}{
		{"sine", sine},
		{"sine+noise", func(i int) float64 { return sine(i) + 0.001*rng.NormFloat64() }},
		{"square", func(i int) float64 { return 0.3 * float64(1-2*(i/50%2)) }},
		{"white", func(int) float64 { return 0.3 * rng.NormFloat64() }},
		{"quiet and silent", func(i int) float64 { return float64(i/20000%2) * 0.0001 * rng.NormFloat64() }},
		{"chirp", func(i int) float64 { x := float64(i) / rate; return 0.5 * math.Sin(2*math.Pi*(100+2000*x)*x) }},
		{"clicks", func(i int) float64 { return 0.9*float64(b2i(i%3000 < 3)) + 0.001*rng.NormFloat64() }},
	}
	for _, bits := range []int{8, 16, 24} {
		for _, sg := range sigs {
			s := make([]float32, n)
			for i := range s {
				s[i] = float32(max(-1, min(1, sg.gen(i))))
			}
			f := audio.Format{Rate: rate, Channels: 1, Bits: bits}
			for _, lv := range []int{5, 6, 8} {
				gated := encodeFixed(t, f, s, lv, false)
				all := encodeFixed(t, f, s, lv, true)
				if float64(gated) > 1.003*float64(all) {
					t.Errorf("%d-bit %s, level %d: %d bytes, %d exhaustively", bits, sg.name, lv, gated, all)
				}
			}
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// encodeFixed returns the encoded size of samples at level lv,
// exhaustively if all.
func encodeFixed(t *testing.T, f audio.Format, samples []float32, lv int, all bool) int {
	var buf bytes.Buffer
	e, err := NewEncoder(&buf, f, int64(len(samples)/f.Channels), EncoderOptions{Level: lv})
	if err != nil {
		t.Fatal(err)
	}
	e.exhaustive = all
	if err := e.Encode(audio.Samples(f.Rate, f.Channels, samples)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}

// TestRoundTripLevels encodes real music (stereo and mono) and a
// speech-like signal at every level and checks that our decoder gives the
// samples back and that `flac -t` passes the file (MD5 included).
func TestRoundTripLevels(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("no reference tools under js/wasm")
	}
	bin := audiotest.Tool(t, "flac")
	sigs := musicSignals(t, "", "01 - blocksize 4096.flac", "60 - mono audio.flac")
	sigs = append(sigs, testSignal{"speech-like", audio.Format{Rate: 16000, Channels: 1, Bits: 16}, speechLike(16000, 5)})
	dir := t.TempDir()
	for _, sg := range sigs {
		for lv := range 9 {
			file := encode(t, sg.f, sg.s, EncoderOptions{Level: lv})
			_, got := decodeAll(t, audio.NewBytesSource(file))
			if len(got) != len(sg.s) {
				t.Fatalf("%s level %d: %d samples back, want %d", sg.name, lv, len(got), len(sg.s))
			}
			for i := range got {
				if got[i] != sg.s[i] {
					t.Fatalf("%s level %d: sample %d = %v, want %v", sg.name, lv, i, got[i], sg.s[i])
				}
			}
			path := filepath.Join(dir, "out.flac")
			if err := os.WriteFile(path, file, 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(bin, "-t", "-s", path).CombinedOutput(); err != nil {
				t.Fatalf("%s level %d: flac -t: %v\n%s", sg.name, lv, err, out)
			}
		}
	}
}
