package mp3

import (
	"encoding/binary"
	"math"
)

// l3state is the layer III decoder state that survives between frames.
type l3state struct {
	reserv    [maxReservoir]byte
	reservLen int
	overlap   [2][576]float32
	scfPrev   [2][40]uint8 // raw scalefactors of the previous granule (scfsi)
	// scratch, reused every frame
	main  []byte
	xr    [2][576]float32
	raw   [2][40]uint8 // raw scalefactors of the current granule
	ist   [40]uint8    // intensity positions of channel 1 (illegalPos marks illegal)
	gain  [2][40]float32
	nzEnd [2]int // index after the last non-zero line
	ovEnd [2]int // subbands of overlap that may be non-zero
	// outZero[g][ch]: subbands from here on are zero in the hybrid
	// output of granule g, channel ch (the zero array the stream starts
	// with qualifies; reset keeps it, as the output is not cleared).
	outZero [2][2]int
	tmp     [576]float32
}

const maxReservoir = 511

func (s *l3state) reset() {
	s.reservLen = 0
	s.overlap = [2][576]float32{}
	s.ovEnd = [2]int{}
	s.scfPrev = [2][40]uint8{}
}

// decodeL3 decodes the layer III frame whose header is h and whose bytes
// after the header (and CRC) are body, writing hybrid-filtered subband
// samples into sb (per channel, per granule: 18 slots x 32 subbands, slot
// major). ok is false when the bit reservoir did not hold the frame's data;
// the reservoir is updated either way.
func (s *l3state) decodeL3(h header, si *sideInfo, body []byte, sb *[2][2][576]float32) (ok bool) {
	sis := h.sideInfoSize()
	frameMain := body[min(sis, len(body)):]
	mdb := si.mainDataBegin
	have := min(s.reservLen, mdb)
	need := have + len(frameMain)
	if cap(s.main) < need+16 {
		s.main = make([]byte, need+16, need+2048)
	}
	s.main = s.main[:need+16]
	copy(s.main, s.reserv[s.reservLen-have:s.reservLen])
	copy(s.main[have:], frameMain)
	clear(s.main[need:])
	data := s.main[:need+16]
	ok = s.reservLen >= mdb
	pos := 0
	if ok {
		br := bitReader{b: data}
		for g := 0; g < si.ngr; g++ {
			for ch := 0; ch < si.nch; ch++ {
				gr := &si.gr[g][ch]
				br.pos = pos
				end := pos + gr.part23
				s.decodeChannel(h, gr, ch, &br, end)
				pos = end
			}
			s.stereo(h, si, g)
			for ch := 0; ch < si.nch; ch++ {
				s.hybrid(h, &si.gr[g][ch], g, ch, &sb[g][ch])
			}
		}
	}
	// Keep the bytes after the consumed data for the next frame.
	start := (pos + 7) / 8
	remains := need - start
	if remains > maxReservoir {
		start += remains - maxReservoir
		remains = maxReservoir
	}
	if remains < 0 {
		remains = 0
	}
	copy(s.reserv[:], data[start:start+remains])
	s.reservLen = remains
	return ok
}

// reservoirAfter simulates decodeL3's reservoir bookkeeping without
// decoding: given the reservoir size before the frame, the frame's
// main_data_begin and the total of its part2_3_lengths (sideInfoSummary),
// it returns whether the frame decodes and the reservoir size after it.
func reservoirAfter(reserv, mdb, part23 int, mainBytes int) (bool, int) {
	need := min(reserv, mdb) + mainBytes
	ok := reserv >= mdb
	pos := 0
	if ok {
		pos = part23
	}
	remains := need - (pos+7)/8
	remains = max(0, min(remains, maxReservoir))
	return ok, remains
}

func (s *l3state) bands(h header, gr *granule) *bandList {
	kind := 0
	if gr.blockType == 2 {
		kind = 1
		if gr.mixed {
			kind = 2
		}
	}
	return &bandLists[h.rateIndex()][kind]
}

