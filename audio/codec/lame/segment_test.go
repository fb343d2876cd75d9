//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package lame_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/lame"
	"offcut/audio/codec/mp3"
	"offcut/audio/codec/mp3edit"
)

// segmentMaterial is what segmented encodes are tried on: real music
// (excerpts of the FLAC conformance corpus one after another, so that
// some junctions fall on a hard change of piece; natively only) and
// audiotest.Music's tones with bursts.
func segmentMaterial(t *testing.T) map[string][]float32 {
	m := map[string][]float32{"tones": audiotest.Music(20*44100, 2, 44100, 5)}
	if runtime.GOOS == "js" {
		return m
	}
	dir := filepath.Join("..", "..", "..", "..", "shared", "conformance", "flac", "subset")
	var x []float32
	for _, f := range []string{"01 - blocksize 4096.flac", "12 - qlp precision 15 bit.flac", "14 - wasted bits.flac"} {
		p := filepath.Join(dir, f)
		if _, err := os.Stat(p); err != nil {
			audiotest.Missing(t, "conformance corpus not found: %v", err)
		}
		x = append(x, audiotest.FFmpegF32(t, p)...)
	}
	m["music"] = x
	return m
}

// encodeSegments encodes x (ch channels) in segments of about every
// samples as a segmented encode does, with the given tail, and returns
// the joined frames and the segments.
func encodeSegments(t *testing.T, x []float32, ch int, opt lame.Options, every, tail int64) ([]byte, []lame.Segment) {
	t.Helper()
	n := int64(len(x) / ch)
	var (
		out  bytes.Buffer
		segs []lame.Segment
	)
	for from := int64(0); from < n; from += every {
		to := min(from+every, n)
		keep, t1 := to-from, min(tail, n-to)
		if to == n || n-to < every/2 {
			keep, to, t1 = -1, n, 0
		}
		lead := min(int64(lame.SegmentLead), from)
		seg, err := lame.EncodeSegment(&out, audio.Samples(opt.Rate, ch, x[(from-lead)*int64(ch):(to+t1)*int64(ch)]), opt, lead, keep)
		if err != nil {
			t.Fatalf("segment at %d: %v", from, err)
		}
		segs = append(segs, seg)
		if keep < 0 {
			break
		}
	}
	return out.Bytes(), segs
}

// TestSegmentsJoinAsOne: segments encoded with EncodeSegment and put one
// after another are one MP3 stream: as many frames as the whole encode,
// the same windows where they meet, a decode of exactly the input's
// length that mp3val and ffmpeg find clean, as close to the input as the
// whole encode overall and at every junction.
func TestSegmentsJoinAsOne(t *testing.T) {
	for name, x := range segmentMaterial(t) {
		for _, c := range []struct {
			name string
			rate int
			opt  lame.Options
		}{
			{"cbr128", 44100, lame.Options{Bitrate: 128}},
			{"v2", 44100, lame.Options{VBR: true, VBRQuality: 2}},
			{"22k-mono-cbr64", 22050, lame.Options{Bitrate: 64, Mode: lame.Mono}},
		} {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				ch := 2
				in := x
				if c.rate != 44100 {
					// Every other sample of the left channel: a 22.05 kHz
					// mono signal (aliased, which does not matter here).
					ch, in = 1, make([]float32, len(x)/4)
					for i := range in {
						in[i] = x[4*i]
					}
				}
				opt := c.opt
				opt.Rate, opt.Channels = c.rate, ch
				n := int64(len(in) / ch)
				whole := encode(t, opt, in)
				every := int64(c.rate) * 3 / 2 / 1152 * 1152 // junctions every 1.5 s
				joined, segs := encodeSegments(t, in, ch, opt, every, lame.SegmentTail)
				fs := 1152
				if c.rate < 32000 {
					fs = 576
				}
				var sizes []int64
				for k, s := range segs {
					for _, z := range s.Sizes {
						sizes = append(sizes, int64(z))
					}
					if k > 0 && s.Before != segs[k-1].Last {
						t.Errorf("junction %d: windows %v meet %v", k, segs[k-1].Last, s.Before)
					}
				}
				if w := countFrames(t, whole); w != len(sizes) {
					t.Fatalf("%d frames in segments, the whole encode has %d", len(sizes), w)
				}
				file := func(frames []byte) []byte {
					info, err := mp3edit.InfoHeader{Header: segs[0].Header, Sizes: sizes, Encoder: "LAME" + lame.Version,
						Delay: segs[0].Delay, Padding: len(sizes)*fs - segs[0].Delay - int(n)}.Frame()
					if err != nil {
						t.Fatal(err)
					}
					return append(info, frames...)
				}
				got, want := decodeMP3(t, file(joined), ch), decodeMP3(t, file(whole), ch)
				if int64(len(got)/ch) != n || len(want) != len(got) {
					t.Fatalf("decodes to %d and %d frames, want %d", len(got)/ch, len(want)/ch, n)
				}
				snr, ref := audiotest.SNR(got, in), audiotest.SNR(want, in)
				t.Logf("SNR %.2f dB in %d segments, %.2f whole", snr, len(segs), ref)
				// Each junction costs the bits the reservoir held there
				// (the segment after it starts on an empty one): with a
				// junction every 1.5 s, 0.27 dB on real music at 128
				// kbit/s; a real segmented encode has one every 30 s.
				if snr < ref-0.5 {
					t.Errorf("SNR %.2f dB in segments, %.2f whole", snr, ref)
				}
				// Around each junction (two frames each side).
				for k := 1; k < len(segs); k++ {
					at := int64(k) * every
					lo, hi := (at-2*int64(fs))*int64(ch), (at+2*int64(fs))*int64(ch)
					s, r := audiotest.SNR(got[lo:hi], in[lo:hi]), audiotest.SNR(want[lo:hi], in[lo:hi])
					if s < r-3 && s < 40 {
						t.Errorf("junction %d at %d: SNR %.2f dB, the whole encode's %.2f", k, at, s, r)
					}
				}
				if runtime.GOOS != "js" {
					path := filepath.Join(t.TempDir(), "joined.mp3")
					if err := os.WriteFile(path, file(joined), 0o644); err != nil {
						t.Fatal(err)
					}
					checkTools(t, path, int(n), ch, true, len(sizes))
				}
			})
		}
	}
}

