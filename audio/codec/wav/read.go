package wav

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-audio/riff"
	goaudiowav "github.com/go-audio/wav"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/id3"
	"offcut/audio/pcm"
)

// Errors callers can test with errors.Is.
var (
	// ErrNotWAV means the source does not start like a RIFF/RF64/BW64 WAVE file.
	ErrNotWAV = errors.New("wav: not a WAVE file")
	// ErrUnsupported means a well-formed file stores audio this package
	// cannot decode (a compressed codec such as ADPCM).
	ErrUnsupported = fmt.Errorf("wav: %w", codec.ErrUnsupported)
	// ErrMalformed means the header contradicts itself or the file.
	ErrMalformed = fmt.Errorf("wav: %w", codec.ErrMalformed)
)

// Limits on what is read from headers.
const (
	maxChunks    = 4096     // chunks walked before giving up
	maxFmtSize   = 1024     // a fmt chunk is 16..40 bytes in practice
	maxListSize  = 1 << 20  // LIST/INFO bytes parsed for tags
	maxID3Size   = 20 << 20 // id3 chunk bytes parsed for tags and cover art
	formatPCM    = 1
	formatFloat  = 3
	formatExtens = 0xFFFE
)

// Chunk locates one chunk of a source file: its id and payload.
type Chunk struct {
	ID     string `json:"id"`
	Offset int64  `json:"offset"` // of the payload
	Size   int64  `json:"size"`   // of the payload, without the pad byte
}

// File is an opened WAVE file. It implements audio.Decoder and
// audio.PCMLayout.
type File struct {
	src        audio.Source
	format     audio.Format
	validBits  int
	chanMask   uint32
	dataOff    int64
	frames     int64
	container  string
	chunks     []Chunk
	tags       map[string]string
	pictures   []audio.Picture
	warnings   []string
	formatCode int
}

// Open reads the headers of a WAVE file from src.
func Open(src audio.Source) (*File, error) {
	size := src.Size()
	var hdr [12]byte
	if err := audio.ReadAtFull(src, hdr[:], 0); err != nil {
		return nil, fmt.Errorf("%w: file is %d bytes, too short for a RIFF header", ErrNotWAV, size)
	}
	f := &File{src: src, container: string(hdr[:4])}
	switch f.container {
	case "RIFF", "RF64", "BW64":
	default:
		return nil, fmt.Errorf("%w: starts with %q, not RIFF, RF64 or BW64", ErrNotWAV, printable(hdr[:4]))
	}
	if string(hdr[8:12]) != "WAVE" {
		return nil, fmt.Errorf("%w: RIFF form type is %q, not WAVE", ErrNotWAV, printable(hdr[8:12]))
	}

	var (
		fmtChunk, dataChunk *Chunk
		ds64Data            int64 = -1
		dataSizeField       uint32
		dataToEnd           bool
	)
	off := int64(12)
	for n := 0; off+8 <= size; n++ {
		if n == maxChunks {
			return nil, fmt.Errorf("%w: more than %d chunks before the end", ErrMalformed, maxChunks)
		}
		var ch [8]byte
		if err := audio.ReadAtFull(src, ch[:], off); err != nil {
			return nil, fmt.Errorf("wav: reading chunk header at byte %d: %w", off, err)
		}
		id := string(ch[:4])
		csize := int64(binary.LittleEndian.Uint32(ch[4:]))
		c := Chunk{ID: id, Offset: off + 8, Size: csize}
		if id == "data" {
			dataSizeField = uint32(csize)
			left := size - c.Offset
			switch {
			case f.container != "RIFF" && dataSizeField == 0xFFFFFFFF && ds64Data >= 0:
				c.Size = ds64Data
			case dataSizeField == 0xFFFFFFFF || dataSizeField == 0 && !emptyData(src, hdr[4:8], c.Offset, size):
				// Streaming writers leave the size unset: the data runs to the end.
				c.Size = left
				dataToEnd = true
				f.warn(fmt.Sprintf("data chunk size is 0x%X (unset by a streaming writer); using the file size", dataSizeField))
			}
			if c.Size > left {
				f.warn(fmt.Sprintf("data chunk claims %d bytes, file has %d: decoding what is there", c.Size, left))
				c.Size = left
			}
			dataChunk = &c
		}
		if c.Offset+c.Size > size && id != "data" {
			if fmtChunk != nil && dataChunk != nil {
				f.warn(fmt.Sprintf("chunk %q at byte %d claims %d bytes, file has %d: ignored", printable(ch[:4]), off, csize, size-c.Offset))
				break
			}
			return nil, fmt.Errorf("%w: chunk %q at byte %d claims %d bytes, file has %d", ErrMalformed, printable(ch[:4]), off, csize, size-c.Offset)
		}
		switch id {
		case "fmt ":
			if fmtChunk == nil {
				fmtChunk = &c
			}
		case "ds64":
			if f.container == "RIFF" {
				break
			}
			if c.Size < 24 {
				return nil, fmt.Errorf("%w: ds64 chunk is %d bytes, want at least 24", ErrMalformed, c.Size)
			}
			var d [24]byte
			if err := audio.ReadAtFull(src, d[:], c.Offset); err != nil {
				return nil, fmt.Errorf("wav: reading ds64 chunk: %w", err)
			}
			ds := binary.LittleEndian.Uint64(d[8:])
			if ds > uint64(size) {
				ds = uint64(size) // checked against the file below
			}
			ds64Data = int64(ds)
		}
		f.chunks = append(f.chunks, c)
		next := c.Offset + c.Size + c.Size&1
		if id == "data" && dataToEnd {
			break // ran to the end of the file
		}
		off = next
	}
	if fmtChunk == nil {
		return nil, fmt.Errorf("%w: no fmt chunk", ErrMalformed)
	}
	if dataChunk == nil {
		return nil, fmt.Errorf("%w: no data chunk", ErrMalformed)
	}
	if err := f.parseFmt(*fmtChunk); err != nil {
		return nil, err
	}
	bpf := int64(f.format.BytesPerFrame())
	f.dataOff = dataChunk.Offset
	f.frames = dataChunk.Size / bpf
	if rem := dataChunk.Size % bpf; rem != 0 {
		f.warn(fmt.Sprintf("data chunk ends with %d bytes of a partial frame: ignored", rem))
	}
	f.readTags()
	return f, nil
}

