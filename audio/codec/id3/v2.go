package id3

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"offcut/audio"
)

// Errors callers can test with errors.Is.
var (
	// ErrNoTag means there is no tag of the asked kind at that place.
	ErrNoTag = errors.New("id3: no tag")
	// ErrMalformed means a tag's header or frames contradict themselves.
	ErrMalformed = errors.New("id3: malformed tag")
)

// MaxTagSize bounds the ID3v2 tag bytes read into memory (cover art
// included). Larger tags are still skipped correctly by V2Size.
const MaxTagSize = 64 << 20

// HeaderSize is the size of an ID3v2 header (and footer).
const HeaderSize = 10

// V2Size reports the total size of the ID3v2 tag whose 10-byte header is h
// (header, frames, padding and footer), or ErrNoTag.
func V2Size(h []byte) (int64, error) {
	if len(h) < HeaderSize || string(h[:3]) != "ID3" {
		return 0, ErrNoTag
	}
	if h[3] < 2 || h[3] > 4 || h[4] == 0xFF {
		return 0, fmt.Errorf("%w: ID3v2.%d.%d is not a version this reads", ErrMalformed, h[3], h[4])
	}
	n, ok := syncsafe(h[6:10])
	if !ok {
		return 0, fmt.Errorf("%w: tag size % X is not syncsafe", ErrMalformed, h[6:10])
	}
	size := int64(HeaderSize) + int64(n)
	if h[3] == 4 && h[5]&0x10 != 0 {
		size += HeaderSize
	}
	return size, nil
}

func syncsafe(b []byte) (uint32, bool) {
	var n uint32
	for _, c := range b {
		if c&0x80 != 0 {
			return 0, false
		}
		n = n<<7 | uint32(c)
	}
	return n, true
}

func putSyncsafe(b []byte, n uint32) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte(n & 0x7F)
		n >>= 7
	}
}

// Frame is one ID3v2 frame: its id (three letters in v2.2, four later),
// flags, and its data with unsynchronisation and data-length prefixes
// removed.
type Frame struct {
	ID    string
	Flags uint16
	Data  []byte
}

// Tag is a parsed ID3v2 tag.
type Tag struct {
	// Version is the major version: 2, 3 or 4.
	Version int
	// Size is the tag's total size in the file.
	Size int64
	// Frames in file order.
	Frames []Frame
}

// ReadV2 reads the ID3v2 tag at offset off of r (size is r's total size).
func ReadV2(r io.ReaderAt, off, size int64) (*Tag, error) {
	var h [HeaderSize]byte
	if err := audio.ReadAtFull(r, h[:], off); err != nil {
		return nil, ErrNoTag
	}
	total, err := V2Size(h[:])
	if err != nil {
		return nil, err
	}
	if off+total > size {
		return nil, fmt.Errorf("%w: tag claims %d bytes, file has %d after it", ErrMalformed, total, size-off)
	}
	if total > MaxTagSize {
		return nil, fmt.Errorf("%w: tag is %d bytes, larger than the %d this reads", ErrMalformed, total, MaxTagSize)
	}
	body := make([]byte, total-HeaderSize)
	if err := audio.ReadAtFull(r, body, off+HeaderSize); err != nil {
		return nil, fmt.Errorf("id3: reading tag: %w", err)
	}
	if h[3] == 4 && h[5]&0x10 != 0 {
		body = body[:len(body)-HeaderSize]
	}
	return parseV2(int(h[3]), h[5], body, total)
}

// ParseV2 parses a whole ID3v2 tag held in memory.
func ParseV2(b []byte) (*Tag, error) {
	return ReadV2(bytes.NewReader(b), 0, int64(len(b)))
}

