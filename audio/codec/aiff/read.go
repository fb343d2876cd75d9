package aiff

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/id3"
	"offcut/audio/pcm"
)

// ErrNotAIFF means the source does not start like a FORM AIFF or AIFC file.
var ErrNotAIFF = errors.New("aiff: not an AIFF file")

// Limits on what is read from headers.
const (
	maxChunks   = 4096     // chunks walked before giving up
	maxCommSize = 256      // COMM is 18 bytes (AIFF) or 23..278 (AIFF-C)
	maxTextSize = 64 << 10 // NAME, AUTH, ANNO and (c) bytes read for tags
)

// Chunk locates one chunk of a source file: its id and payload.
type Chunk struct {
	ID     string `json:"id"`
	Offset int64  `json:"offset"` // of the payload
	Size   int64  `json:"size"`   // of the payload, without the pad byte
}

// byte orders of the stored samples
const (
	bigEndian    = iota
	littleEndian // AIFF-C "sowt"
	offsetBinary // AIFF-C "raw ": 8-bit unsigned
)

// File is an opened AIFF or AIFF-C file. It implements audio.Decoder.
// Files whose samples are stored as in WAV (little-endian "sowt" integers of
// 16 to 32 bits, 8-bit "raw ") are opened by OpenDecoder as a *LEFile, which
// also implements audio.PCMLayout.
type File struct {
	src         audio.Source
	format      audio.Format
	order       int
	container   string // "aiff" or "aifc"
	compression string
	sampleBits  int // as declared in COMM (the container is whole bytes)
	dataOff     int64
	frames      int64
	chunks      []Chunk
	tags        map[string]string
	pictures    []audio.Picture
	warnings    []string
}

// LEFile is an AIFF-C file whose samples are stored exactly as in a WAV
// file (little-endian signed integers of 16, 24 or 32 bits, or 8-bit
// unsigned), so that it can implement audio.PCMLayout.
type LEFile struct{ *File }

// PCMData implements audio.PCMLayout.
func (f LEFile) PCMData() (int64, audio.Format) { return f.dataOff, f.format }

// OpenDecoder opens src with Open and returns a *LEFile when the samples
// are laid out as in WAV, the *File otherwise.
func OpenDecoder(src audio.Source) (audio.Decoder, error) {
	f, err := Open(src)
	if err != nil {
		return nil, err
	}
	if f.WAVLayout() {
		return LEFile{f}, nil
	}
	return f, nil
}

// WAVLayout reports whether the samples are stored as a WAV file stores
// them (little-endian integers of 16 to 32 bits, or 8-bit unsigned).
func (f *File) WAVLayout() bool {
	return f.order == littleEndian && !f.format.Float && f.format.Bits >= 16 || f.order == offsetBinary
}

// Open reads the headers of an AIFF or AIFF-C file from src.
func Open(src audio.Source) (*File, error) {
	size := src.Size()
	var hdr [12]byte
	if err := audio.ReadAtFull(src, hdr[:], 0); err != nil {
		return nil, fmt.Errorf("%w: file is %d bytes, too short for a FORM header", ErrNotAIFF, size)
	}
	if string(hdr[:4]) != "FORM" {
		return nil, fmt.Errorf("%w: starts with %q, not FORM", ErrNotAIFF, printable(hdr[:4]))
	}
	f := &File{src: src}
	switch string(hdr[8:12]) {
	case "AIFF":
		f.container = "aiff"
	case "AIFC":
		f.container = "aifc"
	default:
		return nil, fmt.Errorf("%w: FORM type is %q, not AIFF or AIFC", ErrNotAIFF, printable(hdr[8:12]))
	}
	end := size
	if formEnd := 8 + int64(binary.BigEndian.Uint32(hdr[4:])); formEnd > size {
		f.warn(fmt.Sprintf("FORM claims %d bytes, file has %d: reading what is there", formEnd, size))
	} else if formEnd >= 12 {
		end = formEnd
	}

	var comm, ssnd *Chunk
	off := int64(12)
	for n := 0; off+8 <= end; n++ {
		if n == maxChunks {
			return nil, fmt.Errorf("%w: aiff: more than %d chunks before the end", codec.ErrMalformed, maxChunks)
		}
		var ch [8]byte
		if err := audio.ReadAtFull(src, ch[:], off); err != nil {
			return nil, fmt.Errorf("aiff: reading chunk header at byte %d: %w", off, err)
		}
		id := string(ch[:4])
		c := Chunk{ID: id, Offset: off + 8, Size: int64(binary.BigEndian.Uint32(ch[4:]))}
		if left := end - c.Offset; c.Size > left {
			if id == "SSND" {
				f.warn(fmt.Sprintf("SSND chunk claims %d bytes, file has %d: decoding what is there", c.Size, left))
				c.Size = left
			} else if comm != nil && ssnd != nil {
				f.warn(fmt.Sprintf("chunk %q at byte %d claims %d bytes, file has %d: ignored", printable(ch[:4]), off, c.Size, left))
				break
			} else {
				return nil, fmt.Errorf("%w: aiff: chunk %q at byte %d claims %d bytes, file has %d",
					codec.ErrMalformed, printable(ch[:4]), off, c.Size, left)
			}
		}
		switch id {
		case "COMM":
			if comm == nil {
				comm = &c
			}
		case "SSND":
			if ssnd == nil {
				ssnd = &c
			}
		}
		f.chunks = append(f.chunks, c)
		off = c.Offset + c.Size + c.Size&1
	}
	if comm == nil {
		return nil, fmt.Errorf("%w: aiff: no COMM chunk", codec.ErrMalformed)
	}
	declared, err := f.parseComm(*comm)
	if err != nil {
		return nil, err
	}
	if ssnd == nil {
		if declared == 0 {
			return nil, fmt.Errorf("%w: aiff: no SSND chunk and 0 frames", codec.ErrNoAudio)
		}
		return nil, fmt.Errorf("%w: aiff: no SSND chunk (COMM declares %d frames)", codec.ErrMalformed, declared)
	}
	if err := f.parseSSND(*ssnd, declared); err != nil {
		return nil, err
	}
	f.readTags()
	return f, nil
}

