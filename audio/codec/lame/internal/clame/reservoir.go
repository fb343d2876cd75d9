//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package clame

// This file is written by hand, not generated: two fields of LAME's
// encoder state that package lame reads and sets between calls, so that a
// segment of a segmented encode starts on an empty bit reservoir.

// FrameNumber is how many frames the encoder gfp (from Xlame_init, after
// Xlame_init_params) has encoded.
func FrameNumber(gfp uintptr) int {
	gfc := (*lame_global_flags)(__ccgo_ptr(gfp)).Finternal_flags
	return int((*lame_internal_flags)(__ccgo_ptr(gfc)).Fov_enc.Fframe_number)
}

// SetReservoir lets the frames gfp encodes next use the bit reservoir (as
// it does by default) or not. A frame encoded without it drains the
// reservoir into its own ancillary bits, so the frame after it starts its
// main data at its side information (main_data_begin 0) and needs no byte
// of the frames before it.
func SetReservoir(gfp uintptr, on bool) {
	gfc := (*lame_global_flags)(__ccgo_ptr(gfp)).Finternal_flags
	v := int32(1)
	if on {
		v = 0
	}
	(*lame_internal_flags)(__ccgo_ptr(gfc)).Fcfg.Fdisable_reservoir = v
}
