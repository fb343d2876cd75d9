package mp3

import "testing"

// TestHuffmanTables checks that every code of every table decodes to its
// own (x, y) and length, and that the codes form a complete prefix code.
func TestHuffmanTables(t *testing.T) {
	for n, codes := range huffCodes {
		if codes == nil {
			continue
		}
		lens := huffLens[n]
		if len(lens) != len(codes) {
			t.Fatalf("table %d: %d codes, %d lengths", n, len(codes), len(lens))
		}
		dim := 2
		for dim*dim < len(codes) {
			dim++
		}
		kraft := 0.0
		for i, c := range codes {
			l := uint(lens[i]) - uint(b2i(i/dim != 0)) - uint(b2i(i%dim != 0))
			kraft += 1 / float64(uint64(1)<<l)
			w := uint64(c) << (64 - l)
			e := pairTables[n].decode(w)
			if got, want := e&31, uint32(l); got != want {
				t.Errorf("table %d code %d: length %d, want %d", n, i, got, want)
			}
			if x, y := int(e>>16&15), int(e>>20&15); x != i/dim || y != i%dim {
				t.Errorf("table %d code %d: (%d,%d), want (%d,%d)", n, i, x, y, i/dim, i%dim)
			}
		}
		if kraft != 1 {
			t.Errorf("table %d: Kraft sum %v, want 1", n, kraft)
		}
	}
}
