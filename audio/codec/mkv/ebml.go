package mkv

import (
	"fmt"
	"io"

	"offcut/audio"
	"offcut/audio/codec"
)

// reader reads small pieces of a source through a window, so that walking
// element headers costs few reads.
type reader struct {
	src    audio.Source
	win    []byte
	winOff int64
	buf    [64 << 10]byte
}

func newReader(src audio.Source) *reader { return &reader{src: src} }

// at returns up to n bytes at off (fewer only at the end of the source),
// valid until the next call. n must be at most 4096.
func (r *reader) at(off int64, n int) ([]byte, error) {
	if off < 0 || off >= r.src.Size() {
		return nil, io.ErrUnexpectedEOF
	}
	if off < r.winOff || off+int64(n) > r.winOff+int64(len(r.win)) {
		m := int(min(int64(len(r.buf)), r.src.Size()-off))
		if err := audio.ReadAtFull(r.src, r.buf[:m], off); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		r.win, r.winOff = r.buf[:m], off
	}
	b := r.win[off-r.winOff:]
	return b[:min(n, len(b))], nil
}

// unknown is the size of an element whose size field is all ones.
const unknown = -1

// header reads an element header at off: its ID (marker kept), data size
// (unknown for all ones) and header length.
func (r *reader) header(off int64) (id uint32, size int64, n int, err error) {
	b, err := r.at(off, 12)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("mkv: element header at %d: %w", off, err)
	}
	l := vintLen(b)
	if l == 0 || l > 4 || l > len(b) {
		return 0, 0, 0, fmt.Errorf("mkv: element ID at %d: invalid length: %w", off, codec.ErrMalformed)
	}
	for _, x := range b[:l] {
		id = id<<8 | uint32(x)
	}
	s := b[l:]
	sl := vintLen(s)
	if sl == 0 || sl > len(s) {
		return 0, 0, 0, fmt.Errorf("mkv: element %X at %d: invalid size field: %w", id, off, codec.ErrMalformed)
	}
	v, ones := vintValue(s[:sl])
	if ones {
		return id, unknown, l + sl, nil
	}
	if v > 1<<56 {
		return 0, 0, 0, fmt.Errorf("mkv: element %X at %d: size %d: %w", id, off, v, codec.ErrMalformed)
	}
	return id, int64(v), l + sl, nil
}

// vintLen is the length of the variable-size integer starting b (0 when
// invalid).
func vintLen(b []byte) int {
	if len(b) == 0 || b[0] == 0 {
		return 0
	}
	l := 1
	for m := byte(0x80); b[0]&m == 0; m >>= 1 {
		l++
	}
	return l
}

// vintValue decodes a variable-size integer without its marker; ones
// reports that all value bits are set (an unknown size).
func vintValue(b []byte) (v uint64, ones bool) {
	l := len(b)
	v = uint64(b[0] & (0xff >> l))
	for _, x := range b[1:] {
		v = v<<8 | uint64(x)
	}
	return v, v == 1<<(7*l)-1
}

// elem is an element whose data is [data, end).
type elem struct {
	id        uint32
	off, data int64
	end       int64 // -1 for unknown size
}

// children calls f for every child of the master element spanning
// [from, to); a child with unknown size is passed with end -1 and f
// returns where it ended. stop reports IDs that end an unknown-size
// parent.
func (r *reader) children(from, to int64, stop func(id uint32) bool, f func(e elem) (int64, error)) (int64, error) {
	off := from
	for off < to {
		id, size, n, err := r.header(off)
		if err != nil {
			return off, err
		}
		if stop != nil && stop(id) {
			return off, nil
		}
		e := elem{id: id, off: off, data: off + int64(n), end: -1}
		if size != unknown {
			e.end = e.data + size
		}
		next, err := f(e)
		if err != nil {
			return off, err
		}
		if next <= off {
			return off, fmt.Errorf("mkv: element %X at %d: no progress: %w", id, off, codec.ErrMalformed)
		}
		off = next
	}
	return off, nil
}

// uint reads an unsigned integer element's data.
func (r *reader) uint(e elem) (uint64, error) {
	if e.end < 0 || e.end-e.data > 8 {
		return 0, fmt.Errorf("mkv: integer element %X at %d has %d bytes: %w", e.id, e.off, e.end-e.data, codec.ErrMalformed)
	}
	b, err := r.at(e.data, int(e.end-e.data))
	if err != nil && e.end > e.data {
		return 0, fmt.Errorf("mkv: element %X at %d: %w", e.id, e.off, err)
	}
	if len(b) < int(e.end-e.data) {
		return 0, fmt.Errorf("mkv: element %X at %d: %w", e.id, e.off, io.ErrUnexpectedEOF)
	}
	var v uint64
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	return v, nil
}

// int reads a signed integer element's data.
func (r *reader) int(e elem) (int64, error) {
	v, err := r.uint(e)
	if err != nil {
		return 0, err
	}
	n := uint(e.end-e.data) * 8
	if n > 0 && n < 64 && v>>(n-1)&1 == 1 {
		return int64(v) - 1<<n, nil
	}
	return int64(v), nil
}

// bytes reads an element's data, refusing more than max bytes.
func (r *reader) bytes(e elem, max int64) ([]byte, error) {
	if e.end < 0 || e.end-e.data > max {
		return nil, fmt.Errorf("mkv: element %X at %d: %d bytes (limit %d): %w", e.id, e.off, e.end-e.data, max, codec.ErrMalformed)
	}
	if e.end > r.src.Size() {
		return nil, fmt.Errorf("mkv: element %X at %d ends past the end of the file: %w", e.id, e.off, io.ErrUnexpectedEOF)
	}
	b := make([]byte, e.end-e.data)
	if err := audio.ReadAtFull(r.src, b, e.data); err != nil {
		return nil, fmt.Errorf("mkv: element %X at %d: %w", e.id, e.off, err)
	}
	return b, nil
}
