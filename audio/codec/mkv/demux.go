package mkv

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"offcut/audio/codec"
	"offcut/audio/codec/vorbiscomment"
)

// Element IDs.
const (
	idEBML         = 0x1A45DFA3
	idDocType      = 0x4282
	idSegment      = 0x18538067
	idSeekHead     = 0x114D9B74
	idInfo         = 0x1549A966
	idTracks       = 0x1654AE6B
	idTrackEntry   = 0xAE
	idTrackNumber  = 0xD7
	idTrackType    = 0x83
	idCodecID      = 0x86
	idCodecPrivate = 0x63A2
	idCodecDelay   = 0x56AA
	idAudio        = 0xE1
	idChannels     = 0x9F
	idCluster      = 0x1F43B675
	idTimecode     = 0xE7
	idSimpleBlock  = 0xA3
	idBlockGroup   = 0xA0
	idBlock        = 0xA1
	idDiscard      = 0x75A2
	idCues         = 0x1C53BB6B
	idTags         = 0x1254C367
	idChapters     = 0x1043A770
	idAttachments  = 0x1941A469
	idTitle        = 0x7BA9
	idTag          = 0x7373
	idSimpleTag    = 0x67C8
	idTagName      = 0x45A3
	idTagString    = 0x4487
)

// topLevel reports the Segment children, which end a cluster of unknown
// size.
func topLevel(id uint32) bool {
	switch id {
	case idSeekHead, idInfo, idTracks, idCluster, idCues, idTags, idChapters, idAttachments:
		return true
	}
	return false
}

// Limits: CodecPrivate carries the codec headers (with a Vorbis comment
// header, possibly pictures); audio packets are small.
const (
	maxPrivate = 32 << 20
	maxPacket  = 4 << 20
	maxPackets = 1 << 26
)

type track struct {
	number  uint64
	typ     uint64
	codecID string
	private []byte
	delay   uint64 // ns
	ch      uint64
}

// pkt is one packet of the chosen track: where it is and the position of
// its first output sample in a continuous decode.
type pkt struct {
	off  int64
	size int32
	pos  int64
}

type demux struct {
	docType  string
	track    *track
	packets  []pkt
	discard  int64 // ns of DiscardPadding on the last block
	tags     []vorbiscomment.Field
	warnings []string
}

// Bounds on what the Tags element may hold.
const (
	maxTags     = 4096
	maxTagBytes = 1 << 20
)

// readTags collects the SimpleTags of every Tag (global and per-track
// alike) as name/value pairs, skipping DURATION (a muxer's statistic).
func (d *demux) readTags(r *reader, tags elem) error {
	_, err := r.children(tags.data, tags.end, nil, func(tag elem) (int64, error) {
		if tag.end < 0 {
			return 0, fmt.Errorf("mkv: tag of unknown size: %w", codec.ErrMalformed)
		}
		if tag.id != idTag {
			return tag.end, nil
		}
		return r.children(tag.data, tag.end, nil, func(st elem) (int64, error) {
			if st.end < 0 {
				return 0, fmt.Errorf("mkv: tag element of unknown size: %w", codec.ErrMalformed)
			}
			if st.id != idSimpleTag {
				return st.end, nil
			}
			var f vorbiscomment.Field
			_, err := r.children(st.data, st.end, nil, func(x elem) (int64, error) {
				var err error
				var b []byte
				switch x.id {
				case idTagName:
					b, err = r.bytes(x, maxTagBytes)
					f.Name = string(trimNul(b))
				case idTagString:
					b, err = r.bytes(x, maxTagBytes)
					f.Value = string(trimNul(b))
				}
				if x.end < 0 {
					return 0, fmt.Errorf("mkv: tag field of unknown size: %w", codec.ErrMalformed)
				}
				return x.end, err
			})
			if err != nil {
				return 0, err
			}
			switch strings.ToUpper(f.Name) {
			case "", "DURATION":
				return st.end, nil
			case "TITLE":
				for _, t := range d.tags {
					if t.Name == "title" && t.Value == f.Value {
						return st.end, nil // also the segment title
					}
				}
			case "DATE_RELEASED", "DATE_RECORDED":
				f.Name = "date"
			case "PART_NUMBER":
				f.Name = "tracknumber"
			}
			if len(d.tags) >= maxTags {
				return 0, fmt.Errorf("mkv: more than %d tags: %w", maxTags, codec.ErrMalformed)
			}
			d.tags = append(d.tags, f)
			return st.end, nil
		})
	})
	return err
}

