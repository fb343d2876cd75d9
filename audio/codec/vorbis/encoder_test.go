//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package vorbis_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec"
	"offcut/audio/codec/ogg"
	"offcut/audio/codec/vorbis"
	"offcut/audio/pcm"
)

// soxSignal makes a test signal with sox (-R: the same samples every run)
// and returns its samples and the WAV file. Kinds: "music" (plucked
// strings, sweeps and pink noise through tremolo and reverb) and "speech"
// (a voiced sawtooth around 100-150 Hz with noise, shaped by three formant
// peaks and a 3.5 Hz syllable envelope that goes silent between syllables).
func soxSignal(t testing.TB, kind string, rate, ch int, secs float64) ([]float32, string) {
	t.Helper()
	sox := audiotest.Tool(t, "sox")
	path := filepath.Join(t.TempDir(), kind+".wav")
	d := fmt.Sprint(secs)
	args := []string{"-R", "-n", "-r", fmt.Sprint(rate), "-b", "16", "-c", fmt.Sprint(ch), path}
	switch kind {
	case "music":
		args = append(args, "synth", d, "pluck", "C3", "pluck", "G3", "synth", d, "sine", "mix", "200-2000", "sine", "mix", "2500-300",
			"synth", d, "pinknoise", "mix", "pinknoise", "mix", "tremolo", "3", "40", "reverb", "40", "gain", "-n", "-3")
	case "speech":
		args = append(args, "synth", d, "sawtooth", "100-150", "synth", d, "brownnoise", "mix",
			"equalizer", "700", "2q", "12", "equalizer", "1200", "2q", "10", "equalizer", "2600", "3q", "8", "tremolo", "3.5", "100", "gain", "-n", "-6")
	default:
		t.Fatalf("no signal %q", kind)
	}
	if out, err := exec.Command(sox, args...).CombinedOutput(); err != nil {
		t.Fatalf("sox %v: %v\n%s", args, err, out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := audio.Format{Rate: rate, Channels: ch, Bits: 16}
	n := int(secs*float64(rate)) * ch
	if len(b) < 2*n {
		t.Fatalf("sox wrote %d bytes", len(b))
	}
	x := make([]float32, n)
	pcm.Decode(x, b[len(b)-2*n:], f)
	return x, path
}

// encodeFile encodes x with Encode into a file and returns its path and
// bytes.
func encodeFile(t testing.TB, x []float32, rate, ch int, opt vorbis.EncodeOptions) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	res, err := vorbis.Encode(&buf, audio.Samples(rate, ch, x), opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Frames != int64(len(x)/ch) || res.Bytes != int64(buf.Len()) {
		t.Fatalf("result %+v for %d frames, %d bytes", res, len(x)/ch, buf.Len())
	}
	path := filepath.Join(t.TempDir(), "out.ogg")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes()
}

// oggencFile encodes the WAV at in with oggenc -q q.
func oggencFile(t testing.TB, in string, q int) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "ref.ogg")
	if b, err := exec.Command(audiotest.Tool(t, "oggenc"), "-Q", "-q", fmt.Sprint(q), "-o", out, in).CombinedOutput(); err != nil {
		t.Fatalf("oggenc: %v\n%s", err, b)
	}
	return out
}

