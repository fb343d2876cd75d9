package ogg

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// maxLacing is the most lacing values (segments) one page holds.
const maxLacing = 255

// ErrClosed is returned by a Writer used after Close.
var ErrClosed = errors.New("ogg: writer closed")

// Writer multiplexes the packets of one logical stream into Ogg pages
// (RFC 3533): lacing, packets continued across pages, page sequence
// numbers, CRC-32, granule positions, and the BOS and EOS flags.
//
// Packets collect on the current page until Flush is called or the page
// holds 255 segments (then a full page goes out and the rest of the packet
// continues on the next one), so a caller decides how much time a page
// covers. A page's granule position is that of the last packet ending on
// it, or -1 when only a piece of a packet is on it.
type Writer struct {
	w      io.Writer
	serial uint32
	seq    uint32
	bos    bool // the next page is the stream's first
	cont   bool // the next page starts with the rest of a packet
	closed bool

	lacing []byte
	body   []byte
	ends   []end // packets ending on the pending segments, in order
	page   []byte
	// Pages and Bytes count what has been written.
	Pages int
	Bytes int64
}

// end marks the lacing index at which a packet ends and its granule.
type end struct {
	seg     int
	granule int64
}

// NewWriter returns a Writer of the logical stream serial to w.
func NewWriter(w io.Writer, serial uint32) *Writer {
	return &Writer{w: w, serial: serial, bos: true}
}

// WritePacket adds a packet ending at granule position granule to the
// current page; full pages are written as they fill.
func (w *Writer) WritePacket(p []byte, granule int64) error {
	if w.closed {
		return ErrClosed
	}
	n := len(p)
	for {
		if n >= 255 {
			w.lacing = append(w.lacing, 255)
			n -= 255
		} else {
			w.lacing = append(w.lacing, byte(n))
			break
		}
	}
	w.body = append(w.body, p...)
	w.ends = append(w.ends, end{seg: len(w.lacing) - 1, granule: granule})
	for len(w.lacing) > maxLacing {
		if err := w.page1(maxLacing, 0); err != nil {
			return err
		}
	}
	return nil
}

// Pending reports whether segments wait for a page.
func (w *Writer) Pending() bool { return len(w.lacing) > 0 }

// Flush writes what is pending as one page (the writer never keeps more
// than a page's 255 segments pending). A Flush with nothing pending does
// nothing.
func (w *Writer) Flush() error {
	if w.closed {
		return ErrClosed
	}
	if len(w.lacing) == 0 {
		return nil
	}
	return w.page1(len(w.lacing), 0)
}

// Close writes what is pending as the stream's last page, with the EOS
// flag. With nothing pending it writes an empty EOS page carrying granule
// position last (that of the stream's last packet).
func (w *Writer) Close(last int64) error {
	if w.closed {
		return ErrClosed
	}
	var err error
	if len(w.lacing) == 0 {
		w.ends = append(w.ends[:0], end{seg: -1, granule: last})
		err = w.page1(0, FlagEOS)
	} else {
		err = w.page1(len(w.lacing), FlagEOS)
	}
	w.closed = true
	return err
}

// page1 writes the first nseg pending segments as a page.
func (w *Writer) page1(nseg int, flags byte) error {
	granule := int64(-1)
	k := 0
	for k < len(w.ends) && w.ends[k].seg < nseg {
		granule = w.ends[k].granule
		k++
	}
	if nseg == 0 && len(w.ends) > 0 && w.ends[0].seg == -1 {
		granule, k = w.ends[0].granule, 1
	}
	if w.cont {
		flags |= FlagContinued
	}
	if w.bos {
		flags |= FlagBOS
	}
	bodyLen := 0
	for _, l := range w.lacing[:nseg] {
		bodyLen += int(l)
	}
	pg := append(w.page[:0], "OggS"...)
	pg = append(pg, 0, flags)
	pg = binary.LittleEndian.AppendUint64(pg, uint64(granule))
	pg = binary.LittleEndian.AppendUint32(pg, w.serial)
	pg = binary.LittleEndian.AppendUint32(pg, w.seq)
	pg = append(pg, 0, 0, 0, 0, byte(nseg))
	pg = append(pg, w.lacing[:nseg]...)
	pg = append(pg, w.body[:bodyLen]...)
	binary.LittleEndian.PutUint32(pg[22:], checksum(pg))
	w.page = pg
	if _, err := w.w.Write(pg); err != nil {
		return fmt.Errorf("ogg: writing page %d: %w", w.seq, err)
	}
	w.Pages++
	w.Bytes += int64(len(pg))
	w.seq++
	w.bos = false
	w.cont = nseg > 0 && w.lacing[nseg-1] == 255
	// Drop what was written.
	w.lacing = w.lacing[:copy(w.lacing, w.lacing[nseg:])]
	w.body = w.body[:copy(w.body, w.body[bodyLen:])]
	w.ends = w.ends[:copy(w.ends, w.ends[k:])]
	for i := range w.ends {
		w.ends[i].seg -= nseg
	}
	return nil
}
