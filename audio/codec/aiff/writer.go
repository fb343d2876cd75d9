package aiff

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strings"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/id3"
	"offcut/audio/pcm"
	"offcut/audio/plan"
)

// writer writes a timeline as AIFF (integer samples, big-endian) or
// AIFF-C (fl32, fl64 floats): FORM, COMM, the text chunks (NAME, AUTH,
// (c), ANNO), SSND with the samples computed in bounded chunks, and an ID3
// chunk with every tag and the cover art.
var writer = codec.Writer{
	SampleFormats: []string{"s16", "s24", "s32", "u8", "f32", "f64"},
	Tags:          true,
	Plan:          planTimeline,
	Segments:      &codec.Segments{Grain: 1, PCM: true, Encode: encodeSegment, Join: joinSegments},
}

// maxForm is the largest FORM size field.
const maxForm = 0xFFFFFFFF

// textIDs are the AIFF text chunks written, in order.
var textIDs = []struct{ key, id string }{
	{"title", "NAME"},
	{"artist", "AUTH"},
	{"copyright", "(c) "},
	{"comment", "ANNO"},
}

func planTimeline(tl codec.Timeline, _ map[string]string) (*codec.Output, error) {
	f := tl.Format()
	frames := tl.Frames()
	hdr, id3Chunk, err := wrapping(tl)
	if err != nil {
		return nil, err
	}
	p := &plan.Plan{}
	p.Bytes(hdr)
	data := frames * int64(f.BytesPerFrame())
	bpf := int64(f.BytesPerFrame())
	ps := tl.Pieces()
	var at int64 // output frame of piece i
	for i := 0; i < len(ps); {
		// Stored frames in the output format (WAV layout) are read from
		// their source and only byte-swapped.
		if ps[i].Source >= 0 {
			in := tl.Inputs()[ps[i].Source]
			if s, ok := in.(interface{ Source() audio.Source }); ok {
				off, _ := in.(audio.PCMLayout).PCMData()
				r := io.NewSectionReader(s.Source(), off+ps[i].From*bpf, ps[i].Frames*bpf)
				p.Compute(ps[i].Frames*bpf, func() (io.Reader, error) {
					r.Seek(0, io.SeekStart)
					return newBEReader(r, f), nil
				})
				at += ps[i].Frames
				i++
				continue
			}
		}
		j := i + 1
		n := ps[i].Frames
		for j < len(ps) && (ps[j].Source < 0 || !hasSource(tl.Inputs()[ps[j].Source])) {
			n += ps[j].Frames
			j++
		}
		from, to, start := i, j, at
		p.Compute(n*bpf, func() (io.Reader, error) {
			s, err := tl.Stream(from, to)
			if err != nil {
				return nil, err
			}
			return newBEReader(pcm.NewReader(s, tl.NewEncoder(start)), f), nil
		})
		at += n
		i = j
	}
	if data&1 == 1 {
		p.Bytes([]byte{0})
	}
	p.Bytes(id3Chunk)
	return &codec.Output{Plan: p, Format: f, Frames: frames}, nil
}

// wrapping is what an output of tl has around its samples: the header up
// to the SSND chunk's samples, and the ID3 chunk after them (nil without
// tags).
func wrapping(tl codec.Timeline) (hdr, id3Chunk []byte, err error) {
	tags, pics := codec.MergedTags(tl)
	tags = cleanTags(tags)
	if len(tags) > 0 || len(pics) > 0 {
		t, err := id3Tag(tags, pics)
		if err != nil {
			return nil, nil, fmt.Errorf("aiff: ID3 chunk: %w", err)
		}
		id3Chunk = Chunk8("ID3 ", t)
	}
	hdr, err = Header(tl.Format(), tl.Frames(), HeaderOptions{Tags: tags, TailBytes: int64(len(id3Chunk))})
	if err != nil {
		return nil, nil, err
	}
	return hdr, id3Chunk, nil
}

func hasSource(d audio.Decoder) bool {
	_, ok := d.(interface{ Source() audio.Source })
	return ok
}

// HeaderOptions adjusts the header Header writes.
type HeaderOptions struct {
	// Tags are written as text chunks (title NAME, artist AUTH, copyright
	// "(c) ", comment ANNO) before the sound data.
	Tags map[string]string
	// TailBytes is the size of the chunks (headers, payloads and pad
	// bytes) that follow the SSND chunk and its pad byte.
	TailBytes int64
}

// Header returns the bytes that precede the samples of an AIFF file (an
// AIFF-C file for float samples) holding frames frames of f: FORM, FVER
// (AIFF-C), COMM, the text chunks and the SSND chunk's header. The
// samples follow big-endian (8-bit ones signed), then a pad byte when
// their size is odd, then opts.TailBytes of further chunks.
func Header(f audio.Format, frames int64, opts HeaderOptions) ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("aiff: %w", err)
	}
	if frames < 0 || frames > math.MaxUint32 {
		return nil, fmt.Errorf("%w: aiff holds at most %d frames, not %d", codec.ErrCannotWrite, uint32(math.MaxUint32), frames)
	}
	if f.Channels > math.MaxInt16 {
		return nil, fmt.Errorf("%w: aiff holds at most %d channels", codec.ErrCannotWrite, math.MaxInt16)
	}
	var b []byte
	b = append(b, "FORM\x00\x00\x00\x00"...)
	comm := binary.BigEndian.AppendUint16(nil, uint16(f.Channels))
	comm = binary.BigEndian.AppendUint32(comm, uint32(frames))
	comm = binary.BigEndian.AppendUint16(comm, uint16(f.Bits))
	comm = append(comm, extendedBytes(float64(f.Rate))...)
	if f.Float {
		b = append(b, "AIFC"...)
		b = append(b, Chunk8("FVER", []byte{0xA2, 0x80, 0x51, 0x40})...) // AIFC version 1
		name := "32-bit floating point"
		comm = append(comm, "fl32"...)
		if f.Bits == 64 {
			name = "64-bit floating point"
			comm[len(comm)-2] = '6'
			comm[len(comm)-1] = '4'
		}
		comm = append(append(comm, byte(len(name))), name...)
		if len(name)%2 == 0 { // the pstring (count byte and text) is even
			comm = append(comm, 0)
		}
	} else {
		b = append(b, "AIFF"...)
	}
	b = append(b, Chunk8("COMM", comm)...)
	for _, e := range textIDs {
		if v, ok := opts.Tags[e.key]; ok && len(v) <= maxTextSize {
			b = append(b, Chunk8(e.id, []byte(v))...)
		}
	}
	data := frames * int64(f.BytesPerFrame())
	b = append(b, "SSND"...)
	if 8+data > math.MaxUint32 {
		return nil, fmt.Errorf("%w: aiff holds at most 4 GiB of samples", codec.ErrCannotWrite)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(8+data))
	b = append(b, make([]byte, 8)...) // offset and block size 0
	form := int64(len(b)) - 8 + data + data&1 + opts.TailBytes
	if form > maxForm {
		return nil, fmt.Errorf("%w: aiff files end at 4 GiB; this one would be %d bytes (use WAV, which becomes RF64)", codec.ErrCannotWrite, form+8)
	}
	binary.BigEndian.PutUint32(b[4:], uint32(form))
	return b, nil
}

// Chunk8 returns an AIFF chunk: id, big-endian size, payload and a pad
// byte when the payload's size is odd.
func Chunk8(id string, payload []byte) []byte {
	b := append([]byte(id), binary.BigEndian.AppendUint32(nil, uint32(len(payload)))...)
	b = append(b, payload...)
	if len(payload)&1 == 1 {
		b = append(b, 0)
	}
	return b
}

// extendedBytes encodes a positive whole sample rate as an IEEE 754 80-bit
// extended float (the inverse of extended).
func extendedBytes(v float64) []byte {
	b := make([]byte, 10)
	if v <= 0 {
		return b
	}
	n := uint64(v)
	e := 63 - bits.LeadingZeros64(n)
	binary.BigEndian.PutUint16(b, uint16(16383+e))
	binary.BigEndian.PutUint64(b[2:], n<<(63-e))
	return b
}

