// LAME's innermost loops in WebAssembly, written by hand (see
// kernels_wasm.go): each gives, bit for bit, what the C function it
// replaces gives. R0-R15 are i64 locals, F0-F15 f32 and F16-F31 f64; a
// Loop's BrIf $0 branches back to its start, so no branch goes through
// the dispatch table Go's compiler puts in every function.

#include "textflag.h"


// func quantizeLinesXrpow(n uint32, istep float32, xp, pi, adj uintptr)
//
// For each of the first n&^1 lines: x = float64(istep*xp[i]) + 2^23, then
// pi[i] = bits(float32(x + adj[bits(float32(x)) - 0x4b000000])) - 0x4b000000,
// the float-to-int trick of takehiro.c's TAKEHIRO_IEEE754_HACK.
TEXT ·quantizeLinesXrpow(SB), NOSPLIT, $0-32
	I64Load32U n+0(FP)
	I64Const $-2
	I64And
	Set R0
	F32Load istep+4(FP)
	Set F0
	I64Load xp+8(FP)
	Set R1
	I64Load pi+16(FP)
	Set R2
	I64Load adj+24(FP)
	Set R3
	Block
		Get R0
		I64Eqz
		BrIf $0
		Loop
			Get R1
			I32WrapI64
			F32Load $0
			Get F0
			F32Mul
			F64PromoteF32
			F64Const $8388608.0
			F64Add
			Set F16

			Get R2
			I32WrapI64
			Get F16
			Get R3
			Get F16
			F32DemoteF64
			I32ReinterpretF32
			I32Const $1258291200
			I32Sub
			I64ExtendI32S
			I64Const $2
			I64Shl
			I64Add
			I32WrapI64
			F32Load $0
			F64PromoteF32
			F64Add
			F32DemoteF64
			I32ReinterpretF32
			I32Const $1258291200
			I32Sub
			I32Store $0

			Get R1
			I64Const $4
			I64Add
			Set R1
			Get R2
			I64Const $4
			I64Add
			Set R2
			Get R0
			I64Const $1
			I64Sub
			Tee R0
			I64Eqz
			I32Eqz
			BrIf $0
		End
	End
	RET

// func ixMax(ix, end uintptr) int32
//
// The largest of 0 and the int32s from ix, two at a time until ix reaches
// end (at least two), with two running maxima as the C code has.
TEXT ·ixMax(SB), NOSPLIT, $0-20
	I64Load ix+0(FP)
	Set R0
	I64Load end+8(FP)
	Set R1
	I64Const $0
	Set R2
	I64Const $0
	Set R4
	Loop
		Get R0
		I32WrapI64
		I64Load32S $0
		Set R3
		Get R3
		Get R2
		Get R3
		Get R2
		I64GtS
		Select
		Set R2
		Get R0
		I32WrapI64
		I64Load32S $4
		Set R5
		Get R5
		Get R4
		Get R5
		Get R4
		I64GtS
		Select
		Set R4
		Get R0
		I64Const $8
		I64Add
		Tee R0
		Get R1
		I64LtU
		BrIf $0
	End
	Get SP
	Get R2
	Get R4
	Get R2
	Get R4
	I64GtS
	Select
	I32WrapI64
	I32Store ret+16(FP)
	RET

// func sumPairs32(ix, end, table uintptr, xlen uint32) uint32
//
// The sum of the uint32 table[ix[0]*xlen + ix[1]] over the pairs from ix,
// two at a time until ix reaches end (at least one pair).
TEXT ·sumPairs32(SB), NOSPLIT, $0-36
	I64Load ix+0(FP)
	Set R0
	I64Load end+8(FP)
	Set R1
	I64Load table+16(FP)
	Set R2
	I64Load32U xlen+24(FP)
	Set R3
	I64Const $0
	Set R4
	Loop
		Get R4
		Get R2
		Get R0
		I32WrapI64
		I64Load32U $0
		Get R3
		I64Mul
		Get R0
		I32WrapI64
		I64Load32U $4
		I64Add
		I64Const $2
		I64Shl
		I64Add
		I32WrapI64
		I64Load32U $0
		I64Add
		Set R4
		Get R0
		I64Const $8
		I64Add
		Tee R0
		Get R1
		I64LtU
		BrIf $0
	End
	Get SP
	Get R4
	I32WrapI64
	I32Store ret+32(FP)
	RET

