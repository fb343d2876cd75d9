// Package pcm converts between stored PCM samples (8-bit unsigned, 16/24/32-
// bit signed little-endian integers, 32/64-bit IEEE floats) and the engine's
// float32 samples, in tight loops over byte slices.
//
// Integer samples map to [-1, 1) by dividing by 2^(bits-1): the conversion is
// exact in both directions for 8, 16 and 24 bits, so a decode followed by an
// encode at the same depth reproduces the input bytes.
package pcm

import (
	"encoding/binary"
	"math"

	"offcut/audio"
)

// Decode converts len(dst) samples from src (stored as f) into dst.
// src must hold at least len(dst)*f.BytesPerSample() bytes.
func Decode(dst []float32, src []byte, f audio.Format) {
	if len(dst) == 0 {
		return
	}
	if littleEndian {
		switch {
		case f.Float && f.Bits == 32:
			copy(dst, viewF32(src, len(dst)))
			return
		case !f.Float && f.Bits == 16:
			v := view16(src, len(dst))
			i := 0
			for ; i+8 <= len(v); i += 8 {
				s, d := v[i:i+8:i+8], dst[i:i+8:i+8]
				d[0] = float32(s[0]) * (1.0 / 32768)
				d[1] = float32(s[1]) * (1.0 / 32768)
				d[2] = float32(s[2]) * (1.0 / 32768)
				d[3] = float32(s[3]) * (1.0 / 32768)
				d[4] = float32(s[4]) * (1.0 / 32768)
				d[5] = float32(s[5]) * (1.0 / 32768)
				d[6] = float32(s[6]) * (1.0 / 32768)
				d[7] = float32(s[7]) * (1.0 / 32768)
			}
			for ; i < len(v); i++ {
				dst[i] = float32(v[i]) * (1.0 / 32768)
			}
			return
		case !f.Float && f.Bits == 24 && len(dst) >= 4:
			// Four samples are three 32-bit words.
			n4 := len(dst) / 4 * 4
			w := viewU32(src, n4/4*3)
			for i, j := 0, 0; i < n4; i, j = i+4, j+3 {
				a, b, c := w[j], w[j+1], w[j+2]
				d := dst[i : i+4 : i+4]
				d[0] = float32(int32(a<<8)>>8) * (1.0 / 8388608)
				d[1] = float32(int32(a>>24<<8|b<<16)>>8) * (1.0 / 8388608)
				d[2] = float32(int32(b>>16<<8|c<<24)>>8) * (1.0 / 8388608)
				d[3] = float32(int32(c)>>8) * (1.0 / 8388608)
			}
			for i := n4; i < len(dst); i++ {
				j := 3 * i
				v := int32(uint32(src[j])<<8|uint32(src[j+1])<<16|uint32(src[j+2])<<24) >> 8
				dst[i] = float32(v) * (1.0 / 8388608)
			}
			return
		case !f.Float && f.Bits == 32:
			for i, v := range view32(src, len(dst)) {
				dst[i] = float32(float64(v) * (1.0 / 2147483648))
			}
			return
		}
	}
	switch {
	case f.Float && f.Bits == 32:
		_ = src[len(dst)*4-1]
		for i := range dst {
			dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[i*4:]))
		}
	case f.Float && f.Bits == 64:
		_ = src[len(dst)*8-1]
		for i := range dst {
			dst[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(src[i*8:])))
		}
	case f.Bits == 8:
		_ = src[len(dst)-1]
		for i := range dst {
			dst[i] = float32(int(src[i])-128) * (1.0 / 128)
		}
	case f.Bits == 16:
		src = src[:len(dst)*2]
		// Four samples per 64-bit load.
		i := 0
		for ; i+4 <= len(dst); i += 4 {
			v := binary.LittleEndian.Uint64(src[2*i:])
			d := dst[i : i+4 : i+4]
			d[0] = float32(int16(v)) * (1.0 / 32768)
			d[1] = float32(int16(v>>16)) * (1.0 / 32768)
			d[2] = float32(int16(v>>32)) * (1.0 / 32768)
			d[3] = float32(int16(v>>48)) * (1.0 / 32768)
		}
		for ; i < len(dst); i++ {
			dst[i] = float32(int16(binary.LittleEndian.Uint16(src[2*i:]))) * (1.0 / 32768)
		}
	case f.Bits == 24:
		src = src[:len(dst)*3]
		// Four samples (12 bytes) per step as three 32-bit loads.
		i, j := 0, 0
		for ; j+12 <= len(src); i, j = i+4, j+12 {
			w := src[j : j+12 : j+12]
			a := binary.LittleEndian.Uint32(w[0:])
			b := binary.LittleEndian.Uint32(w[4:])
			c := binary.LittleEndian.Uint32(w[8:])
			d := dst[i : i+4 : i+4]
			d[0] = float32(int32(a<<8)>>8) * (1.0 / 8388608)
			d[1] = float32(int32(a>>24<<8|b<<16)>>8) * (1.0 / 8388608)
			d[2] = float32(int32(b>>16<<8|c<<24)>>8) * (1.0 / 8388608)
			d[3] = float32(int32(c)>>8) * (1.0 / 8388608)
		}
		for ; i < len(dst); i, j = i+1, j+3 {
			v := int32(uint32(src[j])<<8|uint32(src[j+1])<<16|uint32(src[j+2])<<24) >> 8
			dst[i] = float32(v) * (1.0 / 8388608)
		}
	case f.Bits == 32:
		_ = src[len(dst)*4-1]
		for i := range dst {
			dst[i] = float32(float64(int32(binary.LittleEndian.Uint32(src[i*4:]))) * (1.0 / 2147483648))
		}
	default:
		panic("pcm: Decode of unvalidated format " + f.String())
	}
}

