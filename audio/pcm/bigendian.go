package pcm

import (
	"encoding/binary"
	"math"

	"offcut/audio"
)

// DecodeBE converts len(dst) big-endian samples from src (stored as f) into
// dst, as AIFF stores them. Unlike Decode, 8-bit samples are signed (two's
// complement), as in AIFF. src must hold at least len(dst)*f.BytesPerSample()
// bytes.
func DecodeBE(dst []float32, src []byte, f audio.Format) {
	if len(dst) == 0 {
		return
	}
	switch {
	case f.Float && f.Bits == 32:
		_ = src[len(dst)*4-1]
		for i := range dst {
			dst[i] = math.Float32frombits(binary.BigEndian.Uint32(src[i*4:]))
		}
	case f.Float && f.Bits == 64:
		_ = src[len(dst)*8-1]
		for i := range dst {
			dst[i] = float32(math.Float64frombits(binary.BigEndian.Uint64(src[i*8:])))
		}
	case f.Bits == 8:
		_ = src[len(dst)-1]
		for i := range dst {
			dst[i] = float32(int8(src[i])) * (1.0 / 128)
		}
	case f.Bits == 16:
		src = src[:len(dst)*2]
		// Four samples per 64-bit load.
		i := 0
		for ; i+4 <= len(dst); i += 4 {
			v := binary.BigEndian.Uint64(src[2*i:])
			d := dst[i : i+4 : i+4]
			d[0] = float32(int16(v>>48)) * (1.0 / 32768)
			d[1] = float32(int16(v>>32)) * (1.0 / 32768)
			d[2] = float32(int16(v>>16)) * (1.0 / 32768)
			d[3] = float32(int16(v)) * (1.0 / 32768)
		}
		for ; i < len(dst); i++ {
			dst[i] = float32(int16(binary.BigEndian.Uint16(src[2*i:]))) * (1.0 / 32768)
		}
	case f.Bits == 24:
		src = src[:len(dst)*3]
		for i, j := 0, 0; i < len(dst); i, j = i+1, j+3 {
			v := int32(uint32(src[j])<<24|uint32(src[j+1])<<16|uint32(src[j+2])<<8) >> 8
			dst[i] = float32(v) * (1.0 / 8388608)
		}
	case f.Bits == 32:
		_ = src[len(dst)*4-1]
		for i := range dst {
			dst[i] = float32(float64(int32(binary.BigEndian.Uint32(src[i*4:]))) * (1.0 / 2147483648))
		}
	default:
		panic("pcm: DecodeBE of unvalidated format " + f.String())
	}
}

// DecodeS8 converts len(dst) signed 8-bit samples (two's complement, as in
// little-endian AIFF-C "sowt" files) into dst.
func DecodeS8(dst []float32, src []byte) {
	if len(dst) == 0 {
		return
	}
	_ = src[len(dst)-1]
	for i := range dst {
		dst[i] = float32(int8(src[i])) * (1.0 / 128)
	}
}
