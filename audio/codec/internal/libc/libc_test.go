package libc

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

func cstr(t *TLS, s string) uintptr {
	p := Xmalloc(t, uint64(len(s)+1))
	copy(bytesAt(p, uint64(len(s))), s)
	return p
}

// fp makes a C function pointer the way ccgo's __ccgo_fp does.
func fp(f any) uintptr { return (*[2]uintptr)(unsafe.Pointer(&f))[1] }

func TestStack(t *testing.T) {
	tls := NewTLS()
	a := tls.Alloc(100)
	*(*byte)(ptr(a + 99)) = 1
	big := tls.Alloc(chunkBytes + 5) // does not fit: a new chunk
	small := tls.Alloc(8)
	if a%16 != 0 || big%16 != 0 || small%16 != 0 {
		t.Errorf("unaligned: %x %x %x", a, big, small)
	}
	tls.Free(8)
	tls.Free(chunkBytes + 5)
	b := tls.Alloc(16)
	if b != a+112 {
		t.Errorf("after Free the stack continues at %x, want %x", b, a+112)
	}
	if *(*byte)(ptr(b)) != 0 {
		t.Error("Alloc does not zero")
	}
	tls.Free(16)
	tls.Free(100)
	if len(tls.frames) != 0 || tls.sp != 0 || tls.cur != 0 {
		t.Errorf("stack not unwound: %d frames, sp %d, chunk %d", len(tls.frames), tls.sp, tls.cur)
	}
}

func TestHeapAndStrings(t *testing.T) {
	tls := NewTLS()
	if Xcalloc(tls, 1<<40, 1<<40) != 0 || Xmalloc(tls, 1<<40) != 0 {
		t.Error("huge allocation not refused")
	}
	p := Xcalloc(tls, 10, 4)
	if p%8 != 0 || len(tls.heap) != 1 {
		t.Fatalf("calloc: %x, %d live", p, len(tls.heap))
	}
	Xmemset(tls, p, 'x', 40)
	Xmemmove(tls, p+1, p, 10) // overlapping
	s := cstr(tls, "  -123abc")
	var end uintptr
	if v := Xstrtol(tls, s, uintptr(unsafe.Pointer(&end)), 10); v != -123 || GoString(end) != "abc" {
		t.Errorf("strtol: %d, rest %q", v, GoString(end))
	}
	if Xatoi(tls, cstr(tls, "x")) != 0 || Xatoi(tls, cstr(tls, "2024")) != 2024 {
		t.Error("atoi")
	}
	buf := Xmalloc(tls, 100)
	va := Xmalloc(tls, 64)
	Xsprintf(tls, buf, cstr(tls, "LAME %s v%d %lu%%"), VaList(va, cstr(tls, "x"), int32(-3), uint64(7)))
	if got := GoString(buf); got != "LAME x v-3 7%" {
		t.Errorf("sprintf: %q", got)
	}
	if Xstrncmp(tls, cstr(tls, "abc"), cstr(tls, "abd"), 2) != 0 || Xstrncmp(tls, cstr(tls, "abc"), cstr(tls, "abd"), 3) >= 0 {
		t.Error("strncmp")
	}
	if GoString(Xstrchr(tls, cstr(tls, "a/b"), '/')) != "/b" || Xstrchr(tls, cstr(tls, "ab"), '/') != 0 {
		t.Error("strchr")
	}
	d := Xcalloc(tls, 8, 1)
	Xstrncpy(tls, d, cstr(tls, "ab"), 4)
	Xstrcat(tls, d, cstr(tls, "cd"))
	if GoString(d) != "abcd" {
		t.Errorf("strncpy+strcat: %q", GoString(d))
	}
	Xfree(tls, p)
	if _, ok := tls.heap[p]; ok {
		t.Error("free kept the block")
	}
}

