package resample

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"offcut/audio"
)

func TestOutLen(t *testing.T) {
	tests := []struct {
		n       int64
		in, out int
		want    int64
	}{
		{0, 44100, 48000, 0},
		{1, 44100, 48000, 1},
		{1, 48000, 44100, 1},
		{1, 192000, 8000, 0},  // 1/24 rounds to 0
		{12, 192000, 8000, 1}, // 12/24 = 0.5 rounds up
		{11, 192000, 8000, 0},
		{1, 8000, 192000, 24},
		{44100, 44100, 48000, 48000},
		{48000, 48000, 44100, 44100},
		{240000, 48000, 44100, 220500},
		{220500, 44100, 48000, 240000},
		{1000, 22050, 44100, 2000},
		{35467, 35467, 44100, 44100},
		{1, 44100, 35467, 1},
		{3, 3, 2, 2}, // 2.0
		{1, 3, 2, 1}, // 0.667
		{1, 4, 2, 1}, // 0.5 up
		{-5, 44100, 48000, 0},
		{1 << 62, 1, audio.MaxSampleRate, math.MaxInt64}, // saturates
		{math.MaxInt64, 2, 1, math.MaxInt64/2 + 1},
		{math.MaxInt64, 1, 2, math.MaxInt64},
		{math.MaxInt64, 3, 2, 6148914691236517205},
	}
	for _, tt := range tests {
		if got := OutLen(tt.n, tt.in, tt.out); got != tt.want {
			t.Errorf("OutLen(%d, %d, %d) = %d, want %d", tt.n, tt.in, tt.out, got, tt.want)
		}
	}
	// Against big-integer arithmetic, including products beyond 2^63.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 10000; i++ {
		n := rng.Int64N(1 << 50)
		if i%3 == 0 {
			n = rng.Int64N(1000)
		}
		in := 1 + rng.IntN(audio.MaxSampleRate)
		out := 1 + rng.IntN(audio.MaxSampleRate)
		want := new(big.Int).Mul(big.NewInt(n), big.NewInt(int64(out)))
		want.Add(want, big.NewInt(int64(in/2)))
		want.Quo(want, big.NewInt(int64(in)))
		if got := OutLen(n, in, out); got != want.Int64() {
			t.Fatalf("OutLen(%d, %d, %d) = %d, want %d", n, in, out, got, want)
		}
	}
}

// TestLengths converts streams of many lengths between many rate pairs and
// checks that exactly OutLen frames come out.
func TestLengths(t *testing.T) {
	pairs := [][2]int{
		{44100, 48000}, {48000, 44100}, {8000, 192000}, {192000, 8000},
		{22050, 44100}, {44100, 22050}, {35467, 44100}, {44100, 35467},
		{48000, 96000}, {11025, 48000}, {1, 3}, {3, 1},
		{1000, 200000}, {200000, 1000}, {997, 192000}, {192000, 997},
		{1, audio.MaxSampleRate}, {audio.MaxSampleRate, 1}, {7, 4194301}, {4194301, 7},
	}
	lens := []int64{0, 1, 2, 3, 11, 12, 13, 23, 24, 25, 100, 1000, 4095, 4096, 4097, 10007}
	for _, pr := range pairs {
		for _, n := range lens {
			for _, q := range []Quality{VeryHigh, Standard} {
				if OutLen(n, pr[0], pr[1]) > 1e6 || pr[0] >= 192000 && n > 4097 {
					continue
				}
				x := make([]float32, n)
				for i := range x {
					x[i] = float32(i%7) / 7
				}
				s, err := New(newSlice(pr[0], 1, x), pr[1], q)
				if err != nil {
					t.Fatal(err)
				}
				want := OutLen(n, pr[0], pr[1])
				if s.Len() != want {
					t.Fatalf("%d -> %d, %d frames: Len() = %d, want %d", pr[0], pr[1], n, s.Len(), want)
				}
				if s.Rate() != pr[1] || s.Channels() != 1 {
					t.Fatalf("Rate, Channels = %d, %d", s.Rate(), s.Channels())
				}
				out := readAll(t, s, 333) // readAll checks len == Len()
				for i, v := range out {
					if math.IsNaN(float64(v)) || math.Abs(float64(v)) > 2 {
						t.Fatalf("%d -> %d: out[%d] = %v", pr[0], pr[1], i, v)
					}
				}
			}
		}
	}
}

