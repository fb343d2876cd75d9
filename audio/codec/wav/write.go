package wav

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"offcut/audio"
	"offcut/audio/plan"
)

// maxRIFF is the largest RIFF size field; larger files are written as RF64.
const maxRIFF = 0xFFFFFFFF

// HeaderOptions adjusts the header Header writes.
type HeaderOptions struct {
	// ChannelMask is the speaker mask for EXTENSIBLE headers; 0 picks the
	// default layout for the channel count.
	ChannelMask uint32
	// TailBytes is the size of the chunks (headers, payloads and pad bytes
	// included) that follow the data chunk.
	TailBytes int64
	// ForceRF64 writes an RF64 header whatever the size (for tests).
	ForceRF64 bool
	// Chunks are whole chunks (headers, payloads and pad bytes) to place
	// between the fmt and data chunks, such as a LIST/INFO chunk.
	Chunks []byte
}

// Header returns the bytes that precede the samples of a WAVE file holding
// frames frames of f: RIFF (or RF64 and ds64), fmt, opts.Chunks and the
// data chunk's header. The data chunk is followed by DataPad(f, frames) and
// then opts.TailBytes of further chunks. Files that would overflow RIFF's
// 32-bit sizes get an RF64 header.
func Header(f audio.Format, frames int64, opts HeaderOptions) ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("wav: %w", err)
	}
	if frames < 0 {
		return nil, fmt.Errorf("wav: negative frame count %d", frames)
	}
	data := frames * int64(f.BytesPerFrame())
	pad := int64(len(DataPad(f, frames)))
	extensible := f.Channels > 2 || (!f.Float && f.Bits > 16)
	fmtSize := int64(16)
	if extensible {
		fmtSize = 40
	} else if f.Float {
		fmtSize = 18 // cbSize = 0, as the spec asks for non-PCM formats
	}
	if len(opts.Chunks)&1 == 1 {
		return nil, fmt.Errorf("wav: chunks before the data are %d bytes, an odd length", len(opts.Chunks))
	}
	head := int64(len(opts.Chunks))
	riffSize := 4 + 8 + fmtSize + head + 8 + data + pad + opts.TailBytes
	if riffSize > maxRIFF || opts.ForceRF64 {
		return rf64Header(f, frames, data, riffSize+8+28, fmtSize, opts), nil
	}
	// Plain PCM gets go-audio's canonical 44-byte header, written here:
	// its encoder allocates a minute of audio's buffer (11 MB at 48 kHz
	// stereo) per call, which every plan of a WAV output paid for
	// (TestHeaderMatchesGoAudio checks the bytes are go-audio's).
	b := make([]byte, 0, 12+8+fmtSize+head+8)
	b = append(b, "RIFF"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(riffSize))
	b = append(b, "WAVE"...)
	b = appendFmt(b, f, fmtSize, opts.ChannelMask)
	b = append(b, opts.Chunks...)
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(data))
	return b, nil
}

func rf64Header(f audio.Format, frames, data, riffSize, fmtSize int64, opts HeaderOptions) []byte {
	b := make([]byte, 0, 12+36+8+fmtSize+int64(len(opts.Chunks))+8)
	b = append(b, "RF64"...)
	b = binary.LittleEndian.AppendUint32(b, 0xFFFFFFFF)
	b = append(b, "WAVE"...)
	b = append(b, "ds64"...)
	b = binary.LittleEndian.AppendUint32(b, 28)
	b = binary.LittleEndian.AppendUint64(b, uint64(riffSize))
	b = binary.LittleEndian.AppendUint64(b, uint64(data))
	b = binary.LittleEndian.AppendUint64(b, uint64(frames))
	b = binary.LittleEndian.AppendUint32(b, 0) // no table entries
	b = appendFmt(b, f, fmtSize, opts.ChannelMask)
	b = append(b, opts.Chunks...)
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, 0xFFFFFFFF)
	return b
}

