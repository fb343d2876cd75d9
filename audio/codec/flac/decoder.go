package flac

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/vorbiscomment"
)

// Limits on what metadata may make the decoder keep.
const (
	// maxCommentBlock bounds a VORBIS_COMMENT block that is parsed; larger
	// ones are skipped with a warning.
	maxCommentBlock = 8 << 20
	// maxSeekPoints bounds the seek points kept from SEEKTABLE blocks.
	maxSeekPoints = 1 << 16
	// maxMetadataBlocks bounds how many metadata blocks are walked.
	maxMetadataBlocks = 1 << 16
)

// errEndOfStream is returned by frameDecoder.decode at the end of the data.
var errEndOfStream = errors.New("flac: end of stream")

// StreamInfo is the content of the STREAMINFO block.
type StreamInfo struct {
	// MinBlockSize and MaxBlockSize bound the frames' sample counts.
	MinBlockSize, MaxBlockSize int
	// MinFrameSize and MaxFrameSize bound the frames' byte sizes (0 when
	// unknown).
	MinFrameSize, MaxFrameSize int
	// SampleRate is in Hz.
	SampleRate int
	// Channels is 1 to 8.
	Channels int
	// BitsPerSample is the stream's sample width, 4 to 32.
	BitsPerSample int
	// TotalSamples is the number of frames (samples per channel); 0 when
	// the encoder did not know it.
	TotalSamples int64
	// MD5 is the MD5 of the decoded samples (little-endian, signed, in
	// (BitsPerSample+7)/8 bytes each, interleaved); all zero when unset.
	MD5 [16]byte
}

// seekPoint is a SEEKTABLE entry: the frame starting at sample lies at
// byte offset (from the first frame).
type seekPoint struct {
	sample, offset int64
}

// Decoder is an opened FLAC file.
type Decoder struct {
	src        audio.Source
	info       audio.Info
	si         StreamInfo
	audioStart int64 // offset of the first frame
	variable   bool  // the frames carry sample numbers
	fixedBlock int   // block size of a fixed-blocksize stream
	seek       []seekPoint

	// Streams whose frames carry frame numbers but vary in size (old
	// Flake files) can only be located by decoding; frames met while
	// decoding are indexed here, about one a second.
	mu    sync.Mutex
	index []seekPoint
}

var _ audio.Decoder = (*Decoder)(nil)

