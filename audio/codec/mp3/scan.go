package mp3

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"offcut/audio"
)

const (
	chunkSize = 64 << 10
	// chunkOverlap is how much of a chunk the next one reads again: more
	// than the largest frame (a free-format one, maxFreeFormat).
	chunkOverlap   = 4 << 10
	maxFreeFormat  = 2304 // largest free-format frame searched for
	syncMatches    = 10   // consecutive frames that confirm a sync
	maxWarnings    = 8
	freeProbeLimit = 1 << 20 // bound on free-format search work per scan
	// MaxFrames bounds the frame index (4 bytes a frame and a little): 2^23
	// frames is over 54 hours of 44.1 kHz layer III, at most ~34 MB of
	// index, checked as the scan goes.
	MaxFrames = 1 << 23
)

// maxFrames is MaxFrames, lowered by tests.
var maxFrames = MaxFrames

// ErrTooLong is returned for streams of more than MaxFrames frames.
var ErrTooLong = errors.New("mp3: stream too long")

// chunkReader reads a Source by range through two bounded buffers: the
// chunk being read and the one before it. A scanner peeks at the frames
// after the one it is on; a peek just past the current chunk continues it
// rather than starting a chunk at the peek, and the chunk before stays for
// the reads that come back to it, so each byte is read once (reading the
// chunks at the peeks made a browser read a file eight times over).
type chunkReader struct {
	src  audio.Source
	end  int64 // end of the audio data
	bufs [2][]byte
	offs [2]int64
	cur  int // bufs[cur] is the current chunk, bufs[1-cur] the one before
}

func newChunkReader(src audio.Source, end int64) *chunkReader {
	// The buffers grow as reads need (a short stream reads a few frames).
	return &chunkReader{src: src, end: end}
}

// holding returns the buffered bytes from off on when a chunk holds
// [off, off+n).
func (r *chunkReader) holding(off int64, n int) ([]byte, bool) {
	for _, i := range [2]int{r.cur, 1 - r.cur} {
		if b := r.bufs[i]; off >= r.offs[i] && off+int64(n) <= r.offs[i]+int64(len(b)) {
			return b[off-r.offs[i]:], true
		}
	}
	return nil, false
}

// at returns the bytes [off, off+n) clipped to the end of the data; n must
// be at most chunkSize. The view is valid until the next call but one.
func (r *chunkReader) at(off int64, n int) ([]byte, error) {
	if off < 0 || off >= r.end {
		return nil, nil
	}
	if rem := r.end - off; int64(n) > rem {
		n = int(rem)
	}
	if b, ok := r.holding(off, n); ok {
		return b[:n], nil
	}
	// Near the current chunk's end or just past it: continue the chunk,
	// from a little before its end so that a frame across the edge is
	// whole in the next one.
	start := off
	if end := r.offs[r.cur] + int64(len(r.bufs[r.cur])); len(r.bufs[r.cur]) > chunkOverlap && off > end-chunkOverlap && off <= end+chunkSize/2 {
		if s := end - chunkOverlap; off+int64(n) <= s+chunkSize {
			start = s
		}
	}
	r.cur = 1 - r.cur
	m := int(min(int64(chunkSize), r.end-start))
	if cap(r.bufs[r.cur]) < m {
		r.bufs[r.cur] = make([]byte, 0, m)
	}
	buf := r.bufs[r.cur][:m]
	k, err := r.src.ReadAt(buf, start)
	r.bufs[r.cur], r.offs[r.cur] = buf[:k], start
	if k < m {
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("mp3: reading at byte %d: %w", start, err)
		}
		// the source is shorter than it said: treat as truncated
		r.end = start + int64(k)
	}
	i := int(off - start)
	if i >= k {
		return nil, nil
	}
	return buf[i:min(i+n, k)], nil
}

// avail returns the buffered bytes from off on (at least 4 unless the
// data ends), refilling the buffer only when needed.
func (r *chunkReader) avail(off int64) ([]byte, error) {
	if b, ok := r.holding(off, 4); ok {
		return b, nil
	}
	return r.at(off, chunkSize)
}

func (r *chunkReader) header(off int64) header {
	b, _ := r.at(off, 4)
	if len(b) < 4 {
		return 0
	}
	return header(binary.BigEndian.Uint32(b))
}

