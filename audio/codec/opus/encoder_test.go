package opus

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/internal/packet"
	"offcut/audio/codec/wav"
)

// musicExpr is an ffmpeg aevalsrc expression: two channels of plucked
// notes changing four times a second over a moving bass, with noise bursts.
const musicExpr = "0.3*sin(2*PI*220*pow(2\\,mod(floor(t*4)*7\\,12)/12)*t)*exp(-4*mod(t\\,0.25))" +
	"+0.2*sin(2*PI*110*pow(2\\,mod(floor(t)*5\\,12)/12)*t)+0.08*(random(0)-0.5)*exp(-20*mod(t\\,0.5))" +
	"|0.3*sin(2*PI*330*pow(2\\,mod(floor(t*4)*5\\,12)/12)*t)*exp(-3*mod(t+0.125\\,0.25))" +
	"+0.2*sin(2*PI*165*pow(2\\,mod(floor(t)*3\\,12)/12)*t)+0.08*(random(1)-0.5)*exp(-20*mod(t+0.25\\,0.5))"

// material makes a 16-bit WAV in dir: "music" (stereo, ffmpeg aevalsrc)
// or "speech" (mono, sox: a gliding sawtooth voice, syllable-rate
// modulation, a formant band-pass), secs long at rate. Both are the same
// on every run (sox without dither).
func material(t testing.TB, dir, kind string, rate int, secs float64) string {
	t.Helper()
	path := filepath.Join(dir, fmt.Sprintf("%s-%d.wav", kind, rate))
	var cmd *exec.Cmd
	switch kind {
	case "music":
		cmd = exec.Command(audiotest.Tool(t, "ffmpeg"), "-v", "error", "-y", "-f", "lavfi",
			"-i", fmt.Sprintf("aevalsrc=%s:s=%d:d=%g", musicExpr, rate, secs), "-c:a", "pcm_s16le", path)
	case "speech":
		audiotest.SoxSpeech(t, path, rate, secs)
		return path
	default:
		t.Fatalf("no material %q", kind)
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, b)
	}
	return path
}

// readWAV decodes a WAV file with package wav.
func readWAV(t testing.TB, path string) (audio.Info, []float32) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := wav.Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	return d.Info(), audiotest.DecodeAll(t, d)
}

// encodeWAV encodes a WAV file with Encode.
func encodeWAV(t testing.TB, path string, opt EncoderOptions) ([]byte, Stats) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := wav.Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.Stream(0, d.Info().Frames)
	if err != nil {
		t.Fatal(err)
	}
	if opt.Bits == 0 {
		opt.Bits = d.Info().Format.Bits
	}
	var out bytes.Buffer
	st, err := Encode(&out, s, opt)
	if err != nil {
		t.Fatal(err)
	}
	if st.Bytes != int64(out.Len()) {
		t.Errorf("Stats.Bytes %d, wrote %d", st.Bytes, out.Len())
	}
	return out.Bytes(), st
}

