package vorbis

import (
	"fmt"
	"math"

	"offcut/audio/codec"
)

// Bounds on the codebooks of a setup header, far above what encoders
// write (libvorbis: at most a few thousand entries), so that a hostile
// header cannot make the decoder allocate without bound or spin.
const (
	maxEntries = 1 << 16
	maxValues  = 1 << 20 // total lookup values over all codebooks
)

// checkSetup walks the codebooks of a setup header (after "\x05vorbis")
// before the packet decoder reads them, refusing sizes the decoder would
// allocate blindly, empty codebooks (on which its Huffman lookup never
// ends) and ordered length runs past 32 bits.
func checkSetup(b []byte) (int, error) {
	r := bits{b: b}
	n := int(r.read(8)) + 1
	values := 0
	for i := range n {
		bad := func(what string, a ...any) error {
			return fmt.Errorf("vorbis: setup header: codebook %d: %s: %w", i, fmt.Sprintf(what, a...), codec.ErrMalformed)
		}
		if r.read(24) != 0x564342 {
			return 0, bad("no sync pattern")
		}
		dims := int(r.read(16))
		entries := int(r.read(24))
		if entries == 0 || entries > maxEntries {
			return 0, bad("%d entries", entries)
		}
		used := 0
		if r.read(1) == 0 { // not ordered
			sparse := r.read(1) == 1
			for range entries {
				if !sparse || r.read(1) == 1 {
					r.read(5)
					used++
				}
				if r.eof() {
					return 0, bad("truncated")
				}
			}
		} else {
			length := int(r.read(5)) + 1
			for cur := 0; cur < entries; length++ {
				if length > 32 || r.eof() {
					return 0, bad("code lengths past 32 bits")
				}
				num := int(r.read(ilog(entries - cur)))
				cur += num
				used += num
				if cur > entries {
					return 0, bad("%d code lengths for %d entries", cur, entries)
				}
			}
		}
		if used == 0 {
			return 0, bad("no entry has a code")
		}
		switch lookup := r.read(4); lookup {
		case 0:
		case 1, 2:
			if dims == 0 {
				return 0, bad("lookup with zero dimensions")
			}
			r.read(32)
			r.read(32)
			vb := int(r.read(4)) + 1
			r.read(1)
			count := entries * dims
			if lookup == 1 {
				count = lookup1(entries, dims)
				if float := int(math.Floor(math.Pow(float64(entries), 1/float64(dims)))); float != count {
					// github.com/jfreymuth/vorbis computes this in floating
					// point and would misread the rest of the header.
					return 0, fmt.Errorf("vorbis: setup header: codebook %d: %d entries in %d dimensions (a lookup table the decoder miscounts): %w", i, entries, dims, codec.ErrUnsupported)
				}
			}
			values += entries * dims
			if values > maxValues || count > maxValues {
				return 0, bad("%d lookup values", count)
			}
			r.skip(count * vb)
		default:
			return 0, bad("lookup type %d", lookup)
		}
		if r.eof() {
			return 0, bad("truncated")
		}
	}
	return r.pos, nil
}

// fixSetup returns the setup header (with its "\x05vorbis" prefix) as
// github.com/jfreymuth/vorbis can read it. That decoder reads one floor 1
// class even when a floor has no partitions (and so no classes, as
// libvorbis writes for the LFE channel of 5.1), misreading the rest of the
// header; fixSetup inserts a dummy class (13 zero bits: dimension 1, no
// subclasses, no book) into such floors, which no partition refers to.
//
// It also returns the block flag (0 short, 1 long) of each mode, which
// gives a packet's block size without decoding it.
func fixSetup(setup []byte, channels int) ([]byte, []uint8, error) {
	b := setup[7:]
	pos, err := checkSetup(b)
	if err != nil {
		return nil, nil, err
	}
	r := bits{b: b, pos: pos}
	for range r.read(6) + 1 { // time domain transforms
		if r.read(16) != 0 {
			return nil, nil, fmt.Errorf("vorbis: setup header: time domain transform type not 0: %w", codec.ErrMalformed)
		}
	}
	var inserts []int
	nf := int(r.read(6)) + 1
	for i := range nf {
		switch typ := r.read(16); typ {
		case 0:
			r.skip(8 + 16 + 16 + 6 + 8)
			r.skip(8 * (int(r.read(4)) + 1))
		case 1:
			parts := int(r.read(5))
			if parts == 0 {
				inserts = append(inserts, r.pos)
			}
			classes := 0
			list := make([]int, parts)
			for j := range list {
				list[j] = int(r.read(4))
				classes = max(classes, list[j]+1)
			}
			dims := make([]int, classes)
			for j := range dims {
				dims[j] = int(r.read(3)) + 1
				sub := r.read(2)
				if sub != 0 {
					r.skip(8)
				}
				r.skip(8 << sub)
			}
			r.skip(2)
			rb := int(r.read(4))
			for _, c := range list {
				r.skip(dims[c] * rb)
			}
		default:
			return nil, nil, fmt.Errorf("vorbis: setup header: floor %d has type %d: %w", i, typ, codec.ErrMalformed)
		}
		if r.eof() {
			return nil, nil, fmt.Errorf("vorbis: setup header truncated in floor %d: %w", i, codec.ErrMalformed)
		}
	}
	modes, err := readModes(&r, channels)
	if err != nil {
		return nil, nil, err
	}
	if len(inserts) == 0 {
		return setup, modes, nil
	}
	var w bitWriter
	src := bits{b: b}
	for _, at := range inserts {
		for src.pos < at {
			w.put(src.read(1))
		}
		for range 13 {
			w.put(0)
		}
	}
	for src.pos < len(b)*8 {
		w.put(src.read(1))
	}
	return append([]byte("\x05vorbis"), w.b...), modes, nil
}

