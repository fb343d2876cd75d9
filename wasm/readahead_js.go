//go:build js && wasm

package main

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"sync/atomic"
	"syscall/js"
	"time"
)

// Reading a browser File costs one asynchronous Blob read per call, about
// the same whatever its size up to megabytes, so the engine's small reads
// (64 KiB PCM chunks, MP3 frame headers) are served from blocks read
// ahead: a source read sequentially gets blocks that grow from 64 KiB to
// 4 MiB, the next one requested while the current one is used; a read
// elsewhere starts again small, so random access (a seek, a sample table)
// does not pay for megabytes it will not use. Only the last few sources
// read keep their blocks (aheadSources), and every block is dropped when
// the job ends, so the memory this costs is bounded and brief.
const (
	aheadMin     = 64 << 10
	aheadMax     = 4 << 20
	aheadSources = 4
)

// readStats counts the Blob reads of the engine (for stats(): how many
// reads a job makes, how many bytes, and how long it waits for them, the
// waits of reads made at once each counted).
var readStats struct {
	reads, bytes, waitNs atomic.Int64
}

// counted records a read of n bytes that kept the job waiting since t0.
func counted(reads int, n int64, t0 time.Time) {
	readStats.reads.Add(int64(reads))
	readStats.bytes.Add(n)
	readStats.waitNs.Add(int64(time.Since(t0)))
}

// block is bytes [off, off+len(data)) of a source, or a read of them still
// under way (p, a Promise of a Uint8Array).
type block struct {
	off  int64
	n    int
	data []byte
	p    js.Value
}

func (b *block) holds(off int64, n int) bool {
	return b != nil && off >= b.off && off+int64(n) <= b.off+int64(b.n)
}

// ahead is one source's read-ahead state.
type ahead struct {
	cur, next *block
	size      int    // the next block's size
	spare     []byte // the data of the last block let go, for the next one
}

// drop lets block b go, keeping its data for the next block read.
func (a *ahead) drop(b *block) {
	if b != nil && cap(b.data) > cap(a.spare) {
		a.spare = b.data
	}
}

var (
	aheadMu   sync.Mutex
	aheadLRU  []*blobSource // sources holding blocks, most recent last
	prefetch  = map[string]*rangeCache{}
	prefetchM sync.Mutex
)

// dropReadAhead lets every block go (a job ended).
func dropReadAhead() {
	aheadMu.Lock()
	for _, s := range aheadLRU {
		s.ahead = nil
	}
	aheadLRU = nil
	aheadMu.Unlock()
}

// use marks s as the most recently read source, dropping the blocks of
// the least recent one beyond aheadSources.
func (s *blobSource) use() {
	aheadMu.Lock()
	defer aheadMu.Unlock()
	for i, x := range aheadLRU {
		if x == s {
			aheadLRU = append(aheadLRU[:i], aheadLRU[i+1:]...)
			break
		}
	}
	aheadLRU = append(aheadLRU, s)
	if len(aheadLRU) > aheadSources {
		aheadLRU[0].ahead = nil
		aheadLRU = aheadLRU[1:]
	}
}

// start begins reading bytes [off, off+n) of s; pass is true for a block
// of a pass through the file (worker.js reads these through a cursor into
// reused buffers, given back by recycle).
func (s *blobSource) start(off int64, n int, pass bool) *block {
	return &block{off: off, n: n, p: s.read.Invoke(s.blob, off, off+int64(n), pass)}
}

// recycle hands the buffer of a block's read, once copied, back to the
// read function's pool when it has one (read.recycle in worker.js).
func (s *blobSource) recycle(u8 js.Value) {
	if r := s.read.Get("recycle"); r.Type() == js.TypeFunction {
		r.Invoke(u8)
	}
}