// Open reads the metadata of the FLAC file in src and checks its first
// frame header.
func Open(src audio.Source) (*Decoder, error) {
	d := &Decoder{src: src}
	size := src.Size()
	off := int64(0)
	head := make([]byte, 10)
	if err := audio.ReadAtFull(src, head[:4], 0); err != nil {
		return nil, fmt.Errorf("flac: reading the file's start: %w", noEOF(err))
	}
	if string(head[:3]) == "ID3" {
		if err := audio.ReadAtFull(src, head, 0); err != nil {
			return nil, fmt.Errorf("flac: reading the ID3v2 tag header: %w", noEOF(err))
		}
		n := id3Size(head)
		if n == 0 {
			return nil, fmt.Errorf("flac: %w: invalid ID3v2 tag header", errMalformed)
		}
		off = int64(n)
		if err := audio.ReadAtFull(src, head[:4], off); err != nil {
			return nil, fmt.Errorf("flac: reading the marker after the ID3v2 tag: %w", noEOF(err))
		}
	}
	if string(head[:4]) != "fLaC" {
		if at := findHeader(src, off); at >= 0 {
			return nil, fmt.Errorf("flac: %w: a bare FLAC stream (a frame header at byte %d, no fLaC marker and no STREAMINFO)", errUnsupported, at)
		}
		return nil, fmt.Errorf("flac: %w: no fLaC marker", errMalformed)
	}
	off += 4
	var haveInfo bool
	var comments []*vorbiscomment.Comments
	for nblock := 0; ; nblock++ {
		if nblock == maxMetadataBlocks {
			return nil, fmt.Errorf("flac: %w: more than %d metadata blocks", errMalformed, maxMetadataBlocks)
		}
		if err := audio.ReadAtFull(src, head[:4], off); err != nil {
			return nil, fmt.Errorf("flac: metadata block %d header at byte %d: %w", nblock, off, noEOF(err))
		}
		last := head[0]&0x80 != 0
		typ := head[0] & 0x7F
		n := int64(head[1])<<16 | int64(head[2])<<8 | int64(head[3])
		body := off + 4
		if body+n > size {
			return nil, fmt.Errorf("flac: %w: metadata block %d (type %d) at byte %d claims %d bytes, past the end of the %d-byte file", errMalformed, nblock, typ, off, n, size)
		}
		switch typ {
		case 0: // STREAMINFO
			if haveInfo {
				return nil, fmt.Errorf("flac: %w: a second STREAMINFO block (block %d)", errMalformed, nblock)
			}
			if n != 34 {
				return nil, fmt.Errorf("flac: %w: STREAMINFO of %d bytes (want 34)", errMalformed, n)
			}
			b := make([]byte, 34)
			if err := audio.ReadAtFull(src, b, body); err != nil {
				return nil, fmt.Errorf("flac: reading STREAMINFO: %w", noEOF(err))
			}
			if err := d.parseStreamInfo(b); err != nil {
				return nil, err
			}
			haveInfo = true
		case 3: // SEEKTABLE
			if err := d.readSeekTable(body, n); err != nil {
				d.info.Warnings = append(d.info.Warnings, err.Error())
				d.seek = nil
			}
		case 4: // VORBIS_COMMENT
			if n > maxCommentBlock {
				d.info.Warnings = append(d.info.Warnings, fmt.Sprintf("a comment block of %d bytes was skipped", n))
				break
			}
			b := make([]byte, n)
			if err := audio.ReadAtFull(src, b, body); err != nil {
				return nil, fmt.Errorf("flac: reading VORBIS_COMMENT: %w", noEOF(err))
			}
			c, err := vorbiscomment.Parse(b)
			if err != nil {
				d.info.Warnings = append(d.info.Warnings, fmt.Sprintf("an unreadable comment block was skipped (%v)", err))
				break
			}
			comments = append(comments, c)
		case 6: // PICTURE
			if err := d.readPicture(body, n); err != nil {
				d.info.Warnings = append(d.info.Warnings, fmt.Sprintf("an unreadable picture was skipped (%v)", err))
			}
		case 127:
			return nil, fmt.Errorf("flac: %w: metadata block %d at byte %d has the invalid type 127", errMalformed, nblock, off)
		}
		off = body + n
		if last {
			break
		}
	}
	if !haveInfo {
		return nil, fmt.Errorf("flac: %w: no STREAMINFO block", errMalformed)
	}
	d.audioStart = off
	for _, c := range comments {
		if d.info.Tags == nil {
			d.info.Tags = c.Tags()
		}
		for _, p := range c.Pictures() {
			d.addPicture(&p, int64(len(p.Data)))
		}
	}
	if err := d.checkFirstFrame(); err != nil {
		return nil, err
	}
	return d, nil
}

// noEOF turns io.EOF (nothing where something must be) into
// io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func (d *Decoder) parseStreamInfo(b []byte) error {
	si := &d.si
	si.MinBlockSize = int(binary.BigEndian.Uint16(b[0:]))
	si.MaxBlockSize = int(binary.BigEndian.Uint16(b[2:]))
	si.MinFrameSize = int(b[4])<<16 | int(b[5])<<8 | int(b[6])
	si.MaxFrameSize = int(b[7])<<16 | int(b[8])<<8 | int(b[9])
	x := binary.BigEndian.Uint64(b[10:])
	si.SampleRate = int(x >> 44)
	si.Channels = int(x>>41&7) + 1
	si.BitsPerSample = int(x>>36&31) + 1
	si.TotalSamples = int64(x & (1<<36 - 1))
	copy(si.MD5[:], b[18:34])
	switch {
	case si.SampleRate == 0:
		return fmt.Errorf("flac: %w: STREAMINFO sample rate 0", errMalformed)
	case si.BitsPerSample < 4:
		return fmt.Errorf("flac: %w: STREAMINFO %d bits per sample (want 4 to 32)", errMalformed, si.BitsPerSample)
	}
	bits := (si.BitsPerSample + 7) / 8 * 8
	d.info = audio.Info{
		Container: "flac",
		Codec:     "flac",
		Format:    audio.Format{Rate: si.SampleRate, Channels: si.Channels, Bits: bits},
		Frames:    si.TotalSamples,
	}
	if err := d.info.Format.Validate(); err != nil {
		return fmt.Errorf("flac: %w: STREAMINFO: %w", errMalformed, err)
	}
	return nil
}

