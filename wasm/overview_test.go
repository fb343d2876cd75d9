//go:build !js

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/audiotest"
)

// TestSampledPeaksMP3: the quick overview of an MP3 long enough for it
// (windows decoded from the frame index) is flagged as sampled, each
// bucket lies within the exact waveform's, it reads a small part of the
// file, and an MP3 too short for its buckets gets no quick overview.
func TestSampledPeaksMP3(t *testing.T) {
	lame := audiotest.Tool(t, "lame")
	dir := t.TempDir()
	wav := filepath.Join(dir, "in.wav")
	f := audio.Format{Rate: 44100, Channels: 2, Bits: 16}
	if err := os.WriteFile(wav, audiotest.WAV(f, audiotest.Signal(60*44100, 2, 44100, 21)), 0o644); err != nil {
		t.Fatal(err)
	}
	mp3 := filepath.Join(dir, "out.mp3")
	if out, err := exec.Command(lame, "--quiet", "-b", "128", wav, mp3).CombinedOutput(); err != nil {
		t.Fatalf("lame: %v\n%s", err, out)
	}
	data, err := os.ReadFile(mp3)
	if err != nil {
		t.Fatal(err)
	}
	src := &countingSource{Source: audio.NewBytesSource(data)}
	in := input{src: src, name: "out.mp3", key: "test-sampled-mp3"}
	if _, err := open(in); err != nil {
		t.Fatal(err)
	}
	src.read = 0
	q, err := peaksOf(in, 40, 0, -1, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	quickRead := src.read
	x, err := peaksOf(in, 40, 0, -1, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !q.Sampled || len(q.Min) != 40 || x.Sampled {
		t.Fatalf("quick overview: sampled %v, %d buckets; exact sampled %v", q.Sampled, len(q.Min), x.Sampled)
	}
	for i := range q.Min {
		if q.Min[i] < x.Min[i] || q.Max[i] > x.Max[i] || q.Max[i] <= q.Min[i] {
			t.Errorf("bucket %d: quick %v..%v, exact %v..%v", i, q.Min[i], q.Max[i], x.Min[i], x.Max[i])
		}
	}
	t.Logf("the quick overview read %d bytes of %d", quickRead, len(data))
	if quickRead > int64(len(data))/8 {
		t.Errorf("the quick overview read %d bytes of %d", quickRead, len(data))
	}
	none, err := peaksOf(in, 5000, 0, -1, true, nil)
	if err != nil || none.Sampled || len(none.Min) != 0 {
		t.Errorf("5000 buckets of a minute: sampled %v, %d buckets, %v", none.Sampled, len(none.Min), err)
	}
}

// BenchmarkSampledPeaksMP3 opens (indexes) a 3-hour MP3 (10 s of lame CBR
// repeated, as BenchmarkBigFiles makes it) and draws its quick overview of
// 4000 buckets, reporting the overview's time as a ratio of the open's.
func BenchmarkSampledPeaksMP3(b *testing.B) {
	lame := audiotest.Tool(b, "lame")
	dir := b.TempDir()
	wav := filepath.Join(dir, "in.wav")
	f := audio.Format{Rate: 44100, Channels: 2, Bits: 16}
	if err := os.WriteFile(wav, audiotest.WAV(f, audiotest.Signal(10*44100, 2, 44100, 22)), 0o644); err != nil {
		b.Fatal(err)
	}
	mp3 := filepath.Join(dir, "out.mp3")
	if out, err := exec.Command(lame, "--quiet", "-t", "-b", "128", wav, mp3).CombinedOutput(); err != nil {
		b.Fatalf("lame: %v\n%s", err, out)
	}
	block, err := os.ReadFile(mp3)
	if err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat(block, 3*360)
	var openNs, quickNs int64
	for i := 0; b.Loop(); i++ {
		in := input{src: audio.NewBytesSource(data), name: "3h.mp3", key: fmt.Sprintf("bench-sampled-mp3-%d", i)}
		t0 := time.Now()
		if _, err := open(in); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		r, err := peaksOf(in, 4000, 0, -1, true, nil)
		if err != nil || !r.Sampled {
			b.Fatalf("quick overview: %v", err)
		}
		openNs += int64(t1.Sub(t0))
		quickNs += int64(time.Since(t1))
	}
	b.ReportMetric(float64(openNs)/float64(b.N)/1e6, "ms-open")
	b.ReportMetric(float64(quickNs)/float64(b.N)/1e6, "ms-overview")
	b.ReportMetric(float64(quickNs)/float64(openNs), "overview/open")
}
