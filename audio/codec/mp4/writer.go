package mp4

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/aac"
	"offcut/audio/plan"
)

// bitrates are the AAC bitrates offered, in kbit/s for the whole stream.
var bitrates = []int{32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}

// defaultBitrate is the bitrate when none is chosen.
const defaultBitrate = 128

// writer writes a timeline as an M4A file: AAC-LC encoded by faac (package
// aac) as it streams, in an MP4 file whose moov box follows the audio.
var writer = codec.Writer{
	// AAC's sampling rates up to 48 kHz (the mp4a sample entry holds the
	// rate in 16 bits; other rates are resampled to one of these).
	Rates:       []int{8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000},
	MaxChannels: 2,
	Tags:        true,
	Options: func() []codec.Option {
		o := codec.Option{Name: "bitrate", Label: "Bitrate", Default: strconv.Itoa(defaultBitrate)}
		for _, k := range bitrates {
			o.Values = append(o.Values, strconv.Itoa(k))
			o.Labels = append(o.Labels, fmt.Sprintf("%d kbit/s", k))
		}
		return []codec.Option{o}
	}(),
	// Only an AAC source's edit is written as AAC when no format is
	// named: ALAC and PCM stay lossless (WAV).
	SameAsSource: func(info audio.Info) bool { return info.Codec == "aac" },
	Plan:         planM4A,
}

// movieHead is the file's start: an ftyp box and the header of the mdat
// box that holds the audio, with a 64-bit size patched in at the end.
func movieHead(mdatSize uint64) []byte {
	ftyp := box("ftyp", []byte("M4A "), u32(0), []byte("M4A mp42isom"))
	mdat := append(u32(1), "mdat"...)
	return append(append(ftyp, mdat...), u64(mdatSize)...)
}

// planM4A plans tl as an M4A file of AAC-LC at settings["bitrate"].
func planM4A(tl codec.Timeline, settings map[string]string) (*codec.Output, error) {
	f := tl.Format()
	kbps, err := strconv.Atoi(settings["bitrate"])
	if err != nil {
		return nil, fmt.Errorf("m4a: bitrate %q is not a number of kbit/s", settings["bitrate"])
	}
	opt := aac.Options{Rate: f.Rate, Channels: f.Channels, Bitrate: kbps}
	// Checked, not opened: every plan (an editor's estimate after each
	// change too) would otherwise set up a whole encoder.
	if err := opt.Check(); err != nil {
		return nil, err
	}
	tags, pics := codec.MergedTags(tl)
	frames := tl.Frames()
	if frames+2*aac.FrameSize > 0xFFFFFFFF {
		// The boxes' 32-bit durations (version 0) count samples.
		return nil, fmt.Errorf("m4a: %d frames are more than an M4A file of this writer holds (%d)", frames, int64(0xFFFFFFFF-2*aac.FrameSize))
	}
	head := movieHead(0)
	var (
		mu   sync.Mutex
		mdat int64 = -1 // the audio's size once encoded
	)
	p := &plan.Plan{}
	p.Patchable(head, func() ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		if mdat < 0 {
			return nil, errors.New("m4a: the audio was not encoded")
		}
		return movieHead(uint64(16 + mdat)), nil
	})
	estimate := frames*int64(kbps)*1000/8/int64(f.Rate) + 1024 + frames/aac.FrameSize*4
	for _, pic := range pics {
		estimate += int64(len(pic.Data))
	}
	p.Encode(estimate, codec.Piped(tl, func(w io.Writer, s audio.Stream) error {
		n, err := writeAudio(w, s, opt, movieInfo{frames: frames, start: int64(len(head)), tags: tags, pictures: pics})
		if err == nil {
			mu.Lock()
			mdat = n
			mu.Unlock()
		}
		return err
	}))
	return &codec.Output{
		Plan:    p,
		Format:  audio.Format{Rate: f.Rate, Channels: f.Channels, Bits: 16},
		Frames:  frames,
		Encoded: true,
		Notes:   []string{fmt.Sprintf("encoded as AAC-LC with faac %s at %d kbit/s", aac.Version, kbps)},
	}, nil
}

