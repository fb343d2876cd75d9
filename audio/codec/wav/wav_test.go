package wav_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/wav"
	"offcut/audio/plan"
)

var formats = []audio.Format{
	{Rate: 8000, Channels: 1, Bits: 8},
	{Rate: 44100, Channels: 2, Bits: 16},
	{Rate: 48000, Channels: 2, Bits: 24},
	{Rate: 96000, Channels: 1, Bits: 32},
	{Rate: 44100, Channels: 6, Bits: 16},
	{Rate: 48000, Channels: 2, Bits: 32, Float: true},
	{Rate: 22050, Channels: 3, Bits: 64, Float: true},
	{Rate: 48000, Channels: 8, Bits: 24},
}

func open(t testing.TB, b []byte) *wav.File {
	t.Helper()
	f, err := wav.Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return f
}

// decodeAll decodes all of f through audiotest.CheckStream, so every
// decode in these tests also checks the Stream contract (audiotest.DecodeAll
// only reads).
func decodeAll(t testing.TB, f *wav.File) []float32 {
	t.Helper()
	s, err := f.Stream(0, f.Info().Frames)
	if err != nil {
		t.Fatal(err)
	}
	return audiotest.CheckStream(t, s)
}

// TestRoundTrip decodes files written independently (audiotest.WAV) in every
// supported layout and checks the samples exactly.
func TestRoundTrip(t *testing.T) {
	for _, f := range formats {
		t.Run(f.String(), func(t *testing.T) {
			want := audiotest.Signal(1001, f.Channels, f.Rate, 1)
			b := audiotest.WAV(f, want)
			file := open(t, b)
			if got := file.Info().Format; got != f {
				t.Fatalf("format = %v, want %v", got, f)
			}
			if n := file.Info().Frames; n != 1001 {
				t.Fatalf("frames = %d, want 1001", n)
			}
			got := decodeAll(t, file)
			tol := map[int]float64{8: 1.0 / 128, 16: 1.0 / 32768, 24: 1.0 / 8388608, 32: 1e-7, 64: 1e-7}[f.Bits] / 2
			if f.Float {
				tol = 0
			}
			for i := range want {
				if d := math.Abs(float64(got[i] - want[i])); d > tol+1e-9 {
					t.Fatalf("sample %d = %v, want %v (diff %g > %g)", i, got[i], want[i], d, tol)
				}
			}
			// Range access agrees with the full decode.
			s, err := file.Stream(500, 600)
			if err != nil {
				t.Fatal(err)
			}
			part := audiotest.ReadAll(t, s)
			if !equal(part, got[500*f.Channels:600*f.Channels]) {
				t.Fatal("Stream(500, 600) differs from the same frames of a full decode")
			}
		})
	}
}

func equal(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestAgainstSox decodes files written by sox and compares with sox's own
// float decode of the same file.
func TestAgainstSox(t *testing.T) {
	sox := audiotest.Tool(t, "sox")
	dir := t.TempDir()
	for _, c := range []struct {
		args string
		ch   int
	}{
		{"-b 8 -e unsigned-integer", 1}, {"-b 16 -e signed-integer", 2}, {"-b 24 -e signed-integer", 6},
		{"-b 32 -e signed-integer", 2}, {"-b 32 -e floating-point", 2}, {"-b 64 -e floating-point", 1},
	} {
		name := filepath.Join(dir, strings.ReplaceAll(c.args, " ", "")+".wav")
		args := append(strings.Fields(c.args), "-r", "44100", "-c", fmt.Sprint(c.ch), name, "synth", "0.3", "sine", "300-3000", "gain", "-2")
		args = append([]string{"-n"}, args...)
		if out, err := exec.Command(sox, args...).CombinedOutput(); err != nil {
			t.Fatalf("sox %v: %v\n%s", args, err, out)
		}
		raw, err := exec.Command(sox, name, "-t", "f32", "-e", "floating-point", "-").Output()
		if err != nil {
			t.Fatalf("sox decode %s: %v", name, err)
		}
		b, _ := os.ReadFile(name)
		got := decodeAll(t, open(t, b))
		if len(got)*4 != len(raw) {
			t.Fatalf("%s: %d samples, sox decodes %d", c.args, len(got), len(raw)/4)
		}
		var worst float64
		for i := range got {
			want := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
			worst = math.Max(worst, math.Abs(float64(got[i]-want)))
		}
		if worst > 1e-7 {
			t.Errorf("%s: differs from sox by up to %g", c.args, worst)
		}
	}
}

// TestWrittenHeadersAreRead checks that sox and ffmpeg read every header
// this package writes, RF64 included, with the exact frame count.
func TestWrittenHeadersAreRead(t *testing.T) {
	soxi := audiotest.Tool(t, "soxi")
	dir := t.TempDir()
	for _, f := range formats {
		for _, rf64 := range []bool{false, true} {
			samples := audiotest.Signal(777, f.Channels, f.Rate, 2)
			name := filepath.Join(dir, fmt.Sprintf("%d-%d-%d-%v-%v.wav", f.Rate, f.Channels, f.Bits, f.Float, rf64))
			writeFile(t, name, f, samples, rf64)
			out, err := exec.Command(soxi, "-s", name).Output()
			if err != nil {
				t.Fatalf("soxi %s (%v, rf64 %v): %v\n%s", name, f, rf64, err, out)
			}
			if got := strings.TrimSpace(string(out)); got != "777" {
				t.Errorf("%v rf64=%v: soxi reads %s frames, want 777", f, rf64, got)
			}
			// And we read back what we wrote.
			b, _ := os.ReadFile(name)
			file := open(t, b)
			if file.Info().Format != f || file.Info().Frames != 777 {
				t.Errorf("%v rf64=%v: read back %v, %d frames", f, rf64, file.Info().Format, file.Info().Frames)
			}
		}
	}
	t.Run("ffprobe", func(t *testing.T) {
		ffprobe := audiotest.Tool(t, "ffprobe")
		name := filepath.Join(dir, "rf64.wav")
		writeFile(t, name, formats[2], audiotest.Signal(777, 2, 48000, 3), true)
		out, err := exec.Command(ffprobe, "-v", "error", "-count_packets", "-show_entries", "stream=sample_rate,channels", "-of", "csv=p=0", name).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "48000,2") {
			t.Errorf("ffprobe of an RF64 file: %v %s", err, out)
		}
	})
}

