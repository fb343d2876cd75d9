package mp3

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"offcut/audio"
)

// frameSource is a generated Source of n identical silent frames with
// header h: a long MP3 that costs no disk and no memory.
type frameSource struct {
	h    [4]byte
	size int64
	n    int64
}

func newFrameSource(h uint32, n int64) *frameSource {
	s := &frameSource{n: n}
	binary.BigEndian.PutUint32(s.h[:], h)
	s.size = int64(header(h).frameBytes(0) + header(h).padding())
	return s
}

func (s *frameSource) Size() int64 { return s.size * s.n }

func (s *frameSource) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.Size() {
		return 0, nil
	}
	p = p[:min(int64(len(p)), s.Size()-off)]
	clear(p)
	for f := off / s.size * s.size; f < off+int64(len(p)); f += s.size {
		for j := int64(0); j < 4; j++ {
			if k := f + j - off; k >= 0 && k < int64(len(p)) {
				p[k] = s.h[j]
			}
		}
	}
	return len(p), nil
}

// peakHeap runs fn while sampling the live heap, and returns the peak
// above what was live before.
func peakHeap(fn func()) uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peak = max(peak, ms.HeapAlloc)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	runtime.ReadMemStats(&ms)
	peak = max(peak, ms.HeapAlloc)
	if peak < base {
		return 0
	}
	return peak - base
}

// TestDayLongMP3OpensInBoundedMemory opens 24 hours of 128 kbit/s 44.1 kHz
// layer III (3.3 million frames, 1.4 GB): the decoder and its frame index
// must stay under 32 MB at their peak, and decode from the middle. Under
// js/wasm, where the scan is 7 times slower, 6 hours in 8 MB.
func TestDayLongMP3OpensInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("scans 1.4 GB of generated frames; skipped with -short")
	}
	hours := int64(24)
	if runtime.GOOS == "js" {
		hours = 6
	}
	limit := uint64(hours) << 20 * 32 / 24
	frames := hours * 3600 * 44100 / 1152
	src := newFrameSource(0xfffb9064, frames)
	var d *Decoder
	var err error
	peak := peakHeap(func() { d, err = Open(src) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d h MP3, %d frames, %.2f GB: peak heap %.1f MB while opening, index %.1f MB (%.2f bytes a frame)",
		hours, frames, float64(src.Size())/1e9, float64(peak)/1e6, float64(d.Layout().IndexBytes())/1e6,
		float64(d.Layout().IndexBytes())/float64(frames))
	if peak > limit {
		t.Errorf("opening a %d-hour MP3 peaked at %d MB of heap, want under %d MB", hours, peak>>20, limit>>20)
	}
	if want := frames*1152 - DecoderDelay; d.Info().Frames != want {
		t.Errorf("%d samples, want %d", d.Info().Frames, want)
	}
	mid := d.Info().Frames / 2
	s, err := d.Stream(mid, mid+5000)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]float32, 5000*2)
	if n, err := audio.ReadFrames(s, buf); n != 5000 || err != nil {
		t.Fatalf("reading 5000 frames from the middle: %d, %v", n, err)
	}
}