func TestQsort(t *testing.T) {
	tls := NewTLS()
	const n = 300
	p := Xmalloc(tls, n*4)
	v := unsafe.Slice((*float32)(ptr(p)), n)
	for i := range v {
		v[i] = rand.Float32()
	}
	want := slices.Clone(v)
	slices.Sort(want)
	cmp := func(tls *TLS, a, b uintptr) int32 {
		x, y := *(*float32)(ptr(a)), *(*float32)(ptr(b))
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	Xqsort(tls, p, n, 4, fp(cmp))
	if !slices.Equal(v, want) {
		t.Error("qsort did not sort")
	}
}

func TestAbort(t *testing.T) {
	defer func() {
		a, ok := recover().(*Abort)
		if !ok || a.Msg != "assertion failed: f.c:3: fn: x > 0" {
			t.Errorf("recovered %v", a)
		}
	}()
	tls := NewTLS()
	X__assert_fail(tls, cstr(tls, "x > 0"), cstr(tls, "f.c"), 3, cstr(tls, "fn"))
}

// TestAlloca: alloca blocks come from the C stack, zeroed and aligned, and
// a function's AllocaExit frees exactly its own blocks, under the frame of
// its locals.
func TestAlloca(t *testing.T) {
	tls := NewTLS()
	locals := tls.Alloc(32) // the caller's locals, freed after AllocaExit
	tls.AllocaEntry()
	a := X__builtin_alloca(tls, 10)
	*(*byte)(ptr(a)) = 7
	tls.AllocaEntry() // a nested function
	b := X__builtin_alloca(tls, chunkBytes+1)
	c := X__builtin_alloca(tls, 3)
	if a%16 != 0 || b%16 != 0 || c%16 != 0 || *(*byte)(ptr(c)) != 0 {
		t.Errorf("alloca blocks %x %x %x", a, b, c)
	}
	tls.AllocaExit()
	if len(tls.frames) != 2 || *(*byte)(ptr(a)) != 7 {
		t.Errorf("nested exit left %d frames", len(tls.frames))
	}
	tls.AllocaExit()
	tls.Free(32)
	if len(tls.frames) != 0 || tls.sp != 0 || tls.cur != 0 || len(tls.allocaStack) != 0 {
		t.Errorf("not unwound: %d frames, sp %d, chunk %d", len(tls.frames), tls.sp, tls.cur)
	}
	if X__builtin_alloca(tls, 1<<40) != 0 {
		t.Error("huge alloca not refused")
	}
	_ = locals
}

// TestRealloc: realloc keeps the contents, grows and shrinks.
func TestRealloc(t *testing.T) {
	tls := NewTLS()
	p := Xrealloc(tls, 0, 4)
	copy(bytesAt(p, 4), "abcd")
	q := Xrealloc(tls, p, 1000)
	if string(bytesAt(q, 4)) != "abcd" || len(tls.heap) != 1 {
		t.Errorf("grown: %q, %d live", bytesAt(q, 4), len(tls.heap))
	}
	if r := Xrealloc(tls, q, 2); r != q {
		t.Error("shrinking moved the block")
	}
	if Xrealloc(tls, q, 0) != 0 || len(tls.heap) != 0 {
		t.Error("realloc to 0 did not free")
	}
	if Xmemcmp(tls, cstr(tls, "abc"), cstr(tls, "abd"), 3) >= 0 || Xmemchr(tls, cstr(tls, "abc"), 'c', 3) == 0 {
		t.Error("memcmp/memchr")
	}
	d := Xmalloc(tls, 8)
	if GoString(Xstrcpy(tls, d, cstr(tls, "xyz"))) != "xyz" {
		t.Error("strcpy")
	}
}

// TestPortableMath: exp, log and pow agree with package math within an
// ulp or so, and keep its special cases.
func TestPortableMath(t *testing.T) {
	for _, x := range []float64{-700, -1, -1e-9, 0, 1e-9, 0.5, 1, 2.5, 10, 88.7, 700} {
		if g, w := exp(x), math.Exp(x); math.Abs(g-w) > 2e-16*math.Abs(w) {
			t.Errorf("exp(%g) = %g, math %g", x, g, w)
		}
	}
	for _, x := range []float64{1e-300, 1e-9, 0.5, 1, 2, 10, 1e300} {
		if g, w := log(x), math.Log(x); math.Abs(g-w) > 2e-16*math.Abs(w)+1e-300 {
			t.Errorf("log(%g) = %g, math %g", x, g, w)
		}
	}
	if !math.IsInf(log(0), -1) || !math.IsNaN(log(-1)) || exp(1000) != math.Inf(1) || exp(-1000) != 0 {
		t.Error("special cases")
	}
	for _, c := range [][2]float64{{2, 10}, {10, -3}, {0.5, 0.25}, {3, 0.5}, {-2, 3}, {0, -1}, {-8, 1.0 / 3}} {
		g, w := pow(c[0], c[1]), math.Pow(c[0], c[1])
		if !(g == w || math.Abs(g-w) <= 4e-16*math.Abs(w) || math.IsNaN(g) && math.IsNaN(w)) {
			t.Errorf("pow(%g, %g) = %g, math %g", c[0], c[1], g, w)
		}
	}
}

// TestSnapshot: Restore gives back every block live at the snapshot, at
// its address, with its bytes of then (also one freed or reallocated
// since), frees those allocated since, and both refuse a live C stack.
func TestSnapshot(t *testing.T) {
	tls := NewTLS()
	a, b := cstr(tls, "alpha"), cstr(tls, "beta")
	s, err := tls.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	copy(bytesAt(a, 5), "ALPHA")
	Xfree(tls, b)
	c := cstr(tls, "gamma")
	if err := tls.Restore(s); err != nil {
		t.Fatal(err)
	}
	if string(bytesAt(a, 5)) != "alpha" || string(bytesAt(b, 4)) != "beta" {
		t.Errorf("restored: %q %q", bytesAt(a, 5), bytesAt(b, 4))
	}
	if _, ok := tls.heap[c]; ok || len(tls.heap) != 2 {
		t.Errorf("after restore %d blocks live, the one allocated since: %v", len(tls.heap), ok)
	}
	q := Xrealloc(tls, a, 4096)
	copy(bytesAt(q, 5), "moved")
	if err := tls.Restore(s); err != nil {
		t.Fatal(err)
	}
	if string(bytesAt(a, 5)) != "alpha" || len(tls.heap) != 2 {
		t.Errorf("after a realloc and restore: %q, %d blocks", bytesAt(a, 5), len(tls.heap))
	}
	tls.Alloc(16)
	if _, err := tls.Snapshot(); err == nil {
		t.Error("snapshot with a live C stack frame")
	}
	if err := tls.Restore(s); err == nil {
		t.Error("restore with a live C stack frame")
	}
}