func (f *File) warn(s string) { f.warnings = append(f.warnings, s) }

// parseComm decodes the COMM chunk and returns the declared frame count.
func (f *File) parseComm(c Chunk) (int64, error) {
	minSize := int64(18)
	if f.container == "aifc" {
		minSize = 22
	}
	if c.Size < minSize {
		return 0, fmt.Errorf("%w: aiff: COMM chunk is %d bytes, want at least %d", codec.ErrMalformed, c.Size, minSize)
	}
	b := make([]byte, min(c.Size, maxCommSize))
	if err := audio.ReadAtFull(f.src, b, c.Offset); err != nil {
		return 0, fmt.Errorf("aiff: reading COMM chunk: %w", err)
	}
	ch := int(int16(binary.BigEndian.Uint16(b)))
	frames := int64(binary.BigEndian.Uint32(b[2:]))
	bits := int(int16(binary.BigEndian.Uint16(b[6:])))
	rate, ok := extended(b[8:18])
	if !ok || rate < audio.MinSampleRate || rate > audio.MaxSampleRate {
		return 0, fmt.Errorf("%w: aiff: sample rate %g Hz (80-bit field % X)", codec.ErrMalformed, rate, b[8:18])
	}
	irate := int(math.Round(rate))
	if float64(irate) != rate {
		f.warn(fmt.Sprintf("sample rate %g Hz is not a whole number: using %d Hz", rate, irate))
	}
	f.compression = "NONE"
	name := ""
	if f.container == "aifc" {
		f.compression = string(b[18:22])
		if len(b) > 22 && int(b[22]) <= len(b)-23 {
			name = strings.TrimSpace(string(b[23 : 23+int(b[22])]))
		}
	}
	if ch < 1 {
		return 0, fmt.Errorf("%w: aiff: COMM declares %d channels", codec.ErrMalformed, ch)
	}
	fm := audio.Format{Rate: irate, Channels: ch}
	switch f.compression {
	case "NONE", "twos", "in24", "in32":
		f.order = bigEndian
	case "sowt":
		f.order = littleEndian
	case "fl32", "FL32":
		fm.Float, bits = true, 32
	case "fl64", "FL64":
		fm.Float, bits = true, 64
	case "raw ":
		f.order = offsetBinary
		if bits != 8 {
			return 0, fmt.Errorf("%w: aiff: %d-bit offset-binary (raw) samples; Offcut reads 8-bit ones", codec.ErrUnsupported, bits)
		}
	default:
		what := printable([]byte(f.compression))
		if name != "" {
			what += " (" + name + ")"
		}
		return 0, fmt.Errorf("%w: AIFF-C compression %q; Offcut reads uncompressed AIFF-C (NONE, sowt, fl32, fl64, raw)", codec.ErrUnsupported, what)
	}
	if !fm.Float && (bits < 1 || bits > 32) {
		return 0, fmt.Errorf("%w: aiff: COMM declares %d-bit samples (want 1 to 32)", codec.ErrMalformed, bits)
	}
	f.sampleBits = bits
	fm.Bits = (bits + 7) / 8 * 8 // samples are left-justified in whole bytes
	if err := fm.Validate(); err != nil {
		return 0, fmt.Errorf("aiff: %w", err)
	}
	f.format = fm
	return frames, nil
}

