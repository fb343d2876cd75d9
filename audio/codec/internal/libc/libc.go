// Package libc is the small part of a C library that the transpiled
// encoders (LAME's libmp3lame in package lame/internal/clame, libvorbis and
// libogg in package vorbis/internal/cvorbis) call, written in plain Go over the standard
// library so that it builds for js/wasm as well as natively.
//
// It stands in for modernc.org/libc, whose names and signatures it keeps
// (the generator rewrites the import path and nothing else), but it is not
// a general C library: it has exactly the functions those libraries use.
// Memory handed to C (malloc, calloc, realloc, the C stack and alloca) is Go memory kept alive by
// the TLS that allocated it, so an encoder's memory goes with its TLS.
// Stream I/O (fseek, fread, fwrite) and diagnostics (vfprintf) do nothing:
// the encoder is used only through its buffer API, and its messages are
// silenced. exit and failed assertions panic with an *Abort, which the
// caller turns into an error.
package libc

import (
	"fmt"
	"math"
	"sort"
	"unsafe"
)

// Abort is the panic value of exit() and of a failed assert() in C code.
type Abort struct {
	Msg string
}

func (a *Abort) Error() string { return a.Msg }

// TLS is the per-thread (here: per-encoder) state the transpiled code passes
// to every function: its C stack and its heap allocations.
type TLS struct {
	chunks [][]uint64 // stack chunks; chunks[cur] is in use
	cur    int
	sp     int    // bytes used in chunks[cur]
	frames []mark // one per live Alloc, popped by Free
	heap   map[uintptr][]uint64

	allocaStack []int // len(frames) at each AllocaEntry
}

type mark struct{ cur, sp int }

const chunkBytes = 256 << 10

// NewTLS returns an empty TLS.
func NewTLS() *TLS {
	return &TLS{chunks: [][]uint64{make([]uint64, chunkBytes/8)}, heap: map[uintptr][]uint64{}}
}

// Close drops every allocation of t; t must not be used afterwards.
func (t *TLS) Close() {
	t.chunks, t.heap, t.frames, t.allocaStack = nil, nil, nil, nil
}

// Snapshot is the C heap of a TLS at one moment: the blocks live then
// and a copy of their bytes. TLS.Restore puts it back, so an encoder set
// up once can start again from that state without setting up again.
type Snapshot struct {
	live  map[uintptr][]uint64 // the blocks themselves, kept alive
	bytes map[uintptr][]uint64 // their contents at the snapshot
}

// Snapshot copies t's C heap. The C stack must be empty (no C function
// running): its contents are not kept.
func (t *TLS) Snapshot() (*Snapshot, error) {
	if len(t.frames) != 0 || len(t.allocaStack) != 0 {
		return nil, fmt.Errorf("libc: snapshot with %d C stack frames live", len(t.frames))
	}
	s := &Snapshot{live: make(map[uintptr][]uint64, len(t.heap)), bytes: make(map[uintptr][]uint64, len(t.heap))}
	for p, b := range t.heap {
		s.live[p] = b
		s.bytes[p] = append([]uint64(nil), b...)
	}
	return s, nil
}

// Restore makes t's C heap what it was at s (a snapshot of t): every
// block live then holds its bytes of then, at its address of then, and
// the blocks allocated since are freed. The C stack must be empty.
func (t *TLS) Restore(s *Snapshot) error {
	if len(t.frames) != 0 || len(t.allocaStack) != 0 {
		return fmt.Errorf("libc: restore with %d C stack frames live", len(t.frames))
	}
	for p := range t.heap {
		if _, ok := s.live[p]; !ok {
			delete(t.heap, p)
		}
	}
	for p, b := range s.live {
		copy(b, s.bytes[p])
		t.heap[p] = b
	}
	return nil
}

// Alloc reserves n zeroed bytes of C stack, 16-byte aligned.
func (t *TLS) Alloc(n int) uintptr {
	n = (n + 15) &^ 15
	t.frames = append(t.frames, mark{t.cur, t.sp})
	if t.sp+n > len(t.chunks[t.cur])*8 {
		t.cur++
		t.sp = 0
		if t.cur == len(t.chunks) || len(t.chunks[t.cur])*8 < n {
			c := make([]uint64, max(chunkBytes, n)/8)
			if t.cur == len(t.chunks) {
				t.chunks = append(t.chunks, c)
			} else {
				t.chunks[t.cur] = c
			}
		}
	}
	c := t.chunks[t.cur]
	p := uintptr(unsafe.Pointer(&c[0])) + uintptr(t.sp)
	clear(c[t.sp/8 : (t.sp+n)/8])
	t.sp += n
	return p
}

// Free releases the most recent Alloc.
func (t *TLS) Free(int) {
	m := t.frames[len(t.frames)-1]
	t.frames = t.frames[:len(t.frames)-1]
	t.cur, t.sp = m.cur, m.sp
}

