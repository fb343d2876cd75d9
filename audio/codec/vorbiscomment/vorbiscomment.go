// Package vorbiscomment reads and writes Vorbis comments (the tags of Ogg
// Vorbis, Opus and FLAC) and FLAC/Vorbis picture blocks
// (METADATA_BLOCK_PICTURE).
//
// Spec: https://xiph.org/vorbis/doc/v-comment.html and
// https://xiph.org/flac/format.html#metadata_block_picture.
package vorbiscomment

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"

	"offcut/audio"
)

// Limits on what a comment block may claim, so that a hostile header cannot
// make the parser allocate without bound. A comment is also never longer
// than the block it is in, which its container bounds (Ogg header packets,
// FLAC metadata blocks); MaxCommentSize is set above the largest cover art
// seen in the wild (a METADATA_BLOCK_PICTURE is base64, 4/3 of the image),
// so that one big cover does not cost a file all its tags.
const (
	MaxComments    = 4096
	MaxCommentSize = 24 << 20
)

// ErrMalformed is wrapped by every parse error.
var ErrMalformed = errors.New("vorbiscomment: malformed comment block")

// Comments is a parsed comment block.
type Comments struct {
	// Vendor is the encoder's vendor string.
	Vendor string
	// Fields are the NAME=value comments in order (names as stored).
	Fields []Field
}

// Field is one comment.
type Field struct {
	Name, Value string
}

// Picture is an embedded picture (FLAC PICTURE block, or the base64
// METADATA_BLOCK_PICTURE comment of Ogg files).
type Picture struct {
	Type        uint32
	MIME        string
	Description string
	Width       uint32
	Height      uint32
	Depth       uint32
	Colors      uint32
	Data        []byte
}

// Parse reads a comment block without framing bit (as in FLAC and Opus;
// Vorbis callers strip the "\x03vorbis" prefix and ignore the framing bit
// after it).
func Parse(b []byte) (*Comments, error) {
	r := reader{b: b}
	vendor, err := r.str()
	if err != nil {
		return nil, fmt.Errorf("%w: vendor string: %v", ErrMalformed, err)
	}
	n, err := r.u32()
	if err != nil {
		return nil, fmt.Errorf("%w: comment count: %v", ErrMalformed, err)
	}
	if n > MaxComments || int(n)*4 > len(r.b)-r.off {
		return nil, fmt.Errorf("%w: %d comments claimed in %d bytes", ErrMalformed, n, len(r.b)-r.off)
	}
	c := &Comments{Vendor: vendor, Fields: make([]Field, 0, n)}
	for i := 0; i < int(n); i++ {
		s, err := r.str()
		if err != nil {
			return nil, fmt.Errorf("%w: comment %d: %v", ErrMalformed, i, err)
		}
		name, value, ok := strings.Cut(s, "=")
		if !ok {
			continue // tolerated: a comment without '=' carries nothing
		}
		c.Fields = append(c.Fields, Field{Name: name, Value: value})
	}
	return c, nil
}

// Tags returns the comments as lower-case keys mapped to values (repeated
// fields joined with "; "), with the usual Vorbis names mapped to the
// engine's tag keys (tracknumber -> track, date -> year).
func (c *Comments) Tags() map[string]string {
	out := map[string]string{}
	for _, f := range c.Fields {
		k := strings.ToLower(f.Name)
		switch k {
		case "metadata_block_picture", "coverart":
			continue
		case "tracknumber":
			k = "track"
		case "date":
			k = "year"
		}
		if old, ok := out[k]; ok {
			out[k] = old + "; " + f.Value
		} else {
			out[k] = f.Value
		}
	}
	return out
}

// Pictures decodes the METADATA_BLOCK_PICTURE comments; malformed ones are
// skipped.
func (c *Comments) Pictures() []Picture {
	var out []Picture
	for _, f := range c.Fields {
		if !strings.EqualFold(f.Name, "METADATA_BLOCK_PICTURE") {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(f.Value)
		if err != nil {
			continue
		}
		if p, err := ParsePicture(b); err == nil {
			out = append(out, *p)
		}
	}
	return out
}

// Encode writes the block (no framing bit).
func (c *Comments) Encode() []byte {
	var b []byte
	b = appendStr(b, c.Vendor)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(c.Fields)))
	for _, f := range c.Fields {
		b = appendStr(b, f.Name+"="+f.Value)
	}
	return b
}

