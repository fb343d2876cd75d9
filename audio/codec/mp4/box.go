package mp4

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	gomp4 "github.com/abema/go-mp4"

	"offcut/audio"
	"offcut/audio/codec"
)

// Limits on what is read from headers.
const (
	maxSmallBox  = 1 << 20 // a box decoded into memory (stsd, elst, tags)
	maxCoverBox  = audio.MaxPictureBytes + 16
	maxTracks    = 64
	maxBoxes     = 1 << 16 // boxes walked before giving up
	maxTagBytes  = 64 << 10
	maxEntryKids = 16 // child boxes looked at inside a sample entry
)

// boxRef locates a box's payload in the source.
type boxRef struct {
	off, size int64 // payload
}

// trak is what the walk gathers about one track.
type trak struct {
	handler          string
	timescale        uint32
	mediaDur         uint64
	elst             *gomp4.Elst
	stsd, stts       *boxRef
	stsc, stsz       *boxRef
	stco, co64, stz2 *boxRef
}

// movie is what the walk gathers about the file.
type movie struct {
	brand      string
	timescale  uint32
	traks      []*trak
	fragmented bool // moov/mvex or moof boxes present
	tags       map[string]string
	pictures   []audio.Picture
	smpb       string // the iTunSMPB comment
	warnings   []string
	boxes      int
}

// walk reads the box tree of src with go-mp4, descending only into the
// boxes that matter and reading payloads of small boxes only; sample
// tables are located, not read (package-local parsers read them by range
// after checking their sizes).
func walk(src audio.Source) (*movie, error) {
	size := src.Size()
	r := io.NewSectionReader(src, 0, size)
	m := &movie{}
	var cur *trak
	var item string // the ilst item being read
	handler := func(h *gomp4.ReadHandle) (any, error) {
		m.boxes++
		if m.boxes > maxBoxes {
			return nil, fmt.Errorf("%w: mp4: more than %d boxes", codec.ErrMalformed, maxBoxes)
		}
		bi := h.BoxInfo
		typ := bi.Type.String()
		payload := boxRef{off: int64(bi.Offset + bi.HeaderSize), size: int64(bi.Size - bi.HeaderSize)}
		if bi.Offset+bi.Size > uint64(size) {
			if typ == "mdat" || len(h.Path) == 1 && typ != "moov" {
				return nil, nil // a truncated mdat or trailing box: samples are checked on read
			}
			return nil, fmt.Errorf("%w: mp4: box %s at byte %d claims %d bytes, file has %d",
				codec.ErrMalformed, pathString(h.Path), bi.Offset, bi.Size, size-int64(bi.Offset))
		}
		parent := ""
		if len(h.Path) >= 2 {
			parent = h.Path[len(h.Path)-2].String()
		}
		switch typ {
		case "ftyp":
			var b [4]byte
			if payload.size >= 4 && audio.ReadAtFull(src, b[:], payload.off) == nil {
				m.brand = strings.TrimSpace(string(b[:]))
			}
			return nil, nil
		case "moov", "mdia", "minf", "stbl", "edts", "udta", "ilst":
			return h.Expand()
		case "meta":
			if parent == "udta" || parent == "moov" {
				return h.Expand()
			}
			return nil, nil
		case "moof", "mvex":
			m.fragmented = true
			return nil, nil
		case "trak":
			if len(m.traks) == maxTracks {
				return nil, fmt.Errorf("%w: mp4: more than %d tracks", codec.ErrMalformed, maxTracks)
			}
			cur = &trak{}
			m.traks = append(m.traks, cur)
			_, err := h.Expand()
			cur = nil
			return nil, err
		case "mvhd":
			b, err := readSmall(h, payload)
			if err != nil {
				return nil, err
			}
			m.timescale = b.(*gomp4.Mvhd).Timescale
			return nil, nil
		}
		if parent == "ilst" || len(h.Path) >= 3 && h.Path[len(h.Path)-3].String() == "ilst" {
			return m.tag(h, payload, typ, parent, &item)
		}
		if cur == nil {
			return nil, nil
		}
		switch typ {
		case "mdhd":
			b, err := readSmall(h, payload)
			if err != nil {
				return nil, err
			}
			md := b.(*gomp4.Mdhd)
			cur.timescale = md.Timescale
			cur.mediaDur = md.GetDuration()
		case "hdlr":
			if parent == "mdia" {
				b, err := readSmall(h, payload)
				if err != nil {
					return nil, err
				}
				cur.handler = string(b.(*gomp4.Hdlr).HandlerType[:])
			}
		case "elst":
			b, err := readSmall(h, payload)
			if err != nil {
				return nil, err
			}
			cur.elst = b.(*gomp4.Elst)
		case "stsd":
			cur.stsd = &payload
		case "stts":
			cur.stts = &payload
		case "stsc":
			cur.stsc = &payload
		case "stsz":
			cur.stsz = &payload
		case "stz2":
			cur.stz2 = &payload
		case "stco":
			cur.stco = &payload
		case "co64":
			cur.co64 = &payload
		}
		return nil, nil
	}
	if _, err := gomp4.ReadBoxStructure(r, handler); err != nil {
		if errors.Is(err, codec.ErrMalformed) || errors.Is(err, codec.ErrUnsupported) {
			return nil, err
		}
		if len(m.traks) == 0 {
			return nil, fmt.Errorf("%w: mp4: %v", codec.ErrMalformed, err)
		}
		m.warnings = append(m.warnings, fmt.Sprintf("box structure: %v (read what came before)", err))
	}
	return m, nil
}

