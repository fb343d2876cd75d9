package mp3

import "fmt"

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
