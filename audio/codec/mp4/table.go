package mp4

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"sort"

	gomp4 "github.com/abema/go-mp4"

	"offcut/audio"
	"offcut/audio/codec"
)

// MaxSamples bounds the access units of a track (about 99 hours of AAC at
// 48 kHz); a sample table claiming more is refused before anything is
// allocated for it.
const MaxSamples = 1 << 24

// maxSampleBytes bounds one access unit (an ALAC frame of 4096 frames of 8
// channels of 32 bits is 128 kB).
const maxSampleBytes = 4 << 20

// entry is the track's sample description.
type entry struct {
	format   string // "mp4a", "alac", ".mp3", ...
	channels int
	rate     int
	bits     int
	oti      byte   // MPEG-4 object type indication from esds (0x40 AAC, 0x6B MP3)
	asc      []byte // AudioSpecificConfig (AAC) or ALACSpecificConfig (alac)
	bitrate  uint32
	flags    uint32 // QuickTime v2 LPCM format flags
	enda     bool   // QuickTime "enda" atom: little-endian samples
}

// parseStsd reads the first sample entry of an stsd box.
func parseStsd(src audio.Source, p boxRef) (*entry, error) {
	if p.size < 16 || p.size > maxSmallBox {
		return nil, fmt.Errorf("%w: mp4: stsd box is %d bytes", codec.ErrMalformed, p.size)
	}
	b := make([]byte, p.size)
	if err := audio.ReadAtFull(src, b, p.off); err != nil {
		return nil, fmt.Errorf("mp4: reading stsd: %w", err)
	}
	if binary.BigEndian.Uint32(b[4:]) == 0 {
		return nil, fmt.Errorf("%w: mp4: stsd has no sample entry", codec.ErrMalformed)
	}
	b = b[8:]
	n := int(binary.BigEndian.Uint32(b))
	if n < 36 || n > len(b) {
		return nil, fmt.Errorf("%w: mp4: sample entry of %d bytes in a %d-byte stsd", codec.ErrMalformed, n, len(b))
	}
	b = b[:n]
	e := &entry{format: string(b[4:8])}
	// SampleEntry: 6 reserved, data_reference_index; AudioSampleEntry (or
	// QuickTime sound description version 0, 1 or 2).
	ver := binary.BigEndian.Uint16(b[16:])
	e.channels = int(binary.BigEndian.Uint16(b[24:]))
	e.bits = int(binary.BigEndian.Uint16(b[26:]))
	e.rate = int(binary.BigEndian.Uint32(b[32:]) >> 16)
	kids := b[36:]
	switch ver {
	case 1:
		if len(kids) < 16 {
			return nil, fmt.Errorf("%w: mp4: QuickTime sound description v1 is %d bytes", codec.ErrMalformed, n)
		}
		kids = kids[16:]
	case 2:
		if len(kids) < 36 {
			return nil, fmt.Errorf("%w: mp4: QuickTime sound description v2 is %d bytes", codec.ErrMalformed, n)
		}
		rate := math.Float64frombits(binary.BigEndian.Uint64(kids[4:]))
		if rate >= 1 && rate <= audio.MaxSampleRate {
			e.rate = int(rate + 0.5)
		}
		e.channels = int(binary.BigEndian.Uint32(kids[12:]))
		e.bits = int(binary.BigEndian.Uint32(kids[20:]))
		e.flags = binary.BigEndian.Uint32(kids[24:])
		kids = kids[36:]
	}
	e.children(kids, 0)
	return e, nil
}

// children scans the boxes inside a sample entry (and a QuickTime "wave"
// box) for esds and alac.
func (e *entry) children(b []byte, depth int) {
	for i := 0; i < maxEntryKids && len(b) >= 8; i++ {
		n := int(binary.BigEndian.Uint32(b))
		if n < 8 || n > len(b) {
			return
		}
		body := b[8:n]
		switch string(b[4:8]) {
		case "wave":
			if depth == 0 {
				e.children(body, 1)
			}
		case "esds":
			e.esds(body)
		case "enda":
			e.enda = len(body) >= 2 && body[1]&1 == 1
		case "alac":
			// ALACSpecificConfig is a full box: version and flags, then 24
			// bytes (a QuickTime wave box may nest the alac box once more).
			if len(body) >= 28 && e.asc == nil {
				e.asc = bytes.Clone(body[4:28])
			}
		}
		b = b[n:]
	}
}