func writeFile(t testing.TB, name string, f audio.Format, samples []float32, rf64 bool) {
	t.Helper()
	frames := int64(len(samples) / f.Channels)
	hdr, err := wav.Header(f, frames, wav.HeaderOptions{ForceRF64: rf64})
	if err != nil {
		t.Fatal(err)
	}
	data := audiotest.WAV(f, samples)
	off := bytes.Index(data, []byte("data")) + 8
	body := data[off : off+len(samples)*f.BytesPerSample()]
	out := append(append(hdr, body...), wav.DataPad(f, frames)...)
	if err := os.WriteFile(name, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// chunk builds a RIFF chunk with a pad byte where needed.
func chunk(id string, payload []byte) []byte {
	b := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(payload)))...)
	b = append(b, payload...)
	if len(payload)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func riff(chunks ...[]byte) []byte {
	body := []byte("WAVE")
	for _, c := range chunks {
		body = append(body, c...)
	}
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

func fmtChunk(code, ch uint16, rate uint32, align, bits uint16) []byte {
	b := binary.LittleEndian.AppendUint16(nil, code)
	b = binary.LittleEndian.AppendUint16(b, ch)
	b = binary.LittleEndian.AppendUint32(b, rate)
	b = binary.LittleEndian.AppendUint32(b, rate*uint32(align))
	b = binary.LittleEndian.AppendUint16(b, align)
	b = binary.LittleEndian.AppendUint16(b, bits)
	return chunk("fmt ", b)
}

func info(entries ...string) []byte {
	b := []byte("INFO")
	for i := 0; i+1 < len(entries); i += 2 {
		b = append(b, chunk(entries[i], append([]byte(entries[i+1]), 0))...)
	}
	return chunk("LIST", b)
}

// TestChunkLayouts covers what real files carry around the data.
func TestChunkLayouts(t *testing.T) {
	pcm16 := fmtChunk(1, 2, 44100, 4, 16)
	data := chunk("data", make([]byte, 400))
	odd := chunk("junk", []byte{1, 2, 3}) // odd size, padded
	list := info("INAM", "Title of it", "IART", "Somebody")
	for _, c := range []struct {
		name   string
		file   []byte
		frames int64
		tags   map[string]string
		warn   string
	}{
		{"plain", riff(pcm16, data), 100, nil, ""},
		{"LIST and odd chunk before data", riff(odd, pcm16, list, odd, data), 100, map[string]string{"title": "Title of it", "artist": "Somebody"}, ""},
		{"chunks after data", riff(pcm16, data, list, chunk("cue ", make([]byte, 28))), 100, map[string]string{"title": "Title of it"}, ""},
		{"bext before fmt", riff(chunk("bext", make([]byte, 602)), pcm16, data), 100, nil, ""},
		{"data size 0 (streaming writer)", riff(pcm16, append([]byte("data\x00\x00\x00\x00"), make([]byte, 400)...)), 100, nil, "unset by a streaming writer"},
		{"data size 0xFFFFFFFF", riff(pcm16, append([]byte("data\xff\xff\xff\xff"), make([]byte, 404)...)), 101, nil, "unset"},
		{"truncated data", riff(pcm16, append([]byte("data\x00\x10\x00\x00"), make([]byte, 402)...)), 100, nil, "decoding what is there"},
		{"partial last frame", riff(pcm16, chunk("data", make([]byte, 403))), 100, nil, "partial frame"},
		{"LIST with non-INFO list", riff(pcm16, chunk("LIST", []byte("adtlxxxx")), data), 100, nil, ""},
		{"empty data chunk, tags after it", riff(pcm16, chunk("data", nil), list), 0, map[string]string{"title": "Title of it"}, ""},
		{"data size 0 and RIFF size 0", append(append([]byte("RIFF\x00\x00\x00\x00WAVE"), pcm16...), append([]byte("data\x00\x00\x00\x00"), make([]byte, 40)...)...), 10, nil, "unset"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := open(t, c.file)
			i := f.Info()
			if i.Frames != c.frames {
				t.Errorf("frames = %d, want %d", i.Frames, c.frames)
			}
			for k, v := range c.tags {
				if i.Tags[k] != v {
					t.Errorf("tag %s = %q, want %q", k, i.Tags[k], v)
				}
			}
			if c.warn != "" && !strings.Contains(strings.Join(i.Warnings, "; "), c.warn) {
				t.Errorf("warnings %q do not mention %q", i.Warnings, c.warn)
			}
			if c.warn == "" && len(i.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", i.Warnings)
			}
			decodeAll(t, f)
		})
	}
}