// oggdecFrames decodes path with oggdec to 16-bit WAV and returns its
// frame count.
func oggdecFrames(t testing.TB, path string, ch int) int64 {
	t.Helper()
	out := filepath.Join(t.TempDir(), "dec.raw")
	cmd := exec.Command(audiotest.Tool(t, "oggdec"), "-Q", "-R", "-o", out, path)
	if b, err := cmd.CombinedOutput(); err != nil || len(b) > 0 {
		t.Fatalf("oggdec: %v %s", err, b)
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size() / int64(2*ch)
}

// ownDecode decodes b with this package's decoder.
func ownDecode(t testing.TB, b []byte) (audio.Info, []float32) {
	t.Helper()
	d, err := vorbis.Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	return d.Info(), audiotest.DecodeAll(t, d)
}

// TestEncodeDecodesExactly: across rates, channel counts, qualities and
// odd lengths, oggdec, ffmpeg and this package's decoder each decode the
// output cleanly to exactly the source's frames, ffmpeg and our decoder
// agree, every channel lands where it belongs (each channel is a
// different tone, compared with the source channel by channel), and the
// decode is close to the source.
func TestEncodeDecodesExactly(t *testing.T) {
	for _, c := range []struct {
		rate, ch, frames int
		q                float64
		minSNR           float64
	}{
		{44100, 2, 44100*2 + 17, 5, 20},
		{44100, 1, 1, 5, -1000}, // one frame: length is what counts
		{48000, 2, 30000, -1, 8},
		{22050, 1, 22050 + 333, 3, 15},
		{8000, 1, 8000, 0, 10},
		{11025, 2, 5000, 10, 20},
		{96000, 2, 50000, 6, 20},
		{192000, 1, 40000, 2, 10},
		{44100, 3, 20000, 4, 10},
		{48000, 4, 20000, 4, 10},
		{48000, 5, 20000, 4, 10},
		{48000, 6, 30000, 5, 10},
		{48000, 7, 20000, 4, 10},
		{48000, 8, 20000, 4, 10},
		{32000, 2, 32000, 4.5, 15}, // a fractional quality
	} {
		t.Run(fmt.Sprintf("%dHz-%dch-q%g-%d", c.rate, c.ch, c.q, c.frames), func(t *testing.T) {
			x := tones(c.frames, c.ch, c.rate)
			path, b := encodeFile(t, x, c.rate, c.ch, vorbis.EncodeOptions{Quality: c.q})
			n := int64(c.frames)
			if got := oggdecFrames(t, path, c.ch); got != n {
				t.Errorf("oggdec decodes %d frames, want %d", got, n)
			}
			ff := audiotest.FFmpegF32(t, path)
			if got := int64(len(ff) / c.ch); got != n {
				t.Fatalf("ffmpeg decodes %d frames, want %d", got, n)
			}
			info, own := ownDecode(t, b)
			if info.Frames != n || int64(len(own)/c.ch) != n || info.Format.Rate != c.rate || info.Format.Channels != c.ch {
				t.Fatalf("our decoder: %+v, %d samples", info, len(own))
			}
			if snr := audiotest.SNR(own, ff); snr < 60 {
				t.Errorf("our decode and ffmpeg's differ: %.1f dB apart", snr)
			}
			for ch := range c.ch {
				if snr := audiotest.SNR(channel(ff, c.ch, ch), channel(x, c.ch, ch)); snr < c.minSNR {
					t.Errorf("channel %d: SNR %.1f dB against the source's channel %d, want >= %g", ch, snr, ch, c.minSNR)
				}
			}
		})
	}
}

// tones is a different tone on each channel (WAV order) with a little
// noise; the LFE channel of 5.1 and up carries 60 Hz, as libvorbis
// low-passes it.
func tones(frames, ch, rate int) []float32 {
	r := rand.New(rand.NewPCG(3, 1))
	x := make([]float32, frames*ch)
	for i := range frames {
		for c := range ch {
			f := 330 * float64(c+1)
			if ch >= 6 && c == 3 {
				f = 60
			}
			x[i*ch+c] = float32(0.7*math.Sin(2*math.Pi*f*float64(i)/float64(rate)) + 0.01*(r.Float64()*2-1))
		}
	}
	return x
}

func channel(x []float32, chs, c int) []float32 {
	out := make([]float32, len(x)/chs)
	for i := range out {
		out[i] = x[i*chs+c]
	}
	return out
}

// segSNRWorst5 is the mean of the worst 5% of the per-segment SNRs (20 ms
// segments with signal, each clamped to [-10, 80] dB).
func segSNRWorst5(got, want []float32, rate, ch int) float64 {
	seg := rate / 50 * ch
	var snrs []float64
	for i := 0; i+seg <= len(want); i += seg {
		var s, n float64
		for j := i; j < i+seg; j++ {
			d := float64(got[j]) - float64(want[j])
			s += float64(want[j]) * float64(want[j])
			n += d * d
		}
		if s < 1e-6*float64(seg) { // silence (-60 dBFS): no SNR to speak of
			continue
		}
		snrs = append(snrs, min(max(10*math.Log10(s/max(n, 1e-20)), -10), 80))
	}
	slices.Sort(snrs)
	k := max(len(snrs)/20, 1)
	var sum float64
	for _, v := range snrs[:k] {
		sum += v
	}
	return sum / float64(k)
}

// TestQualityMatchesOggenc: on a music-like and a speech-like signal made
// with sox, at several qualities, our output's SNR and worst-5% segmental
// SNR against the source are within 0.5 dB of oggenc's at the same -q, and
// its size within 2%.
func TestQualityMatchesOggenc(t *testing.T) {
	for _, c := range []struct {
		kind     string
		rate, ch int
		qs       []int
	}{
		{"music", 44100, 2, []int{0, 3, 5, 8}},
		{"speech", 16000, 1, []int{-1, 2, 5}},
	} {
		x, wav := soxSignal(t, c.kind, c.rate, c.ch, 6)
		for _, q := range c.qs {
			path, _ := encodeFile(t, x, c.rate, c.ch, vorbis.EncodeOptions{Quality: float64(q)})
			ref := oggencFile(t, wav, q)
			ours, theirs := audiotest.FFmpegF32(t, path), audiotest.FFmpegF32(t, ref)
			if len(ours) != len(x) || len(theirs) != len(x) {
				t.Fatalf("%s q%d: decoded %d and %d samples, source %d", c.kind, q, len(ours), len(theirs), len(x))
			}
			snr, refSNR := audiotest.SNR(ours, x), audiotest.SNR(theirs, x)
			seg, refSeg := segSNRWorst5(ours, x, c.rate, c.ch), segSNRWorst5(theirs, x, c.rate, c.ch)
			size, refSize := fileSize(t, path), fileSize(t, ref)
			same, total := samePackets(t, path, ref)
			t.Logf("%s q%d: SNR %.2f dB (oggenc %.2f), worst-5%% segmental %.2f dB (oggenc %.2f), %d bytes (oggenc %d, ratio %.4f), %d of %d audio packets identical",
				c.kind, q, snr, refSNR, seg, refSeg, size, refSize, float64(size)/float64(refSize), same, total)
			// The same libvorbis: most packets are oggenc's, byte for byte
			// (the rest differ where Go's libm and glibc's round apart).
			if same < total*9/10 {
				t.Errorf("%s q%d: only %d of %d audio packets are oggenc's", c.kind, q, same, total)
			}
			if math.Abs(snr-refSNR) > 0.5 || math.Abs(seg-refSeg) > 0.5 {
				t.Errorf("%s q%d: SNR %.2f / %.2f dB, oggenc %.2f / %.2f dB: more than 0.5 dB apart", c.kind, q, snr, seg, refSNR, refSeg)
			}
			// oggenc's comment header carries its ENCODER tag; the audio
			// is what must match.
			if r := float64(size) / float64(refSize); r < 0.98 || r > 1.02 {
				t.Errorf("%s q%d: %d bytes, oggenc %d", c.kind, q, size, refSize)
			}
		}
	}
}

// samePackets counts the audio packets (after the three headers) of two
// Ogg Vorbis files that are byte-identical, in order; total is the larger
// count.
func samePackets(t testing.TB, a, b string) (same, total int) {
	t.Helper()
	pa, pb := oggPackets(t, a), oggPackets(t, b)
	for i := 3; i < min(len(pa), len(pb)); i++ {
		if bytes.Equal(pa[i], pb[i]) {
			same++
		}
	}
	return same, max(len(pa), len(pb)) - 3
}

func oggPackets(t testing.TB, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || len(b) < 18 {
		t.Fatalf("%s: %v", path, err)
	}
	p := ogg.NewReader(audio.NewBytesSource(b)).Packets(binary.LittleEndian.Uint32(b[14:]), 0, 1<<20)
	var out [][]byte
	for {
		k, err := p.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: packet %d: %v", path, len(out), err)
		}
		out = append(out, bytes.Clone(k.Data))
	}
}