// readSeekTable reads a SEEKTABLE block of n bytes at off, keeping at most
// maxSeekPoints evenly spread points.
func (d *Decoder) readSeekTable(off, n int64) error {
	if n%18 != 0 {
		return fmt.Errorf("a SEEKTABLE of %d bytes (not a multiple of 18) was ignored", n)
	}
	count := n / 18
	step := (count + maxSeekPoints - 1) / maxSeekPoints
	chunk := make([]byte, 18*min(count, 4096))
	var prev seekPoint
	for i := int64(0); i < count; {
		k := min(count-i, int64(len(chunk)/18))
		if err := audio.ReadAtFull(d.src, chunk[:18*k], off+18*i); err != nil {
			return fmt.Errorf("reading the SEEKTABLE: %v", noEOF(err))
		}
		for j := range k {
			p := chunk[18*j:]
			s := binary.BigEndian.Uint64(p)
			if s == 1<<64-1 {
				continue // placeholder
			}
			o := binary.BigEndian.Uint64(p[8:])
			if s >= 1<<36 || o >= 1<<62 {
				return fmt.Errorf("a SEEKTABLE point out of range (sample %d, offset %d) made the table ignored", s, o)
			}
			pt := seekPoint{int64(s), int64(o)}
			if len(d.seek) > 0 && (pt.sample <= prev.sample || pt.offset < prev.offset) {
				return fmt.Errorf("a SEEKTABLE out of order was ignored")
			}
			prev = pt
			if (i+j)%step == 0 {
				d.seek = append(d.seek, pt)
			}
		}
		i += k
	}
	return nil
}

// readPicture reads a PICTURE block of n bytes at off; an image over
// audio.MaxPictureBytes is listed without its data.
func (d *Decoder) readPicture(off, n int64) error {
	// The fields before the image: read up to 64 KiB of them.
	b := make([]byte, min(n, 64<<10))
	if err := audio.ReadAtFull(d.src, b, off); err != nil {
		return noEOF(err)
	}
	r := b
	u32 := func() (uint32, error) {
		if len(r) < 4 {
			return 0, fmt.Errorf("%w: picture fields run past the block (or past 64 KiB)", errMalformed)
		}
		v := binary.BigEndian.Uint32(r)
		r = r[4:]
		return v, nil
	}
	str := func() (string, error) {
		l, err := u32()
		if err != nil {
			return "", err
		}
		if int64(l) > int64(len(r)) {
			return "", fmt.Errorf("%w: a picture string of %d bytes runs past the block", errMalformed, l)
		}
		s := string(r[:l])
		r = r[l:]
		return s, nil
	}
	var p audio.Picture
	typ, err := u32()
	if err != nil {
		return err
	}
	p.Type = int(typ)
	if p.MIME, err = str(); err != nil {
		return err
	}
	if p.Description, err = str(); err != nil {
		return err
	}
	for range 4 { // width, height, depth, colours
		if _, err := u32(); err != nil {
			return err
		}
	}
	l, err := u32()
	if err != nil {
		return err
	}
	dataOff := int64(len(b) - len(r))
	if dataOff+int64(l) > n {
		return fmt.Errorf("%w: a picture of %d bytes claimed in a block of %d", errMalformed, l, n)
	}
	p.Size = int64(l)
	if p.Size <= audio.MaxPictureBytes {
		p.Data = make([]byte, l)
		if err := audio.ReadAtFull(d.src, p.Data, off+dataOff); err != nil {
			return noEOF(err)
		}
	}
	d.info.Pictures = append(d.info.Pictures, p)
	return nil
}

func (d *Decoder) addPicture(p *vorbiscomment.Picture, size int64) {
	var data []byte
	if size <= audio.MaxPictureBytes && p.Data != nil {
		data = p.Data
	}
	d.info.Pictures = append(d.info.Pictures, audio.Picture{
		MIME: p.MIME, Type: int(p.Type), Description: p.Description, Size: size, Data: data,
	})
}