// readSmall decodes a small box's payload with go-mp4, after checking its
// size.
func readSmall(h *gomp4.ReadHandle, p boxRef) (gomp4.IBox, error) {
	if p.size > maxSmallBox {
		return nil, fmt.Errorf("%w: mp4: %s box is %d bytes", codec.ErrMalformed, pathString(h.Path), p.size)
	}
	b, _, err := h.ReadPayload()
	if err != nil {
		return nil, fmt.Errorf("%w: mp4: %s: %v", codec.ErrMalformed, pathString(h.Path), err)
	}
	return b, nil
}

// tag reads one ilst item's data box.
func (m *movie) tag(h *gomp4.ReadHandle, p boxRef, typ, parent string, item *string) (any, error) {
	if parent == "ilst" {
		if typ == "----" {
			m.freeform(h, p)
			return nil, nil
		}
		*item = string(h.BoxInfo.Type[:]) // raw: String() spells 0xA9 as "(c)"
		return h.Expand()
	}
	if typ != "data" || p.size < 8 {
		return nil, nil
	}
	limit := int64(maxTagBytes)
	if *item == "covr" {
		limit = maxCoverBox
	}
	if p.size > limit {
		m.warnings = append(m.warnings, fmt.Sprintf("tag %q is %d bytes: ignored", *item, p.size))
		return nil, nil
	}
	b, _, err := h.ReadPayload()
	if err != nil {
		m.warnings = append(m.warnings, fmt.Sprintf("tag %q: %v", *item, err))
		return nil, nil
	}
	d, ok := b.(*gomp4.Data)
	if !ok {
		return nil, nil
	}
	if m.tags == nil {
		m.tags = map[string]string{}
	}
	key := map[string]string{
		"\xa9nam": "title", "\xa9ART": "artist", "\xa9alb": "album", "\xa9day": "year", "aART": "albumartist",
		"\xa9gen": "genre", "\xa9wrt": "composer", "\xa9cmt": "comment", "\xa9too": "encoder", "cprt": "copyright",
	}[*item]
	switch {
	case key != "" && d.DataType == gomp4.DataTypeStringUTF8:
		if v := strings.TrimSpace(string(d.Data)); v != "" {
			m.tags[key] = v
		}
	case (*item == "trkn" || *item == "disk") && len(d.Data) >= 6:
		n, total := binary.BigEndian.Uint16(d.Data[2:]), binary.BigEndian.Uint16(d.Data[4:])
		k := map[string]string{"trkn": "track", "disk": "disc"}[*item]
		if n > 0 {
			m.tags[k] = fmt.Sprint(n)
			if total > 0 {
				m.tags[k] += fmt.Sprintf("/%d", total)
			}
		}
	case *item == "covr":
		mime := map[uint32]string{13: "image/jpeg", 14: "image/png", 27: "image/bmp"}[d.DataType]
		if mime == "" {
			mime = sniffImage(d.Data)
		}
		m.pictures = append(m.pictures, audio.Picture{MIME: mime, Type: 3, Size: int64(len(d.Data)), Data: d.Data})
	}
	return nil, nil
}

// freeform reads a "----" item (mean, name, data), keeping iTunSMPB.
func (m *movie) freeform(h *gomp4.ReadHandle, p boxRef) {
	if p.size > maxTagBytes {
		return
	}
	var buf bytes.Buffer
	if _, err := h.ReadData(&buf); err != nil {
		return
	}
	b := buf.Bytes()
	var name, data string
	for len(b) >= 8 {
		n := int(binary.BigEndian.Uint32(b))
		if n < 8 || n > len(b) {
			return
		}
		switch string(b[4:8]) {
		case "name":
			if n >= 12 {
				name = string(b[12:n])
			}
		case "data":
			if n >= 16 {
				data = string(b[16:n])
			}
		}
		b = b[n:]
	}
	if name == "iTunSMPB" {
		m.smpb = data
	}
}

func sniffImage(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\xff\xd8")):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG")):
		return "image/png"
	}
	return "application/octet-stream"
}

func pathString(p gomp4.BoxPath) string {
	s := make([]string, len(p))
	for i, t := range p {
		s[i] = t.String()
	}
	return strings.Join(s, "/")
}