// decodeChannel reads scalefactors and Huffman data of one granule/channel
// into s.xr[ch] (dequantized).
func (s *l3state) decodeChannel(h header, gr *granule, ch int, br *bitReader, end int) {
	bl := s.bands(h, gr)
	nb := bl.nLong + bl.nShort
	raw := &s.raw[ch]
	s.readScalefactors(h, gr, ch, bl, br)

	// Per-band gains in quarter steps.
	sh := uint(gr.sfScale + 1)
	q0 := gr.globalGain - 210
	if h.msStereo() {
		q0 -= 2
	}
	gain := &s.gain[ch]
	for i := 0; i < nb; i++ {
		sf := int(raw[i])
		if bl.nShort == 0 && gr.preflag && i < 22 {
			sf += int(pretab[i])
		}
		q := q0 - sf<<sh
		if i >= bl.nLong {
			q -= 8 * gr.subGain[(i-bl.nLong)%3]
		}
		q = max(q, -pow2qOff)
		gain[i] = pow2q[q+pow2qOff]
	}

	xr := &s.xr[ch]
	clear(xr[:])
	// Region boundaries in lines.
	bigEnd := gr.bigValues * 2
	var regEnd [3]int
	{
		acc, bi := 0, 0
		for r := 0; r < 2; r++ {
			cnt := gr.region[r] + 1
			for ; cnt > 0 && bi < nb; cnt-- {
				acc += int(bl.width[bi])
				bi++
			}
			regEnd[r] = min(acc, bigEnd)
		}
		regEnd[2] = bigEnd
	}
	i := 0
	band := 0
	bandEnd := int(bl.width[0])
	g := gain[0]
	for r := 0; r < 3; r++ {
		tsel := gr.table[r]
		re := regEnd[r]
		if tsel == 0 {
			// all zero; advance bands
			for i < re {
				i += 2
				for i >= bandEnd && band+1 < nb {
					band++
					bandEnd += int(bl.width[band])
					g = gain[band]
				}
			}
			continue
		}
		spec := huffSpec[tsel]
		tab := &pairTables[spec.tab]
		lin := uint(spec.linbits)
		for i < re {
			if br.pos > end {
				// corrupt: stop reading this channel
				s.nzEnd[ch] = i
				return
			}
			lim := min(re, bandEnd)
			pos := br.pos
			data := br.b
			for ; i < lim; i += 2 {
				var w uint64
				if p := pos >> 3; p+8 <= len(data) {
					w = binary.BigEndian.Uint64(data[p:]) << (pos & 7)
				} else {
					br.pos = pos
					w = br.peek64()
				}
				e := tab.decode(w)
				var vx, vy float32
				if e&huffEsc == 0 {
					// both values and their signs are in the entry
					x, y := e>>16&15, e>>20&15
					vx = math.Float32frombits(math.Float32bits(pow43[x]*g) ^ uint32(w<<(e&31)>>63)<<31)
					vy = math.Float32frombits(math.Float32bits(pow43[y]*g) ^ uint32(w<<(e>>10&31)>>63)<<31)
					pos += int(e >> 5 & 31)
				} else {
					n := uint(e & 31)
					x, y := uint32(e>>16&15), uint32(e>>20&15)
					w <<= n
					if x == 15 {
						x += uint32(w >> (64 - lin))
						w <<= lin
						n += lin
					}
					// Branch-free signs: a zero value gets a harmless sign.
					vx = math.Float32frombits(math.Float32bits(pow43[x]*g) ^ uint32(w>>63)<<31)
					kx := uint(b2i(x != 0))
					w <<= kx
					n += kx
					if y == 15 {
						y += uint32(w >> (64 - lin))
						w <<= lin
						n += lin
					}
					vy = math.Float32frombits(math.Float32bits(pow43[y]*g) ^ uint32(w>>63)<<31)
					n += uint(b2i(y != 0))
					pos += int(n)
				}
				xr[i&^1] = vx
				xr[(i&^1)+1] = vy
			}
			br.pos = pos
			for i >= bandEnd && band+1 < nb {
				band++
				bandEnd += int(bl.width[band])
				g = gain[band]
			}
		}
	}
	// count1 region
	quad := &quadA
	if gr.count1B {
		quad = &quadB
	}
	for i+4 <= 576 && br.pos < end {
		w := br.peek64()
		e := quad[w>>58]
		v, n := uint32(e>>4), uint(e&15)
		if br.pos+int(n) > end {
			break
		}
		w <<= n
		if i+4 <= bandEnd {
			// Branch-free: a zero value stores +0 and takes no sign bit.
			gb := math.Float32bits(g)
			q := (*[4]float32)(xr[i : i+4])
			b := v >> 3 & 1
			q[0] = math.Float32frombits((gb ^ uint32(w>>63)<<31) & -b)
			w <<= b
			n += uint(b)
			b = v >> 2 & 1
			q[1] = math.Float32frombits((gb ^ uint32(w>>63)<<31) & -b)
			w <<= b
			n += uint(b)
			b = v >> 1 & 1
			q[2] = math.Float32frombits((gb ^ uint32(w>>63)<<31) & -b)
			w <<= b
			n += uint(b)
			b = v & 1
			q[3] = math.Float32frombits((gb ^ uint32(w>>63)<<31) & -b)
			n += uint(b)
		} else {
			for k := 0; k < 4; k++ {
				if i+k >= bandEnd && band+1 < nb {
					band++
					bandEnd += int(bl.width[band])
					g = gain[band]
				}
				if v&(8>>k) != 0 {
					val := g
					if int64(w) < 0 {
						val = -val
					}
					xr[i+k] = val
					w <<= 1
					n++
				}
			}
		}
		br.pos += int(n)
		i += 4
		if i >= bandEnd && band+1 < nb {
			band++
			bandEnd += int(bl.width[band])
			g = gain[band]
		}
	}
	s.nzEnd[ch] = i
}