func parseV2(ver int, flags byte, body []byte, total int64) (*Tag, error) {
	t := &Tag{Version: ver, Size: total}
	if flags&0x80 != 0 && ver < 4 {
		body = unsync(body) // v2.2/2.3: the whole tag
	}
	if flags&0x40 != 0 && ver >= 3 { // extended header: skip it
		if len(body) < 4 {
			return nil, fmt.Errorf("%w: extended header cut short", ErrMalformed)
		}
		var n int
		if ver == 3 {
			n = 4 + int(binary.BigEndian.Uint32(body))
		} else {
			s, ok := syncsafe(body[:4])
			if !ok {
				return nil, fmt.Errorf("%w: extended header size is not syncsafe", ErrMalformed)
			}
			n = int(s)
		}
		if n < 4 || n > len(body) {
			return nil, fmt.Errorf("%w: extended header claims %d bytes, tag has %d", ErrMalformed, n, len(body))
		}
		body = body[n:]
	}
	idLen, hdrLen := 4, 10
	if ver == 2 {
		idLen, hdrLen = 3, 6
	}
	for len(body) >= hdrLen && body[0] != 0 {
		id := string(body[:idLen])
		if !validID(id) {
			return nil, fmt.Errorf("%w: frame id %q at byte %d is not valid", ErrMalformed, printable(id), int(total)-len(body))
		}
		var n uint32
		var fl uint16
		switch ver {
		case 2:
			n = uint32(body[3])<<16 | uint32(body[4])<<8 | uint32(body[5])
		case 3:
			n = binary.BigEndian.Uint32(body[4:])
			fl = binary.BigEndian.Uint16(body[8:])
		case 4:
			s, ok := syncsafe(body[4:8])
			if !ok {
				// Some writers store plain sizes in v2.4: accept them when
				// they fit.
				s = binary.BigEndian.Uint32(body[4:])
			}
			n = s
			fl = binary.BigEndian.Uint16(body[8:])
		}
		if int64(n) > int64(len(body)-hdrLen) {
			return nil, fmt.Errorf("%w: frame %s claims %d bytes, %d are left in the tag", ErrMalformed, id, n, len(body)-hdrLen)
		}
		data := body[hdrLen : hdrLen+int(n)]
		body = body[hdrLen+int(n):]
		if ver == 4 {
			if fl&0x0002 != 0 { // per-frame unsynchronisation
				data = unsync(data)
				fl &^= 0x0002
			}
			if fl&0x0001 != 0 { // data length indicator
				if len(data) < 4 {
					return nil, fmt.Errorf("%w: frame %s too short for its data length indicator", ErrMalformed, id)
				}
				data = data[4:]
				fl &^= 0x0001
			}
		}
		t.Frames = append(t.Frames, Frame{ID: id, Flags: fl, Data: bytes.Clone(data)})
	}
	return t, nil
}

func validID(id string) bool {
	for _, c := range id {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7E {
			return '?'
		}
		return r
	}, s)
}

// unsync removes the 0x00 that unsynchronisation puts after every 0xFF.
func unsync(b []byte) []byte {
	if !bytes.Contains(b, []byte{0xFF, 0x00}) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		out = append(out, b[i])
		if b[i] == 0xFF && i+1 < len(b) && b[i+1] == 0 {
			i++
		}
	}
	return out
}

// v22IDs maps the three-letter v2.2 ids of the frames this package
// interprets to their v2.3 names.
var v22IDs = map[string]string{
	"TT2": "TIT2", "TP1": "TPE1", "TP2": "TPE2", "TAL": "TALB", "TYE": "TYER", "TRK": "TRCK",
	"TCO": "TCON", "COM": "COMM", "PIC": "APIC", "TPA": "TPOS", "TCM": "TCOM", "TEN": "TENC",
}

// Find returns the first frame with id (a v2.3/2.4 id; v2.2 frames are
// matched through their v2.2 names).
func (t *Tag) Find(id string) *Frame {
	for i := range t.Frames {
		f := &t.Frames[i]
		if f.ID == id || (t.Version == 2 && v22IDs[f.ID] == id) {
			return f
		}
	}
	return nil
}

// Text returns the text of the first text frame with id ("" if none). In
// v2.4 several values are joined with " / ".
func (t *Tag) Text(id string) string {
	f := t.Find(id)
	if f == nil || len(f.Data) == 0 || f.Data[0] > 3 {
		return ""
	}
	return decodeText(f.Data[0], f.Data[1:])
}

// decodeText decodes text of an ID3 encoding, turning NUL separators into
// " / " and dropping trailing NULs.
func decodeText(enc byte, b []byte) string {
	var s string
	switch enc {
	case 0:
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		s = string(r)
	case 1, 2:
		if len(b)%2 == 1 {
			b = b[:len(b)-1]
		}
		u := make([]uint16, len(b)/2)
		le := false
		if enc == 1 && len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE {
			le = true
		}
		for i := range u {
			if le {
				u[i] = binary.LittleEndian.Uint16(b[2*i:])
			} else {
				u[i] = binary.BigEndian.Uint16(b[2*i:])
			}
		}
		// Each value may carry its own BOM.
		var out []rune
		for _, r := range utf16.Decode(u) {
			switch r {
			case 0xFEFF:
				continue
			case 0xFFFE:
				le = !le
				continue
			}
			out = append(out, r)
		}
		s = string(out)
	default:
		s = strings.ToValidUTF8(string(b), "\uFFFD")
	}
	s = strings.TrimRight(s, "\x00")
	return strings.ReplaceAll(s, "\x00", " / ")
}

// splitTerminated splits b at the first terminator of encoding enc.
func splitTerminated(enc byte, b []byte) (string, []byte, bool) {
	if enc == 1 || enc == 2 {
		for i := 0; i+1 < len(b); i += 2 {
			if b[i] == 0 && b[i+1] == 0 {
				return decodeText(enc, b[:i]), b[i+2:], true
			}
		}
		return "", nil, false
	}
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return "", nil, false
	}
	return decodeText(enc, b[:i]), b[i+1:], true
}