func fileSize(t testing.TB, path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// TestTags: tags and a cover come back from our decoder and ffprobe; the
// vendor string is libvorbis's own.
func TestTags(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde")
	opt := vorbis.EncodeOptions{
		Quality:  4,
		Tags:     map[string]string{"title": "Tïtle", "artist": "Ärtist", "album": "Album", "year": "2024", "track": "3", "comment": "a=b"},
		Pictures: []audio.Picture{{MIME: "image/png", Type: 3, Description: "front", Data: png}},
	}
	x := audiotest.Signal(10000, 2, 44100, 1)
	path, b := encodeFile(t, x, 44100, 2, opt)
	info, _ := ownDecode(t, b)
	for k, v := range opt.Tags {
		if info.Tags[k] != v {
			t.Errorf("tag %s = %q, want %q", k, info.Tags[k], v)
		}
	}
	if len(info.Pictures) != 1 || !bytes.Equal(info.Pictures[0].Data, png) || info.Pictures[0].MIME != "image/png" || info.Pictures[0].Type != 3 {
		t.Errorf("pictures %+v", info.Pictures)
	}
	const vendor = "Xiph.Org libVorbis I 20200704 (Reducing Environment)"
	if !bytes.Contains(b, []byte(vendor)) || bytes.Contains(bytes.ToLower(b), []byte("offcut")) {
		t.Errorf("vendor string is not libvorbis's own, or the file names Offcut")
	}
	out, err := exec.Command(audiotest.Tool(t, "ffprobe"), "-v", "error", "-show_entries", "stream_tags:format_tags", "-of", "default=nw=1", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v %s", err, out)
	}
	for _, want := range []string{"TAG:title=Tïtle", "TAG:artist=Ärtist", "TAG:date=2024", "TAG:track=3"} {
		if !strings.Contains(strings.ToLower(string(out)), strings.ToLower(want)) {
			t.Errorf("ffprobe does not show %q:\n%s", want, out)
		}
	}
}

// TestHostileSettings: settings outside what the encoder takes are
// refused with errors that say which, wrapping ErrOptions and
// codec.ErrUnsupported, before anything is written.
func TestHostileSettings(t *testing.T) {
	for _, c := range []struct {
		rate, ch int
		q        float64
		want     string
	}{
		{44100, 2, 11, "quality 11 is outside -1..10"},
		{44100, 2, -2, "quality -2 is outside -1..10"},
		{44100, 2, math.NaN(), "quality NaN"},
		{44100, 2, math.Inf(1), "quality +Inf"},
		{44100, 0, 5, "0 channels; Vorbis output has 1 to 8"},
		{44100, 9, 5, "9 channels"},
		{44100, -1, 5, "-1 channels"},
		{0, 2, 5, "sample rate 0 Hz; the encoder takes 8000 to 192000 Hz"},
		{7999, 2, 5, "sample rate 7999 Hz"},
		{192001, 2, 5, "sample rate 192001 Hz"},
		{-44100, 2, 5, "sample rate -44100 Hz"},
	} {
		var buf bytes.Buffer
		_, err := vorbis.Encode(&buf, fakeStream{rate: c.rate, ch: c.ch}, vorbis.EncodeOptions{Quality: c.q})
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, vorbis.ErrOptions) || !errors.Is(err, codec.ErrUnsupported) {
			t.Errorf("%d Hz %d ch q%g: %v, want an ErrOptions mentioning %q", c.rate, c.ch, c.q, err, c.want)
		}
		if buf.Len() != 0 {
			t.Errorf("%d Hz %d ch q%g: %d bytes written", c.rate, c.ch, c.q, buf.Len())
		}
	}
	// A stream shorter than it says, and one that fails.
	var buf bytes.Buffer
	if _, err := vorbis.Encode(&buf, fakeStream{rate: 8000, ch: 1, n: 100, give: 50}, vorbis.EncodeOptions{}); err == nil || !strings.Contains(err.Error(), "ended after 50 of 100 frames") {
		t.Errorf("short stream: %v", err)
	}
	boom := errors.New("boom")
	if _, err := vorbis.Encode(&buf, fakeStream{rate: 8000, ch: 1, n: 100, err: boom}, vorbis.EncodeOptions{}); !errors.Is(err, boom) {
		t.Errorf("failing stream: %v", err)
	}
	// Non-finite and huge samples are encoded without a panic, to the
	// exact length.
	x := make([]float32, 4000)
	for i := range x {
		x[i] = [...]float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 1e30, -1e30, 0.5}[i%6]
	}
	buf.Reset()
	if res, err := vorbis.Encode(&buf, audio.Samples(8000, 1, x), vorbis.EncodeOptions{Quality: 3}); err != nil || res.Frames != 4000 {
		t.Errorf("hostile samples: %+v %v", res, err)
	}
	// A writer that fails.
	if _, err := vorbis.Encode(failWriter{}, audio.Samples(8000, 1, x[5:6]), vorbis.EncodeOptions{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("failing writer: %v", err)
	}
}