// wait finishes a block's read, into spare when it is large enough.
func (s *blobSource) wait(b *block, spare *[]byte) error {
	if b.data != nil {
		return nil
	}
	u8 := b.p
	defer counted(1, int64(b.n), time.Now())
	if u8.Type() == js.TypeObject && u8.Get("then").Type() == js.TypeFunction {
		v, err := await(u8)
		if err != nil {
			return fmt.Errorf("%s: reading bytes %d..%d: %s", s.name, b.off, b.off+int64(b.n), err)
		}
		u8 = v
	}
	if !u8.InstanceOf(jsUint8Array) {
		return fmt.Errorf("%s: reading bytes %d..%d gave no data", s.name, b.off, b.off+int64(b.n))
	}
	if cap(*spare) >= b.n {
		b.data, *spare = (*spare)[:b.n], nil
	} else {
		b.data = make([]byte, b.n)
	}
	got := js.CopyBytesToGo(b.data, u8)
	b.p = js.Undefined()
	s.recycle(u8)
	if got < b.n {
		return fmt.Errorf("%s: reading bytes %d..%d gave %d bytes; was the file changed? %w", s.name, b.off, b.off+int64(b.n), got, io.ErrUnexpectedEOF)
	}
	return nil
}

// A file's first and last endBytes are read again and again: the file's
// identity (fileKey), the format's probe and its tags (an ID3v2 tag at the
// start, ID3v1 and APE at the end) each read them, and every read
// elsewhere in between would otherwise start a block over. So a source
// keeps them (ends) once read, for as long as it lives: an MP3 cut in a
// fresh page made 22 Blob reads, 9 of them of these bytes again.
const endBytes = 64 << 10

// ends holds a source's first and last endBytes once read.
type ends struct {
	head, tail []byte
}

// fromEnds serves p at off from the file's first or last endBytes, reading
// them (one Blob read) the first time; ok false when p is not inside one.
func (s *blobSource) fromEnds(p []byte, off int64) (ok bool, err error) {
	n := min(s.size, endBytes)
	var at int64
	var b *[]byte
	switch {
	case off+int64(len(p)) <= n:
		at, b = 0, &s.ends.head
	case off >= s.size-n:
		at, b = s.size-n, &s.ends.tail
	default:
		return false, nil
	}
	if *b == nil {
		blk := s.start(at, int(n), false)
		var spare []byte
		if err := s.wait(blk, &spare); err != nil {
			return true, err
		}
		*b = blk.data
	}
	copy(p, (*b)[off-at:])
	return true, nil
}

// readAhead serves p at off from read-ahead blocks; ok false means the
// read is too large for them and goes to the Blob directly.
func (s *blobSource) readAhead(p []byte, off int64) (ok bool, err error) {
	if len(p) > aheadMax/2 {
		return false, nil
	}
	if ok, err := s.fromEnds(p, off); ok {
		return true, err
	}
	s.use()
	a := s.ahead
	if a == nil {
		a = &ahead{size: aheadMin}
		s.ahead = a
	}
	for len(p) > 0 {
		switch {
		case a.cur.holds(off, 1):
		case a.next.holds(off, 1):
			// Sequential: the block read ahead becomes the current one,
			// and the blocks grow fourfold (64 KiB to 4 MiB in three
			// steps: each read is a round trip to the browser).
			a.drop(a.cur)
			a.cur, a.next = a.next, nil
			a.size = min(4*a.size, s.aheadLimit())
		default:
			// Elsewhere: start small again.
			a.drop(a.cur)
			a.size = aheadMin
			a.cur, a.next = s.start(off, int(min(int64(max(a.size, len(p))), s.size-off)), true), nil
		}
		if err := s.wait(a.cur, &a.spare); err != nil {
			s.ahead = nil
			return true, err
		}
		k := copy(p, a.cur.data[off-a.cur.off:])
		p, off = p[k:], off+int64(k)
		if end := a.cur.off + int64(a.cur.n); a.next == nil && end < s.size {
			a.next = s.start(end, int(min(int64(a.size), s.size-end)), true)
		}
	}
	return true, nil
}

// rangeCache holds byte ranges of one file read at once for a job (the
// windows of a quick overview), sorted by offset.
type rangeCache struct {
	offs []int64
	data [][]byte
}