// walk parses the file structure and indexes the packets of the first
// audio track; frames gives the output length of each packet from its
// first bytes (called in order).
func walk(r *reader, choose func(t *track) error, frames func(head []byte) (int, error)) (*demux, error) {
	size := r.src.Size()
	id, esize, n, err := r.header(0)
	if err != nil {
		return nil, err
	}
	if id != idEBML || esize == unknown {
		return nil, fmt.Errorf("mkv: no EBML header: %w", codec.ErrMalformed)
	}
	d := &demux{docType: "matroska"}
	hdrEnd := int64(n) + esize
	if _, err := r.children(int64(n), min(hdrEnd, size), nil, func(e elem) (int64, error) {
		if e.id == idDocType {
			b, err := r.bytes(e, 64)
			if err != nil {
				return 0, err
			}
			d.docType = string(trimNul(b))
		}
		return e.end, nil
	}); err != nil {
		return nil, err
	}
	if d.docType != "webm" && d.docType != "matroska" {
		return nil, fmt.Errorf("mkv: document type %q: %w", d.docType, codec.ErrUnsupported)
	}
	id, esize, n, err = r.header(hdrEnd)
	if err != nil {
		return nil, err
	}
	if id != idSegment {
		return nil, fmt.Errorf("mkv: element %X at %d where the Segment should be: %w", id, hdrEnd, codec.ErrMalformed)
	}
	segData := hdrEnd + int64(n)
	segEnd := size
	if esize != unknown {
		segEnd = min(size, segData+esize)
	}
	var pos int64
	_, err = r.children(segData, segEnd, nil, func(e elem) (int64, error) {
		switch e.id {
		case idTracks:
			if e.end < 0 {
				return 0, fmt.Errorf("mkv: Tracks of unknown size: %w", codec.ErrMalformed)
			}
			if d.track != nil {
				return e.end, nil
			}
			t, err := readTracks(r, e)
			if err != nil {
				return 0, err
			}
			if t == nil {
				return 0, fmt.Errorf("mkv: no audio track: %w", codec.ErrNoAudio)
			}
			if err := choose(t); err != nil {
				return 0, err
			}
			d.track = t
			return e.end, nil
		case idInfo:
			if e.end < 0 {
				return 0, fmt.Errorf("mkv: Info of unknown size: %w", codec.ErrMalformed)
			}
			return r.children(e.data, e.end, nil, func(x elem) (int64, error) {
				if x.id == idTitle {
					b, err := r.bytes(x, maxTagBytes)
					if err != nil {
						return 0, err
					}
					d.tags = append([]vorbiscomment.Field{{Name: "title", Value: string(trimNul(b))}}, d.tags...)
				}
				if x.end < 0 {
					return 0, fmt.Errorf("mkv: Info element of unknown size: %w", codec.ErrMalformed)
				}
				return x.end, nil
			})
		case idTags:
			if e.end < 0 {
				return 0, fmt.Errorf("mkv: Tags of unknown size: %w", codec.ErrMalformed)
			}
			if err := d.readTags(r, e); err != nil {
				d.warnings = append(d.warnings, fmt.Sprintf("the tags could not be read: %v", err))
			}
			return e.end, nil
		case idCluster:
			if d.track == nil {
				return 0, fmt.Errorf("mkv: cluster at %d before the track list: %w", e.off, codec.ErrMalformed)
			}
			end := e.end
			if end < 0 || end > segEnd {
				end = segEnd
			}
			stop := topLevel
			if e.end >= 0 {
				stop = nil
			}
			return r.children(e.data, end, stop, func(c elem) (int64, error) {
				switch c.id {
				case idSimpleBlock, idBlockGroup:
					blk := c
					var discard int64
					if c.id == idBlockGroup {
						if c.end < 0 {
							return 0, fmt.Errorf("mkv: block group of unknown size at %d: %w", c.off, codec.ErrMalformed)
						}
						blk.id = 0
						if _, err := r.children(c.data, min(c.end, segEnd), nil, func(g elem) (int64, error) {
							switch g.id {
							case idBlock:
								blk = g
							case idDiscard:
								v, err := r.int(g)
								if err != nil {
									return 0, err
								}
								discard = v
							}
							return g.end, nil
						}); err != nil {
							return 0, err
						}
						if blk.id == 0 {
							return c.end, nil
						}
					}
					if blk.end < 0 {
						return 0, fmt.Errorf("mkv: block of unknown size at %d: %w", blk.off, codec.ErrMalformed)
					}
					if blk.end > size {
						return 0, fmt.Errorf("mkv: block at %d cut off by the end of the file: %w", blk.off, io.ErrUnexpectedEOF)
					}
					ours, err := d.block(r, blk, &pos, frames)
					if err != nil {
						return 0, err
					}
					if ours {
						d.discard = discard
					}
					if c.end < 0 {
						return blk.end, nil
					}
					return c.end, nil
				}
				if c.end < 0 {
					return 0, fmt.Errorf("mkv: element %X of unknown size in a cluster at %d: %w", c.id, c.off, codec.ErrMalformed)
				}
				return c.end, nil
			})
		}
		if e.end < 0 {
			return 0, fmt.Errorf("mkv: element %X of unknown size at %d: %w", e.id, e.off, codec.ErrMalformed)
		}
		return e.end, nil
	})
	if err != nil && !(errors.Is(err, io.ErrUnexpectedEOF) && len(d.packets) > 0) {
		return nil, err
	}
	// A file cut short keeps the packets indexed before the cut; the
	// discard padding belongs only to a block that is really the last.
	if err != nil {
		d.discard = 0
	}
	if d.track == nil {
		return nil, fmt.Errorf("mkv: no track list: %w", codec.ErrNoAudio)
	}
	d.packets = append(d.packets, pkt{off: -1, pos: pos}) // the end
	return d, nil
}