type fakeStream struct {
	rate, ch int
	n, give  int64
	err      error
}

func (s fakeStream) Rate() int     { return s.rate }
func (s fakeStream) Channels() int { return s.ch }
func (s fakeStream) Len() int64    { return s.n }
func (s fakeStream) Read(buf []float32) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.give > 0 {
		k := min(int64(len(buf)/s.ch), s.give)
		clear(buf[:k])
		return int(k), io.EOF
	}
	return 0, io.EOF
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

var update = flag.Bool("update", false, "rewrite testdata/golden.sha256 from a native encode")

// TestGolden encodes fixed signals and checks the SHA-256 of the files
// against testdata/golden.sha256, natively and under js/wasm, so both
// builds produce the same bytes.
func TestGolden(t *testing.T) {
	var lines []string
	for _, c := range []struct {
		rate, ch int
		q        float64
	}{{44100, 2, 5}, {22050, 1, 0}, {48000, 6, 3}, {16000, 1, -1}} {
		x := audiotest.Signal(c.rate*2, c.ch, c.rate, 7)
		var buf bytes.Buffer
		if _, err := vorbis.Encode(&buf, audio.Samples(c.rate, c.ch, x), vorbis.EncodeOptions{Quality: c.q, Tags: map[string]string{"title": "golden"}}); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(buf.Bytes())
		lines = append(lines, fmt.Sprintf("%dHz-%dch-q%g %s", c.rate, c.ch, c.q, hex.EncodeToString(sum[:])))
	}
	audiotest.Golden(t, filepath.Join("testdata", "golden.sha256"), lines, *update)
}

