package mp3

// huffTable is a two-level lookup table for one Layer III pair code table.
// A leaf entry holds the code length L in bits 0..4, L plus the sign bits
// (one per non-zero value) in bits 5..9, the position of y's sign bit
// (L, plus one when x is non-zero) in bits 10..14, huffEsc when x or y is
// 15 in a table with linbits, x in bits 16..19 and y in bits 20..23. A
// pointer entry has bit 31 set, the sub-table width in bits 0..7 and the
// sub-table offset in bits 8..30.
type huffTable struct {
	t    []uint32
	root uint
}

const (
	huffPtr = 1 << 31
	huffEsc = 1 << 15
)

// huffLeaf builds the leaf entry of a code of length l for (x, y); esc
// says the table has linbits.
func huffLeaf(l uint, x, y int, esc bool) uint32 {
	nx, ny := uint32(b2i(x != 0)), uint32(b2i(y != 0))
	e := uint32(l) | (uint32(l)+nx+ny)<<5 | (uint32(l)+nx)<<10 | uint32(x)<<16 | uint32(y)<<20
	if esc && (x == 15 || y == 15) {
		e |= huffEsc
	}
	return e
}

// pairTables are the decoding tables by table number (1..24, only those
// that exist); tables 16..23 and 24..31 share the entries of 16 and 24.
var pairTables [25]huffTable

// quadA decodes count1 table A: index by the next 6 bits; value is
// vwxy<<4 | length. quadB is the same for table B (4-bit codes, vwxy
// inverted).
var quadA, quadB [64]uint8

func init() {
	for n, codes := range huffCodes {
		if codes == nil {
			continue
		}
		dim := 2
		for dim*dim < len(codes) {
			dim++
		}
		// The length tables count the sign bits of non-zero values too.
		lens := make([]uint8, len(codes))
		for i, l := range huffLens[n] {
			lens[i] = l - uint8(b2i(i/dim != 0)) - uint8(b2i(i%dim != 0))
		}
		pairTables[n] = buildHuff(codes, lens, dim, n >= 16)
	}
	for k := range quadB {
		quadB[k] = uint8(15-k>>2)<<4 | 4
	}
	for v := 0; v < 16; v++ {
		l := uint(quadLenA[v])
		base := int(quadCodeA[v]) << (6 - l)
		for k := 0; k < 1<<(6-l); k++ {
			quadA[base+k] = uint8(v<<4) | uint8(l)
		}
	}
}

func buildHuff(codes []uint16, lens []uint8, dim int, esc bool) huffTable {
	maxLen := uint(0)
	for _, l := range lens {
		maxLen = max(maxLen, uint(l))
	}
	root := min(maxLen, 10)
	t := make([]uint32, 1<<root)
	// Short codes fill the root directly; long codes are grouped by their
	// root-bit prefix into sub-tables.
	groupMax := map[uint32]uint{}
	for i, code := range codes {
		l := uint(lens[i])
		leaf := huffLeaf(l, i/dim, i%dim, esc)
		if l <= root {
			base := uint32(code) << (root - l)
			for k := uint32(0); k < 1<<(root-l); k++ {
				t[base+k] = leaf
			}
			continue
		}
		p := uint32(code) >> (l - root)
		groupMax[p] = max(groupMax[p], l-root)
	}
	for p := uint32(0); p < 1<<root; p++ {
		sb, ok := groupMax[p]
		if !ok {
			continue
		}
		off := uint32(len(t))
		t = append(t, make([]uint32, 1<<sb)...)
		t[p] = huffPtr | off<<8 | uint32(sb)
		for i, code := range codes {
			l := uint(lens[i])
			if l <= root || uint32(code)>>(l-root) != p {
				continue
			}
			rem := l - root
			leaf := huffLeaf(l, i/dim, i%dim, esc)
			base := (uint32(code) & (1<<rem - 1)) << (sb - rem)
			for k := uint32(0); k < 1<<(sb-rem); k++ {
				t[off+base+k] = leaf
			}
		}
	}
	return huffTable{t: t, root: root}
}

// decode returns the leaf entry for the code at the top of w.
func (h *huffTable) decode(w uint64) uint32 {
	e := h.t[w>>((64-h.root)&63)]
	if e&huffPtr != 0 {
		e = h.t[(e>>8)&0x7fffff+uint32((w<<(h.root&63))>>((64-e)&63))]
	}
	return e
}