func appendFmt(b []byte, f audio.Format, size int64, mask uint32) []byte {
	code := uint16(formatPCM)
	if f.Float {
		code = formatFloat
	}
	tag := code
	if size == 40 {
		tag = formatExtens
	}
	b = append(b, "fmt "...)
	b = binary.LittleEndian.AppendUint32(b, uint32(size))
	b = binary.LittleEndian.AppendUint16(b, tag)
	b = binary.LittleEndian.AppendUint16(b, uint16(f.Channels))
	b = binary.LittleEndian.AppendUint32(b, uint32(f.Rate))
	b = binary.LittleEndian.AppendUint32(b, uint32(f.Rate*f.BytesPerFrame()))
	b = binary.LittleEndian.AppendUint16(b, uint16(f.BytesPerFrame()))
	b = binary.LittleEndian.AppendUint16(b, uint16(f.Bits))
	switch size {
	case 18:
		b = binary.LittleEndian.AppendUint16(b, 0)
	case 40:
		if mask == 0 {
			mask = DefaultChannelMask(f.Channels)
		}
		b = binary.LittleEndian.AppendUint16(b, 22)
		b = binary.LittleEndian.AppendUint16(b, uint16(f.Bits))
		b = binary.LittleEndian.AppendUint32(b, mask)
		b = binary.LittleEndian.AppendUint16(b, code)
		b = append(b, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71)
	}
	return b
}

// DefaultChannelMask is the speaker layout WAVE_FORMAT_EXTENSIBLE headers
// declare for n channels: mono centre, stereo, 3.0, quad, 5.0, 5.1, 6.1, 7.1.
func DefaultChannelMask(n int) uint32 {
	switch n {
	case 1:
		return 0x4
	case 2:
		return 0x3
	case 3:
		return 0x7
	case 4:
		return 0x33
	case 5:
		return 0x37
	case 6:
		return 0x3F
	case 7:
		return 0x70F
	case 8:
		return 0x63F
	}
	return 0
}

// DataPad is the pad byte RIFF requires after an odd-sized data chunk.
func DataPad(f audio.Format, frames int64) []byte {
	if frames*int64(f.BytesPerFrame())%2 == 1 {
		return []byte{0}
	}
	return nil
}

// TailChunk is a chunk of an input file to copy after the data chunk.
type TailChunk struct {
	Source int // index of the input in the plan's sources
	Chunk  Chunk
	// Data, if not nil, replaces the chunk's payload (same length).
	Data []byte
}

// TailSize is the number of bytes the chunks take in a file.
func TailSize(chunks []TailChunk) int64 {
	var n int64
	for _, c := range chunks {
		n += 8 + c.Chunk.Size + c.Chunk.Size&1
	}
	return n
}

// AppendTail appends the chunks to p as their headers plus ranges of their
// sources, so tags are carried byte for byte.
func AppendTail(p *plan.Plan, chunks []TailChunk) {
	for _, c := range chunks {
		h := make([]byte, 0, 8)
		h = append(h, c.Chunk.ID...)
		h = binary.LittleEndian.AppendUint32(h, uint32(c.Chunk.Size))
		p.Bytes(h)
		if c.Data != nil {
			p.Bytes(c.Data)
		} else {
			p.Range(c.Source, c.Chunk.Offset, c.Chunk.Size)
		}
		if c.Chunk.Size&1 == 1 {
			p.Bytes([]byte{0})
		}
	}
}

// bextTimeReference is where a bext chunk's TimeReference (the sample
// position of the file's first sample since midnight) sits in its payload.
const bextTimeReference = 338

// ShiftBext returns the payload of a bext chunk with its TimeReference moved
// on by frames, or nil when the payload is too short to hold one.
func ShiftBext(payload []byte, frames int64) []byte {
	if len(payload) < bextTimeReference+8 {
		return nil
	}
	out := bytes.Clone(payload)
	t := binary.LittleEndian.Uint64(out[bextTimeReference:])
	binary.LittleEndian.PutUint64(out[bextTimeReference:], t+uint64(frames))
	return out
}
