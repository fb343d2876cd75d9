package alac

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// ErrMalformed is wrapped by errors about broken configurations and frames.
var ErrMalformed = errors.New("alac: malformed data")

// ErrUnsupported is wrapped by errors about valid features this package
// does not decode (coupling channel and program config elements).
var ErrUnsupported = errors.New("alac: unsupported feature")

// MaxFrameLength bounds the frames per packet a configuration may declare
// (Apple's encoder uses 4096).
const MaxFrameLength = 1 << 16

// MaxChannels is the most channels an ALAC stream carries.
const MaxChannels = 8

// Config is the ALACSpecificConfig ("magic cookie").
type Config struct {
	FrameLength       uint32
	CompatibleVersion uint8
	BitDepth          uint8
	PB, MB, KB        uint8 // Rice parameters
	NumChannels       uint8
	MaxRun            uint16
	MaxFrameBytes     uint32
	AvgBitRate        uint32
	SampleRate        uint32
}

// ParseConfig decodes a 24-byte ALACSpecificConfig (as found in the MP4
// "alac" box, after its version and flags).
func ParseConfig(b []byte) (Config, error) {
	if len(b) < 24 {
		return Config{}, fmt.Errorf("%w: configuration is %d bytes, want 24", ErrMalformed, len(b))
	}
	c := Config{
		FrameLength:       binary.BigEndian.Uint32(b),
		CompatibleVersion: b[4],
		BitDepth:          b[5],
		PB:                b[6],
		MB:                b[7],
		KB:                b[8],
		NumChannels:       b[9],
		MaxRun:            binary.BigEndian.Uint16(b[10:]),
		MaxFrameBytes:     binary.BigEndian.Uint32(b[12:]),
		AvgBitRate:        binary.BigEndian.Uint32(b[16:]),
		SampleRate:        binary.BigEndian.Uint32(b[20:]),
	}
	switch {
	case c.CompatibleVersion != 0:
		return c, fmt.Errorf("%w: compatible version %d", ErrUnsupported, c.CompatibleVersion)
	case c.FrameLength == 0 || c.FrameLength > MaxFrameLength:
		return c, fmt.Errorf("%w: frame length %d (want 1 to %d)", ErrMalformed, c.FrameLength, MaxFrameLength)
	case c.BitDepth != 16 && c.BitDepth != 20 && c.BitDepth != 24 && c.BitDepth != 32:
		return c, fmt.Errorf("%w: bit depth %d (want 16, 20, 24 or 32)", ErrMalformed, c.BitDepth)
	case c.NumChannels == 0 || c.NumChannels > MaxChannels:
		return c, fmt.Errorf("%w: %d channels (want 1 to %d)", ErrMalformed, c.NumChannels, MaxChannels)
	case c.KB > 24:
		return c, fmt.Errorf("%w: Rice parameters kb %d mb %d", ErrMalformed, c.KB, c.MB)
	}
	return c, nil
}

// Decoder decodes the frames of one stream.
type Decoder struct {
	c         Config
	predictor []int32
	mixU      []int32
	mixV      []int32
	shift     []uint16
	dec       []int32 // decoded channels, channel-major
}

// NewDecoder returns a decoder for streams configured by c (from
// ParseConfig).
func NewDecoder(c Config) (*Decoder, error) {
	if c.FrameLength == 0 || c.FrameLength > MaxFrameLength || c.NumChannels == 0 || c.NumChannels > MaxChannels {
		return nil, fmt.Errorf("%w: configuration %+v", ErrMalformed, c)
	}
	n := int(c.FrameLength)
	return &Decoder{
		c:         c,
		predictor: make([]int32, n),
		mixU:      make([]int32, n),
		mixV:      make([]int32, n),
		shift:     make([]uint16, 2*n),
	}, nil
}

// Config is the decoder's configuration.
func (d *Decoder) Config() Config { return d.c }

// element ids
const (
	idSCE = 0 // single channel
	idCPE = 1 // channel pair
	idCCE = 2 // coupling channel
	idLFE = 3 // low-frequency effects
	idDSE = 4 // data stream
	idPCE = 5 // program config
	idFIL = 6 // fill
	idEND = 7
)

// channelOrder maps the decoded channel order of n channels (ALAC's
// layouts: C L R ...) to WAV order (L R C LFE ...), as FFmpeg does.
var channelOrder = [MaxChannels][]int{
	{0},
	{0, 1},
	{2, 0, 1},
	{2, 0, 1, 3},
	{2, 0, 1, 3, 4},
	{2, 0, 1, 4, 5, 3},
	{2, 0, 1, 4, 5, 6, 3},
	{2, 6, 7, 0, 1, 4, 5, 3},
}