// checkFirstFrame reads the first frame header, which fixes the blocking
// strategy and, for fixed-blocksize streams, the block size that frame
// numbers count in; it finds the end of the stream when STREAMINFO does not
// give the total.
func (d *Decoder) checkFirstFrame() error {
	b := make([]byte, maxHeaderBytes)
	k, err := d.src.ReadAt(b, d.audioStart)
	if k == 0 {
		if err == nil || err == io.EOF {
			return fmt.Errorf("flac: %w: no frames after the metadata", codec.ErrNoAudio)
		}
		return fmt.Errorf("flac: reading the first frame header: %w", err)
	}
	h, err := parseHeader(b[:k])
	if err != nil {
		return fmt.Errorf("flac: first frame at byte %d: %w", d.audioStart, err)
	}
	fd := d.newFrameDecoder(nil)
	if err := fd.check(h); err != nil {
		return fmt.Errorf("flac: first frame at byte %d: %w", d.audioStart, err)
	}
	if h.number != 0 {
		return fmt.Errorf("flac: %w: the first frame starts at sample %d, not 0", errUnsupported, h.number)
	}
	d.variable = h.variable
	if !h.variable {
		d.fixedBlock = h.blockSize
		if d.si.MinBlockSize != d.si.MaxBlockSize && d.si.MinBlockSize > 0 && d.si.MaxBlockSize > 0 {
			// Old variable-blocksize streams carry frame numbers: positions
			// are known only by decoding from the start.
			d.fixedBlock = 0
		}
	}
	if d.info.Frames == 0 {
		total, err := d.findEnd()
		if err != nil {
			return err
		}
		d.info.Frames = total
	}
	if d.info.Frames == 0 {
		return fmt.Errorf("flac: %w", codec.ErrNoAudio)
	}
	return nil
}

func (d *Decoder) newFrameDecoder(r *bitReader) *frameDecoder {
	return &frameDecoder{r: r, bps: d.si.BitsPerSample, ch: d.si.Channels, rate: d.si.SampleRate}
}

// Info describes the file.
func (d *Decoder) Info() audio.Info { return d.info }

// StreamInfo returns the STREAMINFO block.
func (d *Decoder) StreamInfo() StreamInfo { return d.si }

// frameSample is the first sample of the frame with header h, or -1 when
// the stream's frames do not say.
func (d *Decoder) frameSample(h frameHeader) int64 {
	if h.variable {
		return h.number
	}
	if d.fixedBlock == 0 {
		return -1
	}
	return h.number * int64(d.fixedBlock)
}

// findEnd finds the number of samples of a stream whose STREAMINFO does not
// give it: the last frame that decodes, searched backwards from the end.
func (d *Decoder) findEnd() (int64, error) {
	size := d.src.Size()
	if d.fixedBlock == 0 && !d.variable {
		return d.countAll()
	}
	r := newBitReader(d.src)
	fd := d.newFrameDecoder(r)
	for win := int64(64 << 10); ; win = min(4*win, maxFrameBytes) {
		from := max(d.audioStart, size-win)
		b := make([]byte, size-from)
		if err := audio.ReadAtFull(d.src, b, from); err != nil {
			return 0, fmt.Errorf("flac: reading the last frames: %w", noEOF(err))
		}
		for i := len(b) - 2; i >= 0; i-- {
			if b[i] != 0xFF || b[i+1]&0xFE != 0xF8 {
				continue
			}
			h, err := parseHeader(b[i:min(len(b), i+maxHeaderBytes)])
			if err != nil || h.variable != d.variable {
				continue
			}
			r.seek(from + int64(i))
			fd.ch, fd.bps, fd.rate = d.si.Channels, d.si.BitsPerSample, d.si.SampleRate
			if err := fd.check(h); err != nil {
				// A real frame of another layout, or a false sync?
				fd.ch = h.channels
				fd.bps = cmp.Or(h.bps, fd.bps)
				fd.rate = cmp.Or(h.rate, fd.rate)
				if fd.decode() == nil {
					return 0, fmt.Errorf("flac: last frame at byte %d: %w", from+int64(i), err)
				}
				continue
			}
			if fd.decode() != nil {
				continue
			}
			if s := d.frameSample(h); s >= 0 {
				return s + int64(h.blockSize), nil
			}
		}
		if from == d.audioStart || win == maxFrameBytes {
			return 0, fmt.Errorf("flac: %w: no complete frame found in the last %d bytes of the file", errMalformed, size-from)
		}
	}
}

// countAll counts the samples of every frame.
func (d *Decoder) countAll() (int64, error) {
	r := newBitReader(d.src)
	r.seek(d.audioStart)
	fd := d.newFrameDecoder(r)
	var total int64
	for {
		err := fd.decode()
		if err == errEndOfStream {
			return total, nil
		}
		if err != nil {
			if total > 0 {
				d.info.Warnings = append(d.info.Warnings, fmt.Sprintf("the stream ends with an undecodable frame: %v", err))
				return total, nil
			}
			return 0, fmt.Errorf("flac: %w", err)
		}
		total += int64(fd.header.blockSize)
	}
}