const illegalPos = 255

func isIllegal(v uint8) bool { return v == illegalPos }

// readScalefactors reads the raw scalefactors of one granule/channel into
// s.raw[ch] (band order of bl; illegal intensity positions of MPEG-2 are
// marked illegalPos).
func (s *l3state) readScalefactors(h header, gr *granule, ch int, bl *bandList, br *bitReader) {
	raw := &s.raw[ch]
	prev := &s.scfPrev[ch]
	var counts [4]int
	var sizes [4]int
	lsfIS := false
	if h.mpeg1() {
		s1, s2 := int(slen[gr.sfCompress][0]), int(slen[gr.sfCompress][1])
		switch {
		case bl.nShort == 0:
			counts, sizes = [4]int{6, 5, 5, 5}, [4]int{s1, s1, s2, s2}
		case bl.nLong == 0:
			counts, sizes = [4]int{18, 18, 0, 0}, [4]int{s1, s2, 0, 0}
		default:
			counts, sizes = [4]int{17, 18, 0, 0}, [4]int{s1, s2, 0, 0}
		}
	} else {
		kind := 0
		if bl.nShort > 0 {
			kind = 1
			if bl.nLong > 0 {
				kind = 2
			}
		}
		sfc := gr.sfCompress
		var t int
		var sl [4]int
		if ch == 1 && h.isBit() {
			lsfIS = true
			isc := sfc >> 1
			switch {
			case isc < 180:
				t, sl = 3, [4]int{isc / 36, isc % 36 / 6, isc % 36 % 6, 0}
			case isc < 244:
				i := isc - 180
				t, sl = 4, [4]int{i % 64 >> 4, i % 16 >> 2, i % 4, 0}
			default:
				i := isc - 244
				t, sl = 5, [4]int{i / 3, i % 3, 0, 0}
			}
		} else {
			switch {
			case sfc < 400:
				t, sl = 0, [4]int{sfc >> 4 / 5, sfc >> 4 % 5, sfc % 16 >> 2, sfc % 4}
			case sfc < 500:
				i := sfc - 400
				t, sl = 1, [4]int{i >> 2 / 5, i >> 2 % 5, i % 4, 0}
			default:
				i := sfc - 500
				t, sl = 2, [4]int{i / 3, i % 3, 0, 0}
			}
		}
		for p := 0; p < 4; p++ {
			counts[p] = int(nrOfSfb[t][kind][p])
		}
		sizes = sl
	}
	k := 0
	scfsi := gr.scfsi
	for p := 0; p < 4; p++ {
		cnt := counts[p]
		if cnt == 0 {
			continue
		}
		if k+cnt > 40 {
			cnt = 40 - k
		}
		if h.mpeg1() && bl.nShort == 0 && scfsi&(8>>p) != 0 {
			copy(raw[k:k+cnt], prev[k:k+cnt])
			copy(s.ist[k:k+cnt], prev[k:k+cnt])
		} else if sizes[p] == 0 {
			clear(raw[k : k+cnt])
			clear(s.ist[k : k+cnt])
		} else {
			n := sizes[p]
			maxv := uint32(1)<<n - 1
			for j := 0; j < cnt; j++ {
				v := br.bits(n)
				raw[k+j] = uint8(v)
				if lsfIS && v == maxv {
					s.ist[k+j] = illegalPos
				} else {
					s.ist[k+j] = uint8(v)
				}
			}
		}
		k += cnt
	}
	for ; k < 40; k++ {
		raw[k] = 0
		s.ist[k] = 0
	}
	*prev = *raw
}