// readModes walks the residues and mappings of a setup header and returns
// the block flags of its modes.
func readModes(r *bits, channels int) ([]uint8, error) {
	bad := func(what string) error {
		return fmt.Errorf("vorbis: setup header: %s: %w", what, codec.ErrMalformed)
	}
	for range r.read(6) + 1 { // residues
		if r.read(16) > 2 {
			return nil, bad("residue type")
		}
		r.skip(24 + 24 + 24)
		classes := int(r.read(6)) + 1
		r.skip(8)
		cascade := make([]uint32, classes)
		for i := range cascade {
			cascade[i] = r.read(3)
			if r.read(1) == 1 {
				cascade[i] |= r.read(5) << 3
			}
		}
		for _, c := range cascade {
			for j := range 8 {
				if c>>j&1 == 1 {
					r.skip(8)
				}
			}
		}
	}
	for range r.read(6) + 1 { // mappings
		if r.read(16) != 0 {
			return nil, bad("mapping type")
		}
		submaps := 1
		if r.read(1) == 1 {
			submaps = int(r.read(4)) + 1
		}
		if r.read(1) == 1 {
			steps := int(r.read(8)) + 1
			r.skip(steps * 2 * int(ilog(channels-1)))
		}
		if r.read(2) != 0 {
			return nil, bad("mapping reserved bits")
		}
		if submaps > 1 {
			r.skip(4 * channels)
		}
		r.skip(24 * submaps)
	}
	modes := make([]uint8, r.read(6)+1)
	for i := range modes {
		modes[i] = uint8(r.read(1))
		if r.read(16) != 0 || r.read(16) != 0 {
			return nil, bad("mode window or transform type")
		}
		r.skip(8)
	}
	if r.read(1) != 1 || r.eof() {
		return nil, bad("no framing bit after the modes")
	}
	return modes, nil
}

type bitWriter struct {
	b []byte
	n int
}

func (w *bitWriter) put(bit uint32) {
	if w.n&7 == 0 {
		w.b = append(w.b, 0)
	}
	w.b[len(w.b)-1] |= byte(bit) << (w.n & 7)
	w.n++
}

// lookup1 is the largest r with r^dims <= entries.
func lookup1(entries, dims int) int {
	r := 0
	for {
		p := 1
		for range dims {
			p *= r + 1
			if p > entries {
				return r
			}
		}
		r++
	}
}

func ilog(x int) uint {
	var r uint
	for x > 0 {
		r++
		x >>= 1
	}
	return r
}

// bits reads a Vorbis (LSB-first) bitstream; reads past the end give 0.
type bits struct {
	b   []byte
	pos int // in bits
}

func (r *bits) eof() bool { return r.pos > len(r.b)*8 }

func (r *bits) skip(n int) { r.pos += n }

func (r *bits) read(n uint) uint32 {
	var v uint32
	for i := uint(0); i < n; i++ {
		if byteAt := r.pos >> 3; byteAt < len(r.b) && r.b[byteAt]>>(r.pos&7)&1 != 0 {
			v |= 1 << i
		}
		r.pos++
	}
	return v
}
