package wav_test

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	goaudio "github.com/go-audio/audio"
	goaudiowav "github.com/go-audio/wav"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/wav"
)

const benchSeconds = 60 // of 48 kHz stereo 16-bit: 11.5 MB

func benchFile(b *testing.B, f audio.Format) []byte {
	b.Helper()
	return audiotest.WAV(f, audiotest.Signal(48000*benchSeconds, f.Channels, f.Rate, 1))
}

// BenchmarkDecode is this package's path: ranged reads, direct byte loops.
// Compare BenchmarkGoAudioPCMBuffer and BenchmarkSoxDecode in the same run.
func BenchmarkDecode(b *testing.B) {
	for _, f := range []audio.Format{{Rate: 48000, Channels: 2, Bits: 16}, {Rate: 48000, Channels: 2, Bits: 24}, {Rate: 48000, Channels: 2, Bits: 32, Float: true}} {
		b.Run(f.String(), func(b *testing.B) {
			data := benchFile(b, f)
			b.SetBytes(int64(len(data)))
			buf := make([]float32, 8192*f.Channels)
			for b.Loop() {
				w, err := wav.Open(audio.NewBytesSource(data))
				if err != nil {
					b.Fatal(err)
				}
				s, _ := w.Stream(0, w.Info().Frames)
				for {
					if _, err := s.Read(buf); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkGoAudioPCMBuffer is go-audio/wav's own chunked decode of the same
// 16-bit file, converted to float32 — the path this package avoids.
func BenchmarkGoAudioPCMBuffer(b *testing.B) {
	f := audio.Format{Rate: 48000, Channels: 2, Bits: 16}
	data := benchFile(b, f)
	b.SetBytes(int64(len(data)))
	out := make([]float32, 8192)
	for b.Loop() {
		d := goaudiowav.NewDecoder(newReadSeeker(data))
		buf := &goaudio.IntBuffer{Data: make([]int, 8192), Format: &goaudio.Format{NumChannels: 2, SampleRate: 48000}}
		for {
			n, err := d.PCMBuffer(buf)
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				break
			}
			for i, v := range buf.Data[:n] {
				out[i] = float32(v) / 32768
			}
		}
	}
}

// BenchmarkSoxDecode times `sox IN -t f32 /dev/null` on the same 16-bit file
// (from the page cache), reported per byte like the others.
func BenchmarkSoxDecode(b *testing.B) {
	sox := audiotest.Tool(b, "sox")
	data := benchFile(b, audio.Format{Rate: 48000, Channels: 2, Bits: 16})
	p := filepath.Join(b.TempDir(), "in.wav")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	var best time.Duration
	for b.Loop() {
		t0 := time.Now()
		if out, err := exec.Command(sox, p, "-t", "f32", "/dev/null").CombinedOutput(); err != nil {
			b.Fatalf("sox: %v %s", err, out)
		}
		if d := time.Since(t0); best == 0 || d < best {
			best = d
		}
	}
	b.ReportMetric(float64(len(data))/best.Seconds()/1e9, "best-GB/s")
}

type readSeeker struct {
	data []byte
	pos  int64
}

func newReadSeeker(b []byte) *readSeeker { return &readSeeker{data: b} }

func (r *readSeeker) Read(p []byte) (int, error) {
	if r.pos >= int64(len(r.data)) {
		return 0, io.EOF
	}
	n := copy(p, r.data[r.pos:])
	r.pos += int64(n)
	return n, nil
}

func (r *readSeeker) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += r.pos
	case io.SeekEnd:
		off += int64(len(r.data))
	}
	r.pos = off
	return off, nil
}
