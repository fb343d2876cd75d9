//go:build js && wasm

package main

import (
	"bytes"
	"math/rand"
	"syscall/js"
	"testing"
)

// countingFile is a File whose read function counts its calls and the
// bytes it hands out.
func countingFile(data []byte) (blob, read, state js.Value) {
	u8 := bytesToJS(data)
	blob = js.Global().Get("File").New([]any{u8}, "big.wav")
	state = jsObject.New()
	state.Set("calls", 0)
	state.Set("bytes", 0)
	read = js.Global().Get("Function").New("u8", "state", `return (blob, a, b) => {
		state.calls++;
		state.bytes += b - a;
		return Promise.resolve(u8.slice(a, b));
	}`).Invoke(u8, state)
	return blob, read, state
}

// TestReadAhead: sequential reads of 64 KiB and a bit (as the PCM reader
// does) are served from growing blocks — a few dozen Blob reads for 24 MiB
// instead of hundreds — with the right bytes across block edges; random
// reads stay small; prefetched ranges are served without a read.
func TestReadAhead(t *testing.T) {
	defer dropReadAhead()
	data := make([]byte, 24<<20+123)
	rand.New(rand.NewSource(1)).Read(data)
	blob, read, state := countingFile(data)
	in, err := newInput(blob, read, 0)
	if err != nil {
		t.Fatal(err)
	}
	dropReadAhead()
	state.Set("calls", 0)
	state.Set("bytes", 0)
	p := make([]byte, 64<<10+6)
	var off int64
	for off < int64(len(data)) {
		n, _ := in.src.ReadAt(p, off)
		if !bytes.Equal(p[:n], data[off:off+int64(n)]) {
			t.Fatalf("bytes at %d differ", off)
		}
		off += int64(n)
	}
	calls, got := state.Get("calls").Int(), state.Get("bytes").Int()
	t.Logf("%d reads of %d bytes for a sequential pass of %d bytes in %d-byte calls", calls, got, len(data), len(p))
	if calls > 20 || got > len(data)+len(p) {
		t.Errorf("a sequential pass took %d Blob reads of %d bytes in all", calls, got)
	}

	// Random reads: each costs one small block (and the one after it).
	dropReadAhead()
	state.Set("calls", 0)
	state.Set("bytes", 0)
	q := make([]byte, 100)
	for i := 0; i < 10; i++ {
		o := int64(i) * 2 << 20
		if _, err := in.src.ReadAt(q, o); err != nil || !bytes.Equal(q, data[o:o+100]) {
			t.Fatalf("random read at %d: %v", o, err)
		}
	}
	if got := state.Get("bytes").Int(); got > 10*2*aheadMin {
		t.Errorf("10 random reads of 100 bytes read %d bytes", got)
	}

	// Prefetched ranges: read at once, then served from memory.
	dropReadAhead()
	release, err := in.src.(*blobSource).Prefetch([][2]int64{{1000, 3000}, {5 << 20, 5<<20 + 4096}})
	if err != nil {
		t.Fatal(err)
	}
	state.Set("calls", 0)
	r := make([]byte, 4000)
	if _, err := in.src.ReadAt(r, 5<<20+50); err != nil || !bytes.Equal(r, data[5<<20+50:5<<20+4050]) || state.Get("calls").Int() != 0 {
		t.Errorf("a prefetched read: %v, %d Blob reads", err, state.Get("calls").Int())
	}
	release()
	if _, err := in.src.ReadAt(r[:10], 5<<20); err != nil || state.Get("calls").Int() == 0 {
		t.Errorf("after release, reads go to the Blob again (%v)", err)
	}

	// Many ranges (several groups read as one Blob each, the last one
	// short): each is served with its own bytes.
	var ranges [][2]int64
	for i := int64(0); i < 3*prefetchGroup+5; i++ {
		o := i*200_000 + i%7
		ranges = append(ranges, [2]int64{o, o + 100 + i%300})
	}
	release, err = in.src.(*blobSource).Prefetch(ranges)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	state.Set("calls", 0)
	for _, rg := range ranges {
		w := make([]byte, rg[1]-rg[0]-1)
		if _, err := in.src.ReadAt(w, rg[0]+1); err != nil || !bytes.Equal(w, data[rg[0]+1:rg[1]]) {
			t.Fatalf("prefetched range %v: %v", rg, err)
		}
	}
	if n := state.Get("calls").Int(); n != 0 {
		t.Errorf("reads inside %d prefetched ranges made %d Blob reads", len(ranges), n)
	}
}

// TestEnds: the file's first and last bytes (what the identity, the
// probe and the tags read, each again) cost one Blob read each however
// often they are read, with a sequential pass in between; a read across
// the head's edge is served right.
func TestEnds(t *testing.T) {
	defer dropReadAhead()
	data := make([]byte, 3<<20+77)
	rand.New(rand.NewSource(2)).Read(data)
	blob, read, state := countingFile(data)
	in, err := newInput(blob, read, 0) // fileKey reads 4 KiB at each end
	if err != nil {
		t.Fatal(err)
	}
	check := func(off int64, n int) {
		t.Helper()
		p := make([]byte, n)
		if _, err := in.src.ReadAt(p, off); err != nil || !bytes.Equal(p, data[off:off+int64(n)]) {
			t.Fatalf("%d bytes at %d: %v", n, off, err)
		}
	}
	if n := state.Get("calls").Int(); n != 2 {
		t.Errorf("the file's identity took %d Blob reads, want 2 (its two ends)", n)
	}
	state.Set("calls", 0)
	probe := func() {
		check(0, 10)                      // a format's probe
		check(int64(len(data))-128, 128)  // ID3v1
		check(int64(len(data))-4096, 100) // an APE footer
	}
	for i := 0; i < 3; i++ {
		probe()
	}
	if n := state.Get("calls").Int(); n != 0 {
		t.Errorf("three probes took %d Blob reads after the identity", n)
	}
	for off := int64(4000); off < 1<<20; off += 30000 {
		check(off, 417) // a pass through the start of the file
	}
	probe()
	// The pass: blocks of 64 KiB, 64 KiB, 256 KiB, 1 MiB and 4 MiB (each
	// the one read ahead of the last); the probe reads nothing.
	if n := state.Get("calls").Int(); n > 5 {
		t.Errorf("a pass over the first MiB and a probe took %d Blob reads", n)
	}
	check(endBytes-5, 10) // across the head's edge
}

// TestPrefetchNotBlob: a source whose object is not a Blob (a cloud file)
// prefetches through its read function, one read a range.
func TestPrefetchNotBlob(t *testing.T) {
	data := make([]byte, 1<<20)
	rand.New(rand.NewSource(2)).Read(data)
	_, read, state := countingFile(data)
	src := &blobSource{blob: jsObject.New(), read: read, size: int64(len(data)), name: "object", key: "not-a-blob"}
	ranges := [][2]int64{{10, 20}, {1000, 5000}, {1 << 19, 1<<19 + 3}}
	release, err := src.Prefetch(ranges)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if n := state.Get("calls").Int(); n != len(ranges) {
		t.Errorf("%d ranges took %d reads", len(ranges), n)
	}
	for _, rg := range ranges {
		w := make([]byte, rg[1]-rg[0])
		if !src.prefetched(w, rg[0]) || !bytes.Equal(w, data[rg[0]:rg[1]]) {
			t.Errorf("range %v not served from the prefetch", rg)
		}
	}
}
