package silence_test

import (
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codecs"
	"offcut/audio/silence"
)

// mem is a decoder over samples held in memory.
type mem struct {
	ch, rate int
	s        []float32
}

func (m *mem) Info() audio.Info {
	return audio.Info{Format: audio.Format{Rate: m.rate, Channels: m.ch, Bits: 32, Float: true}, Frames: int64(len(m.s) / m.ch)}
}

func (m *mem) Stream(from, to int64) (audio.Stream, error) {
	return &memStream{m: m, pos: from, end: to, n: to - from}, nil
}

type memStream struct {
	m           *mem
	pos, end, n int64
}

func (s *memStream) Rate() int     { return s.m.rate }
func (s *memStream) Channels() int { return s.m.ch }
func (s *memStream) Len() int64    { return s.n }
func (s *memStream) Read(buf []float32) (int, error) {
	ch := s.m.ch
	k := min(int64(len(buf)/ch), s.end-s.pos)
	if len(buf) < ch {
		return 0, audio.ErrShortBuffer
	}
	if k == 0 {
		return 0, io.EOF
	}
	copy(buf, s.m.s[s.pos*int64(ch):(s.pos+k)*int64(ch)])
	s.pos += k
	return int(k), nil
}

// reference applies the package comment's definition literally, frame by
// frame over the whole decode.
func reference(s []float32, ch int, o silence.Options) silence.Range {
	a := math.Pow(10, o.ThresholdDB/20)
	n := int64(len(s) / ch)
	isSilent := func(i int64) bool {
		for c := 0; c < ch; c++ {
			x := float64(s[i*int64(ch)+int64(c)])
			if math.IsNaN(x) || math.Abs(x) > a {
				return false
			}
		}
		return true
	}
	var lead int64
	for lead < n && isSilent(lead) {
		lead++
	}
	if lead == n {
		return silence.Range{Frames: n, AllSilent: true}
	}
	var trail int64
	for trail < n && isSilent(n-1-trail) {
		trail++
	}
	r := silence.Range{From: 0, To: n, Frames: n}
	if lead >= o.Min {
		r.From = lead
	}
	if trail >= o.Min {
		r.To = n - trail
	}
	return r
}

func TestFindTable(t *testing.T) {
	a := float32(silence.Level(-40)) // 0.01
	mk := func(lead, mid, trail int, quiet float32) []float32 {
		s := make([]float32, 0, lead+mid+trail)
		for range lead {
			s = append(s, quiet)
		}
		for i := range mid {
			s = append(s, 0.5*float32(1-2*(i%2)))
		}
		for range trail {
			s = append(s, -quiet)
		}
		return s
	}
	for _, tc := range []struct {
		name      string
		s         []float32
		o         silence.Options
		from, to  int64
		allSilent bool
	}{
		{"both trimmed", mk(100, 10, 50, 0), silence.Options{ThresholdDB: -40, Min: 50}, 100, 110, false},
		{"trailing too short", mk(100, 10, 50, 0), silence.Options{ThresholdDB: -40, Min: 51}, 100, 160, false},
		{"leading too short", mk(100, 10, 200, 0), silence.Options{ThresholdDB: -40, Min: 101}, 0, 110, false},
		{"min 0", mk(1, 10, 1, 0), silence.Options{ThresholdDB: -40}, 1, 11, false},
		{"quiet below threshold is silence", mk(30, 5, 30, a/2), silence.Options{ThresholdDB: -40, Min: 10}, 30, 35, false},
		{"quiet above threshold is sound", mk(30, 5, 30, a*1.01), silence.Options{ThresholdDB: -40, Min: 10}, 0, 65, false},
		{"no silence", mk(0, 10, 0, 0), silence.Options{ThresholdDB: -40, Min: 1}, 0, 10, false},
		{"all silent", mk(20, 0, 20, 0), silence.Options{ThresholdDB: -40, Min: 1000}, 0, 0, true},
		{"empty", nil, silence.Options{ThresholdDB: -40}, 0, 0, true},
		{"NaN is sound", append(append(mk(5, 0, 0, 0), float32(math.NaN())), mk(0, 0, 5, 0)...), silence.Options{ThresholdDB: -40, Min: 1}, 5, 6, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := silence.Find(&mem{ch: 1, rate: 8000, s: tc.s}, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if r.From != tc.from || r.To != tc.to || r.AllSilent != tc.allSilent || r.Frames != int64(len(tc.s)) {
				t.Errorf("got %+v, want [%d, %d) of %d, all silent %v", r, tc.from, tc.to, len(tc.s), tc.allSilent)
			}
		})
	}
}

// TestFindBoundary: a sample exactly at the threshold's level is silent,
// the next float32 above it is not.
func TestFindBoundary(t *testing.T) {
	th := 20 * math.Log10(0.25)
	a := silence.Level(th)
	at := float32(a)
	if float64(at) > a {
		at = math.Nextafter32(at, 0)
	}
	above := math.Nextafter32(at, 1)
	s := []float32{at, -at, above, 0.5, at}
	r, err := silence.Find(&mem{ch: 1, rate: 8000, s: s}, silence.Options{ThresholdDB: th})
	if err != nil {
		t.Fatal(err)
	}
	if r.From != 2 || r.To != 4 {
		t.Errorf("got [%d, %d), want [2, 4) (level %v, at %v, above %v)", r.From, r.To, a, at, above)
	}
}

func TestFindMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 15))
	for i := range 300 {
		ch := 1 + rng.IntN(3)
		th := -90 + rng.Float64()*80
		a := silence.Level(th)
		lead, mid, trail := rng.IntN(40000), rng.IntN(3000), rng.IntN(40000)
		if i%10 == 0 {
			mid = 0
		}
		n := lead + mid + trail
		s := make([]float32, n*ch)
		for f := range n {
			for c := range ch {
				var v float64
				if f >= lead && f < lead+mid {
					v = (rng.Float64()*2 - 1) * 4 * a // some samples below, most above
				} else {
					v = (rng.Float64()*2 - 1) * a // silent, up to the level
				}
				s[f*ch+c] = float32(v)
			}
		}
		o := silence.Options{ThresholdDB: th, Min: int64(rng.IntN(45000))}
		got, err := silence.Find(&mem{ch: ch, rate: 48000, s: s}, o)
		if err != nil {
			t.Fatal(err)
		}
		if want := reference(s, ch, o); got != want {
			t.Fatalf("case %d (%d ch, edges %d/%d/%d, %+v): got %+v, want %+v", i, ch, lead, mid, trail, o, got, want)
		}
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []silence.Options{{ThresholdDB: 1}, {ThresholdDB: -201}, {ThresholdDB: math.NaN()}, {ThresholdDB: -50, Min: -1}} {
		if _, err := silence.Find(&mem{ch: 1, rate: 8000, s: []float32{0}}, o); !errors.Is(err, silence.ErrOptions) {
			t.Errorf("%+v: got %v, want ErrOptions", o, err)
		}
	}
}

// TestSoxWAV trims sox-made amplitude-modulated noise padded with silence,
// read back through the WAV decoder: the result is the reference
// definition's.
func TestSoxWAV(t *testing.T) {
	sox := audiotest.Tool(t, "sox")
	dir := t.TempDir()
	path := filepath.Join(dir, "speech.wav")
	// 1.5 s and 0.75 s of digital silence around 2 s of "syllables".
	cmd := exec.Command(sox, "-R", "-n", "-r", "16000", "-b", "16", "-c", "2", path,
		"synth", "2", "pinknoise", "synth", "2", "sine", "amod", "4", "pad", "1.5", "0.75")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sox: %v\n%s", err, out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := codecs.Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	all := audiotest.DecodeAll(t, d)
	for _, o := range []silence.Options{
		{ThresholdDB: silence.DefaultThresholdDB, Min: 8000},
		{ThresholdDB: -20, Min: 0},
		{ThresholdDB: -90, Min: 16000},
		{ThresholdDB: -90, Min: 30000},
	} {
		got, err := silence.Find(d, o)
		if err != nil {
			t.Fatal(err)
		}
		if want := reference(all, 2, o); got != want {
			t.Errorf("%+v: got %+v, want %+v", o, got, want)
		}
		if o.Min == 30000 && (got.From != 0 || got.To != got.Frames) {
			t.Errorf("%+v: edges shorter than Min were trimmed: %+v", o, got)
		}
	}
}

// TestKnownEdges: speech-like bursts (noise under a syllable-rate envelope)
// with exactly known edges: room noise below the threshold, then the first
// syllable's first frame loud, ..., the last syllable's last frame loud,
// then room noise again; stored as 16-bit WAV and read by the WAV decoder.
// The trimmed lengths are exactly the edges.
func TestKnownEdges(t *testing.T) {
	const rate, ch = 16000, 2
	const lead, body, trail = 23457, 40000, 12345
	f := audio.Format{Rate: rate, Channels: ch, Bits: 16}
	rng := rand.New(rand.NewPCG(1, 2))
	a := silence.Level(silence.DefaultThresholdDB) // about 103 LSB
	s := make([]float32, (lead+body+trail)*ch)
	for i := range lead + body + trail {
		for c := range ch {
			v := (rng.Float64()*2 - 1) * a * 0.9 // room noise, under the threshold
			if i >= lead && i < lead+body {
				env := math.Abs(math.Sin(math.Pi * 4 * float64(i-lead) / rate)) // 4 syllables a second
				v = (rng.Float64()*2 - 1) * 0.6 * env
			}
			if i == lead || i == lead+body-1 {
				v = 0.5
			}
			s[i*ch+c] = float32(v)
		}
	}
	d, err := codecs.Open(audio.NewBytesSource(audiotest.WAV(f, s)))
	if err != nil {
		t.Fatal(err)
	}
	all := audiotest.DecodeAll(t, d)
	min := int64(silence.DefaultMinSeconds * rate)
	got, err := silence.Find(d, silence.Options{ThresholdDB: silence.DefaultThresholdDB, Min: min})
	if err != nil {
		t.Fatal(err)
	}
	if got.From != lead || got.Trailing() != trail || got.To-got.From != body {
		t.Errorf("got %+v (trimmed %d and %d), want exactly %d and %d", got, got.From, got.Trailing(), lead, trail)
	}
	if want := reference(all, ch, silence.Options{ThresholdDB: silence.DefaultThresholdDB, Min: min}); got != want {
		t.Errorf("got %+v, reference %+v", got, want)
	}
	// With a minimum longer than the trailing edge, only the start goes.
	got, _ = silence.Find(d, silence.Options{ThresholdDB: silence.DefaultThresholdDB, Min: trail + 1})
	if got.From != lead || got.To != got.Frames {
		t.Errorf("min %d: got %+v, want [%d, end)", trail+1, got, lead)
	}
}