func TestIdentity(t *testing.T) {
	src := newSlice(44100, 2, make([]float32, 20))
	s, err := New(src, 44100, VeryHigh)
	if err != nil || s != audio.Stream(src) {
		t.Fatalf("New at the same rate = %v, %v; want the input itself", s, err)
	}
}

func TestErrors(t *testing.T) {
	ok := newSlice(44100, 1, nil)
	tests := []struct {
		s    audio.Stream
		rate int
		q    Quality
		want string
	}{
		{ok, 0, VeryHigh, "resample: output rate 0 Hz"},
		{ok, -8000, VeryHigh, "resample: output rate -8000 Hz"},
		{ok, audio.MaxSampleRate + 1, VeryHigh, "resample: output rate 4194305 Hz"},
		{newSlice(0, 1, nil), 48000, VeryHigh, "resample: input rate 0 Hz"},
		{newSlice(44100, 40, nil), 48000, VeryHigh, "resample: 40 channels"},
		{ok, 48000, Quality(9), "resample: unknown quality 9"},
	}
	for _, tt := range tests {
		_, err := New(tt.s, tt.rate, tt.q)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("New(%d Hz %d ch, %d, %v) error = %v, want prefix %q", tt.s.Rate(), tt.s.Channels(), tt.rate, tt.q, err, tt.want)
		}
	}
}

// failing is a stream that fails or ends early after good frames.
type failing struct {
	slice
	n   int64 // claimed length
	err error
}

func (f *failing) Len() int64 { return f.n }
func (f *failing) Read(buf []float32) (int, error) {
	n, err := f.slice.Read(buf)
	if err == io.EOF {
		return 0, f.err
	}
	return n, err
}

func TestInputErrors(t *testing.T) {
	boom := errors.New("boom")
	for _, tt := range []struct {
		err  error
		want error
	}{{io.EOF, io.ErrUnexpectedEOF}, {boom, boom}} {
		f := &failing{slice: *newSlice(48000, 2, make([]float32, 2*10000)), n: 20000, err: tt.err}
		s, err := New(f, 44100, VeryHigh)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]float32, 2*1000)
		var got int
		for {
			n, err := s.Read(buf)
			got += n
			if err != nil {
				if !errors.Is(err, tt.want) {
					t.Errorf("error = %v, want %v", err, tt.want)
				}
				if !strings.HasPrefix(err.Error(), "resample: ") {
					t.Errorf("error %q does not name the package", err)
				}
				if _, err2 := s.Read(buf); err2 != err {
					t.Errorf("error not sticky: %v then %v", err, err2)
				}
				break
			}
		}
		if got >= int(s.Len()) {
			t.Errorf("read %d of %d frames despite the error", got, s.Len())
		}
	}
}

// TestBufferSizes reads the same conversion with many buffer sizes, stereo,
// and requires bit-identical output.
func TestBufferSizes(t *testing.T) {
	const n = 20000
	x := make([]float32, 2*n)
	l := sine(48000, 1000, 0.9, 0, n)
	r := sine(48000, 3000, 0.5, 1, n)
	for i := range n {
		x[2*i], x[2*i+1] = float32(l[i]), float32(r[i])
	}
	for _, pr := range [][2]int{{48000, 44100}, {48000, 35467}} {
		var ref []float32
		for _, bs := range []int{100000, 1, 7, 64, 4096, 4097} {
			s, err := New(newSlice(pr[0], 2, x), pr[1], VeryHigh)
			if err != nil {
				t.Fatal(err)
			}
			out := readAll(t, s, bs)
			if ref == nil {
				ref = out
				continue
			}
			for i := range ref {
				if out[i] != ref[i] {
					t.Fatalf("%d -> %d: buffer of %d frames: sample %d = %v, want %v", pr[0], pr[1], bs, i, out[i], ref[i])
				}
			}
		}
		// A buffer that is not a whole number of frames.
		s, _ := New(newSlice(pr[0], 2, x), pr[1], VeryHigh)
		if k, err := s.Read(make([]float32, 5)); k != 2 || err != nil {
			t.Errorf("Read of a 5-sample stereo buffer = %d, %v; want 2, nil", k, err)
		}
	}
}

// TestChannels converts 1, 2, 3 and 6 channels each carrying a different
// sine (channel 1 silent) and compares every output channel with the mono
// conversion of its input channel. The polyphase stage computes channels
// separately (bit-identical); the FFT stage carries two channels in one
// complex transform, whose rounding leaks at most about 1e-16 (-320 dB)
// between them, so the bound is 1e-13 (-260 dB): no audible or measurable
// crosstalk.
func TestChannels(t *testing.T) {
	const n = 9000
	for _, ch := range []int{1, 2, 3, 6} {
		for _, pr := range [][2]int{{44100, 48000}, {48000, 44100}, {44100, 35467}, {48000, 47000}} {
			mono := make([][]float32, ch)
			x := make([]float32, ch*n)
			for c := range ch {
				amp := 0.9
				if c == 1 {
					amp = 0 // a silent channel must stay silent
				}
				mono[c] = to32(sine(pr[0], 500+1700*float64(c), amp, float64(c), n))
				for i := range n {
					x[i*ch+c] = mono[c][i]
				}
			}
			s, err := New(newSlice(pr[0], ch, x), pr[1], VeryHigh)
			if err != nil {
				t.Fatal(err)
			}
			out := readAll(t, s, 1000)
			var worst float64
			for c := range ch {
				want := convert(t, mono[c], pr[0], pr[1], VeryHigh)
				for i := range want {
					d := math.Abs(float64(out[i*ch+c]) - float64(want[i]))
					worst = max(worst, d)
					if d > 1e-13 {
						t.Fatalf("%d ch %d -> %d: channel %d frame %d = %v, want %v", ch, pr[0], pr[1], c, i, out[i*ch+c], want[i])
					}
				}
			}
			if worst > 0 {
				t.Logf("%d ch %d -> %d: largest difference from mono %.1f dB", ch, pr[0], pr[1], 20*math.Log10(worst))
			}
		}
	}
}

// TestSineAccuracy converts sines well inside the passband and compares the
// output with the same sine computed at the output rate. The error covers
// passband ripple, images and aliases, phase (time alignment) and rounding.
func TestSineAccuracy(t *testing.T) {
	tests := []struct {
		in, out int
		f       float64
		q       Quality
		maxDB   float64
	}{
		{48000, 44100, 1000, VeryHigh, -130},
		{44100, 48000, 1000, VeryHigh, -130},
		{44100, 48000, 18000, VeryHigh, -130},
		{8000, 192000, 1000, VeryHigh, -130},
		{192000, 8000, 1000, VeryHigh, -130},
		{1000, 200000, 300, VeryHigh, -130}, // in two steps
		{200000, 1000, 300, VeryHigh, -130},
		{22050, 44100, 10000, VeryHigh, -130},
		{35467, 44100, 5000, VeryHigh, -130},
		{44100, 35467, 15000, VeryHigh, -130},
		{48000, 47999, 15000, VeryHigh, -130}, // fine table (L = 47999)
		{44100, 44000, 15000, VeryHigh, -130}, // exact table (L = 220)
		{48000, 44100, 1000, Standard, -110},
		{44100, 35467, 15000, Standard, -110},
	}
	for _, tt := range tests {
		// Skip the transients of the abrupt start and end: 0.1 s, or 1 s
		// at 1 kHz, where the filters reach a quarter of a second.
		dur, skip := 1.0, tt.out/10
		if tt.in >= 192000 {
			dur = 0.5
		}
		if min(tt.in, tt.out) < 8000 {
			dur, skip = 4, tt.out
		}
		n := int(dur * float64(tt.in))
		x := to32(sine(tt.in, tt.f, 0.999, 0.3, n))
		y := convert(t, x, tt.in, tt.out, tt.q)
		ref := sine(tt.out, tt.f, 0.999, 0.3, len(y))
		got := errDBFS(y, ref, skip, len(y)-skip)
		t.Logf("%6d -> %6d Hz, %5.0f Hz sine, %v: error %.1f dBFS", tt.in, tt.out, tt.f, tt.q, got)
		if got > tt.maxDB {
			t.Errorf("%d -> %d Hz, %.0f Hz sine, %v: error %.1f dBFS, want <= %.0f", tt.in, tt.out, tt.f, tt.q, got, tt.maxDB)
		}
	}
}

// TestStopband converts sines above the output Nyquist frequency: whatever
// comes out is aliasing.
func TestStopband(t *testing.T) {
	tests := []struct {
		in, out int
		f       float64
		q       Quality
		minDB   float64
	}{
		{48000, 44100, 23000, VeryHigh, 140},
		{48000, 44100, 22050, VeryHigh, 140}, // the stopband edge itself
		{96000, 44100, 30000, VeryHigh, 140},
		{44100, 35467, 18000, VeryHigh, 140},
		{48000, 47999, 23999.75, VeryHigh, 140},
		{44100, 44000, 22025, VeryHigh, 140},
		{192000, 8000, 4100, VeryHigh, 140},
		{192000, 8000, 50000, VeryHigh, 140},
		{48000, 44100, 23000, Standard, 115},
	}
	for _, tt := range tests {
		x := to32(sine(tt.in, tt.f, 0.999, 0, tt.in))
		y := convert(t, x, tt.in, tt.out, tt.q)
		skip := tt.out / 10
		att := -rmsDB(y, skip, len(y)-skip, 0.999)
		t.Logf("%d -> %d Hz, %.0f Hz sine, %v: attenuated %.1f dB", tt.in, tt.out, tt.f, tt.q, att)
		if att < tt.minDB {
			t.Errorf("%d -> %d Hz, %.0f Hz sine, %v: attenuated %.1f dB, want >= %.0f", tt.in, tt.out, tt.f, tt.q, att, tt.minDB)
		}
	}
}

// TestPassband measures the gain at 1 kHz and 18 kHz for 44.1k -> 48k and
// across the passband for 48k -> 44.1k.
func TestPassband(t *testing.T) {
	tests := []struct {
		in, out int
		f       float64
	}{
		{44100, 48000, 1000}, {44100, 48000, 18000}, {44100, 48000, 20000},
		{48000, 44100, 20},
		{48000, 44100, 1000}, {48000, 44100, 10000}, {48000, 44100, 18000}, {48000, 44100, 20000},
		{44100, 35467, 16000},
	}
	for _, tt := range tests {
		x := to32(sine(tt.in, tt.f, 0.5, 0, tt.in))
		y := convert(t, x, tt.in, tt.out, VeryHigh)
		skip := tt.out / 10
		g := fitGain(y, tt.out, tt.f, 0.5, skip, len(y)-skip)
		t.Logf("%d -> %d Hz, %5.0f Hz: gain %+.1e dB", tt.in, tt.out, tt.f, g)
		if math.Abs(g) > 0.01 {
			t.Errorf("%d -> %d Hz, %.0f Hz: gain %+.4f dB, want within 0.01 dB", tt.in, tt.out, tt.f, g)
		}
	}
}

// TestRoundTrip is the issue's criterion: a full-scale 1 kHz sine at 48 kHz,
// 5 s, converted to 44.1 kHz and back, must differ from the original by at
// most -100 dBFS. The same round trip through sox -v is measured alongside.
func TestRoundTrip(t *testing.T) {
	const rate, n = 48000, 5 * 48000
	orig := sine(rate, 1000, 0.999, 0, n)
	x := to32(orig)
	mid := convert(t, x, rate, 44100, VeryHigh)
	back := convert(t, mid, 44100, rate, VeryHigh)
	if len(back) != n {
		t.Fatalf("round trip gave %d frames, want %d", len(back), n)
	}
	skip := rate / 10
	inner := errDBFS(back, orig, skip, n-skip)
	whole := errDBFS(back, orig, 0, n)
	t.Logf("offcut 48k->44.1k->48k: error %.1f dBFS (skipping 0.1 s at each end), %.1f dBFS over the whole 5 s", inner, whole)
	if inner > -100 {
		t.Errorf("round-trip error %.1f dBFS, want <= -100", inner)
	}

	// Edges: a sine faded in and out over 10 ms is band-limited, so the
	// round trip must reproduce it everywhere, first and last frame included.
	faded := make([]float64, n)
	copy(faded, orig)
	fade := rate / 100
	for i := range fade {
		g := 0.5 - 0.5*math.Cos(math.Pi*float64(i)/float64(fade))
		faded[i] *= g
		faded[n-1-i] *= g
	}
	back2 := convert(t, convert(t, to32(faded), rate, 44100, VeryHigh), 44100, rate, VeryHigh)
	edges := max(errDBFS(back2, faded, 0, rate/10), errDBFS(back2, faded, n-rate/10, n))
	all := errDBFS(back2, faded, 0, n)
	t.Logf("offcut, 10 ms fades: error %.1f dBFS over the whole signal, %.1f dBFS in the first/last 0.1 s", all, edges)
	if all > -100 || edges > -100 {
		t.Errorf("round trip with fades: error %.1f dBFS overall, %.1f at the edges, want <= -100", all, edges)
	}

	soxBack, err := soxRoundTrip(t, x, rate, 44100)
	if err != nil {
		t.Logf("sox comparison skipped: %v", err)
		return
	}
	m := min(len(soxBack), n)
	t.Logf("sox -v   48k->44.1k->48k: error %.1f dBFS (skipping 0.1 s at each end), %.1f dBFS over the whole 5 s (%d frames back)",
		errDBFS(soxBack, orig, skip, m-skip), errDBFS(soxBack, orig, 0, m), len(soxBack))
}

