package mp4

import (
	"fmt"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/pcm"
)

// pcmLayout is how uncompressed QuickTime samples are stored.
type pcmLayout struct {
	little   bool // little-endian
	unsigned bool // 8-bit offset binary
}

// pcmEntry reports whether e is an uncompressed QuickTime sound
// description.
func pcmEntry(e *entry) bool {
	switch e.format {
	case "sowt", "twos", "in24", "in32", "fl32", "fl64", "raw ", "lpcm", "NONE":
		return true
	}
	return false
}

// setPCM describes uncompressed samples: the sample entry's name fixes the
// size (QuickTime v1 descriptions say 16 bits whatever they hold), an
// "enda" atom or the v2 flags the byte order.
func (f *File) setPCM(e *entry) error {
	fm := audio.Format{Rate: e.rate, Channels: e.channels, Bits: e.bits}
	l := pcmLayout{little: e.enda}
	switch e.format {
	case "sowt":
		l.little = true
	case "twos", "NONE":
		l.little = false
	case "in24":
		fm.Bits = 24
	case "in32":
		fm.Bits = 32
	case "fl32":
		fm.Bits, fm.Float = 32, true
	case "fl64":
		fm.Bits, fm.Float = 64, true
	case "raw ":
		fm.Bits, l.unsigned = 8, true
	case "lpcm":
		const isFloat, isBigEndian, isSigned = 1, 2, 4
		fm.Float = e.flags&isFloat != 0
		l.little = e.flags&isBigEndian == 0
		l.unsigned = !fm.Float && e.flags&isSigned == 0
		if l.unsigned && fm.Bits != 8 {
			return fmt.Errorf("%w: mp4: unsigned %d-bit LPCM", codec.ErrUnsupported, fm.Bits)
		}
	}
	if err := fm.Validate(); err != nil {
		return fmt.Errorf("mp4: %s samples: %w", printable(e.format), err)
	}
	f.info.Format, f.rate, f.pcm = fm, int64(fm.Rate), &l
	f.info.Codec = pcmName(fm, l)
	return nil
}

func pcmName(f audio.Format, l pcmLayout) string {
	end := "be"
	if l.little {
		end = "le"
	}
	switch {
	case l.unsigned:
		return "pcm_u8"
	case f.Bits == 8:
		return "pcm_s8"
	case f.Float:
		return fmt.Sprintf("pcm_f%d%s", f.Bits, end)
	}
	return fmt.Sprintf("pcm_s%d%s", f.Bits, end)
}

// pcmDec converts uncompressed access units (one frame each).
type pcmDec struct {
	l   pcmLayout
	f   audio.Format
	raw []byte
	out []float32
	cnt []int
}

func (p *pcmDec) preroll() int { return 0 }
func (p *pcmDec) batch() int   { return 4096 }
func (p *pcmDec) decode(aus [][]byte) ([]float32, []int, error) {
	raw := p.raw[:0]
	for _, au := range aus {
		raw = append(raw, au...)
	}
	p.raw = raw
	n := len(raw) / p.f.BytesPerSample()
	if cap(p.out) < n {
		p.out = make([]float32, n)
	}
	out := p.out[:n]
	switch {
	case p.l.unsigned:
		pcm.Decode(out, raw, p.f) // WAV's 8-bit layout
	case p.f.Bits == 8:
		pcm.DecodeS8(out, raw)
	case p.l.little:
		pcm.Decode(out, raw, p.f)
	default:
		pcm.DecodeBE(out, raw, p.f)
	}
	cnt := p.cnt[:0]
	for range aus {
		cnt = append(cnt, 1)
	}
	p.cnt = cnt
	return out, cnt, nil
}