// Xmalloc allocates n bytes (zeroed, 8-byte aligned). Not inlined, as
// Xmemcpy: inlined with constant sizes it crashes the Go 1.26 compiler.
//
//go:noinline
func Xmalloc(t *TLS, n uint64) uintptr {
	if n == 0 {
		n = 1
	}
	if n > 1<<31 {
		return 0
	}
	b := make([]uint64, (n+7)/8)
	p := uintptr(unsafe.Pointer(&b[0]))
	t.heap[p] = b
	return p
}

// Xcalloc allocates n*size zeroed bytes.
func Xcalloc(t *TLS, n, size uint64) uintptr {
	if size != 0 && n > (1<<31)/size {
		return 0
	}
	return Xmalloc(t, n*size)
}

// Xfree releases memory from Xmalloc or Xcalloc.
func Xfree(t *TLS, p uintptr) {
	delete(t.heap, p)
}

func bytesAt(p uintptr, n uint64) []byte {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(ptr(p)), n)
}

// Xmemset fills n bytes at s with c.
func Xmemset(t *TLS, s uintptr, c int32, n uint64) uintptr {
	b := bytesAt(s, n)
	if c == 0 {
		clear(b)
		return s
	}
	for i := range b {
		b[i] = byte(c)
	}
	return s
}

// Xmemcpy copies n bytes from src to dst. It is not inlined: inlined into
// some transpiled functions it crashes the Go 1.26 compiler ("disjointTypes:
// one of arguments is not a pointer").
//
//go:noinline
func Xmemcpy(t *TLS, dst, src uintptr, n uint64) uintptr {
	copy(bytesAt(dst, n), bytesAt(src, n))
	return dst
}

// Xmemmove copies n bytes from src to dst; the ranges may overlap. Not
// inlined, as Xmemcpy.
//
//go:noinline
func Xmemmove(t *TLS, dst, src uintptr, n uint64) uintptr {
	copy(bytesAt(dst, n), bytesAt(src, n))
	return dst
}

// Xstrlen returns the length of the C string s.
func Xstrlen(t *TLS, s uintptr) uint64 {
	var n uint64
	for *(*byte)(ptr(s + uintptr(n))) != 0 {
		n++
	}
	return n
}

// GoString returns the C string s as a Go string.
func GoString(s uintptr) string {
	if s == 0 {
		return ""
	}
	return string(bytesAt(s, Xstrlen(nil, s)))
}

// Xstrncmp compares at most n bytes of two C strings.
func Xstrncmp(t *TLS, a, b uintptr, n uint64) int32 {
	for i := uintptr(0); i < uintptr(n); i++ {
		x, y := *(*byte)(ptr(a + i)), *(*byte)(ptr(b + i))
		if x != y {
			return int32(x) - int32(y)
		}
		if x == 0 {
			break
		}
	}
	return 0
}

// Xstrchr returns the first c in s, or 0.
func Xstrchr(t *TLS, s uintptr, c int32) uintptr {
	for ; ; s++ {
		b := *(*byte)(ptr(s))
		if b == byte(c) {
			return s
		}
		if b == 0 {
			return 0
		}
	}
}

// Xstrncpy copies at most n bytes of src to dst, padding with NULs.
func Xstrncpy(t *TLS, dst, src uintptr, n uint64) uintptr {
	d := bytesAt(dst, n)
	i := 0
	for ; i < len(d); i++ {
		b := *(*byte)(ptr(src + uintptr(i)))
		if b == 0 {
			break
		}
		d[i] = b
	}
	clear(d[i:])
	return dst
}

// Xstrcat appends src to dst.
func Xstrcat(t *TLS, dst, src uintptr) uintptr {
	n := Xstrlen(t, src)
	Xmemcpy(t, dst+uintptr(Xstrlen(t, dst)), src, n+1)
	return dst
}