// Encoder converts float32 samples to stored samples, rounding to nearest,
// clamping out-of-range values (and counting them), and optionally adding
// TPDF dither of ±1 LSB when reducing resolution. NaN and infinite samples
// are written as 0 (silence) and counted.
//
// The dither added to a sample is a function of its position alone (its
// index among the interleaved samples of the output, see Seek), not of the
// samples encoded before: a part of an output encoded on its own, from its
// first frame, has the same bytes as that part of the whole.
type Encoder struct {
	f      audio.Format
	dither bool
	pos    uint64 // index of the next sample (frame × channels + channel)
	// Clipped counts samples that were outside the representable range.
	Clipped int64
	// Peak is the largest absolute sample value seen (before clamping).
	Peak float64
	// NonFinite counts NaN and infinite samples, written as 0.
	NonFinite int64
}

// NewEncoder returns an Encoder for f, at frame 0. dither enables TPDF
// dither; it has no effect on float formats.
func NewEncoder(f audio.Format, dither bool) *Encoder {
	return &Encoder{f: f, dither: dither && !f.Float}
}

// Format is the stored format the encoder writes.
func (e *Encoder) Format() audio.Format { return e.f }

// SetFrame makes the next sample encoded the first of output frame frame: the
// dither it gets is that frame's.
func (e *Encoder) SetFrame(frame int64) {
	e.pos = uint64(frame) * uint64(e.f.Channels)
}

// ditherSeed makes the noise of one output unlike a plain counter's.
const ditherSeed = 0x9E3779B97F4A7C15

// tpdf returns the dither of the sample at index pos (frame × channels +
// channel): triangular noise in (-1, 1) LSB, the difference of two
// independent uniform values of 24 bits taken from a splitmix64 hash of
// pos.
func tpdf(pos uint64) float64 {
	z := pos*ditherSeed + ditherSeed
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	z ^= z >> 31
	a := float64(z>>40) / (1 << 24)
	b := float64(z&0xFFFFFF) / (1 << 24)
	return a - b
}

// roundMagic is 1.5 × 2^52: x + roundMagic - roundMagic is x rounded to an
// integer, halves to even, for |x| < 2^51.
const roundMagic = 1 << 52 * 1.5

// clip is x (beyond [lo, hi]) rounded and held at the range, counting it
// as clipped when it is more than one step beyond: full scale (exactly
// ±1.0) is not clipping.
func (e *Encoder) clip(x, lo, hi float64) int32 {
	x = math.RoundToEven(x)
	if x < lo {
		if x < lo-1 {
			e.Clipped++
		}
		x = lo
	} else if x > hi {
		if x > hi+1 {
			e.Clipped++
		}
		x = hi
	}
	return int32(x)
}

