package ogg

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"offcut/audio"
	"offcut/audio/codec"
)

// Page layout limits.
const (
	// HeaderLen is the fixed part of a page header.
	HeaderLen = 27
	// MaxPageLen is the largest possible page: header, 255 lacing values
	// and 255 segments of 255 bytes.
	MaxPageLen = HeaderLen + 255 + 255*255
)

// Header flags.
const (
	FlagContinued = 1 // the first packet continues one from the previous page
	FlagBOS       = 2 // first page of a logical stream
	FlagEOS       = 4 // last page of a logical stream
)

// ErrSync means no page could be found where one was expected.
var ErrSync = errors.New("ogg: no page found")

// Page is one Ogg page.
type Page struct {
	// Offset is where the page starts in the source; Len is its total size.
	Offset int64
	Len    int
	// Flags is the header type (FlagContinued, FlagBOS, FlagEOS).
	Flags byte
	// Granule is the granule position (-1: no packet ends on this page).
	Granule int64
	// Serial is the logical stream's serial number; Seq the page number.
	Serial, Seq uint32
	// Lacing holds the segment sizes; Body the segments.
	Lacing []byte
	Body   []byte
}

// Continued, BOS and EOS report the header flags.
func (p *Page) Continued() bool { return p.Flags&FlagContinued != 0 }

// BOS reports whether the page begins a logical stream.
func (p *Page) BOS() bool { return p.Flags&FlagBOS != 0 }

// EOS reports whether the page ends a logical stream.
func (p *Page) EOS() bool { return p.Flags&FlagEOS != 0 }

// Packets returns the complete packets and pieces on the page: the slices of
// Body delimited by lacing, and whether the last one continues on the next
// page.
func (p *Page) Packets() (parts [][]byte, lastOpen bool) {
	pos, start := 0, 0
	for i, l := range p.Lacing {
		pos += int(l)
		if l < 255 {
			parts = append(parts, p.Body[start:pos])
			start = pos
		} else if i == len(p.Lacing)-1 {
			parts = append(parts, p.Body[start:pos])
			lastOpen = true
		}
	}
	return parts, lastOpen
}

// Reader reads pages from a source; it owns one page-sized buffer.
type Reader struct {
	src audio.Source
	buf []byte
}

// NewReader returns a page reader over src.
func NewReader(src audio.Source) *Reader {
	return &Reader{src: src, buf: make([]byte, MaxPageLen)}
}

// Source is the reader's source.
func (r *Reader) Source() audio.Source { return r.src }

// ReadPage reads the page that starts exactly at off. Its Lacing and Body
// alias the reader's buffer until the next call. At the end of the source
// it returns io.EOF; a page cut short returns an error wrapping
// io.ErrUnexpectedEOF; a bad capture pattern, version or CRC one wrapping
// codec.ErrMalformed.
func (r *Reader) ReadPage(off int64) (Page, error) {
	if off >= r.src.Size() {
		return Page{}, io.EOF
	}
	h := r.buf[:HeaderLen]
	if err := audio.ReadAtFull(r.src, h, off); err != nil {
		return Page{}, pageErr(off, err)
	}
	if string(h[:4]) != "OggS" {
		return Page{}, fmt.Errorf("ogg: page at %d: no capture pattern: %w", off, codec.ErrMalformed)
	}
	if h[4] != 0 {
		return Page{}, fmt.Errorf("ogg: page at %d: stream structure version %d: %w", off, h[4], codec.ErrMalformed)
	}
	nseg := int(h[26])
	if err := audio.ReadAtFull(r.src, r.buf[HeaderLen:HeaderLen+nseg], off+HeaderLen); err != nil {
		return Page{}, pageErr(off, err)
	}
	lacing := r.buf[HeaderLen : HeaderLen+nseg]
	body := 0
	for _, l := range lacing {
		body += int(l)
	}
	total := HeaderLen + nseg + body
	if err := audio.ReadAtFull(r.src, r.buf[HeaderLen+nseg:total], off+int64(HeaderLen+nseg)); err != nil {
		return Page{}, pageErr(off, err)
	}
	want := binary.LittleEndian.Uint32(h[22:26])
	if got := checksum(r.buf[:total]); got != want {
		return Page{}, fmt.Errorf("ogg: page at %d: CRC-32 mismatch; expected 0x%08x, got 0x%08x: %w", off, want, got, codec.ErrMalformed)
	}
	return Page{
		Offset:  off,
		Len:     total,
		Flags:   h[5],
		Granule: int64(binary.LittleEndian.Uint64(h[6:14])),
		Serial:  binary.LittleEndian.Uint32(h[14:18]),
		Seq:     binary.LittleEndian.Uint32(h[18:22]),
		Lacing:  lacing,
		Body:    r.buf[HeaderLen+nseg : total],
	}, nil
}

func pageErr(off int64, err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("ogg: page at %d: %w", off, err)
}

// FindPage returns the first valid page starting at or after off and
// before limit (a page may extend past limit). It returns an error wrapping
// ErrSync when there is none.
func (r *Reader) FindPage(off, limit int64) (Page, error) {
	limit = min(limit, r.src.Size())
	var chunk [4096 + 3]byte
	for off < limit {
		n := min(int64(len(chunk)), r.src.Size()-off)
		b := chunk[:n]
		if err := audio.ReadAtFull(r.src, b, off); err != nil {
			return Page{}, fmt.Errorf("ogg: searching for a page at %d: %w", off, err)
		}
		for i := 0; i+4 <= len(b) && off+int64(i) < limit; {
			j := bytes.Index(b[i:], []byte("OggS"))
			if j < 0 {
				break
			}
			at := off + int64(i+j)
			if at >= limit {
				break
			}
			if p, err := r.ReadPage(at); err == nil {
				return p, nil
			}
			i += j + 1
		}
		if int64(len(b)) < int64(len(chunk)) {
			break
		}
		off += int64(len(b) - 3)
	}
	return Page{}, fmt.Errorf("%w before %d", ErrSync, limit)
}

var crcTable = func() (t [256]uint32) {
	for i := range t {
		r := uint32(i) << 24
		for range 8 {
			if r&0x80000000 != 0 {
				r = r<<1 ^ 0x04c11db7
			} else {
				r <<= 1
			}
		}
		t[i] = r
	}
	return t
}()

// checksum is the Ogg CRC-32 of a page with its CRC field taken as zero.
func checksum(page []byte) uint32 {
	var c uint32
	for i, b := range page {
		if i >= 22 && i < 26 {
			b = 0
		}
		c = c<<8 ^ crcTable[byte(c>>24)^b]
	}
	return c
}
