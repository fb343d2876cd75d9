package ogg

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"offcut/audio"
)

// writeStream writes packets of the given sizes (packet i filled with
// byte i) with granule 10*(i+1), flushing after every flushEvery packets
// (0: never), and returns the file and the packets.
func writeStream(t testing.TB, sizes []int, flushEvery int) ([]byte, [][]byte) {
	var buf bytes.Buffer
	w := NewWriter(&buf, 0x1234)
	var pk [][]byte
	for i, n := range sizes {
		p := bytes.Repeat([]byte{byte(i)}, n)
		pk = append(pk, p)
		if err := w.WritePacket(p, int64(10*(i+1))); err != nil {
			t.Fatal(err)
		}
		if flushEvery > 0 && (i+1)%flushEvery == 0 && i < len(sizes)-1 {
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(int64(10 * len(sizes))); err != nil {
		t.Fatal(err)
	}
	if err := w.WritePacket(nil, 0); !errors.Is(err, ErrClosed) {
		t.Errorf("WritePacket after Close: %v", err)
	}
	if w.Bytes != int64(buf.Len()) {
		t.Errorf("Bytes = %d, wrote %d", w.Bytes, buf.Len())
	}
	return buf.Bytes(), pk
}

// checkStream reads the file back with the package's reader: the same
// packets, each page's flags, sequence and granule position as the muxer
// must set them.
func checkStream(t testing.TB, file []byte, want [][]byte) {
	r := NewReader(audio.NewBytesSource(file))
	var pages []Page
	for off := int64(0); off < int64(len(file)); {
		p, err := r.ReadPage(off)
		if err != nil {
			t.Fatalf("page at %d: %v", off, err)
		}
		if p.Seq != uint32(len(pages)) || p.Serial != 0x1234 {
			t.Fatalf("page %d: seq %d serial %x", len(pages), p.Seq, p.Serial)
		}
		if len(p.Lacing) > 255 {
			t.Fatalf("page %d: %d segments", len(pages), len(p.Lacing))
		}
		p.Lacing, p.Body = nil, nil
		pages = append(pages, p)
		off += int64(p.Len)
	}
	for i, p := range pages {
		if p.BOS() != (i == 0) || p.EOS() != (i == len(pages)-1) {
			t.Errorf("page %d: flags %x of %d pages", i, p.Flags, len(pages))
		}
	}
	pr := r.Packets(0x1234, 0, 1<<20)
	for i := 0; ; i++ {
		p, err := pr.Next()
		if err == io.EOF {
			if i != len(want) {
				t.Fatalf("%d packets read, %d written", i, len(want))
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if i >= len(want) || !bytes.Equal(p.Data, want[i]) {
			t.Fatalf("packet %d: %d bytes differ from the %d written", i, len(p.Data), len(want[min(i, len(want)-1)]))
		}
		if p.Granule != -1 && p.Granule != int64(10*(i+1)) {
			t.Errorf("packet %d: page granule %d, want %d", i, p.Granule, 10*(i+1))
		}
		if p.EOS != (i == len(want)-1) {
			t.Errorf("packet %d: EOS %v", i, p.EOS)
		}
	}
}

func TestWriterRoundTrip(t *testing.T) {
	for _, c := range []struct {
		name  string
		sizes []int
		flush int
	}{
		{"small, one page", []int{1, 2, 3, 4}, 0},
		{"a page per two", []int{10, 0, 255, 254, 256, 510}, 2},
		{"multiples of 255", []int{255, 510, 765, 0, 255}, 1},
		{"spanning pages", []int{70000, 5, 200000, 3}, 0},
		{"exactly 255 segments", []int{255*254 + 10}, 0},
		{"many small", make([]int, 1000), 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, p := writeStream(t, c.sizes, c.flush)
			checkStream(t, f, p)
		})
	}
}

// TestWriterGranules checks the granule positions page by page: the last
// packet ending on a page, -1 on a page no packet ends on, the Close
// granule on an empty EOS page.
func TestWriterGranules(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, 7)
	w.WritePacket([]byte("head"), 0)
	w.Flush()
	w.WritePacket(make([]byte, 300*255), 100) // over two pages
	w.WritePacket([]byte("x"), 200)
	w.Flush()
	w.Close(250)
	r := NewReader(audio.NewBytesSource(buf.Bytes()))
	var got []string
	for off := int64(0); off < int64(buf.Len()); {
		p, err := r.ReadPage(off)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d:%d:%x", len(p.Lacing), p.Granule, p.Flags))
		off += int64(p.Len)
	}
	want := fmt.Sprint([]string{"1:0:2", "255:-1:0", "47:200:1", "0:250:4"})
	if fmt.Sprint(got) != want {
		t.Errorf("pages (segments:granule:flags) %v, want %v", got, want)
	}
}

// FuzzWriter writes packets of fuzzed sizes with fuzzed flushes and
// reads them back: the same packets in the same order, valid pages.
func FuzzWriter(f *testing.F) {
	f.Add([]byte{1, 2, 3}, uint8(0))
	f.Add([]byte{255, 255, 0, 254}, uint8(1))
	f.Fuzz(func(t *testing.T, b []byte, flush uint8) {
		if len(b) > 400 {
			b = b[:400]
		}
		sizes := make([]int, len(b))
		for i, x := range b {
			sizes[i] = int(x) * (int(x)%5 + 1) * 3 // up to 3,825 bytes
		}
		file, p := writeStream(t, sizes, int(flush%8))
		checkStream(t, file, p)
	})
}
