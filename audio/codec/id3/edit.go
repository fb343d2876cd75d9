package id3

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// Edit lists the fields to change; nil fields stay as they are, "" removes
// the frame.
type Edit struct {
	Title, Artist, Album, Year, Track *string
	// Cover replaces the front cover (picture type 3) when not nil; a
	// Cover with no Data removes it.
	Cover *Picture
}

// NewTag returns an empty ID3v2.3 tag (the version most players read).
func NewTag() *Tag { return &Tag{Version: 3} }

func (t *Tag) id(v23 string) string {
	if t.Version == 2 {
		for k, v := range v22IDs {
			if v == v23 {
				return k
			}
		}
	}
	if v23 == "TYER" && t.Version == 4 {
		return "TDRC"
	}
	return v23
}

// Apply changes the tag's frames as e asks, keeping every other frame
// byte for byte and in place. New frames go at the end.
func (t *Tag) Apply(e Edit) {
	for _, c := range []struct {
		id  string
		val *string
	}{{"TIT2", e.Title}, {"TPE1", e.Artist}, {"TALB", e.Album}, {"TYER", e.Year}, {"TRCK", e.Track}} {
		if c.val == nil {
			continue
		}
		id := t.id(c.id)
		var data []byte
		if *c.val != "" {
			data = t.encodeText(*c.val)
		}
		t.set(id, data, func(Frame) bool { return true })
		if c.id == "TYER" && t.Version == 4 {
			t.set("TYER", nil, func(Frame) bool { return true }) // a stray v2.3 year
		}
	}
	if e.Cover != nil {
		id := t.id("APIC")
		isFront := func(f Frame) bool {
			for _, p := range (&Tag{Version: t.Version, Frames: []Frame{f}}).Pictures() {
				return p.Type == 3
			}
			return false
		}
		var data []byte
		if len(e.Cover.Data) > 0 {
			data = t.encodePicture(*e.Cover)
		}
		t.set(id, data, isFront)
	}
}

// set replaces the first frame with id matching keep-filter match by data
// (removing it when data is nil) and removes further matches.
func (t *Tag) set(id string, data []byte, match func(Frame) bool) {
	done := false
	out := t.Frames[:0]
	for _, f := range t.Frames {
		if f.ID == id && match(f) {
			if !done && data != nil {
				out = append(out, Frame{ID: id, Flags: f.Flags &^ 0x00FF, Data: data})
			}
			done = true
			continue
		}
		out = append(out, f)
	}
	t.Frames = out
	if !done && data != nil {
		t.Frames = append(t.Frames, Frame{ID: id, Data: data})
	}
}

func (t *Tag) encodeText(s string) []byte {
	if t.Version == 4 {
		return append([]byte{3}, s...)
	}
	if isLatin1(s) {
		b := []byte{0}
		for _, r := range s {
			b = append(b, byte(r))
		}
		return b
	}
	b := []byte{1, 0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}

func isLatin1(s string) bool {
	for _, r := range s {
		if r > 0xFF {
			return false
		}
	}
	return true
}

func (t *Tag) encodePicture(p Picture) []byte {
	desc := t.encodeText(p.Description)
	enc, text := desc[0], desc[1:]
	term := []byte{0}
	if enc == 1 || enc == 2 {
		term = []byte{0, 0}
	}
	b := []byte{enc}
	if t.Version == 2 {
		f := "JPG"
		if p.MIME == "image/png" {
			f = "PNG"
		}
		b = append(b, f...)
	} else {
		b = append(append(b, p.MIME...), 0)
	}
	typ := p.Type
	if typ == 0 {
		typ = 3
	}
	b = append(b, typ)
	b = append(append(b, text...), term...)
	return append(b, p.Data...)
}

// Encode writes the tag with padding bytes of padding. Frames are written
// without unsynchronisation (not needed by any player since 2000).
func (t *Tag) Encode(padding int) ([]byte, error) {
	var body bytes.Buffer
	for _, f := range t.Frames {
		n := len(f.Data)
		switch t.Version {
		case 2:
			if len(f.ID) != 3 || n >= 1<<24 {
				return nil, fmt.Errorf("id3: frame %q (%d bytes) does not fit ID3v2.2", f.ID, n)
			}
			body.WriteString(f.ID)
			body.Write([]byte{byte(n >> 16), byte(n >> 8), byte(n)})
		case 3, 4:
			if len(f.ID) != 4 || n >= 1<<28 {
				return nil, fmt.Errorf("id3: frame %q (%d bytes) does not fit ID3v2.%d", f.ID, n, t.Version)
			}
			body.WriteString(f.ID)
			var sz [4]byte
			if t.Version == 4 {
				putSyncsafe(sz[:], uint32(n))
			} else {
				binary.BigEndian.PutUint32(sz[:], uint32(n))
			}
			body.Write(sz[:])
			body.Write(binary.BigEndian.AppendUint16(nil, f.Flags))
		default:
			return nil, fmt.Errorf("id3: cannot write ID3v2.%d", t.Version)
		}
		body.Write(f.Data)
	}
	body.Write(make([]byte, padding))
	if body.Len() >= 1<<28 {
		return nil, fmt.Errorf("id3: tag of %d bytes is too large", body.Len())
	}
	h := []byte{'I', 'D', '3', byte(t.Version), 0, 0, 0, 0, 0, 0}
	putSyncsafe(h[6:], uint32(body.Len()))
	return append(h, body.Bytes()...), nil
}