func (f *File) warn(s string) { f.warnings = append(f.warnings, s) }

// parseFmt decodes the fmt chunk through go-audio/riff and adds what go-audio
// does not check: the format code, the EXTENSIBLE sub-format and the block
// alignment.
func (f *File) parseFmt(c Chunk) error {
	if c.Size < 16 {
		return fmt.Errorf("%w: fmt chunk is %d bytes, want at least 16", ErrMalformed, c.Size)
	}
	n := min(c.Size, maxFmtSize)
	raw := make([]byte, n)
	if err := audio.ReadAtFull(f.src, raw, c.Offset); err != nil {
		return fmt.Errorf("wav: reading fmt chunk: %w", err)
	}
	p := &riff.Parser{}
	rc := &riff.Chunk{ID: riff.FmtID, Size: int(n), R: bytes.NewReader(raw)}
	if err := rc.DecodeWavHeader(p); err != nil {
		return fmt.Errorf("%w: fmt chunk: %v", ErrMalformed, err)
	}
	code := int(p.WavAudioFormat)
	bits := int(p.BitsPerSample)
	f.validBits = bits
	if code == formatExtens {
		if n < 40 {
			return fmt.Errorf("%w: WAVE_FORMAT_EXTENSIBLE fmt chunk is %d bytes, want 40", ErrMalformed, n)
		}
		if vb := int(binary.LittleEndian.Uint16(raw[18:])); vb > 0 {
			f.validBits = vb
		}
		f.chanMask = binary.LittleEndian.Uint32(raw[20:])
		// The sub-format GUID's first two bytes are the format code.
		code = int(binary.LittleEndian.Uint16(raw[24:]))
	}
	f.formatCode = code
	ch, rate, align := int(p.NumChannels), int(p.SampleRate), int(p.BlockAlign)
	switch code {
	case formatPCM, formatFloat:
	default:
		return fmt.Errorf("%w: format code 0x%04X (%s); Offcut reads PCM and IEEE float WAV", ErrUnsupported, code, formatName(code))
	}
	if ch == 0 {
		return fmt.Errorf("%w: fmt chunk declares 0 channels", ErrMalformed)
	}
	if rate == 0 {
		return fmt.Errorf("%w: fmt chunk declares a sample rate of 0 Hz", ErrMalformed)
	}
	if bits == 0 {
		return fmt.Errorf("%w: fmt chunk declares 0 bits per sample", ErrMalformed)
	}
	// Containers are whole bytes: 12-bit samples sit in 16-bit words, 20-bit
	// in 24-bit ones. The block alignment must agree.
	container := (bits + 7) / 8 * 8
	if align != ch*container/8 {
		return fmt.Errorf("%w: block align %d does not match %d channels of %d-bit samples (want %d)",
			ErrMalformed, align, ch, bits, ch*container/8)
	}
	f.format = audio.Format{Rate: rate, Channels: ch, Bits: container, Float: code == formatFloat}
	if err := f.format.Validate(); err != nil {
		return fmt.Errorf("wav: %w", err)
	}
	return nil
}

