package wav

import (
	"encoding/binary"
	"strings"

	"offcut/audio"
	"offcut/audio/codec/id3"
)

// infoIDs are the LIST/INFO entries written for the engine's tag keys, in
// the order they are written. "date" is read back as "year".
var infoIDs = []struct{ key, id string }{
	{"title", "INAM"},
	{"artist", "IART"},
	{"album", "IPRD"},
	{"year", "ICRD"},
	{"track", "ITRK"},
	{"track", "IPRT"}, // the other track entry some players read
	{"genre", "IGNR"},
	{"comment", "ICMT"},
	{"copyright", "ICOP"},
	{"engineer", "IENG"},
	{"subject", "ISBJ"},
	{"keywords", "IKEY"},
	{"source", "ISRC"},
	{"medium", "IMED"},
	{"software", "ISFT"}, // only ever the source's own: Offcut never brands
}

// maxInfoValue bounds a value written to LIST/INFO (bytes, terminator
// included); a longer one goes to the id3 chunk only, so the LIST chunk
// stays well below the maxListSize readers parse.
const maxInfoValue = 32 << 10

// skippedKeys are tags that describe the source file rather than the
// output, and are not carried.
var skippedKeys = map[string]bool{"encoder": true}

// cleanTags returns tags without NUL bytes (they end an INFO string and
// separate ID3 values), surrounding space, empty values and the keys not
// carried; "date" becomes "year" when there is no year.
func cleanTags(tags map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range tags {
		v = strings.TrimSpace(strings.ReplaceAll(v, "\x00", ""))
		if v == "" || skippedKeys[k] {
			continue
		}
		out[k] = v
	}
	if d, ok := out["date"]; ok {
		if _, ok := out["year"]; !ok {
			out["year"] = d
		}
		delete(out, "date")
	}
	return out
}

// InfoChunk returns the LIST/INFO chunk (header, entries and pad byte) for
// tags, nil when none of them has an INFO entry, and whether every tag
// fitted in it (the rest needs an id3 chunk). Values are written as UTF-8,
// NUL-terminated, each padded to an even length.
func InfoChunk(tags map[string]string) (chunk []byte, all bool) {
	tags = cleanTags(tags)
	held := map[string]bool{}
	body := []byte("INFO")
	for _, e := range infoIDs {
		v, ok := tags[e.key]
		if !ok || len(v)+1 > maxInfoValue {
			continue
		}
		held[e.key] = true
		body = append(body, e.id...)
		body = binary.LittleEndian.AppendUint32(body, uint32(len(v)+1))
		body = append(append(body, v...), 0)
		if len(body)&1 == 1 {
			body = append(body, 0)
		}
	}
	all = len(held) == len(tags)
	if len(held) == 0 {
		return nil, all
	}
	chunk = append([]byte("LIST"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	return append(chunk, body...), all
}

// ID3Tag returns a new ID3v2.4 tag holding tags and pictures, encoded for
// an "id3 " chunk; pictures that would take the tag past what readers load
// (id3.MaxTagSize) are left out.
func ID3Tag(tags map[string]string, pics []audio.Picture) ([]byte, error) {
	var ps []id3.Picture
	budget := int64(id3.MaxTagSize) - maxID3Text - 1<<20
	for _, p := range pics {
		if len(p.Data) == 0 || int64(len(p.Data)) > budget {
			continue
		}
		budget -= int64(len(p.Data)) + 256
		ps = append(ps, id3.Picture{MIME: p.MIME, Type: byte(p.Type), Description: p.Description, Data: p.Data})
	}
	t := id3.TagFromFields(boundTags(cleanTags(tags), maxID3Text), ps)
	return t.Encode(0)
}

// maxID3Text bounds the text an id3 chunk written here holds, so that the
// tag stays within what readers load with its pictures.
const maxID3Text = 8 << 20

// boundTags drops the longest values until the total is at most max bytes.
func boundTags(tags map[string]string, max int) map[string]string {
	total := 0
	for k, v := range tags {
		total += len(k) + len(v)
	}
	for total > max {
		long := ""
		for k, v := range tags {
			if long == "" || len(v) > len(tags[long]) || len(v) == len(tags[long]) && k < long {
				long = k
			}
		}
		total -= len(long) + len(tags[long])
		delete(tags, long)
	}
	return tags
}