// Decode decodes one frame into *out (interleaved samples in WAV channel
// order, each a signed integer of the configuration's bit depth; out is
// grown as needed) and returns the number of frames.
func (d *Decoder) Decode(frame []byte, out *[]int32) (int, error) {
	nch := int(d.c.NumChannels)
	if cap(d.dec) < nch*int(d.c.FrameLength) {
		d.dec = make([]int32, nch*int(d.c.FrameLength))
	}
	br := &reader{b: frame}
	ch := 0
	numSamples := -1
	for ch < nch {
		if br.pos >= 8*len(br.b) {
			return 0, fmt.Errorf("%w: frame ends after %d of %d channels", ErrMalformed, ch, nch)
		}
		tag := br.read(3)
		switch tag {
		case idSCE, idLFE, idCPE:
			pair := tag == idCPE
			if pair && ch+2 > nch || !pair && ch+1 > nch {
				return 0, fmt.Errorf("%w: more channels than the %d configured", ErrMalformed, nch)
			}
			n, err := d.element(br, pair, ch)
			if err != nil {
				return 0, err
			}
			if numSamples >= 0 && n != numSamples {
				return 0, fmt.Errorf("%w: elements of %d and %d samples in one frame", ErrMalformed, numSamples, n)
			}
			numSamples = n
			ch++
			if pair {
				ch++
			}
		case idDSE:
			br.read(4) // element instance tag
			align := br.read(1)
			count := br.read(8)
			if count == 255 {
				count += br.read(8)
			}
			if align == 1 {
				br.align()
			}
			br.pos += 8 * count
		case idFIL:
			count := br.read(4)
			if count == 15 {
				count += br.read(8) - 1
			}
			br.pos += 8 * count
		case idEND:
			return 0, fmt.Errorf("%w: frame ends after %d of %d channels", ErrMalformed, ch, nch)
		default:
			return 0, fmt.Errorf("%w: element type %d (coupling channel or program config)", ErrUnsupported, tag)
		}
		if br.pos > 8*len(br.b) {
			return 0, fmt.Errorf("%w: frame of %d bytes is truncated", ErrMalformed, len(frame))
		}
	}
	order := channelOrder[nch-1]
	need := numSamples * nch
	if cap(*out) < need {
		*out = make([]int32, need)
	}
	o := (*out)[:need]
	fl := int(d.c.FrameLength)
	for c := range nch {
		src := d.dec[c*fl : c*fl+numSamples]
		oc := order[c]
		for i, v := range src {
			o[i*nch+oc] = v
		}
	}
	*out = o
	return numSamples, nil
}