// encode16 is Encode for 16-bit samples without dither, the commonest
// case (a 16-bit source decoded and written again), in a loop of its own:
// in float32, where a sample times 2^15 is exact and adding 1.5 × 2^23
// rounds it as math.RoundToEven does; samples out of range (clipped, NaN,
// infinite) take Encode's general path one by one.
func (e *Encoder) encode16(dst []byte, src []float32) {
	const magic = 1 << 23 * 1.5
	dst = dst[:2*len(src)]
	peak := float32(e.Peak)
	for i := 0; i < len(src); i++ {
		// A run of samples in range, in a loop without calls (so that
		// nothing is spilled to memory at each sample).
		for ; i < len(src); i++ {
			v := src[i]
			x := v * (1 << 15)
			if !(x >= -(1<<15) && x <= 1<<15-1) {
				break
			}
			if a := math.Float32frombits(math.Float32bits(v) &^ (1 << 31)); a > peak {
				peak = a
			}
			binary.LittleEndian.PutUint16(dst[2*i:], uint16(int32((x+magic)-magic)))
		}
		if i < len(src) {
			n, a := e.outOfRange(src[i], 1<<15)
			peak = max(peak, a)
			binary.LittleEndian.PutUint16(dst[2*i:], uint16(n))
		}
	}
	e.Peak = float64(peak)
	e.pos += uint64(len(src))
}

// outOfRange is the integer for a sample that encode16 does not take, and
// its magnitude for the peak: a NaN or infinity is silence (counted),
// anything else is clipped.
func (e *Encoder) outOfRange(v float32, scale float64) (int32, float32) {
	a := math.Float32frombits(math.Float32bits(v) &^ (1 << 31))
	if !(a <= math.MaxFloat32) {
		e.NonFinite++
		return 0, 0
	}
	return e.clip(float64(v)*scale, -scale, scale-1), a
}

// Encode converts src into dst, which must hold len(src)*BytesPerSample bytes.
func (e *Encoder) Encode(dst []byte, src []float32) {
	if len(src) == 0 {
		return
	}
	f := e.f
	if f.Float {
		for i, v := range src {
			a := math.Abs(float64(v))
			if a > math.MaxFloat32 || a != a {
				e.NonFinite++ // NaN (a != a) or infinite: silence
				v, a = 0, 0
			}
			if a > e.Peak {
				e.Peak = a
			}
			if f.Bits == 32 {
				binary.LittleEndian.PutUint32(dst[i*4:], math.Float32bits(v))
			} else {
				binary.LittleEndian.PutUint64(dst[i*8:], math.Float64bits(float64(v)))
			}
		}
		e.pos += uint64(len(src))
		return
	}
	if f.Bits == 16 && !e.dither {
		e.encode16(dst, src)
		return
	}
	scale := float64(int64(1) << (f.Bits - 1))
	lo, hi := -scale, scale-1
	bps := f.Bits / 8
	_ = dst[len(src)*bps-1]
	peak := float32(e.Peak)
	for i, v := range src {
		a := math.Float32frombits(math.Float32bits(v) &^ (1 << 31))
		if !(a <= math.MaxFloat32) {
			e.NonFinite++ // NaN or infinite: silence
			v, a = 0, 0
		}
		if a > peak {
			peak = a
		}
		x := float64(v) * scale
		if e.dither {
			x += tpdf(e.pos + uint64(i))
		}
		var n int32
		if x >= lo && x <= hi {
			// Within range the sum rounds to an integer, halves to even,
			// as math.RoundToEven does.
			n = int32((x + roundMagic) - roundMagic)
		} else {
			n = e.clip(x, lo, hi)
		}
		switch bps {
		case 1:
			dst[i] = byte(n + 128)
		case 2:
			dst[2*i] = byte(n)
			dst[2*i+1] = byte(n >> 8)
		case 3:
			dst[3*i] = byte(n)
			dst[3*i+1] = byte(n >> 8)
			dst[3*i+2] = byte(n >> 16)
		case 4:
			binary.LittleEndian.PutUint32(dst[4*i:], uint32(n))
		}
	}
	e.Peak = float64(peak)
	e.pos += uint64(len(src))
}