// dataRange finds where the MPEG data lies: after ID3v2 tags and before
// ID3v1, Lyrics and APE tags.
func dataRange(src audio.Source) (start, end int64, warn []string, err error) {
	size := src.Size()
	end = size
	var b [32]byte
	for start+10 <= end {
		if err := audio.ReadAtFull(src, b[:10], start); err != nil {
			return 0, 0, nil, fmt.Errorf("mp3: reading ID3v2 header at byte %d: %w", start, err)
		}
		if string(b[:3]) != "ID3" || b[3] == 0xff || b[4] == 0xff ||
			b[6]|b[7]|b[8]|b[9] >= 0x80 {
			break
		}
		n := int64(b[6])<<21 | int64(b[7])<<14 | int64(b[8])<<7 | int64(b[9])
		n += 10
		if b[5]&0x10 != 0 {
			n += 10 // footer
		}
		if start+n > end {
			warn = append(warn, fmt.Sprintf("ID3v2 tag at byte %d claims %d bytes, past the end of the file", start, n))
			start += 10
			break
		}
		start += n
	}
	// trailing tags, in any order, a few times
	for range 4 {
		switch {
		case end-start >= 128 && readIs(src, end-128, "TAG"):
			end -= 128
			if end-start >= 227 && readIs(src, end-227, "TAG+") {
				end -= 227
			}
		case end-start >= 32 && readIs(src, end-32, "APETAGEX"):
			if err := audio.ReadAtFull(src, b[:32], end-32); err != nil {
				return 0, 0, nil, err
			}
			n := int64(binary.LittleEndian.Uint32(b[12:]))
			if b[23]&0x80 != 0 { // has header
				n += 32
			}
			if n < 32 || n > end-start {
				n = 32
			}
			end -= n
		case end-start >= 15 && readIs(src, end-9, "LYRICS200"):
			var d [6]byte
			if err := audio.ReadAtFull(src, d[:], end-15); err != nil {
				return 0, 0, nil, err
			}
			n := int64(0)
			for _, c := range d {
				if c < '0' || c > '9' {
					n = -1
					break
				}
				n = n*10 + int64(c-'0')
			}
			if n < 0 || n+15 > end-start {
				return start, end, warn, nil
			}
			end -= n + 15
		default:
			return start, end, warn, nil
		}
	}
	return start, end, warn, nil
}

func readIs(src io.ReaderAt, off int64, s string) bool {
	b := make([]byte, len(s))
	if audio.ReadAtFull(src, b, off) != nil {
		return false
	}
	return string(b) == s
}

// scanner walks the frames of a stream the way a decoder meets them.
type scanner struct {
	r         *chunkReader
	freeWork  int
	freeBytes int
}

// find looks for a frame at or after pos that is confirmed by a chain of
// compatible frames (or fills the rest of the data exactly). It returns the
// frame's offset and size (0 if none was found) and sets s.freeBytes.
func (s *scanner) find(pos int64) (int64, int, error) {
	r := s.r
	for i := pos; i+4 < r.end; {
		// skip quickly to the next 0xff
		b, err := r.avail(i)
		if err != nil {
			return 0, 0, err
		}
		if len(b) == 0 {
			break
		}
		j := bytes.IndexByte(b, 0xff)
		if j < 0 {
			i += int64(len(b))
			continue
		}
		i += int64(j)
		if i+4 >= r.end {
			break
		}
		h := r.header(i)
		if !h.valid() {
			i++
			continue
		}
		s.freeBytes = 0
		fb := h.frameBytes(0)
		fp := fb + h.padding()
		if fb == 0 && s.freeWork < freeProbeLimit {
			for k := int64(4); k < maxFreeFormat && i+2*k < r.end-4; k++ {
				s.freeWork++
				g := r.header(i + k)
				if !h.compatible(g) {
					continue
				}
				f := int(k) - h.padding()
				next := int64(f + g.padding())
				if i+k+next+4 > r.end || !h.compatible(r.header(i+k+next)) {
					continue
				}
				fp, fb = int(k), f
				s.freeBytes = f
				break
			}
		}
		if fb != 0 && i+int64(fp) <= r.end && s.match(i, h, fb) || i == pos && int64(fp) == r.end-pos && fp > 0 {
			return i, fp, nil
		}
		s.freeBytes = 0
		i++
	}
	return r.end, 0, nil
}

