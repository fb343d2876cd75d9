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
func count1Bits(ix uintptr, i int32, t32l, t33l uintptr) (count1, big, a1, a2 int32)

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

// Xnoquant_count_bits is takehiro.c's noquant_count_bits as ../gen
// generates it (Xnoquant_count_bits_c), with its two loops over the
// count1 region in count1Bits.
func Xnoquant_count_bits(tls *libc.TLS, gfc uintptr, gi uintptr, prev_noise uintptr) (r int32) {
	bp := tls.Alloc(16)
	defer tls.Free(16)
	var a1, a2, i, sfb, v1 int32
	var cfg, ix uintptr
	var v5 bool
	var _ /* bits at bp+0 */ int32
	_, _, _, _, _, _, _, _ = a1, a2, cfg, i, ix, sfb, v1, v5
	cfg = gfc + 24
	*(*int32)(__ccgo_ptr(bp)) = 0
	ix = gi + 2304
	if int32(576) < ((*gr_info)(__ccgo_ptr(gi)).Fmax_nonzero_coeff+int32(2))>>int32(1)<<int32(1) {
		v1 = int32(576)
	} else {
		v1 = ((*gr_info)(__ccgo_ptr(gi)).Fmax_nonzero_coeff + int32(2)) >> int32(1) << int32(1)
	}
	i = v1
	if prev_noise != 0 {
		(*calc_noise_data)(__ccgo_ptr(prev_noise)).Fsfb_count1 = 0
	}
	// The two loops, in count1Bits.
	(*gr_info)(__ccgo_ptr(gi)).Fcount1, i, a1, a2 = count1Bits(ix, i, uintptr(unsafe.Pointer(&Xt32l)), uintptr(unsafe.Pointer(&Xt33l)))
	*(*int32)(__ccgo_ptr(bp)) = a1
	(*gr_info)(__ccgo_ptr(gi)).Fcount1table_select = 0
	if a1 > a2 {
		*(*int32)(__ccgo_ptr(bp)) = a2
		(*gr_info)(__ccgo_ptr(gi)).Fcount1table_select = int32(1)
	}
	(*gr_info)(__ccgo_ptr(gi)).Fcount1bits = *(*int32)(__ccgo_ptr(bp))
	(*gr_info)(__ccgo_ptr(gi)).Fbig_values = i
	if i == 0 {
		return *(*int32)(__ccgo_ptr(bp))
	}
	if (*gr_info)(__ccgo_ptr(gi)).Fblock_type == int32(SHORT_TYPE) {
		a1 = int32(3) * *(*int32)(__ccgo_ptr(gfc + 21424 + 92 + 3*4))
		if a1 > (*gr_info)(__ccgo_ptr(gi)).Fbig_values {
			a1 = (*gr_info)(__ccgo_ptr(gi)).Fbig_values
		}
		a2 = (*gr_info)(__ccgo_ptr(gi)).Fbig_values
	} else {
		if (*gr_info)(__ccgo_ptr(gi)).Fblock_type == NORM_TYPE {
			if v5 = i <= int32(576); !v5 {
				libc.X__assert_fail(tls, __ccgo_ts+8855, __ccgo_ts+8785, int32(711), uintptr(unsafe.Pointer(&__func__72)))
			}
			_ = v5 || libc.Bool(libc.Int32FromInt32(0) != 0) /* bv_scf has 576 entries (0..575) */
			v1 = int32(*(*int8)(__ccgo_ptr(gfc + 87416 + 332 + uintptr(i-int32(2)))))
			(*gr_info)(__ccgo_ptr(gi)).Fregion0_count = v1
			a1 = v1
			v1 = int32(*(*int8)(__ccgo_ptr(gfc + 87416 + 332 + uintptr(i-int32(1)))))
			(*gr_info)(__ccgo_ptr(gi)).Fregion1_count = v1
			a2 = v1
			if v5 = a1+a2+int32(2) < int32(SBPSY_l); !v5 {
				libc.X__assert_fail(tls, __ccgo_ts+8864, __ccgo_ts+8785, int32(715), uintptr(unsafe.Pointer(&__func__72)))
			}
			_ = v5 || libc.Bool(libc.Int32FromInt32(0) != 0)
			a2 = *(*int32)(__ccgo_ptr(gfc + 21424 + uintptr(a1+a2+int32(2))*4))
			a1 = *(*int32)(__ccgo_ptr(gfc + 21424 + uintptr(a1+int32(1))*4))
			if a2 < i {
				*(*int32)(__ccgo_ptr(gi + 4796 + 2*4)) = (*(*func(*libc.TLS, uintptr, uintptr, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{(*lame_internal_flags)(__ccgo_ptr(gfc)).Fchoose_table})))(tls, ix+uintptr(a2)*4, ix+uintptr(i)*4, bp)
			}
		} else {
			(*gr_info)(__ccgo_ptr(gi)).Fregion0_count = int32(7)
			/*gi->region1_count = SBPSY_l - 7 - 1; */
			(*gr_info)(__ccgo_ptr(gi)).Fregion1_count = libc.Int32FromInt32(SBMAX_l) - libc.Int32FromInt32(1) - libc.Int32FromInt32(7) - libc.Int32FromInt32(1)
			a1 = *(*int32)(__ccgo_ptr(gfc + 21424 + uintptr(libc.Int32FromInt32(7)+libc.Int32FromInt32(1))*4))
			a2 = i
			if a1 > a2 {
				a1 = a2
			}
		}
	}
	/* have to allow for the case when bigvalues < region0 < region1 */
	/* (and region0, region1 are ignored) */
	if a1 < i {
		v1 = a1
	} else {
		v1 = i
	}
	a1 = v1
	if a2 < i {
		v1 = a2
	} else {
		v1 = i
	}
	a2 = v1
	if v5 = a1 >= 0; !v5 {
		libc.X__assert_fail(tls, __ccgo_ts+8886, __ccgo_ts+8785, int32(739), uintptr(unsafe.Pointer(&__func__72)))
	}
	_ = v5 || libc.Bool(libc.Int32FromInt32(0) != 0)
	if v5 = a2 >= 0; !v5 {
		libc.X__assert_fail(tls, __ccgo_ts+8894, __ccgo_ts+8785, int32(740), uintptr(unsafe.Pointer(&__func__72)))
	}
	_ = v5 || libc.Bool(libc.Int32FromInt32(0) != 0)
	/* Count the number of bits necessary to code the bigvalues region. */
	if 0 < a1 {
		*(*int32)(__ccgo_ptr(gi + 4796)) = (*(*func(*libc.TLS, uintptr, uintptr, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{(*lame_internal_flags)(__ccgo_ptr(gfc)).Fchoose_table})))(tls, ix, ix+uintptr(a1)*4, bp)
	}
	if a1 < a2 {
		*(*int32)(__ccgo_ptr(gi + 4796 + 1*4)) = (*(*func(*libc.TLS, uintptr, uintptr, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{(*lame_internal_flags)(__ccgo_ptr(gfc)).Fchoose_table})))(tls, ix+uintptr(a1)*4, ix+uintptr(a2)*4, bp)
	}
	if (*SessionConfig_t)(__ccgo_ptr(cfg)).Fuse_best_huffman == int32(2) {
		(*gr_info)(__ccgo_ptr(gi)).Fpart2_3_length = *(*int32)(__ccgo_ptr(bp))
		Xbest_huffman_divide(tls, gfc, gi)
		*(*int32)(__ccgo_ptr(bp)) = (*gr_info)(__ccgo_ptr(gi)).Fpart2_3_length
	}
	if prev_noise != 0 {
		if (*gr_info)(__ccgo_ptr(gi)).Fblock_type == NORM_TYPE {
			sfb = 0
			for *(*int32)(__ccgo_ptr(gfc + 21424 + uintptr(sfb)*4)) < (*gr_info)(__ccgo_ptr(gi)).Fbig_values {
				sfb = sfb + 1
			}
			(*calc_noise_data)(__ccgo_ptr(prev_noise)).Fsfb_count1 = sfb
		}
	}
	return *(*int32)(__ccgo_ptr(bp))
}