// TestIndexAccessors checks the compact index against the frames as read
// from the files: offsets, headers, sizes and sample counts, in order and
// at random.
func TestIndexAccessors(t *testing.T) {
	good := silentFrames(0xfffb9064, 12)
	junk := []byte(strings.Repeat("\xff\xfbjunk\x00", 40))
	files := map[string][]byte{
		"junk": append(append(append(append([]byte("leading junk"), good...), junk...), good...), []byte("TAG")...),
		// 200 frames: more than three blocks, with a mono stretch and padding
		"mixed": append(append(silentFrames(0xfffb9064, 70), silentFrames(0xfffb92c4, 70)...), silentFrames(0xfffa9264, 60)...),
	}
	dir := conformanceDir(t)
	if m, _ := filepath.Glob(filepath.Join(dir, "*.bit")); len(m) > 0 {
		for _, p := range m {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			files[filepath.Base(p)] = b
		}
	}
	for name, b := range files {
		lay, err := Index(audio.NewBytesSource(b))
		if errors.Is(err, ErrNoFrames) && strings.HasSuffix(name, ".bit") { // some vectors are not decodable at all
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var prevEnd, samples int64
		n := 0
		for i, f := range lay.FramesFrom(0) {
			if i != n {
				t.Fatalf("%s: FramesFrom yielded frame %d after %d", name, i, n-1)
			}
			n++
			if g := lay.Frame(i); g != f {
				t.Fatalf("%s: Frame(%d) = %+v, FramesFrom gives %+v", name, i, g, f)
			}
			if f.Offset < prevEnd {
				t.Fatalf("%s: frame %d at %d overlaps the one before (ends at %d)", name, i, f.Offset, prevEnd)
			}
			prevEnd = f.Offset + int64(f.Size)
			real := binary.BigEndian.Uint32(b[f.Offset:])
			const mask = ^uint32(0x13f) // all but private, mode extension, copyright, original, emphasis
			if real&mask != f.Header&mask {
				t.Fatalf("%s: frame %d header %08x, the file has %08x", name, i, f.Header, real)
			}
			if lay.SamplesBefore(i) != samples {
				t.Fatalf("%s: SamplesBefore(%d) = %d, want %d", name, i, lay.SamplesBefore(i), samples)
			}
			if f.Samples > 0 {
				for _, pos := range []int64{samples, samples + int64(f.Samples) - 1} {
					if got := lay.FrameAt(pos); got != i {
						t.Fatalf("%s: FrameAt(%d) = %d, want %d", name, pos, got, i)
					}
				}
			}
			samples += int64(f.Samples)
		}
		t.Logf("%s: %d frames, %d gaps", name, n, len(lay.idx.gaps))
		if n != lay.Len() || lay.SamplesBefore(n) != samples || lay.FrameAt(samples) != n {
			t.Fatalf("%s: %d frames of %d, %d samples (SamplesBefore says %d)", name, n, lay.Len(), samples, lay.SamplesBefore(n))
		}
	}
}

// BenchmarkIndexHour indexes an hour of generated 128 kbit/s frames and
// reports the index's size per frame.
func BenchmarkIndexHour(b *testing.B) {
	src := newFrameSource(0xfffb9064, 3600*44100/1152)
	b.SetBytes(src.Size())
	b.ReportAllocs()
	var lay *Layout
	for b.Loop() {
		var err error
		if lay, err = Index(src); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(src.n), "ns/frame")
	b.ReportMetric(float64(lay.IndexBytes())/float64(src.n), "index-B/frame")
}

// countingSource counts the bytes read through it.
type countingSource struct {
	audio.Source
	reads, bytes int64
}

func (c *countingSource) ReadAt(p []byte, off int64) (int, error) {
	c.reads++
	c.bytes += int64(len(p))
	return c.Source.ReadAt(p, off)
}

// TestIndexReadsOnce: indexing reads each byte of the frames about once
// (chunks overlap by chunkOverlap), though the scanner peeks at the frames after the one it is
// on (reading a chunk at every peek read a browser File eight times
// over: each read there is an asynchronous Blob read).
func TestIndexReadsOnce(t *testing.T) {
	src := &countingSource{Source: newFrameSource(0xfffb9064, 20000)} // 8 MB of 128 kbit/s frames
	if _, err := Index(src); err != nil {
		t.Fatal(err)
	}
	if size := src.Size(); float64(src.bytes) > 1.08*float64(size) || src.reads > size/chunkSize*11/10+8 {
		t.Errorf("indexing %d bytes read %d bytes in %d reads", size, src.bytes, src.reads)
	}
}

// rangeSource records the lowest and highest byte read through it.
type rangeSource struct {
	audio.Source
	lo, hi int64
}

func (r *rangeSource) ReadAt(p []byte, off int64) (int, error) {
	r.lo, r.hi = min(r.lo, off), max(r.hi, off+int64(len(p)))
	return r.Source.ReadAt(p, off)
}

// TestStreamBytes: a short stream reads only the bytes StreamBytes names
// (a few frames, not a chunk), which hold what it decodes.
func TestStreamBytes(t *testing.T) {
	src := &rangeSource{Source: newFrameSource(0xfffb9064, 2000)}
	d, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range [][2]int64{{0, 512}, {100_000, 100_512}, {500_000, 501_000}, {d.Info().Frames - 700, d.Info().Frames}} {
		off, end := d.StreamBytes(w[0], w[1])
		src.lo, src.hi = 1<<62, 0
		s, err := d.Stream(w[0], w[1])
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]float32, (w[1]-w[0])*2)
		if n, err := audio.ReadFrames(s, buf); err != nil || int64(n) != w[1]-w[0] {
			t.Fatalf("stream %v: %d frames, %v", w, n, err)
		}
		if src.lo < off || src.hi > end || end-off > 8*417 {
			t.Errorf("stream %v read bytes %d..%d; StreamBytes says %d..%d", w, src.lo, src.hi, off, end)
		}
	}
	if off, end := d.StreamBytes(10, 10); off != end {
		t.Errorf("an empty stream's bytes: %d..%d", off, end)
	}
}