// TestSegmentTailIsEnough: a longer tail changes nothing a decoder
// hears in the segment's frames.
func TestSegmentTailIsEnough(t *testing.T) {
	x := audiotest.Music(20*44100, 2, 44100, 5)
	opt := lame.Options{Rate: 44100, Channels: 2, Bitrate: 128}
	every := int64(44100) * 3 / 1152 * 1152
	a, _ := encodeSegments(t, x, 2, opt, every, lame.SegmentTail)
	b, _ := encodeSegments(t, x, 2, opt, every, 20*1152)
	da, db := decodeMP3(t, a, 2), decodeMP3(t, b, 2)
	if len(da) != len(db) {
		t.Fatalf("%d and %d samples", len(da), len(db))
	}
	for i := range da {
		if da[i] != db[i] {
			t.Fatalf("sample %d (frame %d) differs: %g with the tail of %d samples, %g with a longer one", i, i/2/1152, da[i], lame.SegmentTail, db[i])
		}
	}
}

// TestSegmentEdges: a lead of one frame, and a last segment of fewer
// samples than LAME's look-ahead (its pre-roll's last frame is then
// encoded by the flush): the two segments are the whole encode's frame
// count and decode to exactly the input's length.
func TestSegmentEdges(t *testing.T) {
	for _, c := range []struct {
		rate       int
		lead, last int64
	}{
		{44100, 1152, 5000}, {22050, 576, 5000}, {8000, 576, 3000},
		{44100, lame.SegmentLead, 1}, {44100, lame.SegmentLead, 100}, {44100, lame.SegmentLead, 223},
		{22050, lame.SegmentLead, 1}, {8000, lame.SegmentLead, 150},
	} {
		t.Run(fmt.Sprintf("%d/lead%d/last%d", c.rate, c.lead, c.last), func(t *testing.T) {
			opt := lame.Options{Rate: c.rate, Channels: 1, Bitrate: 32}
			a := int64(8 * 1152)
			n := a + c.last
			x := audiotest.Music(int(n), 1, c.rate, 3)
			var out bytes.Buffer
			s0, err := lame.EncodeSegment(&out, audio.Samples(c.rate, 1, x[:a+min(int64(lame.SegmentTail), c.last)]), opt, 0, a)
			if err != nil {
				t.Fatal(err)
			}
			s1, err := lame.EncodeSegment(&out, audio.Samples(c.rate, 1, x[a-c.lead:]), opt, c.lead, -1)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := countFrames(t, out.Bytes()), countFrames(t, encode(t, opt, x)); got != want {
				t.Fatalf("%d frames in the segments, %d in the whole encode", got, want)
			}
			fs := s0.Header.Samples()
			frames := len(s0.Sizes) + len(s1.Sizes)
			info, err := mp3edit.InfoHeader{Header: s0.Header, Each: func(fn func(int64)) {
				for _, z := range append(s0.Sizes, s1.Sizes...) {
					fn(int64(z))
				}
			}, Encoder: "LAME" + lame.Version, Delay: s0.Delay, Padding: frames*fs - s0.Delay - int(n)}.Frame()
			if err != nil {
				t.Fatal(err)
			}
			if got := len(decodeMP3(t, append(info, out.Bytes()...), 1)); int64(got) != n {
				t.Errorf("decodes to %d samples, want %d", got, n)
			}
		})
	}
}

func countFrames(t *testing.T, b []byte) int {
	t.Helper()
	n := 0
	for len(b) >= 4 {
		h := mp3.Header(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]))
		if h.Size() <= 0 || h.Size() > len(b) {
			t.Fatalf("no frame at %d bytes from the end", len(b))
		}
		b = b[h.Size():]
		n++
	}
	return n
}

func decodeMP3(t *testing.T, b []byte, ch int) []float32 {
	t.Helper()
	d, err := mp3.Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	if d.Info().Format.Channels != ch {
		t.Fatalf("%d channels, want %d", d.Info().Format.Channels, ch)
	}
	return audiotest.DecodeAll(t, d)
}
