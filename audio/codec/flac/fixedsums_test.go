package flac

import (
	"math/rand/v2"
	"testing"
)

// fixedSumsRef is fixedSums written from the definition of the fixed
// predictors (libFLAC's orders 0..4), for the test.
func fixedSumsRef(x []int32) (s [5]uint64) {
	if len(x) < 5 {
		return
	}
	for i := 4; i < len(x); i++ {
		e0 := int64(x[i])
		e1 := e0 - int64(x[i-1])
		e2 := e1 - (int64(x[i-1]) - int64(x[i-2]))
		e3 := e2 - (int64(x[i-1]) - 2*int64(x[i-2]) + int64(x[i-3]))
		e4 := e3 - (int64(x[i-1]) - 3*int64(x[i-2]) + 3*int64(x[i-3]) - int64(x[i-4]))
		s[0] += uint64(max(e0, -e0))
		s[1] += uint64(max(e1, -e1))
		s[2] += uint64(max(e2, -e2))
		s[3] += uint64(max(e3, -e3))
		s[4] += uint64(max(e4, -e4))
	}
	return
}

// TestFixedSumsMatchTheDefinition checks the running-difference fixedSums
// against the predictors' definition on random 24-bit and full 32-bit
// blocks of every length up to 300.
func TestFixedSumsMatchTheDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 300; n++ {
		x := make([]int32, n)
		for i := range x {
			x[i] = int32(r.Int64N(1<<24) - 1<<23)
			if n%3 == 0 {
				x[i] = int32(r.Uint32())
			}
		}
		if a, b := fixedSums(x), fixedSumsRef(x); a != b {
			t.Fatalf("n=%d: %v vs %v", n, a, b)
		}
	}
}