// Xtoupper maps ASCII lower case to upper case.
func Xtoupper(t *TLS, c int32) int32 {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// Xtolower maps ASCII upper case to lower case.
func Xtolower(t *TLS, c int32) int32 {
	if c >= 'A' && c <= 'Z' {
		return c - 'A' + 'a'
	}
	return c
}

// Xstrtol parses a decimal integer (base 10 only, as LAME uses it).
func Xstrtol(t *TLS, s, end uintptr, base int32) int64 {
	p := s
	for *(*byte)(ptr(p)) == ' ' || *(*byte)(ptr(p)) == '\t' {
		p++
	}
	neg := false
	if c := *(*byte)(ptr(p)); c == '-' || c == '+' {
		neg = c == '-'
		p++
	}
	var v int64
	start := p
	for c := *(*byte)(ptr(p)); c >= '0' && c <= '9'; c = *(*byte)(ptr(p)) {
		if v < math.MaxInt64/10 {
			v = v*10 + int64(c-'0')
		}
		p++
	}
	if p == start {
		p = s
	}
	if end != 0 {
		*(*uintptr)(ptr(end)) = p
	}
	if neg {
		v = -v
	}
	return v
}

// Xatoi parses a decimal integer.
func Xatoi(t *TLS, s uintptr) int32 { return int32(Xstrtol(t, s, 0, 10)) }

// Xabs returns |x|.
func Xabs(t *TLS, x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}

// Xqsort sorts n elements of size bytes at base with the C comparison
// function cmp (a function pointer as ccgo represents it).
func Xqsort(t *TLS, base uintptr, n, size uint64, cmp uintptr) {
	f := *(*func(*TLS, uintptr, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{cmp}))
	s := &sorter{t: t, base: base, size: uintptr(size), n: int(n), cmp: f, tmp: make([]byte, size)}
	sort.Sort(s)
}

type sorter struct {
	t    *TLS
	base uintptr
	size uintptr
	n    int
	cmp  func(*TLS, uintptr, uintptr) int32
	tmp  []byte
}

func (s *sorter) Len() int { return s.n }
func (s *sorter) at(i int) uintptr {
	return s.base + uintptr(i)*s.size
}
func (s *sorter) Less(i, j int) bool { return s.cmp(s.t, s.at(i), s.at(j)) < 0 }
func (s *sorter) Swap(i, j int) {
	a, b := bytesAt(s.at(i), uint64(s.size)), bytesAt(s.at(j), uint64(s.size))
	copy(s.tmp, a)
	copy(a, b)
	copy(b, s.tmp)
}

// Xexit ends the C program: here it panics with an *Abort.
func Xexit(t *TLS, code int32) {
	panic(&Abort{Msg: fmt.Sprintf("exit(%d)", code)})
}

// X__assert_fail reports a failed assert(): it panics with an *Abort.
func X__assert_fail(t *TLS, expr, file uintptr, line int32, fn uintptr) {
	panic(&Abort{Msg: fmt.Sprintf("assertion failed: %s:%d: %s: %s", GoString(file), line, GoString(fn), GoString(expr))})
}

// Xstderr is a placeholder FILE*: diagnostics are discarded.
var Xstderr uintptr

// Xvfprintf discards the message.
func Xvfprintf(t *TLS, f, format, ap uintptr) int32 { return 0 }

// Xfflush does nothing.
func Xfflush(t *TLS, f uintptr) int32 { return 0 }

// Xfseek fails: there are no files.
func Xfseek(t *TLS, f uintptr, off int64, whence int32) int32 { return -1 }

// Xftell fails: there are no files.
func Xftell(t *TLS, f uintptr) int64 { return -1 }

// Xfread reads nothing: there are no files.
func Xfread(t *TLS, p uintptr, size, n uint64, f uintptr) uint64 { return 0 }

// Xfwrite writes nothing: there are no files.
func Xfwrite(t *TLS, p uintptr, size, n uint64, f uintptr) uint64 { return 0 }

// Xsprintf formats into buf. It knows the conversions LAME uses: %s, %d,
// %i, %u, %lu and %%.
func Xsprintf(t *TLS, buf, format, ap uintptr) int32 {
	var out []byte
	f := GoString(format)
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' || i+1 == len(f) {
			out = append(out, c)
			continue
		}
		i++
		for f[i] == 'l' && i+1 < len(f) {
			i++
		}
		switch f[i] {
		case 's':
			out = append(out, GoString(VaUintptr(&ap))...)
		case 'd', 'i':
			out = fmt.Append(out, VaInt64(&ap))
		case 'u':
			out = fmt.Append(out, uint64(VaInt64(&ap)))
		default:
			out = append(out, f[i])
		}
	}
	out = append(out, 0)
	copy(bytesAt(buf, uint64(len(out))), out)
	return int32(len(out) - 1)
}

// VaList stores variadic arguments at p (8 bytes each) and returns p.
func VaList(p uintptr, args ...any) uintptr {
	q := p
	for _, v := range args {
		switch x := v.(type) {
		case int32:
			*(*int64)(ptr(q)) = int64(x)
		case uint32:
			*(*int64)(ptr(q)) = int64(x)
		case int64:
			*(*int64)(ptr(q)) = x
		case uint64:
			*(*uint64)(ptr(q)) = x
		case float64:
			*(*float64)(ptr(q)) = x
		case uintptr:
			*(*uintptr)(ptr(q)) = x
		default:
			panic(fmt.Sprintf("libc.VaList: unsupported %T", v))
		}
		q += 8
	}
	return p
}

// VaInt64 reads the next integer argument.
func VaInt64(ap *uintptr) int64 {
	v := *(*int64)(ptr(*ap))
	*ap += 8
	return v
}

// VaUintptr reads the next pointer argument.
func VaUintptr(ap *uintptr) uintptr {
	v := *(*uintptr)(ptr(*ap))
	*ap += 8
	return v
}

// SetBitFieldPtr32Uint32 stores v into the bit field (off, mask) at p.
func SetBitFieldPtr32Uint32(p uintptr, v uint32, off int, mask uint32) {
	*(*uint32)(ptr(p)) = *(*uint32)(ptr(p))&^mask | v<<off&mask
}

// ptr turns a C address into a pointer. The memory behind every address the
// C code holds is kept alive by a TLS (or is a Go global), and Go's heap
// does not move, so the conversion is sound; it is written through a
// pointer to the uintptr to say so to vet.
func ptr(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }
