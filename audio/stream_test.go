package audio_test

import (
	"io"
	"math"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/wav"
)

func ramp(frames, ch int) []float32 {
	s := make([]float32, frames*ch)
	for i := range s {
		s[i] = float32(i)
	}
	return s
}

func TestConstructorsKeepTheStreamContract(t *testing.T) {
	mk := func() audio.Stream { return audio.Samples(8000, 2, ramp(5000, 2)) }
	seq, err := audio.Seq(mk(), audio.Silence(8000, 2, 33), mk())
	if err != nil {
		t.Fatal(err)
	}
	skipped, err := audio.Skip(mk(), 1234)
	if err != nil {
		t.Fatal(err)
	}
	mixed, err := audio.Mix(mk(), mk())
	if err != nil {
		t.Fatal(err)
	}
	remixed, err := audio.Remix(mk(), 1)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]audio.Stream{
		"samples":  mk(),
		"silence":  audio.Silence(8000, 2, 10001),
		"empty":    audio.Silence(8000, 3, 0),
		"take":     audio.Take(mk(), 777),
		"take-all": audio.Take(mk(), 1<<40),
		"seq":      seq,
		"skip":     skipped,
		"gain":     audio.Gain(mk(), 0.5),
		"envelope": audio.Envelope(mk(), func(i int64) float32 { return float32(i) }),
		"mix":      mixed,
		"remix":    remixed,
	} {
		t.Run(name, func(t *testing.T) { audiotest.CheckStream(t, s) })
	}
}

func TestConstructorValues(t *testing.T) {
	src := ramp(100, 2)
	got := audiotest.ReadAll(t, audio.Take(mustSkip(t, audio.Samples(1, 2, src), 10), 5))
	for i, v := range got {
		if want := float32(20 + i); v != want {
			t.Fatalf("Take(Skip(10), 5)[%d] = %v, want %v", i, v, want)
		}
	}
	env := audiotest.ReadAll(t, audio.Envelope(audio.Samples(1, 2, src), func(i int64) float32 { return float32(i) }))
	for i, v := range env {
		if want := src[i] * float32(i/2); v != want {
			t.Fatalf("Envelope[%d] = %v, want %v", i, v, want)
		}
	}
	m, _ := audio.Mix(audio.Samples(1, 2, src), audio.Samples(1, 2, src))
	for i, v := range audiotest.ReadAll(t, m) {
		if v != 2*src[i] {
			t.Fatalf("Mix[%d] = %v, want %v", i, v, 2*src[i])
		}
	}
	if _, err := audio.Seq(audio.Silence(1, 1, 1), audio.Silence(1, 2, 1)); err == nil {
		t.Fatal("Seq of mono and stereo streams: no error")
	}
	if _, err := audio.Mix(audio.Silence(1, 1, 1), audio.Silence(1, 1, 2)); err == nil {
		t.Fatal("Mix of streams of different length: no error")
	}
}

func mustSkip(t *testing.T, s audio.Stream, n int64) audio.Stream {
	s, err := audio.Skip(s, n)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTakeOfAShortStreamReportsTruncation(t *testing.T) {
	// A source that lies about its length must not pass silently.
	s := audio.Take(&liar{audio.Samples(1, 1, make([]float32, 10))}, 20)
	buf := make([]float32, 64)
	var err error
	for err == nil {
		_, err = s.Read(buf)
	}
	if err == io.EOF {
		t.Fatal("Take of a stream that ends early returned io.EOF, want io.ErrUnexpectedEOF")
	}
}

type liar struct{ audio.Stream }

func (l *liar) Len() int64 { return 100 }

func TestRemixMatrix(t *testing.T) {
	// Every row of a downmix must sum to at most 1 so it cannot clip.
	for in := 1; in <= 8; in++ {
		for out := 1; out <= 8; out++ {
			for o, row := range audio.RemixMatrix(in, out) {
				var sum float32
				for _, g := range row {
					sum += g
				}
				if sum > 1.0001 {
					t.Errorf("RemixMatrix(%d, %d) row %d sums to %v > 1", in, out, o, sum)
				}
			}
		}
	}
	// Stereo to mono is the average; mono to stereo copies.
	s, _ := audio.Remix(audio.Samples(1, 2, []float32{1, 0.5}), 1)
	if got := audiotest.ReadAll(t, s); got[0] != 0.75 {
		t.Errorf("stereo (1, 0.5) to mono = %v, want 0.75", got[0])
	}
	s, _ = audio.Remix(audio.Samples(1, 1, []float32{0.25}), 2)
	if got := audiotest.ReadAll(t, s); got[0] != 0.25 || got[1] != 0.25 {
		t.Errorf("mono 0.25 to stereo = %v, want [0.25 0.25]", got)
	}
	// 5.1 to stereo: centre at -3 dB in both, LFE dropped, surround to its side.
	m := audio.RemixMatrix(6, 2)
	if m[0][3] != 0 || m[1][3] != 0 || m[0][5] != 0 || m[1][4] != 0 {
		t.Errorf("5.1 downmix leaks LFE or crosses sides: %v", m)
	}
	if r := m[0][2] / m[0][0]; math.Abs(float64(r)-math.Sqrt2/2) > 1e-6 {
		t.Errorf("5.1 downmix centre/left = %v, want 0.7071", r)
	}
}

func TestPeaks(t *testing.T) {
	s := make([]float32, 1000)
	for i := range s {
		s[i] = float32(i%100) / 100
	}
	s[150] = -0.9
	p, err := audio.Peaks(audio.Samples(1, 1, s), 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p[1].Min != -0.9 || p[1].Max != 0.99 || p[0].Min != 0 {
		t.Errorf("peaks = %v", p[:2])
	}
	// More buckets than frames: every bucket still well defined.
	p, err = audio.Peaks(audio.Samples(1, 1, []float32{0.5, -0.5}), 5, nil)
	if err != nil || len(p) != 5 {
		t.Fatalf("Peaks(2 frames, 5 buckets) = %v, %v", p, err)
	}
	if _, err := audio.Peaks(audio.Samples(1, 1, s), 0, nil); err == nil {
		t.Error("Peaks with 0 buckets: no error")
	}
	if _, err := audio.Peaks(audio.Samples(1, 1, s), audio.MaxBuckets+1, nil); err == nil {
		t.Error("Peaks with too many buckets: no error")
	}
}

// TestSampledPeaks: each bucket's sampled peak lies within the exact one,
// and equals it when the window covers the bucket.
func TestSampledPeaks(t *testing.T) {
	f := audio.Format{Rate: 8000, Channels: 2, Bits: 16}
	d, err := wav.Open(audio.NewBytesSource(audiotest.WAV(f, audiotest.Signal(80000, 2, 8000, 5))))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := d.Stream(0, 80000)
	exact, err := audio.Peaks(s, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int64{50, 800} {
		got, err := audio.SampledPeaks(d, 0, 80000, 100, w)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if got[i].Min < exact[i].Min || got[i].Max > exact[i].Max || w == 800 && got[i] != exact[i] {
				t.Fatalf("window %d, bucket %d: sampled %v, exact %v", w, i, got[i], exact[i])
			}
		}
	}
	if _, err := audio.SampledPeaks(d, 0, 80000, 0, 10); err == nil {
		t.Error("0 buckets: no error")
	}
}

// TestFormatTime: times as the app shows them, hours only when needed.
func TestFormatTime(t *testing.T) {
	for _, c := range []struct {
		frames int64
		rate   int
		want   string
	}{
		{0, 44100, "0:00.000"},
		{50 * 44100, 44100, "0:50.000"},
		{183*8000 + 800, 8000, "3:03.100"},
		{3600*48000 + 1, 48000, "1:00:00.000"},
		{1, 0, "0:00.000"},
	} {
		if got := audio.FormatTime(c.frames, c.rate); got != c.want {
			t.Errorf("FormatTime(%d, %d) = %q, want %q", c.frames, c.rate, got, c.want)
		}
	}
}