func (s *scanner) match(i int64, h header, fb int) bool {
	r := s.r
	j := i
	for n := 0; n < syncMatches; n++ {
		g := r.header(j)
		j += int64(g.frameBytes(fb) + g.padding())
		if j+4 > r.end {
			return n > 0
		}
		if !h.compatible(r.header(j)) {
			return false
		}
	}
	return true
}

// Frame is one MPEG audio frame of a file, as Index finds it.
type Frame struct {
	// Offset is the byte offset of the frame header in the source.
	Offset int64
	// Header is the raw 4-byte frame header.
	Header uint32
	// Size is the frame size in bytes, header included.
	Size int32
	// Samples is the number of samples per channel the frame decodes to;
	// 0 for a frame the decoder drops (damaged, or its bit reservoir data
	// is missing).
	Samples int32
	// MainDataBegin is the layer III bit reservoir back pointer in bytes.
	MainDataBegin int32
	// Reset is true where decoding restarts from a clean state (the first
	// frame, and the first frame after damage).
	Reset bool
}

// VBRTag is the content of a Xing/Info (with optional LAME extension) or
// VBRI header frame.
type VBRTag struct {
	// Kind is "Xing", "Info" or "VBRI".
	Kind string
	// Frames and Bytes are the counts the tag claims (0 if absent).
	Frames, Bytes int64
	// TOC is the Xing seek table (nil if absent).
	TOC []byte
	// Encoder is the LAME extension's encoder string ("" if absent).
	Encoder string
	// Lame is true when the tag has a LAME extension with delay/padding.
	Lame bool
	// Delay and Padding are the encoder delay and padding in samples.
	Delay, Padding int
}

// Layout is the frame structure of an MPEG audio file.
type Layout struct {
	// Start and End bound the MPEG data (tags excluded).
	Start, End int64
	// Tag is the VBR tag found in the first frame, or nil; when present,
	// frame 0 is the tag frame.
	Tag *VBRTag
	// Warnings describe damage the scan tolerated.
	Warnings []string

	// idx holds all frames in order, the VBR tag frame included (Len,
	// Frame, FramesFrom).
	idx frameIndex
}

// ErrNoFrames is returned when a source holds no MPEG audio frames. It
// wraps audio.ErrFormat.
var ErrNoFrames = fmt.Errorf("mp3: no MPEG audio frames found: %w", audio.ErrFormat)