// stereo applies mid/side and intensity stereo to granule g.
func (s *l3state) stereo(h header, si *sideInfo, g int) {
	if si.nch != 2 {
		return
	}
	l, r := &s.xr[0], &s.xr[1]
	if h.isBit() {
		gr := &si.gr[g][1]
		bl := s.bands(h, gr)
		nb := bl.nLong + bl.nShort
		// top non-zero band of the right channel, per window
		maxBand := [3]int{-1, -1, -1}
		off := 0
		for i := 0; i < nb; i++ {
			w := int(bl.width[i])
			for k := off; k < off+w; k++ {
				if r[k] != 0 {
					maxBand[i%3] = i
					break
				}
			}
			off += w
		}
		if bl.nLong > 0 {
			m := max(maxBand[0], maxBand[1], maxBand[2])
			maxBand = [3]int{m, m, m}
		}
		ist := s.ist // copy
		maxBlocks := 1
		if bl.nShort > 0 {
			maxBlocks = 3
		}
		for i := 0; i < maxBlocks; i++ {
			def := uint8(0)
			if h.mpeg1() {
				def = 3
			}
			itop := nb - maxBlocks + i
			prev := itop - maxBlocks
			if maxBand[i] >= prev {
				ist[itop] = def
			} else {
				ist[itop] = ist[prev]
			}
		}
		maxPos := 64
		if h.mpeg1() {
			maxPos = 7
		}
		ms := h.msBit()
		sc := float32(1)
		if ms {
			sc = 1.41421356
		}
		mpeg2sh := uint(si.gr[g][1].sfCompress & 1)
		off = 0
		for i := 0; i < nb; i++ {
			w := int(bl.width[i])
			ipos := int(ist[i])
			if isIllegal(ist[i]) {
				ipos = 1000
			}
			if i > maxBand[i%3] && ipos < maxPos {
				var kl, kr float32
				if h.mpeg1() {
					kl, kr = isRatio[ipos][0], isRatio[ipos][1]
				} else {
					kl = 1
					kr = pow2q[pow2qOff-int(uint(ipos+1)>>1<<mpeg2sh)]
					if ipos&1 != 0 {
						kl, kr = kr, 1
					}
				}
				kl *= sc
				kr *= sc
				for k := off; k < off+w; k++ {
					v := l[k]
					l[k] = v * kl
					r[k] = v * kr
				}
			} else if ms {
				for k := off; k < off+w; k++ {
					a, b := l[k], r[k]
					l[k], r[k] = a+b, a-b
				}
			}
			off += w
		}
		s.nzEnd[0], s.nzEnd[1] = 576, 576
		return
	}
	if h.msStereo() {
		n := max(s.nzEnd[0], s.nzEnd[1])
		for k := 0; k < n; k++ {
			a, b := l[k], r[k]
			l[k], r[k] = a+b, a-b
		}
		s.nzEnd[0], s.nzEnd[1] = n, n
	}
}

