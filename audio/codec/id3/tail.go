package id3

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"offcut/audio"
)

// V1 is an ID3v1 or v1.1 tag: the last 128 bytes of a file.
type V1 struct {
	Title, Artist, Album, Year, Comment string
	Track                               int // 0 when absent (v1.0)
	Genre                               byte
}

// Fields returns the tag's fields by the engine's lower-case names.
func (v *V1) Fields() map[string]string {
	m := map[string]string{}
	for k, s := range map[string]string{"title": v.Title, "artist": v.Artist, "album": v.Album, "year": v.Year, "comment": v.Comment} {
		if s != "" {
			m[k] = s
		}
	}
	if v.Track > 0 {
		m["track"] = fmt.Sprint(v.Track)
	}
	return m
}

func latin1(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return strings.TrimRight(string(r), " ")
}

func parseV1(b []byte) *V1 {
	v := &V1{Title: latin1(b[3:33]), Artist: latin1(b[33:63]), Album: latin1(b[63:93]), Year: latin1(b[93:97]), Genre: b[127]}
	c := b[97:127]
	if c[28] == 0 && c[29] != 0 {
		v.Track = int(c[29])
		c = c[:28]
	}
	v.Comment = latin1(c)
	return v
}

// Tail describes the tags at the end of a file.
type Tail struct {
	// AudioEnd is where the audio ends: the offset of the first tail tag,
	// or the file size.
	AudioEnd int64
	// V1 is the ID3v1 tag, if any.
	V1 *V1
	// APESize is the size of an APE tag (header included), 0 if none.
	APESize int64
	// Lyrics3Size is the size of a Lyrics3v2 block, 0 if none.
	Lyrics3Size int64
}

// ReadTail finds ID3v1 (with the 227-byte "TAG+" extension), APEv1/v2 and
// Lyrics3v2 at the end of r, in the order players write them.
func ReadTail(r io.ReaderAt, size int64) (Tail, error) {
	t := Tail{AudioEnd: size}
	end := size
	if end >= 128 {
		var b [128]byte
		if err := audio.ReadAtFull(r, b[:], end-128); err != nil {
			return t, fmt.Errorf("id3: reading the last 128 bytes: %w", err)
		}
		if string(b[:3]) == "TAG" {
			t.V1 = parseV1(b[:])
			end -= 128
			if end >= 227 {
				var x [4]byte
				if audio.ReadAtFull(r, x[:], end-227) == nil && string(x[:]) == "TAG+" {
					end -= 227
				}
			}
		}
	}
	// Lyrics3v2: "LYRICS200" preceded by a 6-digit size.
	if end >= 15 {
		var b [15]byte
		if audio.ReadAtFull(r, b[:], end-15) == nil && string(b[6:]) == "LYRICS200" {
			if n, ok := digits(b[:6]); ok && n+15 <= end {
				t.Lyrics3Size = n + 15
				end -= n + 15
			}
		}
	}
	if end >= 32 {
		var f [32]byte
		if audio.ReadAtFull(r, f[:], end-32) == nil && string(f[:8]) == "APETAGEX" {
			n := int64(binary.LittleEndian.Uint32(f[12:]))
			if binary.LittleEndian.Uint32(f[20:])&(1<<31) != 0 {
				n += 32
			}
			if n < 32 || n > end {
				return t, fmt.Errorf("%w: APE tag claims %d bytes, %d are before it", ErrMalformed, n, end)
			}
			t.APESize = n
			end -= n
		}
	}
	t.AudioEnd = end
	return t, nil
}

// digits parses ASCII decimal digits, nothing else (no sign, no spaces).
func digits(b []byte) (int64, bool) {
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