func ExampleOutLen() {
	fmt.Println(OutLen(44100, 44100, 48000))
	fmt.Println(OutLen(1, 192000, 8000), OutLen(12, 192000, 8000))
	// Output:
	// 48000
	// 0 1
}

func ExampleNew() {
	in := audio.Silence(44100, 2, 44100) // one second
	out, err := New(in, 48000, VeryHigh)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Rate(), out.Channels(), out.Len())
	_, err = New(in, 0, VeryHigh)
	fmt.Println(err)
	// Output:
	// 48000 2 48000
	// resample: output rate 0 Hz (want 1 to 4194304)
}

// TestSingleStage checks the single-stage path (chosen only when two stages
// would not be cheaper) against the two-stage one: a faded, band-limited
// signal must come out the same, edges included, within the precision of
// the filters.
func TestSingleStage(t *testing.T) {
	for _, pr := range [][2]int{{48000, 44100}, {44100, 48000}, {44100, 35467}, {8000, 11025}} {
		n := pr[0] / 2
		x := make([]float64, n)
		for _, f := range []float64{100, 1000, 0.4 * float64(min(pr[0], pr[1]))} {
			for i, v := range sine(pr[0], f, 0.3, f, n) {
				x[i] += v
			}
		}
		fade := n / 10
		for i := range fade {
			g := 0.5 - 0.5*math.Cos(math.Pi*float64(i)/float64(fade))
			x[i] *= g
			x[n-1-i] *= g
		}
		two := convert(t, to32(x), pr[0], pr[1], VeryHigh)
		forceSingle = true
		one := convert(t, to32(x), pr[0], pr[1], VeryHigh)
		forceSingle = false
		ref := make([]float64, len(one))
		for i, v := range one {
			ref[i] = float64(v)
		}
		d := errDBFS(two, ref, 0, len(two))
		t.Logf("%d -> %d Hz: one stage vs two stages differ by %.1f dBFS", pr[0], pr[1], d)
		if d > -130 {
			t.Errorf("%d -> %d Hz: one stage vs two stages differ by %.1f dBFS, want <= -130", pr[0], pr[1], d)
		}
	}
}

// TestNoAllocs checks that Read allocates nothing once a stream runs.
func TestNoAllocs(t *testing.T) {
	for _, pr := range [][2]int{{48000, 44100}, {44100, 48000}, {44100, 35467}, {200000, 1000}} {
		for _, ch := range []int{1, 2, 3} {
			x := make([]float32, ch*pr[0]*4)
			s, err := New(newSlice(pr[0], ch, x), pr[1], VeryHigh)
			if err != nil {
				t.Fatal(err)
			}
			buf := make([]float32, ch*100)
			if _, err := s.Read(buf); err != nil {
				t.Fatal(err)
			}
			if a := testing.AllocsPerRun(200, func() { s.Read(buf) }); a != 0 {
				t.Errorf("%d -> %d Hz, %d ch: %.1f allocations per Read, want 0", pr[0], pr[1], ch, a)
			}
		}
	}
}

// TestConcurrent converts on several goroutines at once: streams share
// the cached tables and FFT plans, which must be read-only.
func TestConcurrent(t *testing.T) {
	x := to32(sine(44100, 1000, 0.5, 0, 20000))
	want := convert(t, x, 44100, 48000, VeryHigh)
	done := make(chan []float32)
	for range 4 {
		go func() {
			s, err := New(newSlice(44100, 1, x), 48000, VeryHigh)
			if err != nil {
				done <- nil
				return
			}
			out := make([]float32, s.Len())
			n, _ := audio.ReadFrames(s, out)
			done <- out[:n]
		}()
	}
	for range 4 {
		got := <-done
		if len(got) != len(want) {
			t.Fatalf("got %d frames, want %d", len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("frame %d = %v, want %v", i, got[i], want[i])
			}
		}
	}
}