// hybrid reorders short blocks, removes aliasing and runs the IMDCT with
// overlap-add, writing 18 slots x 32 subbands into out.
func (s *l3state) hybrid(h header, gr *granule, g, ch int, out *[576]float32) {
	xr := &s.xr[ch]
	bl := s.bands(h, gr)
	// With mixed_block_flag the lowest subbands use the normal window,
	// whatever the block type (ISO/IEC 11172-3 2.4.3.4).
	nMixed := 0
	if gr.mixed {
		nMixed = 2
		if h.rateIndex() == 8 {
			nMixed = 4
		}
	}
	if gr.blockType == 2 {
		// reorder the short part
		off := 0
		for i := 0; i < bl.nLong; i++ {
			off += int(bl.width[i])
		}
		dst := s.tmp[:0]
		src := off
		for i := bl.nLong; i < bl.nLong+bl.nShort; i += 3 {
			w := int(bl.width[i])
			for j := 0; j < w; j++ {
				dst = append(dst, xr[src+j], xr[src+w+j], xr[src+2*w+j])
			}
			src += 3 * w
		}
		copy(xr[off:], dst)
		s.nzEnd[ch] = 576
	}
	// antialias
	aaBands := 31
	if gr.blockType == 2 {
		aaBands = nMixed - 1
	}
	nz := s.nzEnd[ch]
	// subbands that can hold non-zero data (plus one for aliasing spill)
	sbLimit := min(32, (nz+17)/18+1)
	aaBands = min(aaBands, sbLimit-1)
	cs, ca := &aaCs, &aaCa
	for sb := 1; sb <= aaBands; sb++ {
		lo := (*[8]float32)(xr[sb*18-8 : sb*18])
		hi := (*[8]float32)(xr[sb*18 : sb*18+8])
		a0, b0 := lo[7], hi[0]
		lo[7], hi[0] = a0*cs[0]-b0*ca[0], b0*cs[0]+a0*ca[0]
		a1, b1 := lo[6], hi[1]
		lo[6], hi[1] = a1*cs[1]-b1*ca[1], b1*cs[1]+a1*ca[1]
		a2, b2 := lo[5], hi[2]
		lo[5], hi[2] = a2*cs[2]-b2*ca[2], b2*cs[2]+a2*ca[2]
		a3, b3 := lo[4], hi[3]
		lo[4], hi[3] = a3*cs[3]-b3*ca[3], b3*cs[3]+a3*ca[3]
		a4, b4 := lo[3], hi[4]
		lo[3], hi[4] = a4*cs[4]-b4*ca[4], b4*cs[4]+a4*ca[4]
		a5, b5 := lo[2], hi[5]
		lo[2], hi[5] = a5*cs[5]-b5*ca[5], b5*cs[5]+a5*ca[5]
		a6, b6 := lo[1], hi[6]
		lo[1], hi[6] = a6*cs[6]-b6*ca[6], b6*cs[6]+a6*ca[6]
		a7, b7 := lo[0], hi[7]
		lo[0], hi[7] = a7*cs[7]-b7*ca[7], b7*cs[7]+a7*ca[7]
	}
	// The overlap of odd subbands is kept with its odd samples negated
	// (the frequency inversion of ISO/IEC 11172-3 2.4.3.4.10 is folded
	// into the windows), so overlap-add needs no sign fix-up.
	ov := &s.overlap[ch]
	for sb := 0; sb < sbLimit; sb++ {
		in := (*[18]float32)(xr[sb*18 : sb*18+18])
		o := (*[18]float32)(ov[sb*18 : sb*18+18])
		bt := gr.blockType
		if sb < nMixed {
			bt = 0
		}
		if bt == 2 {
			imdct12(in, o, &winShortSigned[sb&1], out, sb)
		} else {
			imdct36(in, o, &winLongSigned[sb&1][bt], out, sb)
		}
	}
	// zero input: output is the overlap, new overlap is zero
	ovEnd := s.ovEnd[ch]
	for sb := sbLimit; sb < ovEnd; sb++ {
		o := (*[18]float32)(ov[sb*18 : sb*18+18])
		for i := 0; i < 18; i++ {
			out[i*32+sb] = o[i]
		}
		*o = [18]float32{}
	}
	// Subbands from outZero on are still zero from the last granule
	// written to out.
	end := max(sbLimit, ovEnd)
	for sb := end; sb < s.outZero[g][ch]; sb++ {
		for i := 0; i < 18; i++ {
			out[i*32+sb] = 0
		}
	}
	s.outZero[g][ch] = end
	s.ovEnd[ch] = sbLimit
}

