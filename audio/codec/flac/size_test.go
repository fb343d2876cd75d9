package flac

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
)

// speechLike synthesises seconds of a speech-like 16-bit mono signal: a
// glottal pulse train of gliding pitch through three formant resonators
// that move every syllable, noise bursts for fricatives, and pauses.
func speechLike(rate, seconds int) []float32 {
	rng := rand.New(rand.NewPCG(7, 7))
	n := rate * seconds
	out := make([]float32, n)
	type res struct{ a1, a2, g, y1, y2 float64 }
	var fm [3]res
	setFormant := func(r *res, f, bw float64) {
		rr := math.Exp(-math.Pi * bw / float64(rate))
		r.a1 = 2 * rr * math.Cos(2*math.Pi*f/float64(rate))
		r.a2 = -rr * rr
		r.g = 1 - rr
	}
	vowels := [][3]float64{{730, 1090, 2440}, {270, 2290, 3010}, {530, 1840, 2480}, {570, 840, 2410}, {300, 870, 2240}, {660, 1720, 2410}}
	phase := 0.0
	syl := 0
	kind := 0 // 0 voiced, 1 fricative, 2 pause
	amp := 0.0
	for i := range out {
		if i%(rate*3/20) == 0 { // a new syllable every 150 ms
			syl++
			switch r := rng.IntN(10); {
			case r < 6:
				kind = 0
				v := vowels[rng.IntN(len(vowels))]
				for k := range fm {
					setFormant(&fm[k], v[k], 60+40*float64(k))
				}
			case r < 8:
				kind = 1
			default:
				kind = 2
			}
		}
		t := float64(i) / float64(rate)
		pitch := 120 + 30*math.Sin(2*math.Pi*0.7*t) + 10*math.Sin(2*math.Pi*3.1*t)
		phase += pitch / float64(rate)
		var x float64
		switch kind {
		case 0:
			amp += (0.5 - amp) * 0.002
			if phase >= 1 {
				phase -= 1
				x = 1
			}
			x += 0.002 * rng.NormFloat64()
		case 1:
			amp += (0.08 - amp) * 0.002
			x = rng.NormFloat64()
		default:
			amp *= 0.998
			x = 0.0005 * rng.NormFloat64()
		}
		var y float64
		for k := range fm {
			r := &fm[k]
			v := r.g*x + r.a1*r.y1 + r.a2*r.y2
			r.y2, r.y1 = r.y1, v
			y += v / float64(k+1)
		}
		out[i] = float32(max(-1, min(1, 4*amp*y)))
	}
	return quantizeSamples(out, 16)
}

// musicFile decodes a conformance file (real music) to samples.
func musicFile(t *testing.T, name string) (audio.Format, []float32) {
	src, err := audio.OpenFile(filepath.Join(conformanceDir(t, "subset"), name))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	d, samples := decodeAll(t, src)
	return d.Info().Format, samples
}

// decodeAll opens a FLAC source and decodes all of it.
func decodeAll(t *testing.T, src audio.Source) (*Decoder, []float32) {
	t.Helper()
	d, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.Stream(0, d.Info().Frames)
	if err != nil {
		t.Fatal(err)
	}
	return d, audiotest.ReadAll(t, s)
}

// testSignal is a named signal the encoder's tests encode.
type testSignal struct {
	name string
	f    audio.Format
	s    []float32
}

// musicSignals decodes the named conformance files (real music) as test
// signals, each named by prefix and its file name.
func musicSignals(t *testing.T, prefix string, names ...string) []testSignal {
	var sigs []testSignal
	for _, name := range names {
		f, s := musicFile(t, name)
		sigs = append(sigs, testSignal{prefix + strings.TrimSuffix(name, ".flac"), f, s})
	}
	return sigs
}

// TestSize compares our sizes at levels 0, 5 and 8 with flac's on music
// (conformance files) and a speech-like signal: level 5 must be within
// 1 % of flac -5. Both write a SEEKTABLE every 10 s and no padding.
func TestSize(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("no reference tools under js/wasm")
	}
	bin := audiotest.Tool(t, "flac")
	sigs := musicSignals(t, "music ", "01 - blocksize 4096.flac", "28 - high resolution audio, default settings.flac", "60 - mono audio.flac")
	sigs = append(sigs, testSignal{"speech-like 16-bit 16 kHz", audio.Format{Rate: 16000, Channels: 1, Bits: 16}, speechLike(16000, 20)})
	sigs = append(sigs, testSignal{"speech-like 16-bit 44.1 kHz", audio.Format{Rate: 44100, Channels: 1, Bits: 16}, speechLike(44100, 10)})
	var table strings.Builder
	table.WriteString("\n| signal | flac -0 | ours 0 | flac -5 | ours 5 | flac -8 | ours 8 |\n|---|---|---|---|---|---|---|\n")
	for _, sg := range sigs {
		dir := t.TempDir()
		wav := filepath.Join(dir, "in.wav")
		audiotest.WriteWAV(t, wav, sg.f, sg.s)
		row := "| " + sg.name
		var ref5, our5 int
		for _, lv := range []int{0, 5, 8} {
			out := filepath.Join(dir, "ref.flac")
			args := []string{"-s", "-f", "--no-padding", "-" + string(rune('0'+lv)), "-o", out, wav}
			if sg.f.Channels > 2 {
				args = append(args, "--channel-map=none")
			}
			if msg, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
				t.Fatalf("flac: %v\n%s", err, msg)
			}
			st, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			ours := len(encode(t, sg.f, sg.s, EncoderOptions{Level: lv}))
			row += " | " + itoa(st.Size()) + " | " + itoa(int64(ours)) + " (" + pct(ours, int(st.Size())) + ")"
			if lv == 5 {
				ref5, our5 = int(st.Size()), ours
			}
		}
		table.WriteString(row + " |\n")
		if float64(our5) > 1.01*float64(ref5) {
			t.Errorf("%s: level 5 gives %d bytes, flac -5 %d (+%s)", sg.name, our5, ref5, pct(our5, ref5))
		}
	}
	t.Log(table.String())
}

func pct(a, b int) string { return fmt.Sprintf("%+.2f %%", 100*(float64(a)/float64(b)-1)) }