// locate returns the offset and first sample of a frame at or before
// sample t, as close as it can cheaply find.
func (d *Decoder) locate(t int64) (int64, int64) {
	lo, loSample := d.audioStart, int64(0)
	hi := d.src.Size()
	if len(d.seek) > 0 {
		i := sort.Search(len(d.seek), func(i int) bool { return d.seek[i].sample > t })
		if i > 0 {
			p := d.seek[i-1]
			if off := d.audioStart + p.offset; d.frameAt(off) == p.sample {
				lo, loSample = off, p.sample
			}
		}
		if i < len(d.seek) {
			if off := d.audioStart + d.seek[i].offset; off > lo && off < hi && d.frameAt(off) == d.seek[i].sample {
				hi = off
			}
		}
	}
	if d.fixedBlock == 0 && !d.variable {
		d.mu.Lock()
		defer d.mu.Unlock()
		i := sort.Search(len(d.index), func(i int) bool { return d.index[i].sample > t })
		if i > 0 && d.index[i-1].sample > loSample {
			lo, loSample = d.audioStart+d.index[i-1].offset, d.index[i-1].sample
		}
		return lo, loSample
	}
	// Bisection over frame headers: lo is always a frame at or before t.
	for hi-lo > 32<<10 {
		mid := lo + (hi-lo)/2
		off, s, ok := d.nextFrame(mid, hi)
		if !ok || s > t {
			hi = mid
			continue
		}
		lo, loSample = off, s
		if s == t {
			break
		}
	}
	return lo, loSample
}

// remember indexes a frame of a stream that can only be located by
// decoding.
func (d *Decoder) remember(sample, off int64) {
	if d.fixedBlock != 0 || d.variable {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	n := len(d.index)
	i := sort.Search(n, func(i int) bool { return d.index[i].sample >= sample })
	if i < n && d.index[i].sample == sample {
		return
	}
	if (i > 0 && sample-d.index[i-1].sample < int64(d.si.SampleRate)) || (i < n && d.index[i].sample-sample < int64(d.si.SampleRate)) {
		return
	}
	d.index = append(d.index, seekPoint{})
	copy(d.index[i+1:], d.index[i:])
	d.index[i] = seekPoint{sample: sample, offset: off - d.audioStart}
}

// frameAt returns the first sample of the frame whose header is at off,
// or -1.
func (d *Decoder) frameAt(off int64) int64 {
	var b [maxHeaderBytes]byte
	k, _ := d.src.ReadAt(b[:], off)
	h, err := parseHeader(b[:k])
	if err != nil || h.variable != d.variable || d.newFrameDecoder(nil).check(h) != nil {
		return -1
	}
	return d.frameSample(h)
}

// nextFrame finds the first valid frame header at or after off and before
// end, returning its offset and first sample.
func (d *Decoder) nextFrame(off, end int64) (int64, int64, bool) {
	buf := make([]byte, 16<<10)
	for off < end {
		k, _ := d.src.ReadAt(buf, off)
		if k < 2 {
			return 0, 0, false
		}
		b := buf[:k]
		adv := k - maxHeaderBytes // candidates near the end are read again
		if k < len(buf) || adv < 1 {
			adv = k
		}
		for i := 0; i < adv && off+int64(i) < end; i++ {
			if i+1 >= len(b) || b[i] != 0xFF || b[i+1]&0xFE != 0xF8 {
				continue
			}
			if s := d.frameAt(off + int64(i)); s >= 0 && s < d.info.Frames {
				return off + int64(i), s, true
			}
		}
		off += int64(adv)
	}
	return 0, 0, false
}

// findHeader returns the offset of the first frame header (CRC-8 checked)
// in the 64 KiB of src from off, or -1.
func findHeader(src audio.Source, off int64) int64 {
	b := make([]byte, min(64<<10, max(0, src.Size()-off)))
	k, _ := src.ReadAt(b, off)
	b = b[:k]
	for i := 0; i+1 < len(b); i++ {
		if b[i] == 0xFF && b[i+1]&0xFE == 0xF8 {
			if _, err := parseHeader(b[i:min(len(b), i+maxHeaderBytes)]); err == nil {
				return off + int64(i)
			}
		}
	}
	return -1
}