// element decodes one SCE/LFE (pair false) or CPE into d.dec channels ch
// (and ch+1), returning the number of samples.
func (d *Decoder) element(br *reader, pair bool, ch int) (int, error) {
	c := &d.c
	br.read(4) // element instance tag
	if br.read(12) != 0 {
		return 0, fmt.Errorf("%w: non-zero reserved bits in an element header", ErrMalformed)
	}
	hdr := br.read(4)
	partial := hdr>>3&1 == 1
	bytesShifted := uint(hdr >> 1 & 3)
	escape := hdr&1 == 1
	if bytesShifted == 3 {
		return 0, fmt.Errorf("%w: 3 bytes shifted", ErrMalformed)
	}
	numSamples := int(c.FrameLength)
	if partial {
		n := br.read(16)<<16 | br.read(16)
		if n == 0 || n > int(c.FrameLength) {
			return 0, fmt.Errorf("%w: partial frame of %d samples, frame length %d", ErrMalformed, n, c.FrameLength)
		}
		numSamples = n
	}
	nch := 1
	if pair {
		nch = 2
	}
	shift := bytesShifted * 8
	chanBits := uint(c.BitDepth) - shift + uint(nch-1)
	if shift >= uint(c.BitDepth) || chanBits > 32 && !escape {
		return 0, fmt.Errorf("%w: %d bytes shifted of %d-bit samples", ErrMalformed, bytesShifted, c.BitDepth)
	}
	mixU, mixV := d.mixU[:numSamples], d.mixV[:numSamples]
	var mixBits, mixRes int32
	if !escape {
		mixBits = int32(br.read(8))
		mixRes = int32(int8(br.read(8)))
		var mode, den, pbf, num [2]int
		var coefs [2][32]int16
		for k := range nch {
			h := br.read(8)
			mode[k], den[k] = h>>4, h&15
			h = br.read(8)
			pbf[k], num[k] = h>>5, h&31
			for i := range num[k] {
				coefs[k][i] = int16(br.read(16))
			}
		}
		shiftPos := br.pos
		if bytesShifted != 0 {
			br.pos += int(shift) * nch * numSamples
		}
		for k := range nch {
			mix := mixU
			if k == 1 {
				mix = mixV
			}
			pred := d.predictor[:numSamples]
			if err := d.rice(br, pred, uint32(c.PB)*uint32(pbf[k])/4, chanBits); err != nil {
				return 0, err
			}
			if mode[k] != 0 {
				unpc(pred, pred, nil, 31, chanBits, 0)
			}
			unpc(pred, mix, coefs[k][:num[k]], num[k], chanBits, uint(den[k]))
		}
		if bytesShifted != 0 {
			end := br.pos
			br.pos = shiftPos
			sb := d.shift[:nch*numSamples]
			for i := range sb {
				sb[i] = uint16(br.read(int(shift)))
			}
			br.pos = end
		}
	} else {
		chanBits = uint(c.BitDepth)
		sh := 32 - chanBits
		for i := range numSamples {
			mixU[i] = int32(uint32(br.readBits(int(chanBits)))<<sh) >> sh
			if pair {
				mixV[i] = int32(uint32(br.readBits(int(chanBits)))<<sh) >> sh
			}
		}
		bytesShifted, shift = 0, 0
	}
	if br.pos > 8*len(br.b) {
		return 0, fmt.Errorf("%w: frame of %d bytes is truncated", ErrMalformed, len(br.b))
	}
	fl := int(c.FrameLength)
	ext := 32 - uint(c.BitDepth)
	outL := d.dec[ch*fl : ch*fl+numSamples]
	if !pair {
		for i, v := range mixU {
			if bytesShifted != 0 {
				v = v<<shift | int32(d.shift[i])
			}
			outL[i] = v << ext >> ext
		}
		return numSamples, nil
	}
	outR := d.dec[(ch+1)*fl : (ch+1)*fl+numSamples]
	for i := range numSamples {
		u, v := mixU[i], mixV[i]
		l, r := u, v
		if mixRes != 0 {
			l = u + v - (mixRes*v)>>uint(mixBits)
			r = l - v
		}
		if bytesShifted != 0 {
			l = l<<shift | int32(d.shift[2*i])
			r = r<<shift | int32(d.shift[2*i+1])
		}
		outL[i] = l << ext >> ext
		outR[i] = r << ext >> ext
	}
	return numSamples, nil
}

// Adaptive Golomb-Rice constants (ag_dec.c).
const (
	qbShift     = 9
	qb          = 1 << qbShift
	mmulShift   = 2
	mdenShift   = qbShift - mmulShift - 1
	moff        = 1 << (mdenShift - 2)
	bitOff      = 24
	maxPrefix16 = 9
	maxPrefix32 = 9
	maxDatatype = 16
	meanClamp   = 0xFFFF
)

// rice decodes len(pc) prediction residuals (dyn_decomp).
func (d *Decoder) rice(br *reader, pc []int32, pb uint32, maxSize uint) error {
	c := &d.c
	kb := uint32(c.KB)
	wb := uint32(1)<<kb - 1
	mb := uint32(c.MB)
	var zmode uint32
	n := len(pc)
	end := 8 * len(br.b)
	for i := 0; i < n; {
		if br.pos >= end {
			return fmt.Errorf("%w: residuals run past the frame's end", ErrMalformed)
		}
		m := mb >> qbShift
		k := min(lg3a(m), kb)
		m = 1<<k - 1
		v := br.get32(m, k, maxSize)
		nd := v + zmode
		mult := uint32(-int32(nd&1)) | 1
		pc[i] = int32(((nd + 1) >> 1) * mult)
		i++
		mb = pb*(v+zmode) + mb - (pb*mb)>>qbShift
		if v > meanClamp {
			mb = meanClamp
		}
		zmode = 0
		if mb<<mmulShift < qb && i < n {
			zmode = 1
			k := uint32(bits.LeadingZeros32(mb)) - bitOff + (mb+moff)>>mdenShift
			mz := (uint32(1)<<k - 1) & wb
			run := int(br.get16(mz, k))
			if i+run > n {
				return fmt.Errorf("%w: a run of %d zeros past the frame's %d samples", ErrMalformed, run, n)
			}
			clear(pc[i : i+run])
			i += run
			if run >= 65535 {
				zmode = 0
			}
			mb = 0
		}
	}
	return nil
}

// lg3a is floor(log2(x+3)).
func lg3a(x uint32) uint32 { return 31 - uint32(bits.LeadingZeros32(x+3)) }

func signOf(i int32) int32 {
	switch {
	case i > 0:
		return 1
	case i < 0:
		return -1
	}
	return 0
}

