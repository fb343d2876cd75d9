package mp3

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"offcut/audio"
)

// silentFrames builds n frames with header h and zero payload.
func silentFrames(h uint32, n int) []byte {
	hd := header(h)
	size := hd.frameBytes(0) + hd.padding()
	var b []byte
	for i := 0; i < n; i++ {
		f := make([]byte, size)
		binary.BigEndian.PutUint32(f, h)
		b = append(b, f...)
	}
	return b
}

func fuzzSeeds() [][]byte {
	seeds := [][]byte{
		silentFrames(0xfffb9064, 4), // MPEG-1 L3 128k 44.1k joint
		silentFrames(0xfff39064, 3), // MPEG-2 L3
		silentFrames(0xffe39064, 3), // MPEG-2.5 L3
		silentFrames(0xfffd9004, 3), // MPEG-1 L2
		silentFrames(0xffff9004, 3), // MPEG-1 L1
		append([]byte("ID3\x04\x00\x10\x00\x00\x00\x05hello0123456789"), silentFrames(0xfffb90c4, 3)...),
		append(silentFrames(0xfffb9064, 3), []byte("TAG0123456789")...),
	}
	// a Xing/LAME frame followed by audio frames
	x := silentFrames(0xfffb9064, 5)
	copy(x[36:], "Info\x00\x00\x00\x0f\x00\x00\x00\x04\x00\x00\x10\x00")
	copy(x[36+120:], "LAME3.100")
	seeds = append(seeds, x)
	return seeds
}

// conformanceSeeds adds the first bytes of a few conformance vectors, if
// present.
func conformanceSeeds() [][]byte {
	dir, err := os.Getwd()
	if err != nil {
		return nil
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			return nil
		}
		dir = filepath.Dir(dir)
	}
	var out [][]byte
	for _, n := range []string{"l3-compl.bit", "M2L3_compl24.bit", "l2-fl10.bit", "l1-fl1.bit",
		"l3-he_free.bit", "l3-nonstandard-sin1k0db_lame_vbrtag.bit", "ILL4_sync.bit", "fuzz/l3-compl-cut.mp3"} {
		b, err := os.ReadFile(filepath.Join(dir, "..", "shared", "conformance", "mp3", n))
		if err == nil {
			out = append(out, b[:min(len(b), 6000)])
		}
	}
	return out
}

// decodeBounded opens and decodes b, raw and gapless, reading at most a
// bounded number of samples; it must never panic or hang.
func decodeBounded(b []byte) {
	for _, raw := range []bool{true, false} {
		d, err := OpenOptions(audio.NewBytesSource(b), Options{Raw: raw})
		if err != nil {
			continue
		}
		n := d.Info().Frames
		if off, end := d.StreamBytes(n/3, n); off > end || end > int64(len(b)) {
			panic(fmt.Sprintf("StreamBytes(%d, %d) = %d, %d of %d bytes", n/3, n, off, end, len(b)))
		}
		s, err := d.Stream(n/3, n)
		if err != nil {
			panic(err)
		}
		buf := make([]float32, 1000*s.Channels())
		for total := 0; total < 1<<16; {
			k, err := s.Read(buf)
			total += k
			if err != nil {
				break
			}
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range append(fuzzSeeds(), conformanceSeeds()...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeBounded(b)
	})
}

func FuzzFrameHeader(f *testing.F) {
	for _, h := range []uint32{0xfffb9064, 0xfff39064, 0xffe39064, 0xfffd9004, 0xffff9004, 0xfffb0064, 0xffffffff, 0} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, v uint32) {
		h := header(v)
		if !h.valid() {
			return
		}
		if h.layer() < 1 || h.layer() > 3 {
			t.Fatalf("%08x: layer %d", v, h.layer())
		}
		if r := h.sampleRate(); r < 8000 || r > 48000 {
			t.Fatalf("%08x: rate %d", v, r)
		}
		n := h.frameBytes(0)
		if !h.free() && (n < 24 || n > 2880) {
			t.Fatalf("%08x: frame size %d", v, n)
		}
		if h.free() && n != 0 {
			t.Fatalf("%08x: free format frame size %d", v, n)
		}
		if s := h.samples(); s != 384 && s != 576 && s != 1152 {
			t.Fatalf("%08x: %d samples", v, s)
		}
		// a frame built from the header decodes without panicking
		if !h.free() {
			decodeBounded(silentFrames(v, 3))
		}
	})
}