func (c *rangeCache) get(p []byte, off int64) bool {
	i := sort.Search(len(c.offs), func(i int) bool { return c.offs[i] > off }) - 1
	if i < 0 || off+int64(len(p)) > c.offs[i]+int64(len(c.data[i])) {
		return false
	}
	copy(p, c.data[i][off-c.offs[i]:])
	return true
}

// A browser File read in many small ranges pays per read (about a
// millisecond each in Chromium, whatever its size up to tens of kB), more
// than for the bytes: prefetchGroup ranges are read as one Blob made of
// their slices (one read request for all of them), and every group is
// requested at once (BenchmarkBlobReadShapes in server/e2e measures the
// shapes). A source that is not a Blob (a cloud file) reads the ranges one
// by one through its read function, prefetchBatch at a time.
const (
	prefetchGroup = 32
	prefetchBatch = 128
)

var jsBlob = js.Global().Get("Blob")

// Prefetch reads the ranges ([from, to) byte pairs, sorted, not
// overlapping) of the file all at once — many reads in flight instead of
// one after another — and serves later reads inside them from memory
// until release is called.
func (s *blobSource) Prefetch(ranges [][2]int64) (release func(), err error) {
	if s.key == "" {
		return func() {}, nil
	}
	c := &rangeCache{}
	var total int64
	for _, r := range ranges {
		total += r[1] - r[0]
	}
	defer counted(len(ranges), total, time.Now())
	group, batch := prefetchGroup, len(ranges)
	if !s.blob.InstanceOf(jsBlob) {
		group, batch = 1, prefetchBatch
	}
	for i := 0; i < len(ranges); i += batch {
		var ps []any
		var groups [][][2]int64
		for j := i; j < min(i+batch, len(ranges)); j += group {
			g := ranges[j:min(j+group, i+batch, len(ranges))]
			groups = append(groups, g)
			if group == 1 {
				ps = append(ps, s.read.Invoke(s.blob, g[0][0], g[0][1]))
				continue
			}
			parts := make([]any, len(g))
			for k, r := range g {
				parts[k] = s.blob.Call("slice", r[0], r[1])
			}
			ps = append(ps, jsBlob.New(parts).Call("arrayBuffer"))
		}
		all, err := await(jsPromise.Call("all", ps))
		if err != nil {
			return nil, fmt.Errorf("%s: reading %d ranges: %s", s.name, len(ranges), err)
		}
		for j, g := range groups {
			var want int64
			for _, r := range g {
				want += r[1] - r[0]
			}
			u8 := all.Index(j)
			if !u8.InstanceOf(jsUint8Array) {
				u8 = jsUint8Array.New(u8)
			}
			b := make([]byte, want)
			if n := js.CopyBytesToGo(b, u8); int64(n) != want {
				return nil, fmt.Errorf("%s: reading %d ranges from byte %d gave %d bytes of %d; was the file changed? %w", s.name, len(g), g[0][0], n, want, io.ErrUnexpectedEOF)
			}
			for _, r := range g {
				n := r[1] - r[0]
				c.offs = append(c.offs, r[0])
				c.data = append(c.data, b[:n:n])
				b = b[n:]
			}
		}
	}
	prefetchM.Lock()
	prefetch[s.key] = c
	prefetchM.Unlock()
	return func() {
		prefetchM.Lock()
		delete(prefetch, s.key)
		prefetchM.Unlock()
	}, nil
}

// prefetched serves p at off from ranges prefetched for the file.
func (s *blobSource) prefetched(p []byte, off int64) bool {
	if s.key == "" {
		return false
	}
	prefetchM.Lock()
	c := prefetch[s.key]
	prefetchM.Unlock()
	return c != nil && c.get(p, off)
}

// aheadLimit is the largest block read ahead for s: smaller for a cloud
// object read over the network (cloud_js.go), where a block read and not
// used costs a download.
func (s *blobSource) aheadLimit() int {
	if s.aheadMax > 0 {
		return s.aheadMax
	}
	return aheadMax
}