// readTags decodes the first LIST/INFO chunk through go-audio/wav after
// checking that every entry fits inside it, then the first id3 chunk,
// whose fields win.
func (f *File) readTags() {
	tags := map[string]string{}
	for _, c := range f.chunks {
		if c.ID != "LIST" || c.Size < 4 || c.Size > maxListSize {
			continue
		}
		raw := make([]byte, c.Size)
		if err := audio.ReadAtFull(f.src, raw, c.Offset); err != nil {
			continue
		}
		if string(raw[:4]) != "INFO" {
			continue
		}
		if !validInfo(raw[4:]) {
			f.warn("LIST/INFO chunk has an entry larger than the chunk: tags ignored")
			break
		}
		d := &goaudiowav.Decoder{}
		rc := &riff.Chunk{ID: goaudiowav.CIDList, Size: len(raw), R: bytes.NewReader(raw)}
		if err := goaudiowav.DecodeListChunk(d, rc); err != nil || d.Metadata == nil {
			break
		}
		m := d.Metadata
		track := m.TrackNbr
		if strings.TrimSpace(track) == "" {
			track = infoEntry(raw[4:], "IPRT") // go-audio reads ITRK only
		}
		for k, v := range map[string]string{
			"title": m.Title, "artist": m.Artist, "album": m.Product, "comment": m.Comments,
			"year": m.CreationDate, "genre": m.Genre, "track": track, "copyright": m.Copyright,
			"software": m.Software, "engineer": m.Engineer, "subject": m.Subject,
			"keywords": m.Keywords, "source": m.Source, "medium": m.Medium,
		} {
			if v = strings.TrimSpace(v); v != "" {
				tags[k] = v
			}
		}
		break
	}
	for _, c := range f.chunks {
		if c.ID != "id3 " && c.ID != "ID3 " {
			continue
		}
		if c.Size > maxID3Size {
			f.warn(fmt.Sprintf("id3 chunk of %d bytes not read for tags (limit %d)", c.Size, maxID3Size))
			break
		}
		t, err := id3.ReadV2(f.src, c.Offset, c.Offset+c.Size)
		if err != nil {
			f.warn(fmt.Sprintf("id3 chunk at byte %d: %v", c.Offset-8, err))
			break
		}
		for k, v := range t.Fields() {
			tags[k] = v
		}
		f.pictures = append(f.pictures, t.AudioPictures()...)
		break
	}
	if len(tags) > 0 {
		f.tags = tags
	}
}

// infoEntry returns the value of the INFO entry id in b (entries already
// checked by validInfo), "" if there is none.
func infoEntry(b []byte, id string) string {
	for len(b) >= 8 {
		n := int(binary.LittleEndian.Uint32(b[4:8]))
		if string(b[:4]) == id {
			v, _, _ := strings.Cut(string(b[8:8+n]), "\x00")
			return v
		}
		b = b[8+n:]
		if n&1 == 1 && len(b) > 0 {
			b = b[1:]
		}
	}
	return ""
}

// isInfo reports whether LIST chunk c is a LIST/INFO chunk.
func (f *File) isInfo(c Chunk) bool {
	var t [4]byte
	return c.Size >= 4 && audio.ReadAtFull(f.src, t[:], c.Offset) == nil && string(t[:]) == "INFO"
}

// validInfo reports whether the INFO entries in b each fit in b.
func validInfo(b []byte) bool {
	for len(b) >= 8 {
		n := int64(binary.LittleEndian.Uint32(b[4:8]))
		if n > int64(len(b)-8) {
			return false
		}
		b = b[8+n:]
		if n&1 == 1 && len(b) > 0 {
			b = b[1:]
		}
	}
	return true
}

// Info implements audio.Decoder.
func (f *File) Info() audio.Info {
	return audio.Info{
		Container: "wav",
		Codec:     codecName(f.format),
		Format:    f.format,
		Frames:    f.frames,
		Tags:      f.tags,
		Pictures:  f.pictures,
		Warnings:  f.warnings,
	}
}