// TestHugeClaimsAllocation opens files whose tags and headers claim huge
// sizes and checks that they allocate less than 16 MB.
func TestHugeClaimsAllocation(t *testing.T) {
	var files [][]byte
	// ID3v2 claiming 256 MB
	files = append(files, append([]byte("ID3\x04\x00\x00\x7f\x7f\x7f\x7f"), silentFrames(0xfffb9064, 4)...))
	// Xing tag claiming 2^32-1 frames and bytes, LAME delay/padding maximal
	x := silentFrames(0xfffb9064, 6)
	copy(x[36:], "Xing\x00\x00\x00\x03\xff\xff\xff\xff\xff\xff\xff\xff")
	copy(x[36+16:], "LAME3.100")
	x[36+16+21], x[36+16+22], x[36+16+23] = 0xff, 0xff, 0xff
	files = append(files, x)
	// APE footer claiming 4 GB
	ape := append(silentFrames(0xfffb9064, 4), []byte("APETAGEX\xd0\x07\x00\x00\xff\xff\xff\xff\x01\x00\x00\x00\x00\x00\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00")...)
	files = append(files, ape)
	for i, b := range files {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		decodeBounded(b)
		runtime.ReadMemStats(&m1)
		if got := m1.TotalAlloc - m0.TotalAlloc; got > 16<<20 {
			t.Errorf("file %d: allocated %d bytes", i, got)
		}
	}
}

// TestHostileNoHang feeds patterns that look like endless free-format or
// junk headers and checks that opening stays fast.
func TestHostileNoHang(t *testing.T) {
	for _, pat := range [][]byte{{0xff, 0xfb, 0x00, 0x00}, {0xff, 0xfb, 0x10, 0x00}, {0xff}, {0xff, 0xe2, 0x00, 0xc4, 0x00}} {
		b := bytes.Repeat(pat, (2<<20)/len(pat))
		start := time.Now()
		decodeBounded(b)
		t.Logf("pattern % x: %v", pat, time.Since(start))
		if el := time.Since(start); el > 20*time.Second {
			t.Errorf("pattern % x: %v", pat, el)
		}
	}
}

// FuzzSideInfoSummary: the index's summary of the side information agrees
// with the decoder's parse of it (main_data_begin, the part2_3_lengths'
// total, and the same error) for any header and bytes.
func FuzzSideInfoSummary(f *testing.F) {
	f.Add(uint32(0xfffb9064), []byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24}, 400)
	f.Add(uint32(0xfffbd0c4), []byte("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"), 100)
	f.Add(uint32(0xfff39064), []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"), 0)
	f.Add(uint32(0xffe3d0c4), []byte("\x80\x00\x00\x00\x20\x00\x00\x00\x40"), 50)
	f.Fuzz(func(t *testing.T, v uint32, b []byte, mainBytes int) {
		h := header(v)
		if !h.valid() || h.layer() != 3 || mainBytes < 0 || mainBytes > 1<<16 {
			return
		}
		var si sideInfo
		perr := parseSideInfo(h, b, &si, mainBytes)
		mdb, part23, err := sideInfoSummary(h, b, mainBytes)
		if (perr == nil) != (err == nil) || (err != nil && err.Error() != perr.Error()) {
			t.Fatalf("%08x % x: parseSideInfo says %v, sideInfoSummary %v", v, b, perr, err)
		}
		if err != nil {
			return
		}
		sum := 0
		for g := 0; g < si.ngr; g++ {
			for ch := 0; ch < si.nch; ch++ {
				sum += si.gr[g][ch].part23
			}
		}
		if mdb != si.mainDataBegin || part23 != sum {
			t.Fatalf("%08x % x: main_data_begin %d, part2_3 %d; parseSideInfo: %d, %d", v, b, mdb, part23, si.mainDataBegin, sum)
		}
		// Windows reads the same side information from a whole frame.
		frame := append(binary.BigEndian.AppendUint32(nil, v), b...)
		if h.crc() {
			frame = append(binary.BigEndian.AppendUint32(nil, v), append([]byte{0, 0}, b...)...)
		}
		if wmdb, w, err := Windows(frame); err == nil {
			for g := 0; g < si.ngr; g++ {
				for ch := 0; ch < si.nch; ch++ {
					if want := uint8(si.gr[g][ch].blockType) | uint8(b2i(si.gr[g][ch].mixed)*4); w[g][ch] != want {
						t.Fatalf("%08x % x: Windows gives %v, parseSideInfo granule %d channel %d %d", v, b, w, g, ch, want)
					}
				}
			}
			if wmdb != mdb {
				t.Fatalf("%08x % x: Windows gives main_data_begin %d, parseSideInfo %d", v, b, wmdb, mdb)
			}
		}
	})
}
