package libc

import (
	"math"
	"math/bits"
)

// The functions below were first needed by libvorbis 1.3.7 and libogg
// 1.3.5.

// AllocaEntry is called on entry to a C function that calls alloca.
func (t *TLS) AllocaEntry() {
	t.allocaStack = append(t.allocaStack, len(t.frames))
}

// AllocaExit is deferred by a C function that calls alloca: it frees the
// function's alloca blocks, which are the C stack frames pushed since its
// AllocaEntry.
func (t *TLS) AllocaExit() {
	n := len(t.allocaStack)
	mark := t.allocaStack[n-1]
	t.allocaStack = t.allocaStack[:n-1]
	for len(t.frames) > mark {
		t.Free(0)
	}
}

// X__builtin_alloca allocates n zeroed bytes on the C stack; they live
// until the calling C function returns (its deferred AllocaExit).
func X__builtin_alloca(t *TLS, n uint64) uintptr {
	if n > 1<<31 {
		return 0
	}
	return t.Alloc(int(n))
}

// Xrealloc resizes the block at p (from Xmalloc) to n bytes, keeping its
// contents.
func Xrealloc(t *TLS, p uintptr, n uint64) uintptr {
	if p == 0 {
		return Xmalloc(t, n)
	}
	if n == 0 {
		Xfree(t, p)
		return 0
	}
	old, ok := t.heap[p]
	if !ok {
		panic(&Abort{Msg: "realloc of memory not from malloc"})
	}
	if (n+7)/8 <= uint64(len(old)) {
		return p
	}
	q := Xmalloc(t, n)
	if q == 0 {
		return 0
	}
	copy(t.heap[q], old)
	Xfree(t, p)
	return q
}

// Xmemcmp compares n bytes.
func Xmemcmp(t *TLS, a, b uintptr, n uint64) int32 {
	x, y := bytesAt(a, n), bytesAt(b, n)
	for i := range x {
		if x[i] != y[i] {
			return int32(x[i]) - int32(y[i])
		}
	}
	return 0
}

// Xmemchr returns the address of the first byte c in n bytes at s, or 0.
func Xmemchr(t *TLS, s uintptr, c int32, n uint64) uintptr {
	for i, b := range bytesAt(s, n) {
		if b == byte(c) {
			return s + uintptr(i)
		}
	}
	return 0
}

// Xstrcpy copies the C string src, with its NUL, to dst.
func Xstrcpy(t *TLS, dst, src uintptr) uintptr {
	Xmemcpy(t, dst, src, Xstrlen(t, src)+1)
	return dst
}

// Xlabs returns |x|.
func Xlabs(t *TLS, x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// Xacos returns arccos x.
func Xacos(t *TLS, x float64) float64 { return math.Acos(x) }

// Xldexp returns x·2ⁿ.
func Xldexp(t *TLS, x float64, n int32) float64 { return math.Ldexp(x, int(n)) }

// X__builtin_rint rounds to the nearest integer, ties to even (the
// default rounding mode).
func X__builtin_rint(t *TLS, x float64) float64 { return math.RoundToEven(x) }

// Int32FromFloat64 converts a C double to a C int32.
func Int32FromFloat64(n float64) int32 { return int32(n) }

// Int64FromFloat64 converts a C double to a C int64.
func Int64FromFloat64(n float64) int64 { return int64(n) }

// Int64FromInt32 converts a C int32 to a C int64.
func Int64FromInt32(n int32) int64 { return int64(n) }

// Int64FromUint32 converts a C uint32 to a C int64.
func Int64FromUint32(n uint32) int64 { return int64(n) }

// Uint32FromInt64 converts a C int64 to a C uint32.
func Uint32FromInt64(n int64) uint32 { return uint32(n) }

// Uint8FromInt64 converts a C int64 to a C uint8.
func Uint8FromInt64(n int64) uint8 { return uint8(n) }

// Uint64FromInt8 converts a C int8 to a C uint64.
func Uint64FromInt8(n int8) uint64 { return uint64(n) }

// BoolInt64 returns 1 for true and 0 for false.
func BoolInt64(b bool) int64 { return int64(BoolInt32(b)) }

// The functions below were first needed by faac 2.1.

// BoolUint32 is C's (unsigned)b.
func BoolUint32(b bool) uint32 { return uint32(BoolInt32(b)) }

// X__builtin_clz counts the leading zero bits of x (undefined in C for 0;
// 32 here).
func X__builtin_clz(t *TLS, x uint32) int32 { return int32(bits.LeadingZeros32(x)) }

// X__builtin_lrintf rounds x to the nearest integer, ties to even (the
// default rounding mode).
func X__builtin_lrintf(t *TLS, x float32) int64 { return int64(math.RoundToEven(float64(x))) }

// Xsqrtf is sqrtf: the float64 root rounded to float32 is the correctly
// rounded float32 root.
func Xsqrtf(t *TLS, x float32) float32 { return float32(math.Sqrt(float64(x))) }

// Xfloorf is floorf.
func Xfloorf(t *TLS, x float32) float32 { return float32(math.Floor(float64(x))) }

// Xexpf is expf, computed in float64 (the portable exp) and rounded.
func Xexpf(t *TLS, x float32) float32 { return float32(exp(float64(x))) }

// Xlogf is logf, computed in float64 (the portable log) and rounded.
func Xlogf(t *TLS, x float32) float32 { return float32(log(float64(x))) }

// Xsinf is sinf, computed in float64 and rounded.
func Xsinf(t *TLS, x float32) float32 { return float32(math.Sin(float64(x))) }

// Xasinf is asinf, computed in float64 and rounded.
func Xasinf(t *TLS, x float32) float32 { return float32(math.Asin(float64(x))) }

// Xfprintf discards the message, as Xvfprintf does.
func Xfprintf(t *TLS, f, format, ap uintptr) int32 { return 0 }
