package aiff_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec"
	"offcut/audio/codec/aiff"
	"offcut/audio/codec/wav"
)

func run(t testing.TB, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAgainstWAV converts a WAV file made by sox to AIFF and AIFF-C with
// sox and ffmpeg in every sample layout, and expects the AIFF decode to
// equal the WAV decode of the same samples bit for bit.
func TestAgainstWAV(t *testing.T) {
	sox := audiotest.Tool(t, "sox")
	ffmpeg := audiotest.Tool(t, "ffmpeg")
	dir := t.TempDir()
	for _, c := range []struct {
		name     string
		src      string // sox encoding of the source WAV
		ch       int
		tool     string
		args     string // conversion arguments; {in} and {out} are replaced
		ext      string
		codec    string
		wavePCM  bool // implements audio.PCMLayout
		bits     int
		floating bool
	}{
		{"sox-s8", "-b 8 -e unsigned-integer", 1, sox, "{in} -b 8 -e signed-integer {out}", "aiff", "pcm_s8", false, 8, false},
		{"sox-s16", "-b 16 -e signed-integer", 2, sox, "{in} {out}", "aiff", "pcm_s16be", false, 16, false},
		{"sox-s24", "-b 24 -e signed-integer", 6, sox, "{in} {out}", "aiff", "pcm_s24be", false, 24, false},
		{"sox-s32", "-b 32 -e signed-integer", 2, sox, "{in} {out}", "aiff", "pcm_s32be", false, 32, false},
		{"sox-aifc-s16", "-b 16 -e signed-integer", 2, sox, "{in} {out}", "aifc", "pcm_s16be", false, 16, false},
		{"ffmpeg-s16be", "-b 16 -e signed-integer", 2, ffmpeg, "-i {in} -c:a pcm_s16be {out}", "aiff", "pcm_s16be", false, 16, false},
		{"ffmpeg-s24be", "-b 24 -e signed-integer", 2, ffmpeg, "-i {in} -c:a pcm_s24be {out}", "aiff", "pcm_s24be", false, 24, false},
		{"ffmpeg-s32be", "-b 32 -e signed-integer", 1, ffmpeg, "-i {in} -c:a pcm_s32be {out}", "aiff", "pcm_s32be", false, 32, false},
		{"ffmpeg-f32be", "-b 32 -e floating-point", 2, ffmpeg, "-i {in} -c:a pcm_f32be {out}", "aifc", "pcm_f32be", false, 32, true},
		{"ffmpeg-f64be", "-b 64 -e floating-point", 1, ffmpeg, "-i {in} -c:a pcm_f64be {out}", "aifc", "pcm_f64be", false, 64, true},
		{"ffmpeg-sowt16", "-b 16 -e signed-integer", 2, ffmpeg, "-i {in} -c:a pcm_s16le -f aiff {out}", "aifc", "pcm_s16le", true, 16, false},
		{"ffmpeg-s8", "-b 8 -e unsigned-integer", 2, ffmpeg, "-i {in} -c:a pcm_s8 {out}", "aiff", "pcm_s8", false, 8, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := filepath.Join(dir, c.name+".wav")
			out := filepath.Join(dir, c.name+"."+c.ext)
			run(t, sox, append(append([]string{"-n"}, strings.Fields(c.src)...),
				"-r", "44100", "-c", fmt.Sprint(c.ch), src, "synth", "0.3", "sine", "300-3000", "gain", "-2")...)
			args := strings.Fields(strings.NewReplacer("{in}", src, "{out}", out).Replace(c.args))
			if c.tool == ffmpeg {
				args = append([]string{"-v", "error", "-y"}, args...)
			}
			run(t, c.tool, args...)
			w, err := wav.Open(audio.NewBytesSource(readFile(t, src)))
			if err != nil {
				t.Fatal(err)
			}
			want := audiotest.DecodeAll(t, w)
			b := readFile(t, out)
			d, err := aiff.OpenDecoder(audio.NewBytesSource(b))
			if err != nil {
				t.Fatal(err)
			}
			info := d.Info()
			if info.Codec != c.codec || info.Container != c.ext || info.Format.Bits != c.bits || info.Format.Float != c.floating {
				t.Errorf("Info: container %q codec %q format %v; want %q %q %d-bit float=%v", info.Container, info.Codec, info.Format, c.ext, c.codec, c.bits, c.floating)
			}
			if info.Format.Rate != 44100 || info.Format.Channels != c.ch {
				t.Errorf("format %v, want 44100 Hz %d ch", info.Format, c.ch)
			}
			if len(info.Warnings) > 0 {
				t.Errorf("warnings on a well-formed file: %q", info.Warnings)
			}
			if _, ok := d.(audio.PCMLayout); ok != c.wavePCM {
				t.Errorf("implements audio.PCMLayout = %v, want %v", ok, c.wavePCM)
			}
			if l, ok := d.(audio.PCMLayout); ok {
				// The layout really is WAV's: the same bytes as the WAV's data.
				off, f := l.PCMData()
				wo, _ := w.PCMData()
				n := info.Frames * int64(f.BytesPerFrame())
				if !slices.Equal(b[off:off+n], readFile(t, src)[wo:wo+n]) {
					t.Errorf("PCMData bytes differ from the WAV's data")
				}
			}
			got := audiotest.DecodeAll(t, d)
			if len(got) != len(want) {
				t.Fatalf("decoded %d samples, the WAV has %d", len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("sample %d = %v, the WAV has %v", i, got[i], want[i])
				}
			}
			audiotest.CheckDecoder(t, audiotest.DecoderCase{Open: aiff.OpenDecoder, File: b, Want: want})
		})
	}
}