// PCMData implements audio.PCMLayout.
func (f *File) PCMData() (int64, audio.Format) { return f.dataOff, f.format }

// Chunks lists the file's chunks in order.
func (f *File) Chunks() []Chunk { return f.chunks }

// MetadataChunks are the chunks worth carrying into an edited file: tags and
// broadcast metadata (LIST, bext, iXML, id3, axml). Sample-position chunks
// (cue, smpl, fact) would be wrong after an edit and are not included.
func (f *File) MetadataChunks() []Chunk {
	var out []Chunk
	for _, c := range f.chunks {
		switch c.ID {
		case "LIST", "bext", "iXML", "id3 ", "ID3 ", "axml":
			if c.Offset+c.Size <= f.src.Size() {
				out = append(out, c)
			}
		}
	}
	return out
}

// Stream implements audio.Decoder: it decodes frames [from, to) in chunks.
func (f *File) Stream(from, to int64) (audio.Stream, error) {
	if from < 0 || to > f.frames || from > to {
		return nil, fmt.Errorf("wav: frames %d..%d outside the file's 0..%d", from, to, f.frames)
	}
	return &reader{f: f, pos: from, end: to, n: to - from}, nil
}

// readChunk is how many bytes a stream reads from the source at a time.
const readChunk = 64 << 10

type reader struct {
	f           *File
	pos, end, n int64
	raw         []byte
}

func (r *reader) Rate() int     { return r.f.format.Rate }
func (r *reader) Channels() int { return r.f.format.Channels }
func (r *reader) Len() int64    { return r.n }

func (r *reader) Read(buf []float32) (int, error) {
	ch := r.f.format.Channels
	frames := len(buf) / ch
	if frames == 0 {
		return 0, audio.ErrShortBuffer
	}
	if r.pos >= r.end {
		r.raw = nil // finished: let the read buffer go even if r is kept
		return 0, io.EOF
	}
	bpf := r.f.format.BytesPerFrame()
	frames = min(frames, readChunk/bpf+1, int(min(r.end-r.pos, 1<<30)))
	need := frames * bpf
	if cap(r.raw) < need {
		r.raw = make([]byte, need)
	}
	raw := r.raw[:need]
	off := r.f.dataOff + r.pos*int64(bpf)
	if err := audio.ReadAtFull(r.f.src, raw, off); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, fmt.Errorf("wav: reading frames %d..%d at byte %d: %w", r.pos, r.pos+int64(frames), off, err)
	}
	pcm.Decode(buf[:frames*ch], raw, r.f.format)
	r.pos += int64(frames)
	return frames, nil
}

func codecName(f audio.Format) string {
	switch {
	case f.Float:
		return fmt.Sprintf("pcm_f%dle", f.Bits)
	case f.Bits == 8:
		return "pcm_u8"
	default:
		return fmt.Sprintf("pcm_s%dle", f.Bits)
	}
}

func formatName(code int) string {
	switch code {
	case 2:
		return "Microsoft ADPCM"
	case 6:
		return "A-law"
	case 7:
		return "mu-law"
	case 0x11:
		return "IMA ADPCM"
	case 0x55:
		return "MPEG Layer 3"
	case 0x50:
		return "MPEG"
	default:
		return "unknown"
	}
}

func printable(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7E {
			c = '?'
		}
		out[i] = c
	}
	return string(out)
}

// ChannelMask is the speaker mask of an EXTENSIBLE header, 0 otherwise.
func (f *File) ChannelMask() uint32 { return f.chanMask }

// emptyData reports whether a data chunk whose size field is 0 really is
// empty: the RIFF size is set, and a well-formed chunk header follows. A
// streaming writer that never came back to fill in the sizes leaves both
// unset and samples after the header.
func emptyData(src audio.Source, riffSize []byte, off, size int64) bool {
	if n := binary.LittleEndian.Uint32(riffSize); n == 0 || n == 0xFFFFFFFF {
		return false
	}
	if off == size {
		return true
	}
	var h [8]byte
	if audio.ReadAtFull(src, h[:], off) != nil {
		return false
	}
	for _, c := range h[:4] {
		if c < 0x20 || c > 0x7E {
			return false
		}
	}
	return off+8+int64(binary.LittleEndian.Uint32(h[4:])) <= size
}

// Source returns the source the file is read from.
func (f *File) Source() audio.Source { return f.src }
