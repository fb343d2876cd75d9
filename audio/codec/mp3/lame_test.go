package mp3

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand"
	"offcut/audio/audiotest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
)

// writeWAV writes 16-bit PCM samples (interleaved) as a WAV file.
func writeWAV(t testing.TB, path string, rate, ch int, s []int16) {
	t.Helper()
	x := make([]float32, len(s))
	for i, v := range s {
		x[i] = float32(v) / 32768 // exact: WAV re-encodes the same int16
	}
	audiotest.WriteWAV(t, path, audio.Format{Rate: rate, Channels: ch, Bits: 16}, x)
}

// testSignal is a sweep plus a little noise, n frames of ch channels.
func testSignal(rate, ch, n int) []int16 {
	rng := rand.New(rand.NewSource(1))
	s := make([]int16, n*ch)
	for i := 0; i < n; i++ {
		t := float64(i) / float64(rate)
		f := 200 + 3000*t
		for c := 0; c < ch; c++ {
			v := 0.5*math.Sin(2*math.Pi*f*t+float64(c)) + 0.02*rng.NormFloat64()
			s[i*ch+c] = int16(v * 20000)
		}
	}
	return s
}

// snr is the signal-to-noise ratio of got against want (16-bit scale), and
// the correlation coefficient.
func snr(got []float32, want []int16) (float64, float64) {
	var sig, noise, xy, xx, yy float64
	for i := range want {
		w := float64(want[i]) / 32768
		g := float64(got[i])
		sig += w * w
		noise += (g - w) * (g - w)
		xy += g * w
		xx += g * g
		yy += w * w
	}
	return 10 * math.Log10(sig/noise), xy / math.Sqrt(xx*yy)
}

func TestLAMEGapless(t *testing.T) {
	lame := audiotest.Tool(t, "lame")
	dir := t.TempDir()
	cases := []struct {
		name     string
		rate, ch int
		n        int
		args     []string
		minSNR   float64
	}{
		{"cbr128-44k-stereo", 44100, 2, 44100 + 1234, []string{"-b", "128", "--add-id3v2", "--tt", "Sweep", "--ta", "Offcut"}, 20},
		{"vbr-V2-44k-stereo", 44100, 2, 44100 + 777, []string{"-V", "2"}, 20},
		{"cbr64-22k-mono", 22050, 1, 22050 + 99, []string{"-b", "64"}, 15},
		{"vbr-V5-8k-mono", 8000, 1, 8000*2 + 5, []string{"-V", "5"}, 8},
		{"cbr320-48k-joint", 48000, 2, 48000 / 3, []string{"-b", "320", "-m", "j"}, 25},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := testSignal(tc.rate, tc.ch, tc.n)
			wav := filepath.Join(dir, tc.name+".wav")
			mp3 := filepath.Join(dir, tc.name+".mp3")
			writeWAV(t, wav, tc.rate, tc.ch, src)
			args := append([]string{"--quiet", "-q", "2"}, tc.args...)
			args = append(args, wav, mp3)
			if out, err := exec.Command(lame, args...).CombinedOutput(); err != nil {
				t.Fatalf("lame: %v\n%s", err, out)
			}
			b, err := os.ReadFile(mp3)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Open(audio.NewBytesSource(b))
			if err != nil {
				t.Fatal(err)
			}
			info := d.Info()
			if info.Frames != int64(tc.n) {
				t.Fatalf("decoded length %d, source has %d frames (tag %+v)", info.Frames, tc.n, d.Layout().Tag)
			}
			if strings.Contains(strings.Join(tc.args, " "), "--tt") && (info.Tags["title"] != "Sweep" || info.Tags["artist"] != "Offcut") {
				t.Errorf("tags %v, want title Sweep, artist Offcut", info.Tags)
			}
			if info.Format.Rate != tc.rate || info.Format.Channels != tc.ch {
				t.Fatalf("format %v, want %d Hz %d ch", info.Format, tc.rate, tc.ch)
			}
			pcm := audiotest.DecodeAll(t, d)
			if len(pcm) != len(src) {
				t.Fatalf("decoded %d samples, want %d", len(pcm), len(src))
			}
			// skip the first and last 1000 frames' edges: none; the decode
			// is aligned sample for sample with the source.
			r, corr := snr(pcm, src)
			t.Logf("%s: %d frames, SNR %.1f dB, correlation %.5f", tc.name, tc.n, r, corr)
			// (the encoder's lowpass limits the SNR at low rates)
			if r < tc.minSNR || corr < 0.95 {
				t.Errorf("SNR %.1f dB, correlation %.4f: want >= %.0f dB and >= 0.95", r, corr, tc.minSNR)
			}
			// The same file decoded by lame itself (which honours the tag
			// the same way) must agree closely.
			dec := filepath.Join(dir, tc.name+".dec.wav")
			if out, err := exec.Command(lame, "--quiet", "--decode", mp3, dec).CombinedOutput(); err != nil {
				t.Fatalf("lame --decode: %v\n%s", err, out)
			}
			wb, err := os.ReadFile(dec)
			if err != nil {
				t.Fatal(err)
			}
			ref := wavData(t, wb)
			if len(ref) != len(src) {
				t.Logf("lame --decode gave %d samples (source %d)", len(ref), len(src))
			} else {
				p := psnr(pcm, int16Bytes(ref))
				t.Logf("%s: PSNR against lame --decode %.1f dB", tc.name, p)
				if p < 90 {
					t.Errorf("PSNR against lame --decode %.1f dB < 90", p)
				}
			}
		})
	}
}

// TestFFmpegAgrees compares a decode with FFmpeg's (which also honours the
// LAME tag).
func TestFFmpegAgrees(t *testing.T) {
	lame := audiotest.Tool(t, "lame")
	ffmpeg := audiotest.Tool(t, "ffmpeg")
	dir := t.TempDir()
	src := testSignal(44100, 2, 50000)
	wav := filepath.Join(dir, "a.wav")
	mp3 := filepath.Join(dir, "a.mp3")
	writeWAV(t, wav, 44100, 2, src)
	if out, err := exec.Command(lame, "--quiet", "-V", "4", wav, mp3).CombinedOutput(); err != nil {
		t.Fatalf("lame: %v\n%s", err, out)
	}
	out, err := exec.Command(ffmpeg, "-v", "error", "-i", mp3, "-f", "s16le", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg: %v", err)
	}
	b, _ := os.ReadFile(mp3)
	d, err := Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	pcm := audiotest.DecodeAll(t, d)
	if len(out)/2 != len(pcm) {
		t.Fatalf("ffmpeg decoded %d samples, we decoded %d", len(out)/2, len(pcm))
	}
	p := psnr(pcm, out)
	t.Logf("PSNR against ffmpeg: %.1f dB", p)
	if p < 90 {
		t.Errorf("PSNR against ffmpeg %.1f dB < 90", p)
	}
}

func wavData(t *testing.T, b []byte) []int16 {
	t.Helper()
	i := bytes.Index(b, []byte("data"))
	if i < 0 || i+8 > len(b) {
		t.Fatal("no data chunk in decoded WAV")
	}
	n := int(binary.LittleEndian.Uint32(b[i+4:]))
	d := b[i+8:]
	if n > len(d) || n == 0 || n == -1 {
		n = len(d)
	}
	out := make([]int16, n/2)
	binary.Read(bytes.NewReader(d[:n/2*2]), binary.LittleEndian, out)
	return out
}

func int16Bytes(s []int16) []byte {
	b := make([]byte, 2*len(s))
	for i, v := range s {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}