func trimNul(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return b
}

// readTracks returns the first audio track.
func readTracks(r *reader, tracks elem) (*track, error) {
	var found *track
	_, err := r.children(tracks.data, tracks.end, nil, func(e elem) (int64, error) {
		if e.id != idTrackEntry || found != nil {
			return e.end, nil
		}
		if e.end < 0 {
			return 0, fmt.Errorf("mkv: track entry of unknown size: %w", codec.ErrMalformed)
		}
		t := &track{ch: 1}
		_, err := r.children(e.data, e.end, nil, func(f elem) (int64, error) {
			var err error
			switch f.id {
			case idTrackNumber:
				t.number, err = r.uint(f)
			case idTrackType:
				t.typ, err = r.uint(f)
			case idCodecID:
				var b []byte
				b, err = r.bytes(f, 64)
				t.codecID = string(trimNul(b))
			case idCodecPrivate:
				t.private, err = r.bytes(f, maxPrivate)
			case idCodecDelay:
				t.delay, err = r.uint(f)
			case idAudio:
				_, err = r.children(f.data, f.end, nil, func(a elem) (int64, error) {
					if a.id == idChannels {
						v, err := r.uint(a)
						t.ch = v
						return a.end, err
					}
					return a.end, nil
				})
			}
			if f.end < 0 {
				return 0, fmt.Errorf("mkv: track element %X of unknown size: %w", f.id, codec.ErrMalformed)
			}
			return f.end, err
		})
		if err != nil {
			return 0, err
		}
		if t.typ == 2 {
			found = t
		}
		return e.end, nil
	})
	return found, err
}

// block indexes the frames of a (Simple)Block if it belongs to the track.
func (d *demux) block(r *reader, e elem, pos *int64, frames func([]byte) (int, error)) (bool, error) {
	b, err := r.at(e.data, 8)
	if err != nil {
		return false, err
	}
	l := vintLen(b)
	if l == 0 || l > 4 || len(b) < l+3 {
		return false, fmt.Errorf("mkv: block at %d: bad track number: %w", e.off, codec.ErrMalformed)
	}
	num, _ := vintValue(b[:l])
	if num != d.track.number {
		return false, nil
	}
	flags := b[l+2]
	off := e.data + int64(l) + 3
	total := e.end - off
	var sizes []int64
	switch flags & 0x06 {
	case 0:
		sizes = []int64{total}
	default:
		h, err := r.at(off, 4096)
		if err != nil {
			return false, fmt.Errorf("mkv: block at %d: lacing: %w", e.off, err)
		}
		count := int(h[0]) + 1
		i := 1
		sizes = make([]int64, count)
		var sum int64
		bad := fmt.Errorf("mkv: block at %d: bad lacing: %w", e.off, codec.ErrMalformed)
		switch flags & 0x06 {
		case 0x02: // Xiph
			for k := 0; k < count-1; k++ {
				for {
					if i >= len(h) {
						return false, bad
					}
					sizes[k] += int64(h[i])
					i++
					if h[i-1] != 255 {
						break
					}
				}
				sum += sizes[k]
			}
		case 0x06: // EBML
			for k := 0; k < count-1; k++ {
				vl := vintLen(h[i:])
				if vl == 0 || vl > 8 || i+vl > len(h) {
					return false, bad
				}
				v, _ := vintValue(h[i : i+vl])
				if k == 0 {
					sizes[k] = int64(v)
				} else {
					sizes[k] = sizes[k-1] + int64(v) - (1<<(7*vl-1) - 1)
				}
				i += vl
				if sizes[k] < 0 {
					return false, bad
				}
				sum += sizes[k]
			}
		case 0x04: // fixed
			if (total-1)%int64(count) != 0 {
				return false, bad
			}
			for k := range sizes {
				sizes[k] = (total - 1) / int64(count)
			}
			sum = sizes[0] * int64(count-1)
		}
		off += int64(i)
		total -= int64(i)
		sizes[count-1] = total - sum
		if sizes[count-1] < 0 {
			return false, bad
		}
	}
	for _, s := range sizes {
		if s == 0 || s > maxPacket {
			return false, fmt.Errorf("mkv: block at %d: packet of %d bytes: %w", e.off, s, codec.ErrMalformed)
		}
		if len(d.packets) >= maxPackets {
			return false, fmt.Errorf("mkv: more than %d packets: %w", maxPackets, codec.ErrUnsupported)
		}
		head, err := r.at(off, 2)
		if err != nil {
			return false, err
		}
		n, err := frames(head)
		if err != nil {
			return false, fmt.Errorf("mkv: packet at %d: %w", off, err)
		}
		d.packets = append(d.packets, pkt{off: off, size: int32(s), pos: *pos})
		*pos += int64(n)
		off += s
	}
	return true, nil
}