// TestWriterDeclaration: the registry entry writes, with quality -1..10
// (default 5) and nothing else, 8 to 192 kHz and up to 8 channels.
func TestWriterDeclaration(t *testing.T) {
	w := vorbis.Desc.Write
	if w == nil || !w.Tags || w.MaxChannels != 8 || !w.WritesRate(8000) || !w.WritesRate(192000) || w.WritesRate(7999) {
		t.Fatalf("writer %+v", w)
	}
	s, err := w.Settings(nil)
	if err != nil || s["quality"] != "5" {
		t.Errorf("defaults %v %v", s, err)
	}
	for _, bad := range []map[string]string{{"quality": "11"}, {"quality": "-2"}, {"quality": "5.5"}, {"bitrate": "128"}} {
		if _, err := w.Settings(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// TestEmpty: no frames make a valid file (headers and an empty last
// page) that oggdec and ffmpeg decode to nothing, without complaint.
func TestEmpty(t *testing.T) {
	path, b := encodeFile(t, nil, 44100, 2, vorbis.EncodeOptions{})
	if n := oggdecFrames(t, path, 2); n != 0 {
		t.Errorf("oggdec: %d frames", n)
	}
	if x := audiotest.FFmpegF32(t, path); len(x) != 0 {
		t.Errorf("ffmpeg: %d samples", len(x))
	}
	d, err := vorbis.Open(audio.NewBytesSource(b))
	if err == nil && d.Info().Frames != 0 || err != nil && !errors.Is(err, codec.ErrNoAudio) {
		t.Errorf("our decoder: %v", err)
	}
}

// TestConcurrent: encoders running at once share no state: each output
// equals a lone encode.
func TestConcurrent(t *testing.T) {
	x := audiotest.Signal(30000, 2, 44100, 5)
	enc := func() []byte {
		var buf bytes.Buffer
		if _, err := vorbis.Encode(&buf, audio.Samples(44100, 2, x), vorbis.EncodeOptions{Quality: 4}); err != nil {
			t.Error(err)
		}
		return buf.Bytes()
	}
	want := enc()
	got := make([][]byte, 4)
	done := make(chan int)
	for i := range got {
		go func() { got[i] = enc(); done <- i }()
	}
	for range got {
		<-done
	}
	for i, g := range got {
		if !bytes.Equal(g, want) {
			t.Errorf("concurrent encode %d differs", i)
		}
	}
}