// esds decodes an ES descriptor with go-mp4.
func (e *entry) esds(body []byte) {
	var es gomp4.Esds
	if _, err := gomp4.Unmarshal(bytes.NewReader(body), uint64(len(body)), &es, gomp4.Context{}); err != nil {
		return
	}
	for _, d := range es.Descriptors {
		switch {
		case d.DecoderConfigDescriptor != nil:
			e.oti = d.DecoderConfigDescriptor.ObjectTypeIndication
			e.bitrate = d.DecoderConfigDescriptor.AvgBitrate
		case d.Tag == gomp4.DecSpecificInfoTag && e.asc == nil:
			e.asc = bytes.Clone(d.Data)
		}
	}
}

// table is a compact sample table: sizes per access unit, chunk offsets
// with the index of each chunk's first sample, and the decoding times as
// runs of equal durations.
type table struct {
	n          int
	constSize  uint32   // all samples this size, or 0
	sizes      []uint32 // when constSize == 0
	chunkOff   []int64
	chunkFirst []int // first sample of each chunk, ascending
	runs       []run
	total      int64 // sum of durations, media timescale
}

// run is a stts entry: count samples of duration delta each, starting at
// sample first and time start.
type run struct {
	first, count int
	delta        uint32
	start        int64
}

// readTable reads a track's sample tables, checking every count against the
// size of its box before allocating.
func readTable(src audio.Source, t *trak, pcm bool) (*table, error) {
	if t.stz2 != nil && t.stsz == nil {
		return nil, fmt.Errorf("%w: mp4: compact sample sizes (stz2)", codec.ErrUnsupported)
	}
	for name, b := range map[string]*boxRef{"stts": t.stts, "stsc": t.stsc, "stsz": t.stsz} {
		if b == nil {
			return nil, fmt.Errorf("%w: mp4: the audio track has no %s box", codec.ErrMalformed, name)
		}
	}
	if t.stco == nil && t.co64 == nil {
		return nil, fmt.Errorf("%w: mp4: the audio track has no stco or co64 box", codec.ErrMalformed)
	}
	tb := &table{}
	// stsz
	h, err := readHead(src, "stsz", t.stsz, 12)
	if err != nil {
		return nil, err
	}
	tb.constSize = binary.BigEndian.Uint32(h[4:])
	count := int64(binary.BigEndian.Uint32(h[8:]))
	// Uncompressed QuickTime audio has one sample per frame, all of one
	// size: nothing is allocated per sample, so only the file bounds them.
	if count > MaxSamples && !(pcm && tb.constSize != 0) {
		return nil, fmt.Errorf("%w: mp4: stsz claims %d samples, more than %d", codec.ErrMalformed, count, MaxSamples)
	}
	if tb.constSize != 0 && !pcm && count > src.Size()/int64(tb.constSize) {
		return nil, fmt.Errorf("%w: mp4: stsz claims %d samples of %d bytes in a %d-byte file", codec.ErrMalformed, count, tb.constSize, src.Size())
	}
	tb.n = int(count)
	if tb.constSize == 0 {
		raw, err := readEntries(src, "stsz", t.stsz, 12, count, 4)
		if err != nil {
			return nil, err
		}
		tb.sizes = make([]uint32, count)
		for i := range tb.sizes {
			tb.sizes[i] = binary.BigEndian.Uint32(raw[4*i:])
		}
	}
	// stco / co64
	var offs []int64
	if t.co64 != nil {
		h, err := readHead(src, "co64", t.co64, 8)
		if err != nil {
			return nil, err
		}
		nc := int64(binary.BigEndian.Uint32(h[4:]))
		raw, err := readEntries(src, "co64", t.co64, 8, nc, 8)
		if err != nil {
			return nil, err
		}
		offs = make([]int64, nc)
		for i := range offs {
			offs[i] = int64(binary.BigEndian.Uint64(raw[8*i:]) & (1<<63 - 1))
		}
	} else {
		h, err := readHead(src, "stco", t.stco, 8)
		if err != nil {
			return nil, err
		}
		nc := int64(binary.BigEndian.Uint32(h[4:]))
		raw, err := readEntries(src, "stco", t.stco, 8, nc, 4)
		if err != nil {
			return nil, err
		}
		offs = make([]int64, nc)
		for i := range offs {
			offs[i] = int64(binary.BigEndian.Uint32(raw[4*i:]))
		}
	}
	// stsc: runs of chunks with the same number of samples.
	h, err = readHead(src, "stsc", t.stsc, 8)
	if err != nil {
		return nil, err
	}
	ns := int64(binary.BigEndian.Uint32(h[4:]))
	raw, err := readEntries(src, "stsc", t.stsc, 8, ns, 12)
	if err != nil {
		return nil, err
	}
	sample := 0
	for i := int64(0); i < ns && sample < tb.n; i++ {
		first := int64(binary.BigEndian.Uint32(raw[12*i:]))
		per := int64(binary.BigEndian.Uint32(raw[12*i+4:]))
		end := int64(len(offs)) + 1
		if i+1 < ns {
			end = min(end, int64(binary.BigEndian.Uint32(raw[12*(i+1):])))
		}
		if first < 1 || first != int64(len(tb.chunkOff))+1 || end < first {
			return nil, fmt.Errorf("%w: mp4: stsc entry %d starts at chunk %d after %d chunks", codec.ErrMalformed, i, first, len(tb.chunkOff))
		}
		if per == 0 && end > first {
			return nil, fmt.Errorf("%w: mp4: stsc entry %d has chunks of 0 samples", codec.ErrMalformed, i)
		}
		for c := first; c < end && sample < tb.n; c++ {
			tb.chunkOff = append(tb.chunkOff, offs[c-1])
			tb.chunkFirst = append(tb.chunkFirst, sample)
			sample += int(min(per, int64(tb.n-sample)))
		}
	}
	if sample < tb.n {
		return nil, fmt.Errorf("%w: mp4: stsc and stco place %d of the %d samples", codec.ErrMalformed, sample, tb.n)
	}
	// stts
	h, err = readHead(src, "stts", t.stts, 8)
	if err != nil {
		return nil, err
	}
	nt := int64(binary.BigEndian.Uint32(h[4:]))
	raw, err = readEntries(src, "stts", t.stts, 8, nt, 8)
	if err != nil {
		return nil, err
	}
	sample = 0
	for i := int64(0); i < nt && sample < tb.n; i++ {
		c := int(min(int64(binary.BigEndian.Uint32(raw[8*i:])), int64(tb.n-sample)))
		d := binary.BigEndian.Uint32(raw[8*i+4:])
		if c == 0 {
			continue
		}
		tb.runs = append(tb.runs, run{first: sample, count: c, delta: d, start: tb.total})
		tb.total += int64(c) * int64(d)
		sample += c
	}
	if sample < tb.n {
		return nil, fmt.Errorf("%w: mp4: stts times %d of the %d samples", codec.ErrMalformed, sample, tb.n)
	}
	return tb, nil
}