// TestHostileHeaders: every broken header gives a clear error, never a panic.
func TestHostileHeaders(t *testing.T) {
	pcm16 := fmtChunk(1, 2, 44100, 4, 16)
	data := chunk("data", make([]byte, 40))
	hugeList := append([]byte("LIST"), binary.LittleEndian.AppendUint32(nil, 16)...)
	hugeList = append(hugeList, "INFOINAM\xff\xff\xff\xff\x00\x00\x00\x00"...)
	for _, c := range []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"not riff", []byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00"), "not RIFF"},
		{"not wave", append([]byte("RIFF\x04\x00\x00\x00AVI "), make([]byte, 8)...), "not WAVE"},
		{"no fmt", riff(data), "no fmt chunk"},
		{"no data", riff(pcm16), "no data chunk"},
		{"short fmt", riff(chunk("fmt ", make([]byte, 10)), data), "want at least 16"},
		{"zero channels", riff(fmtChunk(1, 0, 44100, 4, 16), data), "0 channels"},
		{"zero rate", riff(fmtChunk(1, 2, 0, 4, 16), data), "0 Hz"},
		{"zero bits", riff(fmtChunk(1, 2, 44100, 4, 0), data), "0 bits"},
		{"block align mismatch", riff(fmtChunk(1, 2, 44100, 3, 16), data), "block align 3"},
		{"too many channels", riff(fmtChunk(1, 1000, 44100, 2000, 16), data), "1000 channels"},
		{"12-bit float", riff(fmtChunk(3, 1, 44100, 2, 16), data), "16-bit float"},
		{"adpcm", riff(fmtChunk(0x11, 1, 44100, 2, 16), data), "IMA ADPCM"},
		{"extensible too short", riff(fmtChunk(0xFFFE, 2, 44100, 4, 16), data), "want 40"},
		{"fmt claims 4 GiB", riff(append([]byte("fmt \xf0\xff\xff\xff"), make([]byte, 16)...)), "claims"},
		{"chunk claims past end", riff(pcm16, append([]byte("junk\x00\x00\x00\x40"), make([]byte, 8)...), data), "claims"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := wav.Open(audio.NewBytesSource(c.file))
			if err == nil {
				t.Fatal("Open succeeded, want an error")
			}
			if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "wav: ") {
				t.Fatalf("error %q does not start with wav: and mention %q", err, c.want)
			}
		})
	}
	// A LIST entry claiming 4 GiB must not reach go-audio (it would allocate it).
	f := open(t, riff(pcm16, hugeList, data))
	if !strings.Contains(strings.Join(f.Info().Warnings, ";"), "tags ignored") {
		t.Errorf("warnings = %q, want the bad LIST entry reported", f.Info().Warnings)
	}
	if !errors.Is(mustErr(wav.Open(audio.NewBytesSource(riff(fmtChunk(0x55, 1, 44100, 2, 16), data)))), wav.ErrUnsupported) {
		t.Error("MP3-in-WAV is not ErrUnsupported")
	}
}