// parseSSND locates the samples: the SSND payload starts with an offset (to
// the first sample, past alignment padding) and a block size.
func (f *File) parseSSND(c Chunk, declared int64) error {
	if c.Size < 8 {
		return fmt.Errorf("%w: aiff: SSND chunk is %d bytes, want at least 8", codec.ErrMalformed, c.Size)
	}
	var b [8]byte
	if err := audio.ReadAtFull(f.src, b[:], c.Offset); err != nil {
		return fmt.Errorf("aiff: reading SSND chunk: %w", err)
	}
	skip := int64(binary.BigEndian.Uint32(b[:]))
	if skip > c.Size-8 {
		return fmt.Errorf("%w: aiff: SSND offset %d is past the chunk's %d bytes", codec.ErrMalformed, skip, c.Size-8)
	}
	f.dataOff = c.Offset + 8 + skip
	bpf := int64(f.format.BytesPerFrame())
	have := (c.Size - 8 - skip) / bpf
	f.frames = declared
	if have < declared {
		f.warn(fmt.Sprintf("COMM declares %d frames, SSND holds %d: decoding what is there", declared, have))
		f.frames = have
	}
	return nil
}

// readTags reads the text chunks and an ID3v2 chunk. ID3 fields win over
// the text chunks when both are present.
func (f *File) readTags() {
	tags := map[string]string{}
	for _, c := range f.chunks {
		key := map[string]string{"NAME": "title", "AUTH": "artist", "ANNO": "comment", "(c) ": "copyright"}[c.ID]
		if key == "" {
			continue
		}
		b := make([]byte, min(c.Size, maxTextSize))
		if audio.ReadAtFull(f.src, b, c.Offset) != nil {
			continue
		}
		v := strings.TrimSpace(strings.TrimRight(string(b), "\x00"))
		if v == "" {
			continue
		}
		if old := tags[key]; old != "" {
			v = old + "\n" + v // several ANNO chunks
		}
		tags[key] = v
	}
	for _, c := range f.chunks {
		if c.ID != "ID3 " && c.ID != "id3 " {
			continue
		}
		t, err := id3.ReadV2(f.src, c.Offset, c.Offset+c.Size)
		if err != nil {
			f.warn(fmt.Sprintf("ID3 chunk at byte %d: %v", c.Offset-8, err))
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

// extended decodes an IEEE 754 80-bit extended float (sign, 15-bit
// exponent, 64-bit mantissa with an explicit integer bit); ok is false for
// negative, infinite and NaN values.
func extended(b []byte) (float64, bool) {
	exp := int(binary.BigEndian.Uint16(b) & 0x7FFF)
	mant := binary.BigEndian.Uint64(b[2:])
	if b[0]&0x80 != 0 || exp == 0x7FFF {
		return 0, false
	}
	if mant == 0 {
		return 0, true
	}
	return math.Ldexp(float64(mant), exp-16383-63), true
}

// Info implements audio.Decoder.
func (f *File) Info() audio.Info {
	return audio.Info{
		Container: f.container,
		Codec:     f.codecName(),
		Format:    f.format,
		Frames:    f.frames,
		Tags:      f.tags,
		Pictures:  f.pictures,
		Warnings:  f.warnings,
	}
}

// Compression is the AIFF-C compression type ("NONE" for plain AIFF).
func (f *File) Compression() string { return f.compression }

// Chunks lists the file's chunks in order.
func (f *File) Chunks() []Chunk { return f.chunks }

// Source returns the source the file is read from.
func (f *File) Source() audio.Source { return f.src }

func (f *File) codecName() string {
	fm := f.format
	switch {
	case fm.Float:
		return fmt.Sprintf("pcm_f%dbe", fm.Bits)
	case f.order == offsetBinary:
		return "pcm_u8"
	case fm.Bits == 8:
		return "pcm_s8"
	case f.order == littleEndian:
		return fmt.Sprintf("pcm_s%dle", fm.Bits)
	default:
		return fmt.Sprintf("pcm_s%dbe", fm.Bits)
	}
}

// Stream implements audio.Decoder: it decodes frames [from, to) in chunks.
func (f *File) Stream(from, to int64) (audio.Stream, error) {
	if from < 0 || to > f.frames || from > to {
		return nil, fmt.Errorf("aiff: frames %d..%d outside the file's 0..%d", from, to, f.frames)
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
	fm := r.f.format
	frames := len(buf) / fm.Channels
	if frames == 0 {
		return 0, audio.ErrShortBuffer
	}
	if r.pos >= r.end {
		return 0, io.EOF
	}
	bpf := fm.BytesPerFrame()
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
		return 0, fmt.Errorf("aiff: reading frames %d..%d at byte %d: %w", r.pos, r.pos+int64(frames), off, err)
	}
	out := buf[:frames*fm.Channels]
	switch {
	case r.f.order == bigEndian:
		pcm.DecodeBE(out, raw, fm)
	case r.f.order == littleEndian && fm.Bits == 8:
		pcm.DecodeS8(out, raw)
	default: // little-endian integers, 8-bit offset binary: as in WAV
		pcm.Decode(out, raw, fm)
	}
	r.pos += int64(frames)
	return frames, nil
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