// readHead reads the first n bytes of a table box.
func readHead(src audio.Source, name string, b *boxRef, n int64) ([]byte, error) {
	if b.size < n {
		return nil, fmt.Errorf("%w: mp4: %s box is %d bytes", codec.ErrMalformed, name, b.size)
	}
	h := make([]byte, n)
	if err := audio.ReadAtFull(src, h, b.off); err != nil {
		return nil, fmt.Errorf("mp4: reading %s: %w", name, err)
	}
	return h, nil
}

// readEntries reads count entries of size bytes after a header of skip
// bytes, after checking that the box holds them.
func readEntries(src audio.Source, name string, b *boxRef, skip, count, size int64) ([]byte, error) {
	if count > MaxSamples || count*size > b.size-skip {
		return nil, fmt.Errorf("%w: mp4: %s claims %d entries, its %d bytes hold %d", codec.ErrMalformed, name, count, b.size, (b.size-skip)/size)
	}
	raw := make([]byte, count*size)
	if err := audio.ReadAtFull(src, raw, b.off+skip); err != nil {
		return nil, fmt.Errorf("mp4: reading %s: %w", name, err)
	}
	return raw, nil
}

// size is the byte size of sample i.
func (t *table) size(i int) uint32 {
	if t.constSize != 0 {
		return t.constSize
	}
	return t.sizes[i]
}

// chunkOf returns the chunk holding sample i.
func (t *table) chunkOf(i int) int {
	return sort.Search(len(t.chunkFirst), func(c int) bool { return t.chunkFirst[c] > i }) - 1
}

// offset returns the byte offset of sample i.
func (t *table) offset(i int) int64 {
	c := t.chunkOf(i)
	off := t.chunkOff[c]
	if t.constSize != 0 {
		return off + int64(i-t.chunkFirst[c])*int64(t.constSize)
	}
	for j := t.chunkFirst[c]; j < i; j++ {
		off += int64(t.sizes[j])
	}
	return off
}

// time returns the decoding time and duration of sample i.
func (t *table) time(i int) (int64, uint32) {
	r := sort.Search(len(t.runs), func(k int) bool { return t.runs[k].first > i }) - 1
	ru := t.runs[r]
	return ru.start + int64(i-ru.first)*int64(ru.delta), ru.delta
}

// sampleAt returns the sample whose time span holds media time tm (the
// last sample whose start is at or before tm).
func (t *table) sampleAt(tm int64) int {
	r := sort.Search(len(t.runs), func(k int) bool { return t.runs[k].start > tm }) - 1
	if r < 0 {
		return 0
	}
	ru := t.runs[r]
	if ru.delta == 0 {
		return ru.first
	}
	return ru.first + int(min(int64(ru.count-1), (tm-ru.start)/int64(ru.delta)))
}
