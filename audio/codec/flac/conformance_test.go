package flac

import (
	"bytes"
	"crypto/md5"
	"errors"
	"hash"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec"
)

// conformanceDir finds ../shared/conformance/flac/sub relative to the
// directory that holds go.mod.
func conformanceDir(t testing.TB, sub string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("go.mod not found above the package directory")
		}
		dir = parent
	}
	c := filepath.Join(dir, "..", "shared", "conformance", "flac", sub)
	if _, err := os.Stat(c); err != nil {
		audiotest.Missing(t, "conformance vectors not found at %s", c)
	}
	return c
}

func flacFiles(t testing.TB, sub string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(conformanceDir(t, sub), "*.flac"))
	if err != nil || len(files) == 0 {
		audiotest.Missing(t, "no FLAC files in %s (%v)", sub, err)
	}
	return files
}

// pcmHash hashes decoded samples the way STREAMINFO's MD5 is computed:
// signed little-endian integers of (bits+7)/8 bytes, interleaved.
// With justify, samples are shifted to the top of their bytes, as in WAV.
type pcmHash struct {
	h     hash.Hash
	bits  int
	bytes int
	shift int
	buf   []byte
}

func newPCMHash(bits int, justify bool) *pcmHash {
	p := &pcmHash{h: md5.New(), bits: bits, bytes: (bits + 7) / 8}
	if justify {
		p.shift = 8*p.bytes - bits
	}
	return p
}

func (p *pcmHash) write(samples []float32) {
	need := len(samples) * p.bytes
	if cap(p.buf) < need {
		p.buf = make([]byte, need)
	}
	b := p.buf[:need]
	sc := float32(int64(1) << (p.bits - 1))
	switch p.bytes {
	case 1:
		for i, f := range samples {
			b[i] = byte(int32(f*sc) << p.shift)
		}
	case 2:
		for i, f := range samples {
			v := int32(f*sc) << p.shift
			b[2*i], b[2*i+1] = byte(v), byte(v>>8)
		}
	default:
		for i, f := range samples {
			v := int32(f*sc) << p.shift
			for k := range p.bytes {
				b[p.bytes*i+k] = byte(v >> (8 * k))
			}
		}
	}
	p.h.Write(b)
}

// decodeMD5 decodes the whole file and returns the MD5 of its samples and
// the number of frames.
func decodeMD5(t testing.TB, d *Decoder, justify bool) ([16]byte, int64) {
	t.Helper()
	info := d.Info()
	s, err := d.Stream(0, info.Frames)
	if err != nil {
		t.Fatal(err)
	}
	h := newPCMHash(d.StreamInfo().BitsPerSample, justify)
	buf := make([]float32, 4096*info.Format.Channels)
	var frames int64
	for {
		n, err := s.Read(buf)
		h.write(buf[:n*info.Format.Channels])
		frames += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d frames: %v", frames, err)
		}
	}
	var sum [16]byte
	copy(sum[:], h.h.Sum(nil))
	return sum, frames
}

// TestSubset decodes every file of the conformance subset: the MD5 of the
// decode equals the STREAMINFO MD5 and the MD5 of `flac -d`'s output.
func TestSubset(t *testing.T) {
	var flacBin string
	if runtime.GOOS != "js" {
		flacBin = audiotest.Tool(t, "flac")
	}
	passed := 0
	files := flacFiles(t, "subset")
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := audio.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			d, err := Open(src)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			sum, frames := decodeMD5(t, d, false)
			if frames != d.Info().Frames {
				t.Fatalf("decoded %d frames, Info says %d", frames, d.Info().Frames)
			}
			if si := d.StreamInfo(); si.MD5 != ([16]byte{}) && sum != si.MD5 {
				t.Fatalf("MD5 %x, STREAMINFO says %x", sum, si.MD5)
			}
			if flacBin != "" {
				// flac writes raw output for whole-byte depths only; other
				// depths are compared through its WAV output, where samples
				// are shifted to the top of their bytes.
				justify := d.StreamInfo().BitsPerSample%8 != 0
				ref := flacDecode(t, flacBin, path, justify)
				if justify {
					sum, _ = decodeMD5(t, d, true)
				}
				if ref != sum {
					t.Fatalf("MD5 %x, flac -d gives %x", sum, ref)
				}
			}
			passed++
		})
	}
	t.Logf("%d of %d subset files decode with matching MD5", passed, len(files))
}