// unpc reverses the adaptive FIR predictor (unpc_block of dp_dec.c).
func unpc(pc, out []int32, coefs []int16, numActive int, chanBits, denShift uint) {
	num := len(pc)
	if num == 0 {
		return
	}
	chanShift := 32 - chanBits
	var denHalf int32
	if denShift > 0 {
		denHalf = 1 << (denShift - 1)
	}
	out[0] = pc[0]
	if numActive == 0 {
		copy(out[1:], pc[1:])
		return
	}
	if numActive == 31 {
		prev := out[0]
		for j := 1; j < num; j++ {
			del := pc[j] + prev
			prev = del << chanShift >> chanShift
			out[j] = prev
		}
		return
	}
	for j := 1; j <= numActive && j < num; j++ {
		del := pc[j] + out[j-1]
		out[j] = del << chanShift >> chanShift
	}
	lim := numActive + 1
	for j := lim; j < num; j++ {
		var sum int32
		top := out[j-lim]
		for k := range numActive {
			sum += int32(coefs[k]) * (out[j-1-k] - top)
		}
		del := pc[j]
		del0 := del
		sg := signOf(del)
		del += top + (sum+denHalf)>>denShift
		out[j] = del << chanShift >> chanShift
		if sg > 0 {
			for k := numActive - 1; k >= 0; k-- {
				dd := top - out[j-1-k]
				sgn := signOf(dd)
				coefs[k] -= int16(sgn)
				del0 -= int32(numActive-k) * ((sgn * dd) >> denShift)
				if del0 <= 0 {
					break
				}
			}
		} else if sg < 0 {
			for k := numActive - 1; k >= 0; k-- {
				dd := top - out[j-1-k]
				sgn := signOf(dd)
				coefs[k] += int16(sgn)
				del0 -= int32(numActive-k) * ((-sgn * dd) >> denShift)
				if del0 >= 0 {
					break
				}
			}
		}
	}
}

// reader reads big-endian bit fields; bits past the end read as zeros (the
// callers check the position afterwards).
type reader struct {
	b   []byte
	pos int
}

// peek32 returns the 32 bits at byte pos>>3 (zero-padded), as Apple's
// decoder loads them: not shifted by pos&7.
func (r *reader) load32(bytePos int) uint32 {
	if bytePos+4 <= len(r.b) && bytePos >= 0 {
		return binary.BigEndian.Uint32(r.b[bytePos:])
	}
	var v uint32
	for i := range 4 {
		v <<= 8
		if p := bytePos + i; p >= 0 && p < len(r.b) {
			v |= uint32(r.b[p])
		}
	}
	return v
}

// readBits reads n (0..32) bits.
func (r *reader) readBits(n int) uint32 {
	if n == 0 {
		return 0
	}
	var v uint64
	p := r.pos >> 3
	for i := range 8 {
		v <<= 8
		if q := p + i; q < len(r.b) {
			v |= uint64(r.b[q])
		}
	}
	v <<= uint(r.pos & 7)
	r.pos += n
	return uint32(v >> (64 - n))
}

func (r *reader) read(n int) int { return int(r.readBits(n)) }

func (r *reader) align() { r.pos = (r.pos + 7) &^ 7 }

// get16 is dyn_get: a Rice-coded zero-run length.
func (r *reader) get16(m, k uint32) uint32 {
	stream := r.load32(r.pos>>3) << uint(r.pos&7)
	pre := uint32(bits.LeadingZeros32(^stream))
	if pre >= maxPrefix16 {
		pre = maxPrefix16
		r.pos += int(pre)
		stream <<= pre
		r.pos += maxDatatype
		return stream >> (32 - maxDatatype)
	}
	r.pos += int(pre) + 1
	stream <<= pre + 1
	v := stream >> (32 - k)
	if k == 0 {
		v = 0
	}
	r.pos += int(k)
	res := pre*m + v - 1
	if v < 2 {
		res -= v - 1
		r.pos--
	}
	return res
}

// get32 is dyn_get_32bit: a Rice-coded residual of up to maxBits bits.
func (r *reader) get32(m, k uint32, maxBits uint) uint32 {
	stream := r.load32(r.pos>>3) << uint(r.pos&7)
	res := uint32(bits.LeadingZeros32(^stream))
	if res >= maxPrefix32 {
		r.pos += maxPrefix32
		return r.readBits(int(maxBits))
	}
	r.pos += int(res) + 1
	if k != 1 {
		stream <<= res + 1
		v := stream >> (32 - k)
		if k == 0 {
			v = 0
		}
		r.pos += int(k) - 1
		res *= m
		if v >= 2 {
			res += v - 1
			r.pos++
		}
	}
	return res
}