// imdct36 runs the long-block IMDCT of one subband with window win
// (winLongSigned), adding the first half to the overlap o and writing it
// to out[i*32+sb]; the second half becomes the new overlap.
func imdct36(in, o *[18]float32, win *[36]float32, out *[576]float32, sb int) {
	var y [18]float32
	dct4x18(in, &y)
	col := (*[545]float32)(out[sb : sb+545])
	col[0] = y[9]*win[0] + o[0]
	col[32] = y[10]*win[1] + o[1]
	col[64] = y[11]*win[2] + o[2]
	col[96] = y[12]*win[3] + o[3]
	col[128] = y[13]*win[4] + o[4]
	col[160] = y[14]*win[5] + o[5]
	col[192] = y[15]*win[6] + o[6]
	col[224] = y[16]*win[7] + o[7]
	col[256] = y[17]*win[8] + o[8]
	col[288] = y[17]*win[9] + o[9]
	col[320] = y[16]*win[10] + o[10]
	col[352] = y[15]*win[11] + o[11]
	col[384] = y[14]*win[12] + o[12]
	col[416] = y[13]*win[13] + o[13]
	col[448] = y[12]*win[14] + o[14]
	col[480] = y[11]*win[15] + o[15]
	col[512] = y[10]*win[16] + o[16]
	col[544] = y[9]*win[17] + o[17]
	o[0] = y[8] * win[18]
	o[1] = y[7] * win[19]
	o[2] = y[6] * win[20]
	o[3] = y[5] * win[21]
	o[4] = y[4] * win[22]
	o[5] = y[3] * win[23]
	o[6] = y[2] * win[24]
	o[7] = y[1] * win[25]
	o[8] = y[0] * win[26]
	o[9] = y[0] * win[27]
	o[10] = y[1] * win[28]
	o[11] = y[2] * win[29]
	o[12] = y[3] * win[30]
	o[13] = y[4] * win[31]
	o[14] = y[5] * win[32]
	o[15] = y[6] * win[33]
	o[16] = y[7] * win[34]
	o[17] = y[8] * win[35]
}

// imdct12 runs the three short-block IMDCTs of one subband with window
// win (winShortSigned), overlap-adding like imdct36.
func imdct12(in, o *[18]float32, win *[12]float32, out *[576]float32, sb int) {
	var z [36]float32
	for w := 0; w < 3; w++ {
		var u [6]float32
		for j := 0; j < 6; j++ {
			c := &cosShort[j]
			var acc float32
			for k := 0; k < 6; k++ {
				acc += in[3*k+w] * c[k]
			}
			u[j] = acc
		}
		base := 6 + 6*w
		for i := 0; i < 3; i++ {
			z[base+i] += u[i] * win[i]
			z[base+5-i] += -u[i] * win[5-i]
			z[base+6+i] += u[3+i] * win[6+i]
			z[base+11-i] += u[3+i] * win[11-i]
		}
	}
	col := (*[545]float32)(out[sb : sb+545])
	for i := 0; i < 18; i++ {
		col[i*32] = z[i] + o[i]
		o[i] = z[18+i]
	}
}
