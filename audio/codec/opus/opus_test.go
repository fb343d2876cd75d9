package opus

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/internal/packet"
)

// encode writes samples to a WAV file and encodes it with opusenc.
func encode(t testing.TB, rate, ch, frames int, args ...string) []byte {
	t.Helper()
	opusenc := audiotest.Tool(t, "opusenc")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.opus")
	sig := audiotest.Signal(frames, ch, rate, 7)
	audiotest.WriteWAV(t, in, audio.Format{Rate: rate, Channels: ch, Bits: 16}, sig)
	cmd := exec.Command(opusenc, append(append([]string{"--quiet"}, args...), in, out)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("opusenc: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// opusdec decodes a file with opusdec to interleaved float32 at 48 kHz.
func opusdec(t testing.TB, file []byte) []float32 {
	t.Helper()
	dec := audiotest.Tool(t, "opusdec")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.opus"), filepath.Join(dir, "out.raw")
	if err := os.WriteFile(in, file, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(dec, "--quiet", "--float", "--rate", "48000", in, out).CombinedOutput(); err != nil {
		t.Fatalf("opusdec: %v\n%s", err, b)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	f := make([]float32, len(raw)/4)
	for i := range f {
		f[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return f
}

// decodeAll opens b and decodes all of it.
func decodeAll(t testing.TB, b []byte) (*Decoder, []float32) {
	t.Helper()
	d, err := Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	return d, audiotest.DecodeAll(t, d)
}

type opusCase struct {
	name        string
	rate, ch, n int
	args        []string
}

var opusCases = []opusCase{
	{"8k mono 6kbps SILK", 8000, 1, 16000, []string{"--bitrate", "6"}},
	{"16k mono 16kbps SILK", 16000, 1, 32000, []string{"--bitrate", "16"}},
	{"48k mono 24kbps hybrid", 48000, 1, 96000, []string{"--bitrate", "24"}},
	{"48k stereo 128kbps CELT", 48000, 2, 96001, []string{"--bitrate", "128"}},
	{"48k stereo 64kbps 10ms", 48000, 2, 50000, []string{"--bitrate", "64", "--framesize", "10"}},
	{"48k 5.1 family 1", 48000, 6, 48000, []string{"--bitrate", "256"}},
}

func TestAgainstOpusdec(t *testing.T) {
	for _, c := range opusCases {
		t.Run(c.name, func(t *testing.T) {
			file := encode(t, c.rate, c.ch, c.n, c.args...)
			d, got := decodeAll(t, file)
			info := d.Info()
			if info.Format.Rate != Rate || info.Format.Channels != c.ch {
				t.Fatalf("format %v", info.Format)
			}
			wantFrames := int64(c.n) * Rate / int64(c.rate)
			if info.Frames != wantFrames {
				t.Errorf("Frames = %d, the input had %d (at 48 kHz)", info.Frames, wantFrames)
			}
			want := opusdec(t, file)
			packet.VorbisToWAV(want, c.ch) // opusdec writes raw PCM in Vorbis order
			if len(want) != len(got) {
				t.Fatalf("decoded %d samples, opusdec %d", len(got), len(want))
			}
			q := audiotest.SNR(got, want)
			t.Logf("%s: %d frames, SNR against opusdec %.1f dB", c.name, info.Frames, q)
			if q < 90 {
				t.Errorf("SNR %.1f dB < 90", q)
			}
			audiotest.CheckDecoder(t, audiotest.DecoderCase{
				Open:  func(src audio.Source) (audio.Decoder, error) { return Open(src) },
				File:  file,
				Want:  got,
				Seeks: 4,
			})
		})
	}
}

func TestFFmpegLibopus(t *testing.T) {
	ff := audiotest.Tool(t, "ffmpeg")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.opus")
	audiotest.WriteWAV(t, in, audio.Format{Rate: 44100, Channels: 2, Bits: 16}, audiotest.Signal(44100, 2, 44100, 3))
	if b, err := exec.Command(ff, "-v", "error", "-i", in, "-c:a", "libopus", "-b:a", "96k", out).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, b)
	}
	file, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	d, got := decodeAll(t, file)
	want := opusdec(t, file)
	if len(got) != len(want) {
		t.Fatalf("decoded %d samples, opusdec %d", len(got), len(want))
	}
	q := audiotest.SNR(got, want)
	t.Logf("ffmpeg libopus 44.1k stereo 96k: %d frames, SNR against opusdec %.1f dB", d.Info().Frames, q)
	if q < 90 {
		t.Errorf("SNR %.1f dB < 90", q)
	}
	if d.Info().Tags["encoder"] == "" {
		t.Errorf("no encoder tag: %v", d.Info().Tags)
	}
	audiotest.CheckDecoder(t, audiotest.DecoderCase{
		Open: func(src audio.Source) (audio.Decoder, error) { return Open(src) },
		File: file, Want: got, Seeks: 4,
	})
}

// TestBigCoverKeepsTags reads an opusenc file whose cover is 1.5 MB (its
// base64 comment over 2 MB): the title and the picture are both read.
func TestBigCoverKeepsTags(t *testing.T) {
	dir := t.TempDir()
	cover := filepath.Join(dir, "cover.png")
	// A PNG signature and random bytes: opusenc only sniffs the header.
	img := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00\x90\x91\x68\x36"), make([]byte, 1500000)...)
	for i := 33; i < len(img); i++ {
		img[i] = byte(i * 7919 >> 3)
	}
	if err := os.WriteFile(cover, img, 0o644); err != nil {
		t.Fatal(err)
	}
	b := encode(t, 48000, 1, 4800, "--title", "Big cover", "--picture", cover)
	d, err := Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	info := d.Info()
	if info.Tags["title"] != "Big cover" {
		t.Errorf("tags %v, want the title", info.Tags)
	}
	if len(info.Pictures) != 1 || info.Pictures[0].Size != int64(len(img)) {
		t.Errorf("pictures %+v, want one of %d bytes", info.Pictures, len(img))
	}
	for _, w := range info.Warnings {
		t.Errorf("warning: %s", w)
	}
}
