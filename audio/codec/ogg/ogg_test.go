package ogg

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"offcut/audio"
	"offcut/audio/codec"
)

// page builds a valid page holding the given packets (the last one left
// open when open is set).
func page(serial, seq uint32, flags byte, granule int64, open bool, packets ...[]byte) []byte {
	var lacing, body []byte
	for i, p := range packets {
		body = append(body, p...)
		n := len(p)
		for n >= 255 {
			lacing = append(lacing, 255)
			n -= 255
		}
		if !(open && i == len(packets)-1) {
			lacing = append(lacing, byte(n))
		}
	}
	h := make([]byte, HeaderLen, HeaderLen+len(lacing)+len(body))
	copy(h, "OggS")
	h[5] = flags
	binary.LittleEndian.PutUint64(h[6:], uint64(granule))
	binary.LittleEndian.PutUint32(h[14:], serial)
	binary.LittleEndian.PutUint32(h[18:], seq)
	h[26] = byte(len(lacing))
	b := append(append(h, lacing...), body...)
	binary.LittleEndian.PutUint32(b[22:], checksum(b))
	return b
}

func TestPacketsAcrossPages(t *testing.T) {
	big := bytes.Repeat([]byte{7}, 600)
	var f []byte
	// A packet of 600 bytes split 510 + 90, and another stream between.
	f = append(f, page(1, 0, FlagBOS, 0, false, []byte("head"))...)
	f = append(f, page(2, 0, FlagBOS, 0, false, []byte("other"))...)
	f = append(f, page(1, 1, 0, 10, true, []byte("a"), big[:510])...)
	f = append(f, page(2, 1, 0, 5, false, []byte("x"))...)
	f = append(f, page(1, 2, FlagContinued|FlagEOS, 20, false, big[510:], []byte("b"))...)
	r := NewReader(audio.NewBytesSource(f))
	pr := r.Packets(1, 0, 1000)
	var got []string
	var granules []int64
	for {
		p, err := pr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(p.Data[:1])+string(rune('0'+len(p.Data)/100)))
		granules = append(granules, p.Granule)
	}
	want := []string{"h0", "a0", "\x076", "b0"}
	if len(got) != len(want) {
		t.Fatalf("packets %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("packets %q, want %q", got, want)
		}
	}
	if g := granules; g[0] != 0 || g[1] != -1 || g[2] != -1 || g[3] != 20 {
		t.Errorf("granules %v", g)
	}
	// The size bound.
	pr = r.Packets(1, 0, 500)
	var err error
	for err == nil {
		_, err = pr.Next()
	}
	if !errors.Is(err, codec.ErrMalformed) {
		t.Errorf("600-byte packet with a 500-byte limit: %v", err)
	}
	// CRC damage.
	bad := append([]byte(nil), f...)
	bad[len(bad)-1] ^= 1
	pr = NewReader(audio.NewBytesSource(bad)).Packets(1, 0, 1000)
	for err = nil; err == nil; _, err = pr.Next() {
	}
	if !errors.Is(err, codec.ErrMalformed) {
		t.Errorf("damaged page: %v", err)
	}
}

func TestChained(t *testing.T) {
	var f []byte
	f = append(f, page(1, 0, FlagBOS, 0, false, []byte("OpusHead0123456789012"))...)
	f = append(f, page(1, 1, FlagEOS, 100, false, []byte("x"))...)
	f = append(f, page(9, 0, FlagBOS, 0, false, []byte("OpusHead0123456789012"))...)
	f = append(f, page(9, 1, FlagEOS, 100, false, []byte("x"))...)
	tr, err := Open(audio.NewBytesSource(f), func(b []byte) bool { return true }, 1)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tr.lastGranule(NewReader(tr.Src))
	if !errors.Is(err, codec.ErrUnsupported) || !bytes.Contains([]byte(err.Error()), []byte("chained Ogg streams")) {
		t.Errorf("chained file: %v", err)
	}
}

func TestSniffCodec(t *testing.T) {
	theora := page(3, 0, FlagBOS, 0, false, []byte("\x80theora"))
	vorbis := page(4, 0, FlagBOS, 0, false, []byte("\x01vorbis"))
	opus := page(5, 0, FlagBOS, 0, false, []byte("OpusHead"))
	for _, c := range []struct {
		b    []byte
		want string
	}{
		{vorbis, "vorbis"},
		{opus, "opus"},
		{append(append([]byte(nil), theora...), opus...), "opus"},
		{append(append([]byte(nil), opus...), vorbis...), "opus"},
		{theora, ""},
		{[]byte("OggS"), ""},
	} {
		if got := SniffCodec(c.b); got != c.want {
			t.Errorf("SniffCodec = %q, want %q", got, c.want)
		}
	}
}

func FuzzPages(f *testing.F) {
	var seed []byte
	seed = append(seed, page(1, 0, FlagBOS, 0, false, []byte("head"))...)
	seed = append(seed, page(1, 1, 0, 10, true, []byte("a"), bytes.Repeat([]byte{1}, 300))...)
	seed = append(seed, page(1, 2, FlagContinued|FlagEOS, 20, false, []byte("zz"), []byte("b"))...)
	f.Add(seed)
	f.Add(page(2, 0, FlagBOS|FlagEOS, 5, false, []byte("x"), []byte{}, bytes.Repeat([]byte{2}, 255)))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(audio.NewBytesSource(b))
		off := int64(0)
		for range 100 {
			p, err := r.FindPage(off, int64(len(b)))
			if err != nil {
				break
			}
			parts, _ := p.Packets()
			n := 0
			for _, x := range parts {
				n += len(x)
			}
			if n > len(p.Body) || p.Len > MaxPageLen {
				t.Fatalf("page at %d: %d bytes of packets in a %d-byte body", p.Offset, n, len(p.Body))
			}
			pr := r.Packets(p.Serial, p.Offset, 1<<16)
			for range 1000 {
				if _, err := pr.Next(); err != nil {
					break
				}
			}
			off = p.Offset + 1
		}
	})
}