// TestTags reads ffmpeg's NAME/ANNO text chunks and its ID3 chunk with an
// attached picture.
func TestTags(t *testing.T) {
	ffmpeg := audiotest.Tool(t, "ffmpeg")
	dir := t.TempDir()
	src := filepath.Join(dir, "src.wav")
	png := filepath.Join(dir, "cover.png")
	out := filepath.Join(dir, "tags.aiff")
	run(t, ffmpeg, "-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=0.2", "-ac", "2", src)
	run(t, ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc=size=32x32:duration=0.1", "-frames:v", "1", png)
	run(t, ffmpeg, "-v", "error", "-i", src, "-c:a", "pcm_s16be", "-metadata", "title=Tïtle", "-metadata", "comment=Cmt",
		"-metadata", "author=Auth", out)
	d, err := aiff.Open(audio.NewBytesSource(readFile(t, out)))
	if err != nil {
		t.Fatal(err)
	}
	tags := d.Info().Tags
	if tags["title"] != "Tïtle" || tags["comment"] != "Cmt" || tags["artist"] != "Auth" {
		t.Errorf("text chunk tags = %q", tags)
	}
	out = filepath.Join(dir, "id3.aiff")
	run(t, ffmpeg, "-v", "error", "-i", src, "-i", png, "-map", "0", "-map", "1", "-c:a", "pcm_s16be", "-c:v", "copy",
		"-disposition:v", "attached_pic", "-metadata", "title=Id3 Title", "-metadata", "artist=Art", "-metadata", "album=Alb",
		"-write_id3v2", "1", out)
	pngBytes := readFile(t, png)
	d, err = aiff.Open(audio.NewBytesSource(readFile(t, out)))
	if err != nil {
		t.Fatal(err)
	}
	info := d.Info()
	if info.Tags["title"] != "Id3 Title" || info.Tags["artist"] != "Art" || info.Tags["album"] != "Alb" {
		t.Errorf("ID3 tags = %q", info.Tags)
	}
	if len(info.Pictures) != 1 || info.Pictures[0].MIME != "image/png" || !slices.Equal(info.Pictures[0].Data, pngBytes) {
		t.Errorf("pictures = %+v, want the %d-byte PNG", info.Pictures, len(pngBytes))
	}
}

// build returns an AIFF-C file with the given COMM fields and samples.
func build(form, compression string, ch, bits int, frames uint32, rate [10]byte, data []byte) []byte {
	comm := binary.BigEndian.AppendUint16(nil, uint16(ch))
	comm = binary.BigEndian.AppendUint32(comm, frames)
	comm = binary.BigEndian.AppendUint16(comm, uint16(bits))
	comm = append(comm, rate[:]...)
	if form == "AIFC" {
		comm = append(comm, compression...)
		comm = append(comm, 0, 0)
	}
	b := []byte("FORM\x00\x00\x00\x00" + form)
	b = append(b, "COMM"...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(comm)))
	b = append(b, comm...)
	b = append(b, "SSND"...)
	b = binary.BigEndian.AppendUint32(b, uint32(8+len(data)))
	b = append(b, make([]byte, 8)...)
	b = append(b, data...)
	if len(data)&1 == 1 {
		b = append(b, 0)
	}
	binary.BigEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

// rate8k is 8000 as an 80-bit extended float.
var rate8k = [10]byte{0x40, 0x0B, 0xFA, 0, 0, 0, 0, 0, 0, 0}

// TestRawOffsetBinary decodes "raw " 8-bit samples as WAV's unsigned 8-bit.
func TestRawOffsetBinary(t *testing.T) {
	data := []byte{0, 64, 128, 192, 255}
	d, err := aiff.OpenDecoder(audio.NewBytesSource(build("AIFC", "raw ", 1, 8, 5, rate8k, data)))
	if err != nil {
		t.Fatal(err)
	}
	if d.Info().Format.Rate != 8000 || d.Info().Codec != "pcm_u8" {
		t.Fatalf("info %+v", d.Info())
	}
	if _, ok := d.(audio.PCMLayout); !ok {
		t.Error("8-bit offset binary is WAV's layout but does not implement audio.PCMLayout")
	}
	want := []float32{-1, -0.5, 0, 0.5, 127.0 / 128}
	if got := audiotest.DecodeAll(t, d); !slices.Equal(got, want) {
		t.Fatalf("decoded %v, want %v", got, want)
	}
}

// TestUnsupported expects compressed AIFF-C to be refused by name.
func TestUnsupported(t *testing.T) {
	ffmpeg := audiotest.Tool(t, "ffmpeg")
	dir := t.TempDir()
	out := filepath.Join(dir, "ulaw.aiff")
	run(t, ffmpeg, "-v", "error", "-f", "lavfi", "-i", "sine=d=0.1", "-c:a", "pcm_mulaw", out)
	_, err := aiff.Open(audio.NewBytesSource(readFile(t, out)))
	if !errors.Is(err, codec.ErrUnsupported) || !strings.Contains(err.Error(), "ulaw") {
		t.Fatalf("err = %v, want ErrUnsupported naming ulaw", err)
	}
	_, err = aiff.Open(audio.NewBytesSource(build("AIFC", "ima4", 1, 16, 0, rate8k, nil)))
	if !errors.Is(err, codec.ErrUnsupported) || !strings.Contains(err.Error(), "ima4") {
		t.Fatalf("err = %v, want ErrUnsupported naming ima4", err)
	}
}

// TestHostileSizes opens headers claiming huge chunks, frame counts and
// offsets: each is an error or a bounded decode, allocating well under
// 16 MB.
func TestHostileSizes(t *testing.T) {
	data := make([]byte, 64)
	cases := map[string][]byte{}
	b := build("AIFF", "", 2, 16, 0xFFFFFFFF, rate8k, data)
	cases["frames 2^32-1"] = b
	b = build("AIFF", "", 2, 16, 16, rate8k, data)
	binary.BigEndian.PutUint32(b[16:], 0xFFFFFFF0) // COMM size
	cases["COMM 4 GB"] = b
	b = build("AIFF", "", 2, 16, 16, rate8k, data)
	binary.BigEndian.PutUint32(b[len(b)-len(data)-12:], 0xFFFFFFF0) // SSND size
	cases["SSND 4 GB"] = b
	b = build("AIFF", "", 2, 16, 16, rate8k, data)
	binary.BigEndian.PutUint32(b[len(b)-len(data)-8:], 0xFFFFFFF0) // SSND offset
	cases["SSND offset 4 GB"] = b
	b = build("AIFF", "", 2, 16, 16, rate8k, data)
	b = append(b, "ID3 \xff\xff\xff\xf0ID3\x04\x00\x00\x7f\x7f\x7f\x7f"...)
	binary.BigEndian.PutUint32(b[4:], uint32(len(b)-8))
	cases["ID3 4 GB"] = b
	b = build("AIFF", "", 2, 16, 16, [10]byte{0x7F, 0xFF, 0xFF}, data)
	cases["rate infinite"] = b
	b = build("AIFF", "", 2, 16, 16, [10]byte{0x40, 0x40, 0xFF}, data)
	cases["rate huge"] = b
	b = build("AIFF", "", 0x7FFF, 16, 16, rate8k, data)
	cases["channels 32767"] = b
	b = build("AIFF", "", 2, 16, 16, rate8k, data)
	binary.BigEndian.PutUint32(b[4:], 0xFFFFFFF0)
	cases["FORM 4 GB"] = b
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			allocs := allocBytes(func() {
				d, err := aiff.Open(audio.NewBytesSource(b))
				if err != nil {
					return
				}
				if n := d.Info().Frames; n > 16 {
					t.Errorf("%d frames claimed from 64 bytes of samples", n)
				}
				s, err := d.Stream(0, d.Info().Frames)
				if err != nil {
					t.Fatal(err)
				}
				audiotest.ReadAll(t, s)
			})
			if allocs > 16<<20 {
				t.Errorf("allocated %d bytes", allocs)
			}
		})
	}
}

// allocBytes returns how many bytes f allocates.
func allocBytes(f func()) uint64 {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	f()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}
