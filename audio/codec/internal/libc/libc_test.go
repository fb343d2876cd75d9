package libc

import (
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