// TestUncommon decodes the uncommon files or refuses them with
// codec.ErrUnsupported; those decoded match their MD5.
func TestUncommon(t *testing.T) {
	for _, path := range flacFiles(t, "uncommon") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := audio.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			d, err := Open(src)
			if err == nil {
				var frames int64
				var sum [16]byte
				s, err2 := d.Stream(0, d.Info().Frames)
				if err2 == nil {
					_, err2 = drain(s)
				}
				if err2 == nil {
					sum, frames = decodeMD5(t, d, false)
					if d.StreamInfo().BitsPerSample > 24 {
						// float32 cannot hold 32-bit samples: hash the integers.
						sum, frames = decodeIntMD5(t, d)
					}
					if si := d.StreamInfo(); frames != d.Info().Frames || (si.MD5 != ([16]byte{}) && sum != si.MD5) {
						t.Fatalf("decoded %d frames (Info %d), MD5 %x, STREAMINFO %x", frames, d.Info().Frames, sum, si.MD5)
					}
					t.Logf("decoded: %d frames, MD5 matches", frames)
					return
				}
				err = err2
			}
			if !errors.Is(err, codec.ErrUnsupported) {
				t.Fatalf("neither decoded nor refused as unsupported: %v", err)
			}
			t.Logf("refused: %v", err)
		})
	}
}

// drain reads s to the end, counting frames.
func drain(s audio.Stream) (int64, error) {
	buf := make([]float32, 4096*s.Channels())
	var n int64
	for {
		k, err := s.Read(buf)
		n += int64(k)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// TestFaulty opens and decodes each faulty file: errors are expected, a
// panic, a hang or a runaway allocation is not.
func TestFaulty(t *testing.T) {
	for _, path := range flacFiles(t, "faulty") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			msg := decodeHostile(b)
			runtime.ReadMemStats(&ms1)
			if alloc := ms1.TotalAlloc - ms0.TotalAlloc; alloc > 64<<20 {
				t.Errorf("allocated %d MB", alloc>>20)
			}
			t.Log(msg)
		})
	}
}

// decodeHostile opens and decodes b, returning what happened.
func decodeHostile(b []byte) string {
	d, err := Open(audio.NewBytesSource(b))
	if err != nil {
		return "open: " + err.Error()
	}
	var msgs []string
	for _, from := range []int64{0, d.Info().Frames / 2} {
		s, err := d.Stream(from, d.Info().Frames)
		if err != nil {
			msgs = append(msgs, "stream: "+err.Error())
			continue
		}
		n, err := drain(s)
		if err != nil {
			msgs = append(msgs, err.Error())
		} else {
			msgs = append(msgs, "decoded "+itoa(n)+" frames")
		}
	}
	return strings.Join(msgs, "; ")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// flacDecode runs flac -d on path and returns the MD5 of its samples: raw
// little-endian output, or the data chunk of its WAV output.
func flacDecode(t testing.TB, flacBin, path string, wav bool) [16]byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	args := []string{"-d", "-s", "-f", "--force-raw-format", "--endian=little", "--sign=signed", "-o", out, path}
	if wav {
		args = []string{"-d", "-s", "-f", "-o", out + ".wav", path}
		out += ".wav"
	}
	if msg, err := exec.Command(flacBin, args...).CombinedOutput(); err != nil {
		t.Fatalf("flac -d: %v\n%s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if wav {
		i := bytes.Index(b, []byte("data"))
		if i < 0 || i+8 > len(b) {
			t.Fatalf("no data chunk in flac's WAV output")
		}
		n := int(b[i+4]) | int(b[i+5])<<8 | int(b[i+6])<<16 | int(b[i+7])<<24
		b = b[i+8 : i+8+n]
	}
	return md5.Sum(b)
}

// decodeIntMD5 decodes every frame to integers and returns the MD5 of the
// samples and their count.
func decodeIntMD5(t testing.TB, d *Decoder) ([16]byte, int64) {
	t.Helper()
	r := newBitReader(d.src)
	r.seek(d.audioStart)
	fd := d.newFrameDecoder(r)
	h := md5.New()
	width := (d.si.BitsPerSample + 7) / 8
	var frames int64
	var b []byte
	for frames < d.info.Frames {
		if err := fd.decode(); err != nil {
			t.Fatalf("after %d frames: %v", frames, err)
		}
		n := fd.header.blockSize
		b = b[:0]
		for i := range n {
			for c := range fd.chans {
				v := fd.chans[c][i]
				for k := range width {
					b = append(b, byte(v>>(8*k)))
				}
			}
		}
		h.Write(b)
		frames += int64(n)
	}
	var sum [16]byte
	copy(sum[:], h.Sum(nil))
	return sum, frames
}