// func sumPairs3x8(ix, end, h1, h2, h3 uintptr, xlen uint32) (s1, s2, s3 uint32)
//
// As sumPairs32, with three tables of bytes summed at once.
TEXT ·sumPairs3x8(SB), NOSPLIT, $0-60
	I64Load ix+0(FP)
	Set R0
	I64Load end+8(FP)
	Set R1
	I64Load h1+16(FP)
	Set R2
	I64Load h2+24(FP)
	Set R3
	I64Load h3+32(FP)
	Set R4
	I64Load32U xlen+40(FP)
	Set R5
	I64Const $0
	Set R6
	I64Const $0
	Set R7
	I64Const $0
	Set R8
	Loop
		Get R0
		I32WrapI64
		I64Load32U $0
		Get R5
		I64Mul
		Get R0
		I32WrapI64
		I64Load32U $4
		I64Add
		Set R9
		Get R6
		Get R2
		Get R9
		I64Add
		I32WrapI64
		I64Load8U $0
		I64Add
		Set R6
		Get R7
		Get R3
		Get R9
		I64Add
		I32WrapI64
		I64Load8U $0
		I64Add
		Set R7
		Get R8
		Get R4
		Get R9
		I64Add
		I32WrapI64
		I64Load8U $0
		I64Add
		Set R8
		Get R0
		I64Const $8
		I64Add
		Tee R0
		Get R1
		I64LtU
		BrIf $0
	End
	Get SP
	Get R6
	I32WrapI64
	I32Store s1+48(FP)
	Get SP
	Get R7
	I32WrapI64
	I32Store s2+52(FP)
	Get SP
	Get R8
	I32WrapI64
	I32Store s3+56(FP)
	RET

// func count1Bits(ix uintptr, i int32, t32l, t33l uintptr) (count1, big, a1, a2 int32)
//
// noquant_count_bits's two loops over ix from i down: count1 is where the
// trailing pairs of zeros begin; from there, quadruples of 0s and 1s are
// summed in the count1 tables t32l and t33l (bytes) into a1 and a2 until
// one holds a larger value or none is left: big is where. R2 points at
// the pair (then the quadruple) below the lines looked at so far.
TEXT ·count1Bits(SB), NOSPLIT, $0-48
	I64Load ix+0(FP)
	Set R0
	I64Load t32l+16(FP)
	Set R5
	I64Load t33l+24(FP)
	Set R6
	Get R0
	I64Load32S i+8(FP)
	I64Const $2
	I64Shl
	I64Add
	I64Const $8
	I64Sub
	Set R2
	Block
		Loop
			Get R2
			Get R0
			I64LtS
			BrIf $1
			Get R2
			I32WrapI64
			I32Load $0
			Get R2
			I32WrapI64
			I32Load $4
			I32Or
			BrIf $1
			Get R2
			I64Const $8
			I64Sub
			Set R2
			Br $0
		End
	End
	Get SP
	Get R2
	I64Const $8
	I64Add
	Get R0
	I64Sub
	I64Const $2
	I64ShrS
	I32WrapI64
	I32Store count1+32(FP)
	Get R2
	I64Const $8
	I64Sub
	Set R2
	I64Const $0
	Set R3
	I64Const $0
	Set R4
	Block
		Loop
			Get R2
			Get R0
			I64LtS
			BrIf $1
			Get R2
			I32WrapI64
			I64Load32U $0
			Set R7
			Get R2
			I32WrapI64
			I64Load32U $4
			Set R8
			Get R2
			I32WrapI64
			I64Load32U $8
			Set R9
			Get R2
			I32WrapI64
			I64Load32U $12
			Set R10
			Get R7
			Get R8
			I64Or
			Get R9
			I64Or
			Get R10
			I64Or
			I64Const $1
			I64GtU
			BrIf $1
			Get R7
			I64Const $3
			I64Shl
			Get R8
			I64Const $2
			I64Shl
			I64Or
			Get R9
			I64Const $1
			I64Shl
			I64Or
			Get R10
			I64Or
			Set R7
			Get R3
			Get R5
			Get R7
			I64Add
			I32WrapI64
			I64Load8U $0
			I64Add
			Set R3
			Get R4
			Get R6
			Get R7
			I64Add
			I32WrapI64
			I64Load8U $0
			I64Add
			Set R4
			Get R2
			I64Const $16
			I64Sub
			Set R2
			Br $0
		End
	End
	Get SP
	Get R2
	I64Const $16
	I64Add
	Get R0
	I64Sub
	I64Const $2
	I64ShrS
	I32WrapI64
	I32Store big+36(FP)
	Get SP
	Get R3
	I32WrapI64
	I32Store a1+40(FP)
	Get SP
	Get R4
	I32WrapI64
	I32Store a2+44(FP)
	RET
