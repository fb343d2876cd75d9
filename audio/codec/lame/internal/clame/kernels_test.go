//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package clame

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"unsafe"

	"offcut/audio/codec/internal/libc"
)

// TestKernels gives each function of kernels_wasm.go (natively, of
// kernels_other.go) and the generated C function it stands for the same
// random inputs, lengths from the shortest to a granule's 576 lines, and
// wants the same outputs bit for bit. Under js/wasm (make test runs the
// engine's packages there too) it checks the hand-written WebAssembly.
func TestKernels(t *testing.T) {
	tls := libc.NewTLS()
	defer tls.Close()
	gfp := Xlame_init(tls)
	if gfp == 0 || Xlame_init_params(tls, gfp) != 0 { // fills pow43 and adj43asm
		t.Fatal("lame_init_params failed")
	}
	defer Xlame_close(tls, gfp)
	rng := rand.New(rand.NewPCG(1, 2))
	addr := func(p unsafe.Pointer) uintptr { return uintptr(p) }

	t.Run("quantize_lines_xrpow", func(t *testing.T) {
		xp := make([]float32, 576)
		got, want := make([]int32, 576), make([]int32, 576)
		for n := range 2000 {
			l := uint32(1 + rng.IntN(576))
			istep := float32(rng.Float64())
			if n%7 == 0 {
				istep = float32(rng.Float64() * 1e-3)
			}
			for i := range xp {
				xp[i] = float32(rng.Float64() * 8000)
				if rng.IntN(4) == 0 {
					xp[i] = float32(rng.Float64()) // near a rounding boundary of small values
				}
			}
			for i := range got {
				got[i], want[i] = -1, -1
			}
			quantize_lines_xrpow(tls, l, istep, addr(unsafe.Pointer(&xp[0])), addr(unsafe.Pointer(&got[0])))
			quantize_lines_xrpow_c(tls, l, istep, addr(unsafe.Pointer(&xp[0])), addr(unsafe.Pointer(&want[0])))
			if !slices.Equal(got, want) {
				t.Fatalf("l %d, istep %g: got %v, want %v", l, istep, got[:l], want[:l])
			}
		}
		runtime.KeepAlive(xp)
	})

	t.Run("ix_max", func(t *testing.T) {
		ix := make([]int32, 576)
		for range 2000 {
			for i := range ix {
				ix[i] = int32(rng.IntN(9000)) - 100
			}
			from, n := 2*rng.IntN(288), 2*(1+rng.IntN(288))
			n = min(n, 576-from)
			if n == 0 {
				continue
			}
			a, e := addr(unsafe.Pointer(&ix[from])), addr(unsafe.Pointer(&ix[0]))+uintptr(from+n)*4
			if got, want := ix_max(tls, a, e), ix_max_c(tls, a, e); got != want {
				t.Fatalf("ix[%d:%d]: got %d, want %d", from, from+n, got, want)
			}
		}
		runtime.KeepAlive(ix)
	})

	for _, c := range []struct {
		name   string
		maxes  []int32
		got    func(ix, end uintptr, max int32, s uintptr) int32
		wanted func(ix, end uintptr, max int32, s uintptr) int32
	}{
		{"count_bit_noESC_from2", []int32{2, 3},
			func(ix, end uintptr, max int32, s uintptr) int32 { return count_bit_noESC_from2(tls, ix, end, max, s) },
			func(ix, end uintptr, max int32, s uintptr) int32 {
				return count_bit_noESC_from2_c(tls, ix, end, max, s)
			}},
		{"count_bit_noESC_from3", []int32{4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
			func(ix, end uintptr, max int32, s uintptr) int32 { return count_bit_noESC_from3(tls, ix, end, max, s) },
			func(ix, end uintptr, max int32, s uintptr) int32 {
				return count_bit_noESC_from3_c(tls, ix, end, max, s)
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ix := make([]int32, 576)
			for range 3000 {
				max := c.maxes[rng.IntN(len(c.maxes))]
				for i := range ix {
					ix[i] = int32(rng.IntN(int(max) + 1))
				}
				from, n := 2*rng.IntN(288), 2*(1+rng.IntN(288))
				n = min(n, 576-from)
				if n == 0 {
					continue
				}
				a, e := addr(unsafe.Pointer(&ix[from])), addr(unsafe.Pointer(&ix[0]))+uintptr(from+n)*4
				s0 := uint32(rng.IntN(1000))
				s1, s2 := s0, s0
				t1 := c.got(a, e, max, addr(unsafe.Pointer(&s1)))
				t2 := c.wanted(a, e, max, addr(unsafe.Pointer(&s2)))
				if t1 != t2 || s1 != s2 {
					t.Fatalf("max %d, ix[%d:%d]: table %d and %d bits, want table %d and %d bits", max, from, from+n, t1, s1-s0, t2, s2-s0)
				}
			}
			runtime.KeepAlive(ix)
		})
	}

	t.Run("noquant_count_bits", func(t *testing.T) {
		gfc := (*lame_global_flags)(__ccgo_ptr(gfp)).Finternal_flags
		cfg := (*SessionConfig_t)(__ccgo_ptr(gfc + 24))
		best := cfg.Fuse_best_huffman
		defer func() { cfg.Fuse_best_huffman = best }()
		var in gr_info
		var noise calc_noise_data
		for n := range 3000 {
			// ix: big values up to k, then 0s and 1s up to c, then 0s,
			// at any (even, odd) boundaries, sometimes a value above 1 in
			// the 0s and 1s.
			in = gr_info{}
			k := rng.IntN(577)
			c := k + rng.IntN(577-k)
			big := []int32{1, 2, 15, 16, 40, 1000}[rng.IntN(6)]
			for j := range 576 {
				switch {
				case j < k:
					in.Fl3_enc[j] = int32(rng.IntN(int(big) + 1))
				case j < c:
					in.Fl3_enc[j] = int32(rng.IntN(2))
					if rng.IntN(200) == 0 {
						in.Fl3_enc[j] = 2
					}
				}
			}
			in.Fmax_nonzero_coeff = int32(rng.IntN(576))
			if rng.IntN(2) == 0 {
				in.Fmax_nonzero_coeff = int32(max(c-1, 0))
			}
			in.Fblock_type = int32(rng.IntN(4)) // NORM, START, SHORT, STOP
			cfg.Fuse_best_huffman = int32(rng.IntN(2))
			noise = calc_noise_data{Fsfb_count1: int32(rng.IntN(20))}
			prev := addr(unsafe.Pointer(&noise))
			if n%3 == 0 {
				prev = 0
			}
			got, gotNoise := in, noise
			want, wantNoise := in, noise
			gp, wp := prev, prev
			if prev != 0 {
				gp, wp = addr(unsafe.Pointer(&gotNoise)), addr(unsafe.Pointer(&wantNoise))
			}
			bits := Xnoquant_count_bits(tls, gfc, addr(unsafe.Pointer(&got)), gp)
			bitsC := Xnoquant_count_bits_c(tls, gfc, addr(unsafe.Pointer(&want)), wp)
			if bits != bitsC || got != want || gotNoise != wantNoise {
				t.Fatalf("k %d, c %d, block type %d: %d bits (count1 %d, big values %d, table %d), want %d bits (count1 %d, big values %d, table %d)",
					k, c, in.Fblock_type, bits, got.Fcount1, got.Fbig_values, got.Fcount1table_select, bitsC, want.Fcount1, want.Fbig_values, want.Fcount1table_select)
			}
		}
	})
}