// skippedKeys are tags that describe the source file rather than the
// output, and are not carried.
var skippedKeys = map[string]bool{"encoder": true}

// cleanTags returns tags without NUL bytes, surrounding space, empty
// values and the keys not carried; "date" becomes "year" when there is no
// year.
func cleanTags(tags map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range tags {
		v = strings.TrimSpace(strings.ReplaceAll(v, "\x00", ""))
		if v == "" || k == "" || skippedKeys[k] {
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

// maxID3Text bounds the text of the ID3 chunk, so that the tag stays within
// what readers load with its pictures.
const maxID3Text = 8 << 20

// id3Tag encodes tags and pictures as an ID3v2.4 tag for the ID3 chunk;
// the longest values and pictures that would take it past id3.MaxTagSize
// are left out.
func id3Tag(tags map[string]string, pics []audio.Picture) ([]byte, error) {
	total := 0
	for k, v := range tags {
		total += len(k) + len(v)
	}
	for total > maxID3Text {
		long := ""
		for k, v := range tags {
			if long == "" || len(v) > len(tags[long]) || len(v) == len(tags[long]) && k < long {
				long = k
			}
		}
		total -= len(long) + len(tags[long])
		delete(tags, long)
	}
	var ps []id3.Picture
	budget := int64(id3.MaxTagSize) - maxID3Text - 1<<20
	for _, p := range pics {
		if len(p.Data) == 0 || int64(len(p.Data)) > budget {
			continue
		}
		budget -= int64(len(p.Data)) + 256
		ps = append(ps, id3.Picture{MIME: p.MIME, Type: byte(p.Type), Description: p.Description, Data: p.Data})
	}
	return id3.TagFromFields(tags, ps).Encode(0)
}

// beReader turns the little-endian samples of a WAV-layout reader (8-bit
// unsigned) into AIFF's big-endian ones (8-bit signed).
type beReader struct {
	r    io.Reader
	size int // bytes per sample
	buf  []byte
	have int // bytes in buf, the first done of them converted
	done int
	off  int // next byte of buf to hand out
	err  error
}

func newBEReader(r io.Reader, f audio.Format) *beReader {
	size := f.BytesPerSample()
	return &beReader{r: r, size: size, buf: make([]byte, (32<<10)/size*size)}
}

func (b *beReader) Read(p []byte) (int, error) {
	for b.off == b.done {
		if b.err != nil {
			if b.have > b.done && b.err == io.EOF {
				return 0, io.ErrUnexpectedEOF // a partial sample at the end
			}
			return 0, b.err
		}
		// Keep a partial sample, fill the rest.
		n := copy(b.buf, b.buf[b.done:b.have])
		b.have, b.done, b.off = n, 0, 0
		k, err := b.r.Read(b.buf[b.have:])
		b.have += k
		b.err = err
		b.done = b.have / b.size * b.size
		swap(b.buf[:b.done], b.size)
	}
	n := copy(p, b.buf[b.off:b.done])
	b.off += n
	return n, nil
}

// swap converts whole samples of size bytes in place.
func swap(b []byte, size int) {
	switch size {
	case 1:
		for i := range b {
			b[i] ^= 0x80
		}
	case 2:
		for i := 0; i+1 < len(b); i += 2 {
			b[i], b[i+1] = b[i+1], b[i]
		}
	case 3:
		for i := 0; i+2 < len(b); i += 3 {
			b[i], b[i+2] = b[i+2], b[i]
		}
	case 4:
		for i := 0; i+3 < len(b); i += 4 {
			binary.BigEndian.PutUint32(b[i:], binary.LittleEndian.Uint32(b[i:]))
		}
	case 8:
		for i := 0; i+7 < len(b); i += 8 {
			binary.BigEndian.PutUint64(b[i:], binary.LittleEndian.Uint64(b[i:]))
		}
	}
}
