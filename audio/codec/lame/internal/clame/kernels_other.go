//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64

package clame

// This file is written by hand, not generated: natively, the functions
// kernels_wasm.go writes in WebAssembly for js/wasm are the generated ones
// (../gen renames them NAME_c), called here.

import "offcut/audio/codec/internal/libc"

func quantize_lines_xrpow(tls *libc.TLS, l uint32, istep FLOAT, xp uintptr, pi uintptr) {
	quantize_lines_xrpow_c(tls, l, istep, xp, pi)
}

func ix_max(tls *libc.TLS, ix uintptr, end uintptr) int32 {
	return ix_max_c(tls, ix, end)
}

func count_bit_noESC_from2(tls *libc.TLS, ix uintptr, end uintptr, max int32, s uintptr) int32 {
	return count_bit_noESC_from2_c(tls, ix, end, max, s)
}

func count_bit_noESC_from3(tls *libc.TLS, ix uintptr, end uintptr, max int32, s uintptr) int32 {
	return count_bit_noESC_from3_c(tls, ix, end, max, s)
}

// Xnoquant_count_bits is takehiro.c's noquant_count_bits.
func Xnoquant_count_bits(tls *libc.TLS, gfc uintptr, gi uintptr, prev_noise uintptr) int32 {
	return Xnoquant_count_bits_c(tls, gfc, gi, prev_noise)
}