// movieInfo is what the moov box says beyond the access units.
type movieInfo struct {
	frames   int64 // the output's length: what a player keeps of the decode
	start    int64 // file offset of the first access unit
	tags     map[string]string
	pictures []audio.Picture
}

// writeAudio encodes s with opt and writes the access units to w, then
// the moov box that indexes them. It returns the access units' size.
func writeAudio(w io.Writer, s audio.Stream, opt aac.Options, m movieInfo) (int64, error) {
	e, err := aac.NewEncoder(opt)
	if err != nil {
		return 0, err
	}
	defer e.Close()
	var (
		sizes []uint32
		total int64
	)
	put := func(units [][]byte) error {
		for _, u := range units {
			if _, err := w.Write(u); err != nil {
				return err
			}
			sizes = append(sizes, uint32(len(u)))
			total += int64(len(u))
		}
		return nil
	}
	buf := make([]float32, 4096*opt.Channels)
	var read int64
	for {
		n, err := s.Read(buf)
		if n > 0 {
			read += int64(n)
			units, eerr := e.Encode(buf[:n*opt.Channels])
			if eerr != nil {
				return 0, eerr
			}
			if perr := put(units); perr != nil {
				return 0, perr
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if read != m.frames {
		return 0, fmt.Errorf("m4a: the timeline gave %d frames, not %d", read, m.frames)
	}
	units, err := e.Flush()
	if err != nil {
		return 0, err
	}
	if err := put(units); err != nil {
		return 0, err
	}
	if int64(len(sizes))*aac.FrameSize < int64(e.Delay())+m.frames {
		return 0, fmt.Errorf("m4a: %d access units cannot hold %d frames after a delay of %d", len(sizes), m.frames, e.Delay())
	}
	moov := moovBox(opt, e.Config(), e.Delay(), sizes, total, m)
	_, err = w.Write(moov)
	return total, err
}

// moovBox builds the moov box of one AAC track whose access units of sizes
// (total bytes) start at m.start: a sample table, an edit list that drops
// the encoder's delay and the last frame's padding (players keep exactly
// m.frames), iTunes's iTunSMPB saying the same, and the tags.
func moovBox(opt aac.Options, asc []byte, delay int, sizes []uint32, total int64, m movieInfo) []byte {
	rate := uint32(opt.Rate)
	units := uint32(len(sizes))
	media := uint64(units) * aac.FrameSize
	mvhd := fullBox("mvhd", 0, 0, u32(0), u32(0), u32(rate), u32(uint32(m.frames)),
		u32(0x00010000), []byte{1, 0}, make([]byte, 10), matrix(), make([]byte, 24), u32(2))
	tkhd := fullBox("tkhd", 0, 3, u32(0), u32(0), u32(1), u32(0), u32(uint32(m.frames)),
		make([]byte, 8), []byte{0, 0, 0, 1}, []byte{1, 0, 0, 0}, matrix(), u32(0), u32(0))
	elst := fullBox("elst", 0, 0, u32(1), u32(uint32(m.frames)), u32(uint32(delay)), []byte{0, 1, 0, 0})
	hdlr := fullBox("hdlr", 0, 0, u32(0), []byte("soun"), make([]byte, 12), []byte("SoundHandler\x00"))
	dinf := box("dinf", fullBox("dref", 0, 0, u32(1), fullBox("url ", 0, 1)))

	var maxUnit uint32
	for _, s := range sizes {
		maxUnit = max(maxUnit, s)
	}
	secs := float64(m.frames) / float64(rate)
	avg := uint32(0)
	if secs > 0 {
		avg = uint32(float64(total) * 8 / secs)
	}
	peak := uint32(uint64(maxUnit) * 8 * uint64(rate) / aac.FrameSize)
	dcd := append([]byte{0x40, 0x15, byte(maxUnit >> 16), byte(maxUnit >> 8), byte(maxUnit)}, append(u32(peak), u32(avg)...)...)
	dcd = append(dcd, descriptor(5, asc)...)
	es := append([]byte{0, 0, 0}, descriptor(4, dcd)...) // ES_ID 0, no flags
	es = append(es, descriptor(6, []byte{2})...)         // SL config: MP4
	mp4a := box("mp4a", make([]byte, 6), []byte{0, 1}, make([]byte, 8),
		[]byte{0, byte(opt.Channels), 0, 16}, make([]byte, 4), u32(rate<<16),
		fullBox("esds", 0, 0, descriptor(3, es)))
	stsd := fullBox("stsd", 0, 0, u32(1), mp4a)
	// Every access unit lasts a frame, but the last lasts only what the
	// output keeps of it (as ffmpeg writes it), so that the media's
	// duration is the delay and the output: nothing after it is played.
	stts := fullBox("stts", 0, 0, u32(1), u32(units), u32(aac.FrameSize))
	if last := int64(delay) + m.frames - int64(units-1)*aac.FrameSize; units > 1 && last > 0 && last < aac.FrameSize {
		stts = fullBox("stts", 0, 0, u32(2), u32(units-1), u32(aac.FrameSize), u32(1), u32(uint32(last)))
		media = uint64(delay) + uint64(m.frames)
	}

	// Chunks of about a second (43 access units at 44.1 kHz), one after
	// another in mdat.
	per := uint32(max(1, int(rate)/aac.FrameSize))
	chunks := (units + per - 1) / per
	stscEntries := [][]byte{u32(1), u32(per), u32(1)}
	count := uint32(1)
	if last := units - (chunks-1)*per; chunks > 1 && last != per {
		stscEntries = append(stscEntries, u32(chunks), u32(last), u32(1))
		count = 2
	} else if chunks == 1 {
		stscEntries[1] = u32(units)
	}
	stsc := fullBox("stsc", 0, 0, append([][]byte{u32(count)}, stscEntries...)...)
	sz := make([]byte, 0, 12+4*len(sizes))
	sz = append(append(sz, u32(0)...), u32(units)...)
	offsets := make([]uint64, 0, chunks)
	off := uint64(m.start)
	for i, s := range sizes {
		if uint32(i)%per == 0 {
			offsets = append(offsets, off)
		}
		sz = append(sz, u32(s)...)
		off += uint64(s)
	}
	stsz := fullBox("stsz", 0, 0, sz)
	var stco []byte
	if off > 0xFFFFFFFF {
		b := u32(uint32(len(offsets)))
		for _, o := range offsets {
			b = append(b, u64(o)...)
		}
		stco = fullBox("co64", 0, 0, b)
	} else {
		b := u32(uint32(len(offsets)))
		for _, o := range offsets {
			b = append(b, u32(uint32(o))...)
		}
		stco = fullBox("stco", 0, 0, b)
	}
	stbl := box("stbl", stsd, stts, stsc, stsz, stco)
	mdhd := fullBox("mdhd", 0, 0, u32(0), u32(0), u32(rate), u32(uint32(media)), []byte{0x55, 0xC4, 0, 0})
	minf := box("minf", fullBox("smhd", 0, 0, u32(0)), dinf, stbl)
	trak := box("trak", tkhd, box("edts", elst), box("mdia", mdhd, hdlr, minf))

	padding := uint64(units)*aac.FrameSize - uint64(delay) - uint64(m.frames)
	smpb := fmt.Sprintf(" 00000000 %08X %08X %016X 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000", delay, padding, m.frames)
	items := [][]byte{box("----", fullBox("mean", 0, 0, []byte("com.apple.iTunes")), fullBox("name", 0, 0, []byte("iTunSMPB")), dataBox(1, []byte(smpb)))}
	items = append(items, tagItems(m.tags, m.pictures)...)
	meta := fullBox("meta", 0, 0, fullBox("hdlr", 0, 0, u32(0), []byte("mdirappl"), make([]byte, 9)), box("ilst", items...))
	return box("moov", mvhd, trak, box("udta", meta))
}

// tagKeys are the iTunes items the writer fills from Offcut's tag names
// (the reader's map, box.go, less the encoder: Offcut never brands).
var tagKeys = []struct{ tag, item string }{
	{"title", "\xa9nam"}, {"artist", "\xa9ART"}, {"album", "\xa9alb"}, {"year", "\xa9day"},
	{"albumartist", "aART"}, {"genre", "\xa9gen"}, {"composer", "\xa9wrt"}, {"comment", "\xa9cmt"},
	{"copyright", "cprt"},
}

// tagItems are the ilst items of tags and pictures.
func tagItems(tags map[string]string, pics []audio.Picture) [][]byte {
	var items [][]byte
	for _, k := range tagKeys {
		if v := strings.TrimSpace(tags[k.tag]); v != "" {
			items = append(items, box(k.item, dataBox(1, []byte(v))))
		}
	}
	for _, k := range []struct{ tag, item string }{{"track", "trkn"}, {"disc", "disk"}} {
		n, total, ok := numberPair(tags[k.tag])
		if !ok {
			continue
		}
		v := []byte{0, 0, byte(n >> 8), byte(n), byte(total >> 8), byte(total)}
		if k.item == "trkn" {
			v = append(v, 0, 0)
		}
		items = append(items, box(k.item, dataBox(0, v)))
	}
	var covers [][]byte
	for _, p := range pics {
		kind := map[string]uint32{"image/jpeg": 13, "image/png": 14, "image/bmp": 27, "image/gif": 12}[p.MIME]
		if kind == 0 || len(p.Data) == 0 {
			continue
		}
		if p.Type == 3 { // the front cover first: players show the first
			covers = append([][]byte{dataBox(kind, p.Data)}, covers...)
		} else {
			covers = append(covers, dataBox(kind, p.Data))
		}
	}
	if len(covers) > 0 {
		items = append(items, box("covr", covers...))
	}
	return items
}

// numberPair reads "3" or "3/12" (a track or disc number and count).
func numberPair(s string) (n, total uint16, ok bool) {
	a, b, _ := strings.Cut(strings.TrimSpace(s), "/")
	x, err := strconv.ParseUint(strings.TrimSpace(a), 10, 16)
	if err != nil || x == 0 {
		return 0, 0, false
	}
	y, _ := strconv.ParseUint(strings.TrimSpace(b), 10, 16)
	return uint16(x), uint16(y), true
}

// dataBox is an ilst item's data box of the given well-known type.
func dataBox(kind uint32, v []byte) []byte {
	return box("data", u32(kind), u32(0), v)
}

// descriptor is an MPEG-4 descriptor (ISO/IEC 14496-1 8.3.3) with its
// size in the four-byte form most writers use.
func descriptor(tag byte, body []byte) []byte {
	n := len(body)
	return append([]byte{tag, 0x80 | byte(n>>21&0x7F), 0x80 | byte(n>>14&0x7F), 0x80 | byte(n>>7&0x7F), byte(n & 0x7F)}, body...)
}

// matrix is the identity transformation of mvhd and tkhd.
func matrix() []byte {
	m := make([]byte, 36)
	binary.BigEndian.PutUint32(m[0:], 0x00010000)
	binary.BigEndian.PutUint32(m[16:], 0x00010000)
	binary.BigEndian.PutUint32(m[32:], 0x40000000)
	return m
}

// box is an MP4 box of type typ holding parts.
func box(typ string, parts ...[]byte) []byte {
	n := 8
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 0, n)
	b = append(append(b, u32(uint32(n))...), typ...)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// fullBox is a box with a version and flags before parts.
func fullBox(typ string, version byte, flags uint32, parts ...[]byte) []byte {
	return box(typ, append([][]byte{{version, byte(flags >> 16), byte(flags >> 8), byte(flags)}}, parts...)...)
}

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