// Index scans src once, reading frame headers (and layer III side
// information) only, and returns its frame layout.
func Index(src audio.Source) (*Layout, error) {
	start, end, warn, err := dataRange(src)
	if err != nil {
		return nil, err
	}
	lay := &Layout{Start: start, End: end, Warnings: warn}
	r := newChunkReader(src, end)
	s := &scanner{r: r}
	var (
		pos     = start
		locked  bool
		last    header
		first   header
		reserv  int
		l12     l12info
		nframes int
	)
	warnf := func(format string, a ...any) {
		if len(lay.Warnings) < maxWarnings {
			lay.Warnings = append(lay.Warnings, fmt.Sprintf(format, a...))
		}
	}
	for r.end-pos > 4 {
		size := 0
		reset := false
		h := r.header(pos)
		if locked && last.compatible(h) {
			size = h.frameBytes(s.freeBytes) + h.padding()
			// A frame is taken when the next header follows it; a complete
			// frame at the very end needs no successor.
			// A free-format frame whose size is not known yet (freeBytes
			// 0) would come out shorter than its header.
			next := pos + int64(size)
			if size < 4 || next > r.end || next+4 <= r.end && !h.compatible(r.header(next)) {
				size = 0
			}
		}
		if size == 0 {
			reset, reserv, locked = true, 0, false
			p, sz, err := s.find(pos)
			if err != nil {
				return nil, err
			}
			if sz == 0 || p+int64(sz) > r.end {
				if g := r.header(pos); g.valid() && !g.free() && pos+int64(g.frameBytes(0)+g.padding()) > r.end {
					warnf("mp3: frame %d at byte %d: truncated (%d of %d bytes)", nframes, pos, r.end-pos, g.frameBytes(0)+g.padding())
				} else if r.end-pos > 4 {
					warnf("mp3: %d bytes at byte %d are not MPEG audio; ignored", r.end-pos, pos)
				}
				break
			}
			if p != pos && nframes > 0 {
				warnf("mp3: skipped %d bytes of damaged data at byte %d", p-pos, pos)
			}
			pos, size = p, sz
			h = r.header(pos)
		}
		b, err := r.at(pos, size)
		if err != nil {
			return nil, err
		}
		if len(b) < size {
			warnf("mp3: frame %d at byte %d: truncated", nframes, pos)
			break
		}
		if lay.idx.n == 0 {
			first = h
		}
		f := Frame{Offset: pos, Size: int32(size), Header: uint32(h), Reset: reset}
		if h.layer() != first.layer() || h.sampleRate() != first.sampleRate() {
			warnf("mp3: frame at byte %d: layer %d %d Hz differs from the stream's layer %d %d Hz; skipped",
				pos, h.layer(), h.sampleRate(), first.layer(), first.sampleRate())
			locked = false
			pos += int64(size)
			continue
		}
		body := b[4:]
		if h.crc() {
			body = body[min(2, len(body)):]
		}
		valid := true
		if h.layer() == 3 {
			mainBytes := len(body) - h.sideInfoSize()
			if mdb, part23, err := sideInfoSummary(h, body, mainBytes); err != nil {
				valid = false
				warnf("mp3: frame %d at byte %d: %v; frame dropped", nframes, pos, err)
			} else {
				f.MainDataBegin = int32(mdb)
				var ok bool
				ok, reserv = reservoirAfter(reserv, mdb, part23, mainBytes)
				if ok {
					f.Samples = int32(h.samples())
				}
			}
		} else {
			br := bitReader{b: body}
			readL12Info(h, &br, &l12)
			need := (size-4-len(body))*8 + br.pos + l12.sampleBits(h.layer())
			if need > (size-4)*8 {
				valid = false
				warnf("mp3: frame %d at byte %d: allocation needs %d bits, frame has %d; frame dropped", nframes, pos, need, (size-4)*8)
			} else {
				f.Samples = int32(h.samples())
			}
		}
		if nframes == 0 && h.layer() == 3 {
			lay.Tag = parseVBRTag(h, b)
		}
		if lay.idx.n == maxFrames {
			return nil, fmt.Errorf("%w: more than %d frames (%.0f hours at %d Hz); split the file first",
				ErrTooLong, maxFrames, float64(maxFrames)*float64(first.samples())/float64(first.sampleRate())/3600, first.sampleRate())
		}
		if err := lay.idx.add(f); err != nil {
			return nil, err
		}
		nframes++
		locked, last = valid, h
		pos += int64(size)
	}
	if lay.idx.n == 0 {
		return lay, ErrNoFrames
	}
	if r.end < end {
		lay.End = r.end
	}
	return lay, nil
}

// parseVBRTag reads a Xing/Info/VBRI header from the frame b.
func parseVBRTag(h header, b []byte) *VBRTag {
	off := 4 + h.sideInfoSize()
	if off+8 <= len(b) && (string(b[off:off+4]) == "Xing" || string(b[off:off+4]) == "Info") {
		t := &VBRTag{Kind: string(b[off : off+4])}
		flags := binary.BigEndian.Uint32(b[off+4:])
		p := off + 8
		if flags&1 != 0 {
			if p+4 > len(b) {
				return t
			}
			t.Frames = int64(binary.BigEndian.Uint32(b[p:]))
			p += 4
		}
		if flags&2 != 0 {
			if p+4 > len(b) {
				return t
			}
			t.Bytes = int64(binary.BigEndian.Uint32(b[p:]))
			p += 4
		}
		if flags&4 != 0 {
			if p+100 > len(b) {
				return t
			}
			t.TOC = append([]byte(nil), b[p:p+100]...)
			p += 100
		}
		if flags&8 != 0 {
			p += 4
		}
		if p+24 <= len(b) && b[p] != 0 {
			enc := b[p : p+9]
			if i := bytes.IndexByte(enc, 0); i >= 0 {
				enc = enc[:i]
			}
			t.Encoder = string(bytes.TrimRight(enc, " "))
			e := b[p+21:]
			t.Lame = true
			t.Delay = int(e[0])<<4 | int(e[1])>>4
			t.Padding = int(e[1]&15)<<8 | int(e[2])
		}
		return t
	}
	off = 4 + 32
	if off+18 <= len(b) && string(b[off:off+4]) == "VBRI" {
		t := &VBRTag{Kind: "VBRI"}
		t.Delay = int(binary.BigEndian.Uint16(b[off+6:]))
		t.Bytes = int64(binary.BigEndian.Uint32(b[off+10:]))
		t.Frames = int64(binary.BigEndian.Uint32(b[off+14:]))
		return t
	}
	return nil
}