// run runs a tool, failing the test with its output on an error.
func run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(audiotest.Tool(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return out
}

// rawF32 reads a raw little-endian float32 file.
func rawF32(t testing.TB, path string) []float32 {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := make([]float32, len(raw)/4)
	for i := range f {
		f[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return f
}

// decodeTools decodes file with opusdec (at the rate OpusHead records,
// as opusdec does by default) and, unless noFFmpeg, with ffmpeg (at
// 48 kHz), checking that neither says a word on stderr; it returns both
// decodes.
func decodeTools(t testing.TB, file []byte, ch int, noFFmpeg bool) (opusdec, ffmpeg []float32) {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "in.opus")
	if err := os.WriteFile(in, file, 0o644); err != nil {
		t.Fatal(err)
	}
	od, ff := filepath.Join(dir, "opusdec.raw"), filepath.Join(dir, "ffmpeg.raw")
	if out := run(t, "opusdec", "--quiet", "--float", in, od); len(out) > 0 {
		t.Errorf("opusdec says: %s", out)
	}
	if noFFmpeg {
		return rawF32(t, od), nil
	}
	if out := run(t, "ffmpeg", "-v", "error", "-i", in, "-f", "f32le", "-ac", fmt.Sprint(ch), "-y", ff); len(out) > 0 {
		t.Errorf("ffmpeg -v error says: %s", out)
	}
	return rawF32(t, od), rawF32(t, ff)
}

// TestEncodeLength encodes at several rates, channel counts and bitrates
// and checks that opusdec (at the input's rate), ffmpeg (48 kHz) and our
// own decoder decode exactly the source's length, without complaint.
func TestEncodeLength(t *testing.T) {
	audiotest.Tool(t, "opusdec")
	dir := t.TempDir()
	for _, c := range []struct {
		rate, ch, frames int
		opt              EncoderOptions
	}{
		{48000, 2, 48000*3 + 17, EncoderOptions{Bitrate: 96}},
		{44100, 2, 44100*2 + 5, EncoderOptions{Bitrate: 128}},
		{44100, 1, 1, EncoderOptions{Bitrate: 64}},
		{16000, 1, 16000 + 3, EncoderOptions{Bitrate: 16, Application: Voice}},
		{22050, 1, 22050, EncoderOptions{Bitrate: 6}},
		{48000, 2, 960*50 - 312, EncoderOptions{Bitrate: 510}},
		{96000, 2, 96000, EncoderOptions{Bitrate: 192}},
		{48000, 6, 48000, EncoderOptions{Bitrate: 256}},
	} {
		t.Run(fmt.Sprintf("%dHz-%dch-%dk-%d", c.rate, c.ch, c.opt.Bitrate, c.frames), func(t *testing.T) {
			in := filepath.Join(dir, fmt.Sprintf("in-%d-%d-%d.wav", c.rate, c.ch, c.frames))
			audiotest.WriteWAV(t, in, audio.Format{Rate: c.rate, Channels: c.ch, Bits: 16}, audiotest.Signal(c.frames, c.ch, c.rate, 3))
			file, st := encodeWAV(t, in, c.opt)
			n48 := EncodedFrames(int64(c.frames), c.rate)
			if st.Granule != int64(st.PreSkip)+n48 || st.PreSkip != 312 {
				t.Errorf("pre-skip %d, end granule %d; want 312 and %d", st.PreSkip, st.Granule, 312+n48)
			}
			od, ff := decodeTools(t, file, c.ch, false)
			// opusinfo checks the pages: granule positions, sequence
			// numbers, header placement.
			path := filepath.Join(t.TempDir(), "f.opus")
			if err := os.WriteFile(path, file, 0o644); err != nil {
				t.Fatal(err)
			}
			if out := string(run(t, "opusinfo", path)); strings.Contains(strings.ToLower(out), "warning") || strings.Contains(out, "ERROR") {
				t.Errorf("opusinfo:\n%s", out)
			}
			if got := int64(len(od) / c.ch); got != int64(c.frames) {
				t.Errorf("opusdec decoded %d frames at %d Hz, the source has %d", got, c.rate, c.frames)
			}
			if got := int64(len(ff) / c.ch); got != n48 {
				t.Errorf("ffmpeg decoded %d frames at 48 kHz, want %d", got, n48)
			}
			d, ours := decodeAll(t, file)
			if got := int64(len(ours) / c.ch); got != n48 || d.Info().Frames != n48 {
				t.Errorf("our decoder: %d frames (Info %d), want %d", got, d.Info().Frames, n48)
			}
			if h := d.Head(); h.InputRate != c.rate || h.Channels != c.ch || h.PreSkip != 312 {
				t.Errorf("OpusHead %+v", h)
			}
			// Pages of about a second: never one per packet.
			if secs := float64(n48) / Rate; st.Pages > int(secs)+4 {
				t.Errorf("%d pages for %.1f s", st.Pages, secs)
			}
			// Our decoder against libopus's (opusdec at 48 kHz).
			want := od
			if c.rate != Rate {
				want = opusdec(t, file)
			}
			packet.VorbisToWAV(want, c.ch)
			if q := audiotest.SNR(ours, want); len(want) != len(ours) || q < 90 {
				t.Errorf("our decode vs opusdec's: %d vs %d samples, %.1f dB", len(ours), len(want), q)
			}
			// Each channel where it belongs (a different sine in each):
			// the decode against the source, channel by channel. The LFE
			// of 5.1 and up (WAV channel 3) is coded as LFE, low-passed,
			// so its 1.3 kHz sine is gone, as with opusenc.
			if c.rate == Rate && c.frames > 4800 {
				src := audiotest.Signal(c.frames, c.ch, c.rate, 3)
				for k := range c.ch {
					if k == 3 && c.ch >= 6 {
						continue
					}
					var a, b []float32
					for i := k; i < len(src); i += c.ch {
						a, b = append(a, ours[i]), append(b, src[i])
					}
					if q := audiotest.SNR(a, b); q < 10 {
						t.Errorf("channel %d: %.1f dB against the source's", k, q)
					}
				}
			}
		})
	}
}

// quality decodes an Opus file with opusdec at the source's rate and
// measures it against the source: SNR, worst-5 % segmental SNR and the
// actual bitrate in kbit/s.
func quality(t testing.TB, file []byte, src []float32, ch, rate int) (snr, seg, kbps float64) {
	t.Helper()
	od, _ := decodeTools(t, file, ch, true)
	if len(od) != len(src) {
		t.Fatalf("opusdec decoded %d samples, the source has %d", len(od), len(src))
	}
	secs := float64(len(src)/ch) / float64(rate)
	return audiotest.SNR(od, src), audiotest.SegSNR(od, src, ch, rate), float64(len(file)) * 8 / secs / 1000
}

// opusenc encodes a WAV file with opusenc at kbps and extra arguments.
func opusencFile(t testing.TB, in string, kbps float64, args ...string) []byte {
	t.Helper()
	out := in + ".ref.opus"
	run(t, "opusenc", append(append([]string{"--quiet", "--bitrate", fmt.Sprintf("%.3f", kbps)}, args...), in, out)...)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// qualityCase is one comparison with opusenc.
type qualityCase struct {
	kind string
	rate int
	kbps int
	app  Application
}

// TestQualityMusic compares with opusenc on music-like material (see
// compareOpusenc).
func TestQualityMusic(t *testing.T) {
	compareOpusenc(t, []qualityCase{
		{"music", 48000, 128, Music},
		{"music", 48000, 64, Music},
		{"music", 44100, 96, Music},
		{"speech", 48000, 32, Music},
	})
}

// TestQualitySpeech compares with opusenc on speech-like material (see
// compareOpusenc).
func TestQualitySpeech(t *testing.T) {
	compareOpusenc(t, []qualityCase{
		{"speech", 48000, 32, Voice},
		{"speech", 16000, 24, Voice},
		{"speech", 8000, 12, Voice},
		{"speech", 44100, 20, Voice},
	})
}

// compareOpusenc compares SNR and worst-5 % segmental SNR against the
// source with opusenc's at the same settings (--music or --speech). When
// opusenc overshoots the bitrate by more than 3 % of ours (VBR), it is
// compared at our actual bitrate: its --bitrate is lowered until its file
// is no larger than ours.
func compareOpusenc(t *testing.T, cases []qualityCase) {
	audiotest.Tool(t, "opusenc")
	dir := t.TempDir()
	for _, c := range cases {
		name := map[Application]string{Music: "music", Voice: "speech"}[c.app]
		t.Run(fmt.Sprintf("%s-%d-%dk-%s", c.kind, c.rate, c.kbps, name), func(t *testing.T) {
			in := material(t, dir, c.kind, c.rate, 5)
			info, src := readWAV(t, in)
			ch := info.Format.Channels
			ours, _ := encodeWAV(t, in, EncoderOptions{Bitrate: c.kbps, Application: c.app})
			snr, seg, kbps := quality(t, ours, src, ch, c.rate)
			args := []string{"--" + name}
			ref := opusencFile(t, in, float64(c.kbps), args...)
			rsnr, rseg, rkbps := quality(t, ref, src, ch, c.rate)
			note := ""
			rsnr0, rseg0, rkbps0 := rsnr, rseg, rkbps
			if rkbps > kbps*1.03 {
				// Equal actual bitrate: scale opusenc's setting down.
				set := float64(c.kbps)
				for range 4 {
					set *= kbps / rkbps
					ref = opusencFile(t, in, set, args...)
					rsnr, rseg, rkbps = quality(t, ref, src, ch, c.rate)
					if rkbps <= kbps*1.01 {
						break
					}
				}
				note = fmt.Sprintf(" (opusenc overshot: %.2f dB, worst 5%% %.2f dB at %.1f kbit/s at --bitrate %d; compared at its --bitrate %.1f)", rsnr0, rseg0, rkbps0, c.kbps, set)
			}
			t.Logf("%s %d Hz %d kbit/s --%s: ours %.2f dB, worst 5%% %.2f dB at %.1f kbit/s; opusenc %.2f dB, worst 5%% %.2f dB at %.1f kbit/s%s",
				c.kind, c.rate, c.kbps, name, snr, seg, kbps, rsnr, rseg, rkbps, note)
			if snr < rsnr-0.5 || seg < rseg-0.5 {
				t.Errorf("more than 0.5 dB below opusenc")
			}
		})
	}
}

// goldenCases are encodes of audiotest signals with the sha256 of their
// bytes in the portable build (js/wasm, or -tags purego natively) and in
// the default amd64 build (libopus's SSE summation order, AVX2/FMA).
var goldenCases = []struct {
	name             string
	rate, ch, frames int
	opt              EncoderOptions
	portable, amd64  string
}{
	{"48k stereo 96k music", 48000, 2, 48000, EncoderOptions{Bitrate: 96, Bits: 16},
		"0848b2edda9f1a235657ecfff4472352d61b23c19e9dabe51a4b3faf12cc1cc5",
		"0ddf5a6c54da2e9f40ef9d24cd0aecdcb894fc388b899339ef91ac12d9f0beeb"},
	{"44.1k stereo 128k music", 44100, 2, 44100, EncoderOptions{Bitrate: 128, Bits: 16},
		"1d22fed1bb76cfba7f8d2864fa9cf3c961de868f3fb7979d1ad510968e0b6748",
		"cfaaab47b6b2649024bef7f44abc5ede559c0de93af07c7f9fdc40342a800496"},
	{"16k mono 24k voice", 16000, 1, 32000, EncoderOptions{Bitrate: 24, Application: Voice, Bits: 16},
		"f2088bbed7858f9a077494ee2b34589e09431bdf6a056047c40defa0e6e0b936",
		"f2088bbed7858f9a077494ee2b34589e09431bdf6a056047c40defa0e6e0b936"},
	{"48k 5.1 256k", 48000, 6, 24000, EncoderOptions{Bitrate: 256, Bits: 24, Tags: map[string]string{"title": "t"}},
		"4b6e22a72f1f73419eb42e5502f22c03bb2dc0a34362d74c455fca6d05b5104b",
		"a674a0f4fc5297ef45ce97f4ea9e873aa14f280760115a3ecbce594bf3443c3b"},
}

// TestGolden checks the encoder's bytes against recorded hashes: js/wasm
// and a native build with -tags purego must give the portable ones (so
// the browser's file equals such a CLI's byte for byte); the default amd64
// build gives its own (checked on CPUs with AVX2 and FMA).
func TestGolden(t *testing.T) {
	if !hostMatchesGolden() {
		t.Skipf("no recorded hashes for the %s build on this CPU", build)
	}
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			sig := audiotest.Signal(c.frames, c.ch, c.rate, 5)
			q := audiotest.WAV(audio.Format{Rate: c.rate, Channels: c.ch, Bits: 16}, sig)
			d, err := wav.Open(audio.NewBytesSource(q))
			if err != nil {
				t.Fatal(err)
			}
			s, err := d.Stream(0, d.Info().Frames)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if _, err := Encode(&out, s, c.opt); err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(out.Bytes())
			want := c.portable
			if build == "amd64" {
				want = c.amd64
			}
			if got := hex.EncodeToString(sum[:]); got != want {
				t.Errorf("%s build: sha256 %s, want %s (%d bytes)", build, got, want, out.Len())
			}
		})
	}
}
