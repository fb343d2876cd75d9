package mp3edit

import (
	"bytes"
	"fmt"
	"io"
	"math"

	"offcut/audio"
)

// StepDB is the size of one global_gain step: 2^(1/4) in amplitude.
var StepDB = 20 * math.Log10(math.Pow(2, 0.25))

// GainSteps converts decibels to whole global_gain steps (rounded), with
// a floor that silences a granule.
func GainSteps(db float64) int {
	if math.IsInf(db, -1) || db < -255*StepDB {
		return -255
	}
	return int(math.Round(db / StepDB))
}

// globalGainBits returns the bit offsets (from the start of the side
// information) of every global_gain field of a frame, granule by granule,
// channel by channel.
func (h hdr) globalGainBits() []int {
	nch := 2
	if h.mono() {
		nch = 1
	}
	var base, per int
	if h.m().MPEG1() {
		priv := 3
		if nch == 1 {
			priv = 5
		}
		base, per = 9+priv+4*nch, 59
	} else {
		priv := 2
		if nch == 1 {
			priv = 1
		}
		base, per = 8+priv, 63
	}
	var out []int
	for gr := range h.granules() {
		for ch := range nch {
			out = append(out, base+(gr*nch+ch)*per+21)
		}
	}
	return out
}

// applyGain adds steps[gr] to the global_gain of each granule of the frame
// in b (header first) and recomputes its CRC. It returns how many fields hit
// the 0..255 limits.
func applyGain(b []byte, steps []int) int {
	h := hdr(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]))
	si := 4
	if h.protected() {
		si = 6
	}
	nch := 2
	if h.mono() {
		nch = 1
	}
	clamped := 0
	for k, bit := range h.globalGainBits() {
		st := steps[k/nch]
		if st == 0 {
			continue
		}
		v := getBits(b[si:], bit, 8) + st
		if v < 0 || v > 255 {
			clamped++
			v = max(0, min(255, v))
		}
		putBits(b[si:], bit, 8, v)
	}
	if h.protected() {
		crc := mpegCRC(append([]byte{b[2], b[3]}, b[6:6+h.sideInfoLen()]...))
		b[4], b[5] = byte(crc>>8), byte(crc)
	}
	return clamped
}

func getBits(b []byte, off, n int) int {
	v := 0
	for i := range n {
		p := off + i
		v = v<<1 | int(b[p/8]>>(7-p%8)&1)
	}
	return v
}

func putBits(b []byte, off, n, v int) {
	for i := range n {
		p := off + i
		bit := byte(v>>(n-1-i)) & 1
		b[p/8] = b[p/8]&^(1<<(7-p%8)) | bit<<(7-p%8)
	}
}

// mpegCRC is the frame CRC of ISO/IEC 11172-3: CRC-16, polynomial 0x8005,
// initial value 0xFFFF, over header bytes 2-3 and the side information.
func mpegCRC(b []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, c := range b {
		for i := 7; i >= 0; i-- {
			bit := (c>>i)&1 != 0
			top := crc&0x8000 != 0
			crc <<= 1
			if top != bit {
				crc ^= 0x8005
			}
		}
	}
	return crc
}

// gainReader streams frames [first, last] of an input with their
// global_gain fields changed, reading the source in bounded chunks.
type gainReader struct {
	in          *Input
	frame, last int
	steps       func(frame int) []int
	buf         bytes.Buffer
	clamped     *int
	spans       []span
}

// span is a frame's place in a chunk.
type span struct{ off, size int64 }

func (g *gainReader) Read(p []byte) (int, error) {
	for g.buf.Len() == 0 {
		if g.frame > g.last {
			return 0, io.EOF
		}
		// Up to 256 KiB of frames at a time (at least one frame).
		g.spans = g.spans[:0]
		var start, stop int64
		for _, fr := range g.in.frames(g.frame, g.last) {
			if len(g.spans) == 0 {
				start = fr.Offset
			} else if fr.Offset+int64(fr.Size)-start > 256<<10 {
				break
			}
			g.spans = append(g.spans, span{fr.Offset - start, int64(fr.Size)})
			stop = fr.Offset + int64(fr.Size)
		}
		end := g.frame + len(g.spans) - 1
		chunk := make([]byte, stop-start)
		if err := audio.ReadAtFull(g.in.src, chunk, start); err != nil {
			return 0, fmt.Errorf("mp3edit: reading frames %d..%d at byte %d: %w", g.frame, end, start, err)
		}
		for k, sp := range g.spans {
			*g.clamped += applyGain(chunk[sp.off:sp.off+sp.size], g.steps(g.frame+k))
		}
		g.buf.Write(chunk)
		g.frame = end + 1
	}
	return g.buf.Read(p)
}
