package clame

// This file is written by hand, not generated: the C functions that ../gen
// renames NAME_c (its wasmKernels), here in WebAssembly (kernels_wasm.s)
// for js/wasm. Around each loop, the Go code does what the C function does
// before and after it (takehiro.c in LAME 3.100). TestKernels checks every
// one against the generated function.

import (
	"unsafe"

	"offcut/audio/codec/internal/libc"
)

//go:noescape
func quantizeLinesXrpow(n uint32, istep float32, xp, pi, adj uintptr)

//go:noescape
func ixMax(ix, end uintptr) int32

//go:noescape
func sumPairs32(ix, end, table uintptr, xlen uint32) uint32

//go:noescape
func sumPairs3x8(ix, end, h1, h2, h3 uintptr, xlen uint32) (s1, s2, s3 uint32)

// quantize_lines_xrpow quantizes the l lines of xp to pi.
func quantize_lines_xrpow(tls *libc.TLS, l uint32, istep FLOAT, xp uintptr, pi uintptr) {
	if l == 0 {
		quantize_lines_xrpow_c(tls, l, istep, xp, pi) // fails C's assert
		return
	}
	quantizeLinesXrpow(l, istep, xp, pi, uintptr(unsafe.Pointer(&Xadj43asm)))
}

// ix_max is the largest value of ix up to end.
func ix_max(tls *libc.TLS, ix uintptr, end uintptr) int32 {
	return ixMax(ix, end)
}

// count_bit_noESC_from2 counts the bits of ix up to end in the better of
// Huffman tables max's first two, adds them to *s and returns the table.
func count_bit_noESC_from2(tls *libc.TLS, ix uintptr, end uintptr, max int32, s uintptr) int32 {
	t1 := huf_tbl_noESC[max-1]
	table := uintptr(unsafe.Pointer(&Xtable56))
	if t1 == 2 {
		table = uintptr(unsafe.Pointer(&Xtable23))
	}
	sum := sumPairs32(ix, end, table, Xht[t1].Fxlen)
	sum2 := sum & 0xffff
	sum >>= 16
	if sum > sum2 {
		sum = sum2
		t1++
	}
	*(*uint32)(__ccgo_ptr(s)) += sum
	return t1
}

// count_bit_noESC_from3 is count_bit_noESC_from2 for three tables.
func count_bit_noESC_from3(tls *libc.TLS, ix uintptr, end uintptr, max int32, s uintptr) int32 {
	t1 := huf_tbl_noESC[max-1]
	sum1, sum2, sum3 := sumPairs3x8(ix, end, Xht[t1].Fhlen, Xht[t1+1].Fhlen, Xht[t1+2].Fhlen, Xht[t1].Fxlen)
	t := t1
	if sum1 > sum2 {
		sum1 = sum2
		t++
	}
	if sum1 > sum3 {
		sum1 = sum3
		t = t1 + 2
	}
	*(*uint32)(__ccgo_ptr(s)) += sum1
	return t
}