func appendStr(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// ParsePicture reads a FLAC PICTURE block body (big-endian fields).
func ParsePicture(b []byte) (*Picture, error) {
	r := reader{b: b, be: true}
	var p Picture
	var err error
	if p.Type, err = r.u32(); err != nil {
		return nil, fmt.Errorf("%w: picture type: %v", ErrMalformed, err)
	}
	if p.MIME, err = r.str(); err != nil {
		return nil, fmt.Errorf("%w: picture MIME type: %v", ErrMalformed, err)
	}
	if p.Description, err = r.str(); err != nil {
		return nil, fmt.Errorf("%w: picture description: %v", ErrMalformed, err)
	}
	for _, v := range []*uint32{&p.Width, &p.Height, &p.Depth, &p.Colors} {
		if *v, err = r.u32(); err != nil {
			return nil, fmt.Errorf("%w: picture dimensions: %v", ErrMalformed, err)
		}
	}
	n, err := r.u32()
	if err != nil {
		return nil, fmt.Errorf("%w: picture length: %v", ErrMalformed, err)
	}
	if int64(n) > int64(len(r.b)-r.off) {
		return nil, fmt.Errorf("%w: picture of %d bytes claimed, %d left", ErrMalformed, n, len(r.b)-r.off)
	}
	p.Data = r.b[r.off : r.off+int(n)]
	return &p, nil
}

// Encode writes the picture as a FLAC PICTURE block body.
func (p *Picture) Encode() []byte {
	var b []byte
	be := binary.BigEndian
	b = be.AppendUint32(b, p.Type)
	b = be.AppendUint32(b, uint32(len(p.MIME)))
	b = append(b, p.MIME...)
	b = be.AppendUint32(b, uint32(len(p.Description)))
	b = append(b, p.Description...)
	for _, v := range []uint32{p.Width, p.Height, p.Depth, p.Colors, uint32(len(p.Data))} {
		b = be.AppendUint32(b, v)
	}
	return append(b, p.Data...)
}

type reader struct {
	b   []byte
	off int
	be  bool
}

func (r *reader) u32() (uint32, error) {
	if len(r.b)-r.off < 4 {
		return 0, errors.New("truncated")
	}
	var v uint32
	if r.be {
		v = binary.BigEndian.Uint32(r.b[r.off:])
	} else {
		v = binary.LittleEndian.Uint32(r.b[r.off:])
	}
	r.off += 4
	return v, nil
}

func (r *reader) str() (string, error) {
	n, err := r.u32()
	if err != nil {
		return "", err
	}
	if n > MaxCommentSize && !r.be || int64(n) > int64(len(r.b)-r.off) {
		return "", fmt.Errorf("string of %d bytes claimed, %d left", n, len(r.b)-r.off)
	}
	s := string(r.b[r.off : r.off+int(n)])
	r.off += int(n)
	return s, nil
}

// FromTags returns the comments a writer stores for tags (the engine's
// lower-case keys, in key order: year as DATE, track as TRACKNUMBER,
// others upper-cased; names a reader could not parse back and empty
// values are left out) and pictures (as METADATA_BLOCK_PICTURE fields,
// as Ogg files carry them; FLAC passes none and writes PICTURE blocks).
// An empty vendor is "Offcut".
func FromTags(vendor string, tags map[string]string, pictures []audio.Picture) Comments {
	if vendor == "" {
		vendor = "Offcut"
	}
	c := Comments{Vendor: vendor}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := strings.ToUpper(k)
		switch k {
		case "track":
			name = "TRACKNUMBER"
		case "year":
			name = "DATE"
		}
		if name == "" || strings.ContainsAny(name, "=~") || tags[k] == "" {
			continue
		}
		c.Fields = append(c.Fields, Field{Name: name, Value: tags[k]})
	}
	for _, p := range pictures {
		if len(p.Data) == 0 {
			continue
		}
		vp := Picture{Type: uint32(p.Type), MIME: p.MIME, Description: p.Description, Data: p.Data}
		c.Fields = append(c.Fields, Field{Name: "METADATA_BLOCK_PICTURE", Value: base64.StdEncoding.EncodeToString(vp.Encode())})
	}
	return c
}