func mustErr(_ *wav.File, err error) error { return err }

// TestHugeClaimAllocatesLittle: a 1 KiB file whose header claims 4 GiB of
// data opens and decodes while allocating under 16 MB.
func TestHugeClaimAllocatesLittle(t *testing.T) {
	file := riff(fmtChunk(1, 2, 44100, 4, 16), append([]byte("data\xf0\xff\xff\xff"), make([]byte, 960)...))
	if len(file) > 1024 {
		t.Fatalf("fixture is %d bytes", len(file))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, err := wav.Open(audio.NewBytesSource(file))
	if err != nil {
		t.Fatal(err)
	}
	audiotest.DecodeAll(t, f)
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
		t.Fatalf("allocated %d bytes for a 1 KiB file claiming 4 GiB", got)
	}
	if f.Info().Frames != 240 {
		t.Fatalf("frames = %d, want the 240 that are there", f.Info().Frames)
	}
}

// TestRF64Read reads an RF64 file whose real sizes live in ds64.
func TestRF64Read(t *testing.T) {
	f := audio.Format{Rate: 44100, Channels: 2, Bits: 16}
	samples := audiotest.Signal(300, 2, 44100, 5)
	hdr, err := wav.Header(f, 300, wav.HeaderOptions{ForceRF64: true})
	if err != nil {
		t.Fatal(err)
	}
	if string(hdr[:4]) != "RF64" || string(hdr[12:16]) != "ds64" {
		t.Fatalf("header starts %q", hdr[:16])
	}
	b := audiotest.WAV(f, samples)
	b = append(hdr, b[44:]...)
	// A trailing chunk after data must still be found through ds64's size.
	b = append(b, info("INAM", "after")...)
	file := open(t, b)
	if file.Info().Frames != 300 || file.Info().Tags["title"] != "after" {
		t.Fatalf("RF64: %d frames, tags %v", file.Info().Frames, file.Info().Tags)
	}
	if got := decodeAll(t, file); !equal(got, decodeAll(t, open(t, audiotest.WAV(f, samples)))) {
		t.Fatal("RF64 samples differ from the RIFF file's")
	}
}

// TestHeaderSwitchesToRF64 checks the size arithmetic at the 4 GiB line.
func TestHeaderSwitchesToRF64(t *testing.T) {
	f := audio.Format{Rate: 48000, Channels: 2, Bits: 16}
	small, _ := wav.Header(f, (0xFFFFFFFF-100)/4, wav.HeaderOptions{})
	big, _ := wav.Header(f, 0xFFFFFFFF/4+1, wav.HeaderOptions{})
	if string(small[:4]) != "RIFF" || string(big[:4]) != "RF64" {
		t.Fatalf("headers: %q below 4 GiB, %q above", small[:4], big[:4])
	}
	if n := binary.LittleEndian.Uint64(big[28:]); n != uint64(0xFFFFFFFF/4+1)*4 {
		t.Fatalf("ds64 data size = %d", n)
	}
}

// TestTailChunks carries metadata chunks byte for byte.
func TestTailChunks(t *testing.T) {
	src := riff(fmtChunk(1, 1, 8000, 2, 16), info("INAM", "odd"), chunk("data", make([]byte, 20)), chunk("bext", []byte{1, 2, 3}))
	f := open(t, src)
	var tail []wav.TailChunk
	for _, c := range f.MetadataChunks() {
		tail = append(tail, wav.TailChunk{Source: 0, Chunk: c})
	}
	if len(tail) != 2 {
		t.Fatalf("metadata chunks = %v", f.MetadataChunks())
	}
	hdr, _ := wav.Header(f.Info().Format, 10, wav.HeaderOptions{TailBytes: wav.TailSize(tail)})
	p := &plan.Plan{}
	p.Bytes(hdr)
	p.Range(0, 8+12+16+8+int64(len(info("INAM", "odd")))+8-8, 20)
	wav.AppendTail(p, tail)
	var out bytes.Buffer
	if _, err := p.WriteTo(&out, []audio.Source{audio.NewBytesSource(src)}, nil); err != nil {
		t.Fatal(err)
	}
	g := open(t, out.Bytes())
	if g.Info().Tags["title"] != "odd" || len(g.MetadataChunks()) != 2 || len(g.Info().Warnings) != 0 {
		t.Fatalf("copied file: tags %v, chunks %v, warnings %v", g.Info().Tags, g.Chunks(), g.Info().Warnings)
	}
	if binary.LittleEndian.Uint32(out.Bytes()[4:]) != uint32(out.Len()-8) {
		t.Fatalf("RIFF size %d, file %d", binary.LittleEndian.Uint32(out.Bytes()[4:]), out.Len())
	}
}