// Picture is an embedded image (APIC, or PIC in v2.2).
type Picture struct {
	MIME        string `json:"mime"`
	Type        byte   `json:"type"` // 3 is the front cover
	Description string `json:"description,omitempty"`
	Data        []byte `json:"-"`
}

// AudioPictures returns the tag's pictures as a decoder's Info lists
// them: the data of one over audio.MaxPictureBytes left out.
func (t *Tag) AudioPictures() []audio.Picture {
	var out []audio.Picture
	for _, p := range t.Pictures() {
		ap := audio.Picture{MIME: p.MIME, Type: int(p.Type), Description: p.Description, Size: int64(len(p.Data)), Data: p.Data}
		if ap.Size > audio.MaxPictureBytes {
			ap.Data = nil
		}
		out = append(out, ap)
	}
	return out
}

// Pictures returns the tag's embedded pictures.
func (t *Tag) Pictures() []Picture {
	var out []Picture
	for _, f := range t.Frames {
		if f.ID != "APIC" && f.ID != "PIC" {
			continue
		}
		d := f.Data
		if len(d) < 2 {
			continue
		}
		enc := d[0]
		p := Picture{}
		if f.ID == "PIC" {
			if len(d) < 5 {
				continue
			}
			p.MIME = map[string]string{"JPG": "image/jpeg", "PNG": "image/png"}[strings.ToUpper(string(d[1:4]))]
			d = d[4:]
		} else {
			m, rest, ok := splitTerminated(0, d[1:])
			if !ok {
				continue
			}
			p.MIME, d = m, rest
		}
		if len(d) < 1 {
			continue
		}
		p.Type = d[0]
		desc, rest, ok := splitTerminated(enc, d[1:])
		if !ok {
			continue
		}
		p.Description, p.Data = desc, rest
		out = append(out, p)
	}
	return out
}

// Chapter is a CHAP frame: a titled span of the audio.
type Chapter struct {
	ID    string `json:"id"`
	Start uint32 `json:"startMs"`
	End   uint32 `json:"endMs"`
	Title string `json:"title,omitempty"`
}

// Chapters returns the tag's chapters in file order.
func (t *Tag) Chapters() []Chapter {
	var out []Chapter
	for _, f := range t.Frames {
		if f.ID != "CHAP" {
			continue
		}
		id, rest, ok := splitTerminated(0, f.Data)
		if !ok || len(rest) < 16 {
			continue
		}
		c := Chapter{ID: id, Start: binary.BigEndian.Uint32(rest), End: binary.BigEndian.Uint32(rest[4:])}
		if sub, err := parseV2(t.Version, 0, rest[16:], int64(len(rest)-16)); err == nil {
			c.Title = sub.Text("TIT2")
		}
		out = append(out, c)
	}
	return out
}

// Comment returns the text of the first COMM frame.
func (t *Tag) Comment() string {
	f := t.Find("COMM")
	if f == nil || len(f.Data) < 5 || f.Data[0] > 3 {
		return ""
	}
	_, text, ok := splitTerminated(f.Data[0], f.Data[4:])
	if !ok {
		return ""
	}
	return decodeText(f.Data[0], text)
}

// Fields returns the common tags by the engine's lower-case names.
func (t *Tag) Fields() map[string]string {
	m := map[string]string{}
	for k, id := range map[string]string{
		"title": "TIT2", "artist": "TPE1", "album": "TALB", "albumartist": "TPE2", "track": "TRCK",
		"disc": "TPOS", "genre": "TCON", "composer": "TCOM", "encoder": "TSSE", "encodedby": "TENC",
	} {
		if v := t.Text(id); v != "" {
			m[k] = v
		}
	}
	year := t.Text("TDRC")
	if year == "" {
		year = t.Text("TYER")
	}
	if year != "" {
		m["year"] = year
	}
	if c := t.Comment(); c != "" {
		m["comment"] = c
	}
	if v := t.Text("TCOP"); v != "" {
		m["copyright"] = v
	}
	// User-defined text (TXXX: encoding, description, value), as
	// TagFromFields writes any other key: the description, lower-cased, is
	// the key; a key read from a standard frame is kept.
	for _, f := range t.Frames {
		if f.ID != "TXXX" || len(f.Data) < 2 || f.Data[0] > 3 {
			continue
		}
		desc, rest, ok := splitTerminated(f.Data[0], f.Data[1:])
		k := strings.ToLower(strings.TrimSpace(desc))
		if !ok || k == "" || len(k) > 256 {
			continue
		}
		if _, set := m[k]; !set {
			if v := decodeText(f.Data[0], rest); v != "" {
				m[k] = v
			}
		}
	}
	return m
}
