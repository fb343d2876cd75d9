package mp3

import (
	"encoding/binary"
	"fmt"
)

// granule is the side information of one granule of one channel.
type granule struct {
	part23     int
	bigValues  int
	globalGain int
	sfCompress int
	blockType  int // 0 normal, 1 start, 2 short, 3 stop
	mixed      bool
	table      [3]int
	subGain    [3]int
	region     [2]int // region0_count, region1_count (bands)
	preflag    bool
	sfScale    int
	count1B    bool
	scfsi      int
}

// sideInfo is the layer III side information of one frame.
type sideInfo struct {
	mainDataBegin int
	ngr, nch      int
	gr            [2][2]granule
}

// parseSideInfo reads the side information from b (the frame after the
// header and CRC). mainBytes is the number of main data bytes in the frame.
func parseSideInfo(h header, b []byte, si *sideInfo, mainBytes int) error {
	if len(b) < h.sideInfoSize() {
		return fmt.Errorf("side information needs %d bytes, frame has %d", h.sideInfoSize(), len(b))
	}
	// The fields are read from a copy with room after it, so that every
	// read takes bitReader's fast path (8 bytes at a time) and nothing
	// past the side information is read.
	var buf [32 + 8]byte
	copy(buf[:], b[:h.sideInfoSize()])
	r := bitReader{b: buf[:]}
	si.nch = h.channels()
	var scfsi [2]int
	if h.mpeg1() {
		si.ngr = 2
		si.mainDataBegin = int(r.bits(9))
		if si.nch == 1 {
			r.bits(5)
		} else {
			r.bits(3)
		}
		for ch := 0; ch < si.nch; ch++ {
			scfsi[ch] = int(r.bits(4))
		}
	} else {
		si.ngr = 1
		si.mainDataBegin = int(r.bits(8))
		r.bits(si.nch)
	}
	sum := 0
	for g := 0; g < si.ngr; g++ {
		for ch := 0; ch < si.nch; ch++ {
			gr := &si.gr[g][ch]
			gr.part23 = int(r.bits(12))
			sum += gr.part23
			gr.bigValues = int(r.bits(9))
			if gr.bigValues > 288 {
				return fmt.Errorf("granule %d channel %d: big_values %d is over 288", g, ch, gr.bigValues)
			}
			gr.globalGain = int(r.bits(8))
			if h.mpeg1() {
				gr.sfCompress = int(r.bits(4))
			} else {
				gr.sfCompress = int(r.bits(9))
			}
			ntab := 3
			if r.bit() { // window switching
				gr.blockType = int(r.bits(2))
				if gr.blockType == 0 {
					return fmt.Errorf("granule %d channel %d: window switching with block type 0", g, ch)
				}
				gr.mixed = r.bit()
				ntab = 2
				gr.table[2] = 0
				for i := 0; i < 2; i++ {
					gr.table[i] = int(r.bits(5))
				}
				for w := 0; w < 3; w++ {
					gr.subGain[w] = int(r.bits(3))
				}
				gr.region[0] = 7
				if gr.blockType == 2 && !gr.mixed {
					gr.region[0] = 8
				}
				gr.region[1] = 255
			} else {
				gr.blockType, gr.mixed = 0, false
				for i := 0; i < 3; i++ {
					gr.table[i] = int(r.bits(5))
				}
				gr.subGain = [3]int{}
				gr.region[0] = int(r.bits(4))
				gr.region[1] = int(r.bits(3))
			}
			for i := 0; i < ntab; i++ {
				if t := gr.table[i]; t == 4 || t == 14 {
					return fmt.Errorf("granule %d channel %d: huffman table %d is not allowed", g, ch, t)
				}
			}
			if h.mpeg1() {
				gr.preflag = r.bit()
				gr.scfsi = scfsi[ch]
				if g == 0 || gr.blockType == 2 {
					gr.scfsi = 0
				}
			} else {
				gr.preflag = gr.sfCompress >= 500
				gr.scfsi = 0
			}
			gr.sfScale = int(r.bits(1))
			gr.count1B = r.bit()
		}
	}
	if sum > (mainBytes+si.mainDataBegin)*8 {
		return fmt.Errorf("part2_3_length total %d bits is more than the %d bits of main data", sum, (mainBytes+si.mainDataBegin)*8)
	}
	return nil
}

// sideInfoSummary reads what the frame index needs of a Layer III frame's
// side information, main_data_begin and the total of its part2_3_lengths,
// and checks the frame as parseSideInfo does (the same errors, so that the
// index drops the frames the decoder would). Every field sits at a fixed
// bit position (59 bits a granule and channel in MPEG-1, 63 in MPEG-2), so
// each is one shift of a 64-bit load: the scan of a long file does this at
// every frame.
func sideInfoSummary(h header, b []byte, mainBytes int) (mainDataBegin, part23 int, err error) {
	n := h.sideInfoSize()
	if len(b) < n {
		return 0, 0, fmt.Errorf("side information needs %d bytes, frame has %d", n, len(b))
	}
	var buf [32 + 8]byte
	copy(buf[:], b[:n])
	get := func(pos, bits int) int {
		return int(binary.BigEndian.Uint64(buf[pos>>3:]) << (pos & 7) >> (64 - bits))
	}
	nch := h.channels()
	ngr, pos, each, sfc := 1, 8+nch, 63, 9
	mainDataBegin = get(0, 8)
	if h.mpeg1() {
		ngr, each, sfc = 2, 59, 4
		mainDataBegin = get(0, 9)
		pos = 9 + 5 + 4 // one channel: private bits 5, scfsi 4
		if nch == 2 {
			pos = 9 + 3 + 8
		}
	}
	for g := 0; g < ngr; g++ {
		for ch := 0; ch < nch; ch++ {
			part23 += get(pos, 12)
			if bv := get(pos+12, 9); bv > 288 {
				return 0, 0, fmt.Errorf("granule %d channel %d: big_values %d is over 288", g, ch, bv)
			}
			w := pos + 12 + 9 + 8 + sfc // window_switching_flag
			tables, ntab := w+1, 3
			if get(w, 1) == 1 {
				if get(w+1, 2) == 0 {
					return 0, 0, fmt.Errorf("granule %d channel %d: window switching with block type 0", g, ch)
				}
				tables, ntab = w+4, 2
			}
			for i := 0; i < ntab; i++ {
				if t := get(tables+5*i, 5); t == 4 || t == 14 {
					return 0, 0, fmt.Errorf("granule %d channel %d: huffman table %d is not allowed", g, ch, t)
				}
			}
			pos += each
		}
	}
	if part23 > (mainBytes+mainDataBegin)*8 {
		return 0, 0, fmt.Errorf("part2_3_length total %d bits is more than the %d bits of main data", part23, (mainBytes+mainDataBegin)*8)
	}
	return mainDataBegin, part23, nil
}
