package mp3

import "math"

// Layer I and II (ISO/IEC 11172-3 2.4.3.1/2.4.3.2 and 13818-3).

// Allocation codes: 0 none, 2..16 ungrouped samples of that many bits
// (2^n-1 levels), 17/18/19 grouped triplets of 3/5/9 levels.
var allocCodes = [...]uint8{
	0, 17, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, // 0: B.2a/b sb 0-2
	0, 17, 18, 3, 19, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, // 16: sb 3-10
	0, 17, 18, 3, 19, 4, 5, 16, // 32: sb 11-22
	0, 17, 18, 16, // 40: sb 23-29
	0, 17, 18, 19, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, // 44: B.2c/d, B.1
	0, 17, 18, 3, 19, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, // 60: B.1 sb 0-3
	0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, // 76: layer I
}

type allocGroup struct{ off, bits, count uint8 }

var (
	allocL1       = []allocGroup{{76, 4, 32}}
	allocL2M2     = []allocGroup{{60, 4, 4}, {44, 3, 7}, {44, 2, 19}}
	allocL2M1     = []allocGroup{{0, 4, 3}, {16, 4, 8}, {32, 3, 12}, {40, 2, 7}}
	allocL2M1Low  = []allocGroup{{44, 4, 2}, {44, 3, 10}}
	l12ScaleTable [64]float32
)

func init() {
	for i := range l12ScaleTable {
		l12ScaleTable[i] = float32(math.Exp2(1 - float64(i)/3))
	}
}

// l12info is the allocation and scalefactors of one layer I/II frame.
type l12info struct {
	total, stereo int
	alloc         [32][2]uint8
	scf           [32][2][3]float32
}

func (h header) l12alloc() ([]allocGroup, int) {
	if h.layer() == 1 {
		return allocL1, 32
	}
	if h.lsf() {
		return allocL2M2, 30
	}
	kbps := h.kbps()
	if h.mode() != 3 {
		kbps >>= 1
	}
	if h.free() {
		kbps = 192
	}
	switch {
	case kbps < 56:
		if h>>10&3 == 2 {
			return allocL2M1Low, 12
		}
		return allocL2M1Low, 8
	case kbps >= 96 && h>>10&3 != 1:
		return allocL2M1, 30
	}
	return allocL2M1, 27
}

// readL12Info reads bit allocation and scalefactors.
func readL12Info(h header, r *bitReader, in *l12info) {
	groups, total := h.l12alloc()
	stereo := 0
	switch h.mode() {
	case 3:
		stereo = 0
	case 1:
		stereo = h.modeExt()<<2 + 4
	default:
		stereo = 32
	}
	stereo = min(stereo, total)
	in.total, in.stereo = total, stereo
	k, gi := 0, 0
	var bits int
	var codes []uint8
	for i := 0; i < total; i++ {
		if i == k {
			g := groups[gi]
			gi++
			k += int(g.count)
			bits = int(g.bits)
			codes = allocCodes[g.off:]
		}
		ba := codes[r.bits(bits)]
		in.alloc[i][0] = ba
		if i < stereo {
			ba = codes[r.bits(bits)]
		}
		if stereo == 0 {
			ba = 0
		}
		in.alloc[i][1] = ba
	}
	var scfsi [32][2]uint8
	for i := 0; i < total; i++ {
		for ch := 0; ch < 2; ch++ {
			if in.alloc[i][ch] != 0 {
				if h.layer() == 1 {
					scfsi[i][ch] = 2
				} else {
					scfsi[i][ch] = uint8(r.bits(2))
				}
			}
		}
	}
	for i := 0; i < total; i++ {
		for ch := 0; ch < 2; ch++ {
			ba := in.alloc[i][ch]
			if ba == 0 {
				in.scf[i][ch] = [3]float32{}
				continue
			}
			var n int
			if ba < 17 {
				n = 1<<ba - 1
			} else {
				n = 2<<(ba-17) + 1
			}
			// value = (2c - (n-1))/n * scale: fold 1/n into the scale
			var s [3]float32
			switch scfsi[i][ch] {
			case 0:
				s[0] = l12ScaleTable[r.bits(6)]
				s[1] = l12ScaleTable[r.bits(6)]
				s[2] = l12ScaleTable[r.bits(6)]
			case 1:
				s[0] = l12ScaleTable[r.bits(6)]
				s[1] = s[0]
				s[2] = l12ScaleTable[r.bits(6)]
			case 2:
				s[0] = l12ScaleTable[r.bits(6)]
				s[1], s[2] = s[0], s[0]
			case 3:
				s[0] = l12ScaleTable[r.bits(6)]
				s[1] = l12ScaleTable[r.bits(6)]
				s[2] = s[1]
			}
			inv := 1 / float32(n)
			for p := range s {
				s[p] *= inv
			}
			in.scf[i][ch] = s
		}
	}
	for i := stereo; i < total; i++ {
		in.alloc[i][1] = 0
	}
}

// l12SampleBits is the number of sample bits of a frame with allocation in.
func (in *l12info) sampleBits(layer int) int {
	n := 0
	for i := 0; i < in.total; i++ {
		for ch := 0; ch < 2; ch++ {
			ba := int(in.alloc[i][ch])
			switch {
			case ba == 0:
			case ba < 17 && layer == 1:
				n += 12 * ba
			case ba < 17:
				n += 36 * ba
			default:
				mod := 2<<(ba-17) + 1
				n += 12 * (mod + 2 - mod>>3)
			}
		}
	}
	return n
}

// decodeL12 reads the samples of a layer I/II frame (r positioned after
// the scalefactors) and runs the synthesis, writing interleaved PCM for nch
// channels into out. It reports false if the frame's data ran past its end.
func decodeL12(h header, r *bitReader, in *l12info, syn *[2]synth, out []float32, nch int) {
	var sb [2][3][32]float32
	groupSize := 3
	parts := 12 // granules of three samples (layer II)
	if h.layer() == 1 {
		groupSize = 1
		parts = 12
	}
	outPos := 0
	for gr := 0; gr < parts; gr++ {
		part := gr >> 2
		if groupSize == 1 {
			part = 0
		}
		for i := 0; i < 32; i++ {
			for ch := 0; ch < 2; ch++ {
				for k := 0; k < groupSize; k++ {
					sb[ch][k][i] = 0
				}
			}
		}
		for i := 0; i < in.total; i++ {
			joint := i >= in.stereo && nch == 2
			for ch := 0; ch < 2; ch++ {
				ba := int(in.alloc[i][ch])
				if ba == 0 {
					continue
				}
				var q [3]float32
				if ba < 17 {
					half := 1<<(ba-1) - 1
					for k := 0; k < groupSize; k++ {
						q[k] = float32(2 * (int(r.bits(ba)) - half))
					}
				} else {
					mod := uint32(2<<(ba-17) + 1)
					code := r.bits(int(mod + 2 - mod>>3))
					for k := 0; k < groupSize; k++ {
						q[k] = float32(2*int(code%mod) - int(mod-1))
						code /= mod
					}
				}
				sc := in.scf[i][ch][part]
				for k := 0; k < groupSize; k++ {
					sb[ch][k][i] = q[k] * sc
				}
				if joint {
					sc1 := in.scf[i][1][part]
					for k := 0; k < groupSize; k++ {
						sb[1][k][i] = q[k] * sc1
					}
				}
			}
		}
		for k := 0; k < groupSize; k++ {
			for ch := 0; ch < nch; ch++ {
				syn[ch].run(sb[ch][k][:], out[outPos*nch+ch:], nch)
			}
			outPos += 32
		}
	}
}
