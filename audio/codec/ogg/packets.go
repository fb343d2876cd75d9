package ogg

import (
	"errors"
	"fmt"
	"io"

	"offcut/audio/codec"
)

// Packet is one packet of a logical stream.
type Packet struct {
	// Data is the packet; it is valid until the next call to Next.
	Data []byte
	// Granule is the granule position of the page on which the packet
	// ends when it is the last packet to end there, else -1.
	Granule int64
	// Page is the offset of the page on which the packet ends.
	Page int64
	// EOS reports that the packet is the last of the stream.
	EOS bool
}

// errNoStart means a page's last complete packet began on an earlier page.
var errNoStart = errors.New("ogg: the page's last packet starts on an earlier page")

// Packets iterates over the packets of one logical stream.
type Packets struct {
	r          *Reader
	serial     uint32
	max        int
	next       int64 // offset of the next page to read
	seq        uint32
	first      bool // no page of the stream read yet
	allowBOS   bool // no non-BOS page seen yet
	lastOnPage bool // begin with the last packet completed on the first page
	done       bool

	page    Page
	queue   [][]byte // complete packets of the current page not yet returned
	open    bool     // the page's last piece continues on the next page
	pending []byte   // a packet being assembled across pages
	joined  []byte
}

// Packets returns the packets of the stream serial from the page at off
// on. A packet continued from before off is skipped. Packets longer than
// max bytes are an error. Pages of other streams are skipped; a BOS page
// after the stream's first non-BOS page means a chained file
// (ErrUnsupported).
func (r *Reader) Packets(serial uint32, off int64, max int) *Packets {
	return &Packets{r: r, serial: serial, max: max, next: off, first: true, allowBOS: true}
}

// packetsFromLast returns the packets of serial starting with the last
// packet that ends on the page at off; that packet must start on the
// page, else the first Next fails with errNoStart.
func (r *Reader) packetsFromLast(serial uint32, off int64, max int) *Packets {
	p := r.Packets(serial, off, max)
	p.lastOnPage = true
	p.allowBOS = false
	return p
}

// Next returns the next packet, io.EOF after the last one.
func (p *Packets) Next() (Packet, error) {
	for len(p.queue) == 0 {
		if p.done {
			if len(p.pending) > 0 {
				return Packet{}, fmt.Errorf("ogg: stream %08x: last packet cut off: %w", p.serial, io.ErrUnexpectedEOF)
			}
			return Packet{}, io.EOF
		}
		if err := p.readPage(); err != nil {
			return Packet{}, err
		}
	}
	data := p.queue[0]
	p.queue = p.queue[1:]
	pk := Packet{Data: data, Granule: -1, Page: p.page.Offset}
	if len(p.queue) == 0 && !p.open {
		pk.Granule = p.page.Granule
		pk.EOS = p.page.EOS()
	}
	return pk, nil
}

func (p *Packets) tooBig(n int, off int64) error {
	if n <= p.max {
		return nil
	}
	return fmt.Errorf("ogg: stream %08x: packet of over %d bytes (at least %d) on page at %d: %w", p.serial, p.max, n, off, codec.ErrMalformed)
}

func (p *Packets) readPage() error {
	pg, err := p.r.ReadPage(p.next)
	for err == nil && pg.Serial != p.serial {
		if pg.BOS() && !p.allowBOS {
			return fmt.Errorf("ogg: page at %d starts stream %08x after the data of stream %08x: chained Ogg streams: %w", pg.Offset, pg.Serial, p.serial, codec.ErrUnsupported)
		}
		if !pg.BOS() {
			p.allowBOS = false
		}
		p.next = pg.Offset + int64(pg.Len)
		pg, err = p.r.ReadPage(p.next)
	}
	if err == io.EOF {
		p.done = true
		return nil
	}
	if err != nil {
		return err
	}
	p.next = pg.Offset + int64(pg.Len)
	if pg.BOS() && !p.first {
		return fmt.Errorf("ogg: page at %d restarts stream %08x: chained Ogg streams: %w", pg.Offset, pg.Serial, codec.ErrUnsupported)
	}
	if !pg.BOS() {
		p.allowBOS = false
	}
	if !p.first && pg.Seq != p.seq+1 {
		return fmt.Errorf("ogg: stream %08x: page at %d is number %d, expected %d (pages missing): %w", p.serial, pg.Offset, pg.Seq, p.seq+1, codec.ErrMalformed)
	}
	p.seq = pg.Seq
	p.page = pg
	parts, open := pg.Packets()
	cont := pg.Continued()
	if p.first && p.lastOnPage {
		complete := len(parts)
		if open {
			complete--
		}
		if complete == 0 || complete == 1 && cont {
			return errNoStart
		}
		parts = parts[complete-1:]
		cont = false
	}
	p.first = false
	p.queue = p.queue[:0]
	for i, part := range parts {
		isOpen := open && i == len(parts)-1
		if i == 0 && cont {
			if len(p.pending) == 0 {
				continue // the rest of a packet begun before we started
			}
			if err := p.tooBig(len(p.pending)+len(part), pg.Offset); err != nil {
				return err
			}
			p.pending = append(p.pending, part...)
			if isOpen {
				continue
			}
			p.joined = append(p.joined[:0], p.pending...)
			p.pending = p.pending[:0]
			p.queue = append(p.queue, p.joined)
			continue
		}
		if i == 0 {
			p.pending = p.pending[:0] // a packet left open and never continued
		}
		if err := p.tooBig(len(part), pg.Offset); err != nil {
			return err
		}
		if isOpen {
			p.pending = append(p.pending[:0], part...)
			continue
		}
		p.queue = append(p.queue, part)
	}
	if len(parts) == 0 && !cont {
		p.pending = p.pending[:0]
	}
	p.open = open
	if pg.EOS() {
		p.done = true
	}
	return nil
}
