package flac

import (
	"math/bits"
)

// Subframe kinds.
const (
	sfConstant = iota
	sfVerbatim
	sfFixed
	sfLPC
)

// subframe is an encoding plan for one channel of a frame.
type subframe struct {
	kind   int
	order  int
	wasted uint
	bps    uint    // sample size after removing wasted bits
	x      []int32 // the samples, wasted bits removed
	res    []int32 // the residual (kind fixed or LPC)
	coefs  [32]int32
	prec   uint
	shift  int
	rice   riceCode
	bits   int // exact size in bits
}

// riceCode is a partitioned Rice coding of a residual.
type riceCode struct {
	order  uint
	params [1 << 8]uint8
	wide   bool   // 5-bit parameters
	bits   int    // size in bits
	sum    uint64 // Σ of the coded residuals, zigzag coded (2|r| or so)
}

// riceSearch picks the partition order in [0, maxOrder] and the Rice
// parameters that code res (whose first `order` samples are warm-up and
// not coded) in the fewest bits, estimated from partition sums as libFLAC
// does.
func riceSearch(res []int32, order int, maxPart uint, sums []uint64, rc *riceCode) {
	n := len(res)
	// The finest usable order: partitions must divide the block and be
	// longer than the predictor order.
	po := maxPart
	for po > 0 && (n%(1<<po) != 0 || n>>po <= order) {
		po--
	}
	parts := 1 << po
	per := n >> po
	sums = sums[:parts]
	for p := range parts {
		start := p * per
		if p == 0 {
			start = order
		}
		sums[p] = zigzagSum(res[start : (p+1)*per])
	}
	var sum uint64
	for _, v := range sums {
		sum += v
	}
	best := -1
	var cand riceCode
	cand.sum = sum
	for {
		cand.order = po
		cand.wide = false
		total := 0
		per := n >> po
		for p := range 1 << po {
			cnt := per
			if p == 0 {
				cnt -= order
			}
			k, b := riceParam(sums[p], cnt)
			cand.params[p] = uint8(k)
			if k > 14 {
				cand.wide = true
			}
			total += b
		}
		total += 2 + 4 + (4 << po)
		if cand.wide {
			total += 1 << po
		}
		if best < 0 || total < best {
			best = total
			*rc = cand
			rc.bits = total
		}
		if po == 0 {
			break
		}
		// Merge pairs for the next coarser order.
		for p := range 1 << (po - 1) {
			sums[p] = sums[2*p] + sums[2*p+1]
		}
		po--
	}
}

// riceParam picks the Rice parameter for cnt values summing (zigzag coded)
// to sum, returning it and the estimated bits.
func riceParam(sum uint64, cnt int) (uint, int) {
	if cnt == 0 {
		return 0, 0
	}
	k0 := uint(0)
	if mean := sum / uint64(cnt); mean > 0 {
		k0 = uint(bits.Len64(mean)) - 1
	}
	bestK, bestB := uint(0), int(^uint(0)>>1)
	for k := k0 - min(k0, 1); k <= min(k0+1, 30); k++ {
		b := cnt*int(k+1) + int(sum>>k)
		if b < bestB {
			bestK, bestB = k, b
		}
	}
	return bestK, bestB
}

// writeResidual writes the residual of sf.
func writeResidual(w *bitWriter, sf *subframe) {
	rc := &sf.rice
	if rc.wide {
		w.write(1, 2)
	} else {
		w.write(0, 2)
	}
	w.write(uint64(rc.order), 4)
	pbits := uint(4)
	if rc.wide {
		pbits = 5
	}
	n := len(sf.res)
	per := n >> rc.order
	for p := range 1 << rc.order {
		start := p * per
		if p == 0 {
			start = sf.order
		}
		k := uint(rc.params[p])
		w.write(uint64(k), pbits)
		w.rice(sf.res[start:(p+1)*per], k)
	}
}

// writeSubframe writes sf.
func writeSubframe(w *bitWriter, sf *subframe) {
	var typ uint64
	switch sf.kind {
	case sfConstant:
		typ = 0
	case sfVerbatim:
		typ = 1
	case sfFixed:
		typ = 8 + uint64(sf.order)
	case sfLPC:
		typ = 32 + uint64(sf.order-1)
	}
	w.write(typ, 7) // zero padding bit and type
	if sf.wasted > 0 {
		w.write(1, 1)
		w.zeros(sf.wasted - 1)
		w.write(1, 1)
	} else {
		w.write(0, 1)
	}
	switch sf.kind {
	case sfConstant:
		w.writeSigned(int64(sf.x[0]), sf.bps)
	case sfVerbatim:
		for _, v := range sf.x {
			w.writeSigned(int64(v), sf.bps)
		}
	case sfFixed:
		for _, v := range sf.x[:sf.order] {
			w.writeSigned(int64(v), sf.bps)
		}
		writeResidual(w, sf)
	case sfLPC:
		for _, v := range sf.x[:sf.order] {
			w.writeSigned(int64(v), sf.bps)
		}
		w.write(uint64(sf.prec-1), 4)
		w.writeSigned(int64(sf.shift), 5)
		for _, c := range sf.coefs[:sf.order] {
			w.writeSigned(int64(c), sf.prec)
		}
		writeResidual(w, sf)
	}
}

// zigzagSum returns Σ of the zigzag codes of r, four at a time in two
// sums (six times faster than a range loop under wasm).
func zigzagSum(r []int32) uint64 {
	var s0, s1 uint64
	i := 0
	for ; i+4 <= len(r); i += 4 {
		w := r[i : i+4 : i+4]
		s0 += uint64(int64(w[0])<<1) ^ uint64(int64(w[0])>>63)
		s1 += uint64(int64(w[1])<<1) ^ uint64(int64(w[1])>>63)
		s0 += uint64(int64(w[2])<<1) ^ uint64(int64(w[2])>>63)
		s1 += uint64(int64(w[3])<<1) ^ uint64(int64(w[3])>>63)
	}
	for ; i < len(r); i++ {
		s0 += uint64(int64(r[i])<<1) ^ uint64(int64(r[i])>>63)
	}
	return s0 + s1
}
