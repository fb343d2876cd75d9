package mkv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec"
)

// ffmpegEncode encodes the test signal with ffmpeg; extra inputs (e.g. a
// lavfi video source) come before the codec options.
func ffmpegEncode(t testing.TB, rate, ch, frames int, ext string, inputs []string, args ...string) []byte {
	t.Helper()
	ff := audiotest.Tool(t, "ffmpeg")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out."+ext)
	sig := audiotest.Signal(frames, ch, rate, 7)
	audiotest.WriteWAV(t, in, audio.Format{Rate: rate, Channels: ch, Bits: 16}, sig)
	a := append([]string{"-v", "error"}, inputs...)
	a = append(append(append(a, "-i", in), args...), out)
	if b, err := exec.Command(ff, a...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %q: %v\n%s", a, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ffmpegF32 decodes the audio with ffmpeg (decoder dec) to float32.
func ffmpegF32(t testing.TB, file []byte, dec string) []float32 {
	t.Helper()
	ff := audiotest.Tool(t, "ffmpeg")
	in := filepath.Join(t.TempDir(), "in.mkv")
	if err := os.WriteFile(in, file, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, stderr bytes.Buffer
	cmd := exec.Command(ff, "-v", "error", "-threads", "1", "-request_sample_fmt", "flt", "-c:a", dec, "-i", in, "-map", "0:a:0", "-f", "f32le", "-")
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, stderr.Bytes())
	}
	f := make([]float32, out.Len()/4)
	for i := range f {
		f[i] = math.Float32frombits(binary.LittleEndian.Uint32(out.Bytes()[4*i:]))
	}
	return f
}

func TestAgainstFFmpeg(t *testing.T) {
	video := []string{"-f", "lavfi", "-i", "testsrc=size=96x64:rate=5:duration=1"}
	for _, c := range []struct {
		name, ext   string
		rate, ch, n int
		inputs      []string
		args        []string
		dec         string
		frames      int64 // expected; 0: as many as ffmpeg gives
	}{
		{"webm opus stereo", "webm", 48000, 2, 96000, nil, []string{"-c:a", "libopus", "-b:a", "96k", "-metadata", "title=Ein Titel", "-metadata", "artist=Künstlerin"}, "libopus", 96000},
		{"mka opus mono 16k", "mka", 16000, 1, 20000, nil, []string{"-c:a", "libopus", "-b:a", "16k"}, "libopus", 60000},
		{"webm vorbis stereo", "webm", 44100, 2, 70000, nil, []string{"-c:a", "libvorbis", "-q:a", "4"}, "vorbis", 0},
		{"mka vorbis 5.1", "mka", 48000, 6, 40000, nil, []string{"-c:a", "libvorbis", "-q:a", "3"}, "vorbis", 0},
		{"webm vp8 + opus", "webm", 48000, 2, 48000, video, []string{"-map", "0:v", "-map", "1:a", "-c:v", "libvpx", "-c:a", "libopus", "-shortest"}, "libopus", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := ffmpegEncode(t, c.rate, c.ch, c.n, c.ext, c.inputs, c.args...)
			d, err := Open(audio.NewBytesSource(file))
			if err != nil {
				t.Fatal(err)
			}
			info := d.Info()
			s, err := d.Stream(0, info.Frames)
			if err != nil {
				t.Fatal(err)
			}
			got := audiotest.ReadAll(t, s)
			want := ffmpegF32(t, file, c.dec)
			if c.name == "webm opus stereo" && (info.Tags["title"] != "Ein Titel" || info.Tags["artist"] != "Künstlerin") {
				t.Errorf("tags %v", info.Tags)
			}
			if c.frames != 0 && info.Frames != c.frames {
				t.Errorf("Frames = %d, want %d", info.Frames, c.frames)
			}
			if len(got) != len(want) {
				t.Fatalf("decoded %d samples (%d frames), ffmpeg %d", len(got), info.Frames, len(want)/c.ch)
			}
			q := audiotest.SNR(got, want)
			t.Logf("%s: %s %s, %d frames, SNR against ffmpeg (-c:a %s) %.1f dB", c.name, info.Container, info.Codec, info.Frames, c.dec, q)
			if q < 90 {
				t.Errorf("SNR %.1f dB < 90", q)
			}
			audiotest.CheckDecoder(t, audiotest.DecoderCase{
				Open: func(src audio.Source) (audio.Decoder, error) { return Open(src) },
				File: file, Want: got, Seeks: 4,
			})
		})
	}
}

func TestHostile(t *testing.T) {
	ebml := []byte{0x1A, 0x45, 0xDF, 0xA3, 0x84, 0x42, 0x82, 0x81, 'x'}
	webm := []byte{0x1A, 0x45, 0xDF, 0xA3, 0x87, 0x42, 0x82, 0x84, 'w', 'e', 'b', 'm'}
	seg := []byte{0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff} // unknown size
	// Tracks claiming a 2 GB CodecPrivate.
	huge := append(append([]byte(nil), webm...), seg...)
	huge = append(huge, 0x16, 0x54, 0xAE, 0x6B, 0x10, 0x00, 0x00, 0x10, // Tracks, 4 KB
		0xAE, 0x10, 0x00, 0x00, 0x0c, // TrackEntry
		0x63, 0xA2, 0x08, 0x80, 0x00, 0x00, 0x00) // CodecPrivate, 2 GB
	for _, c := range []struct {
		name string
		b    []byte
		want error
	}{
		{"doc type", append(append([]byte(nil), ebml...), seg...), codec.ErrUnsupported},
		{"no tracks", append(append([]byte(nil), webm...), seg...), codec.ErrNoAudio},
		{"huge CodecPrivate", huge, codec.ErrMalformed},
	} {
		var before, after runtime_MemStats
		readMem(&before)
		_, err := Open(audio.NewBytesSource(c.b))
		readMem(&after)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		if a := after.TotalAlloc - before.TotalAlloc; a > 16<<20 {
			t.Errorf("%s: allocated %d bytes", c.name, a)
		}
	}
}

func FuzzDecode(f *testing.F) {
	if testing.Short() {
		f.Skip()
	}
	f.Add(ffmpegEncode(f, 48000, 2, 4800, "webm", nil, "-c:a", "libopus", "-b:a", "32k"))
	f.Add(ffmpegEncode(f, 22050, 1, 4800, "mka", nil, "-c:a", "libvorbis"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Open(audio.NewBytesSource(b))
		if err != nil {
			return
		}
		n := min(d.Info().Frames, 1<<13)
		s, err := d.Stream(n/3, n)
		if err != nil {
			return
		}
		buf := make([]float32, 4096*s.Channels())
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if _, err := s.Read(buf); err == io.EOF || err != nil {
				break
			}
		}
	})
}
