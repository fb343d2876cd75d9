package libc

import "math"

// Conversions with C semantics, as ccgo emits them.

// Int32FromInt32 converts a C int32 to a C int32.
func Int32FromInt32(n int32) int32 { return int32(n) }

// Float64FromFloat64 converts a C float64 to a C float64.
func Float64FromFloat64(n float64) float64 { return float64(n) }

// Float32FromInt32 converts a C int32 to a C float32.
func Float32FromInt32(n int32) float32 { return float32(n) }

// Float32FromFloat32 converts a C float32 to a C float32.
func Float32FromFloat32(n float32) float32 { return float32(n) }

// Int32FromUint8 converts a C uint8 to a C int32.
func Int32FromUint8(n uint8) int32 { return int32(n) }

// Float64FromInt32 converts a C int32 to a C float64.
func Float64FromInt32(n int32) float64 { return float64(n) }

// Uint8FromInt32 converts a C int32 to a C uint8.
func Uint8FromInt32(n int32) uint8 { return uint8(n) }

// UintptrFromInt32 converts a C int32 to a C uintptr.
func UintptrFromInt32(n int32) uintptr { return uintptr(n) }

// Uint64FromInt32 converts a C int32 to a C uint64.
func Uint64FromInt32(n int32) uint64 { return uint64(n) }

// Uint64FromInt64 converts a C int64 to a C uint64.
func Uint64FromInt64(n int64) uint64 { return uint64(n) }

// Uint32FromInt32 converts a C int32 to a C uint32.
func Uint32FromInt32(n int32) uint32 { return uint32(n) }

// Uint32FromUint32 converts a C uint32 to a C uint32.
func Uint32FromUint32(n uint32) uint32 { return uint32(n) }

// Float64FromFloat32 converts a C float32 to a C float64.
func Float64FromFloat32(n float32) float64 { return float64(n) }

// Uint16FromInt32 converts a C int32 to a C uint16.
func Uint16FromInt32(n int32) uint16 { return uint16(n) }

// Int32FromUint16 converts a C uint16 to a C int32.
func Int32FromUint16(n uint16) int32 { return int32(n) }

// Int32FromUint64 converts a C uint64 to a C int32.
func Int32FromUint64(n uint64) int32 { return int32(n) }

// Uint8FromInt8 converts a C int8 to a C uint8.
func Uint8FromInt8(n int8) uint8 { return uint8(n) }

// Int32FromUint32 converts a C uint32 to a C int32.
func Int32FromUint32(n uint32) int32 { return int32(n) }

// Uint64FromUint32 converts a C uint32 to a C uint64.
func Uint64FromUint32(n uint32) uint64 { return uint64(n) }

// Int8FromUint32 converts a C uint32 to a C int8.
func Int8FromUint32(n uint32) int8 { return int8(n) }

// Int8FromInt32 converts a C int32 to a C int8.
func Int8FromInt32(n int32) int8 { return int8(n) }

// Int64FromInt64 converts a C int64 to a C int64.
func Int64FromInt64(n int64) int64 { return int64(n) }

// Float32FromFloat64 converts a C float64 to a C float32.
func Float32FromFloat64(n float64) float32 { return float32(n) }

// Uint64FromUint64 converts a C uint64 to a C uint64.
func Uint64FromUint64(n uint64) uint64 { return uint64(n) }

// Int64FromUint64 converts a C uint64 to a C int64.
func Int64FromUint64(n uint64) int64 { return int64(n) }

// Float64FromUint32 converts a C uint32 to a C float64.
func Float64FromUint32(n uint32) float64 { return float64(n) }

// Bool returns b.
func Bool(b bool) bool { return b }

// Bool32 returns 1 for true and 0 for false.
func Bool32(b bool) int32 { return BoolInt32(b) }

// BoolInt32 returns 1 for true and 0 for false.
func BoolInt32(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// BoolUint8 returns 1 for true and 0 for false.
func BoolUint8(b bool) uint8 { return uint8(BoolInt32(b)) }

// The C math functions the encoders call, over package math (and, for
// exp, log and pow, over the portable copies in gomath.go, so that results
// do not depend on the architecture). float versions compute in double
// precision and round once.

// Xfabs returns |x|.
func Xfabs(t *TLS, x float64) float64 { return math.Abs(x) }

// Xfabsf returns |x|.
func Xfabsf(t *TLS, x float32) float32 { return float32(math.Abs(float64(x))) }

// Xpow returns x**y.
func Xpow(t *TLS, x, y float64) float64 { return pow(x, y) }

// Xpowf returns x**y.
func Xpowf(t *TLS, x, y float32) float32 { return float32(pow(float64(x), float64(y))) }

// Xfloor returns ⌊x⌋.
func Xfloor(t *TLS, x float64) float64 { return math.Floor(x) }

// Xceil returns ⌈x⌉.
func Xceil(t *TLS, x float64) float64 { return math.Ceil(x) }

// Xsqrt returns √x.
func Xsqrt(t *TLS, x float64) float64 { return math.Sqrt(x) }

// Xlog returns ln x.
func Xlog(t *TLS, x float64) float64 { return log(x) }

// Xlog10 returns log₁₀ x.
func Xlog10(t *TLS, x float64) float64 { return log(x) * (1 / math.Ln10) }

// Xlog10f returns log₁₀ x.
func Xlog10f(t *TLS, x float32) float32 { return float32(log(float64(x)) * (1 / math.Ln10)) }

// Xexp returns eˣ.
func Xexp(t *TLS, x float64) float64 { return exp(x) }

// Xcos returns cos x.
func Xcos(t *TLS, x float64) float64 { return math.Cos(x) }

// Xsin returns sin x.
func Xsin(t *TLS, x float64) float64 { return math.Sin(x) }

// Xatan returns atan x.
func Xatan(t *TLS, x float64) float64 { return math.Atan(x) }
