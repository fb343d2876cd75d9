package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codecs"
	"offcut/audio/project"
)

// testWAV is a canonical 16-bit WAVE file of audiotest.Signal.
func testWAV(rate, channels int, frames int64, seed int) []byte {
	f := audio.Format{Rate: rate, Channels: channels, Bits: 16}
	return audiotest.WAV(f, audiotest.Signal(int(frames), channels, rate, uint64(seed)))
}

// countingSource counts the bytes read through it.
type countingSource struct {
	audio.Source
	read int64
}

func (c *countingSource) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.Source.ReadAt(p, off)
	c.read += int64(n)
	return n, err
}

// assembler is a sink that builds the output as the worker's Blob would,
// reading ranges from the sources.
type assembler struct {
	srcs            []audio.Source
	out             bytes.Buffer
	ranges, chunks  int
	maxChunk        int
	literals        int
	rangeBytes      int64
	failAfterChunks int
	patchAt         map[int]int
}

func (a *assembler) Patchable(id int, b []byte) error {
	if a.patchAt == nil {
		a.patchAt = map[int]int{}
	}
	a.patchAt[id] = a.out.Len()
	a.out.Write(b)
	return nil
}
func (a *assembler) Patch(id int, b []byte) error {
	at, ok := a.patchAt[id]
	if !ok {
		return fmt.Errorf("patch of segment %d, which was not patchable", id)
	}
	copy(a.out.Bytes()[at:], b)
	return nil
}

func (a *assembler) Bytes(b []byte) error { a.literals++; a.out.Write(b); return nil }
func (a *assembler) Chunk(b []byte) error {
	a.chunks++
	a.maxChunk = max(a.maxChunk, len(b))
	if a.failAfterChunks > 0 && a.chunks >= a.failAfterChunks {
		return errors.New("sink full")
	}
	a.out.Write(b)
	return nil
}
func (a *assembler) Range(src int, off, n int64) error {
	a.ranges++
	a.rangeBytes += n
	b := make([]byte, n)
	if err := audio.ReadAtFull(a.srcs[src], b, off); err != nil {
		return err
	}
	a.out.Write(b)
	return nil
}

func inputsOf(files ...[]byte) ([]input, []audio.Source) {
	ins := make([]input, len(files))
	srcs := make([]audio.Source, len(files))
	for i, f := range files {
		srcs[i] = audio.NewBytesSource(f)
		ins[i] = input{src: srcs[i], name: fmt.Sprintf("in%d.wav", i)}
	}
	return ins, srcs
}

// nativeBytes renders doc the CLI's way: plan.WriteTo.
func nativeBytes(t testing.TB, doc string, srcs []audio.Source) []byte {
	t.Helper()
	d, err := project.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	decs := make([]audio.Decoder, len(srcs))
	for i, s := range srcs {
		if decs[i], err = codecs.Open(s); err != nil {
			t.Fatal(err)
		}
	}
	res, err := project.Render(d, decs, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := res.Plan.WriteTo(&b, srcs, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRenderMatchesWriteTo(t *testing.T) {
	a := testWAV(44100, 2, 3*44100, 0)
	b := testWAV(44100, 2, 2*44100, 1)
	long := testWAV(48000, 1, 30*48000, 2) // 2.9 MB of computed output
	for _, c := range []struct {
		name     string
		doc      string
		files    [][]byte
		lossless bool
	}{
		{"cut", `{"version":1,"clips":[{"source":0,"in":100,"out":90000}]}`, [][]byte{a}, true},
		{"join", `{"version":1,"clips":[{"source":0,"in":0,"out":1000},{"source":1,"in":5,"out":80000}]}`, [][]byte{a, b}, true},
		{"crossfade", `{"version":1,"clips":[{"source":0,"in":0,"out":100000,"fadeIn":{"length":441}},{"source":1,"in":0,"out":80000,"gain":-2}],
			"joins":[{"type":"crossfade","length":4410}]}`, [][]byte{a, b}, false},
		{"normalize", `{"version":1,"clips":[{"source":0,"in":0,"out":50000}],"output":{"normalize":-1}}`, [][]byte{a}, false},
		{"long gain", `{"version":1,"clips":[{"source":0,"in":0,"out":1440000,"gain":-6}],"output":{"sampleFormat":"s24"}}`, [][]byte{long}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ins, srcs := inputsOf(c.files...)
			want := nativeBytes(t, c.doc, srcs)
			sum, err := planDoc([]byte(c.doc), ins)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Size != int64(len(want)) || sum.Lossless != c.lossless {
				t.Errorf("plan: %+v; native output %d bytes, want lossless %v", sum, len(want), c.lossless)
			}
			sink := &assembler{srcs: srcs}
			var reports [][2]int64
			res, err := render([]byte(c.doc), ins, sink, func(done, total int64) { reports = append(reports, [2]int64{done, total}) })
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(sink.out.Bytes(), want) {
				t.Fatalf("render gave %d bytes, plan.WriteTo %d; they differ", sink.out.Len(), len(want))
			}
			if c.lossless && (sink.chunks != 0 || sink.rangeBytes == 0) {
				t.Errorf("lossless render made %d computed chunks, %d range bytes", sink.chunks, sink.rangeBytes)
			}
			if sink.maxChunk > chunkSize {
				t.Errorf("a computed chunk of %d bytes, the limit is %d", sink.maxChunk, chunkSize)
			}
			if len(reports) == 0 || len(reports) > progressSteps+len(res.Plan.Segments)+2 {
				t.Fatalf("%d progress reports", len(reports))
			}
			total := reports[0][1]
			for i, r := range reports {
				if r[1] != total || (i > 0 && r[0] <= reports[i-1][0]) {
					t.Fatalf("progress %v after %v: want monotonic done and a constant total", r, reports[max(i-1, 0)])
				}
			}
			if last := reports[len(reports)-1]; last[0] != last[1] {
				t.Errorf("last progress %v: want done == total", last)
			}
			if c.name != "normalize" && total != int64(len(want)) {
				t.Errorf("progress total %d, output %d bytes", total, len(want))
			}
		})
	}
}

func TestRenderReadsOnlyWhatItNeeds(t *testing.T) {
	f := testWAV(44100, 2, 60*44100, 0) // 10 MB
	src := &countingSource{Source: audio.NewBytesSource(f)}
	ins := []input{{src: src, name: "big.wav"}}
	sink := &assembler{srcs: []audio.Source{src}}
	doc := `{"version":1,"clips":[{"source":0,"in":44100,"out":2600000}]}`
	src.read = 0
	if _, err := render([]byte(doc), ins, sink, nil); err != nil {
		t.Fatal(err)
	}
	if read := src.read - sink.rangeBytes; read > 4096 {
		t.Errorf("a cut read %d bytes of the input besides the ranges it copies, want only headers", read)
	}
}

func TestErrorsNameTheInput(t *testing.T) {
	ins, _ := inputsOf([]byte("hello world, not audio"), testWAV(8000, 1, 800, 0))
	if _, err := probe(ins[0]); err == nil || !strings.HasPrefix(err.Error(), "in0.wav: not audio Offcut can read") {
		t.Errorf("probe of text: %v", err)
	}
	if _, err := planDoc([]byte(`{"version":1,"clips":[{"source":0,"in":0,"out":10}]}`), ins); err == nil || !strings.HasPrefix(err.Error(), "in0.wav:") {
		t.Errorf("plan over text: %v", err)
	}
	if _, err := peaks(ins[1], 10, 0, 900, nil); err == nil || !strings.Contains(err.Error(), "frames 0..900, the file has frames 0..800") {
		t.Errorf("peaks past the end: %v", err)
	}
	good, srcs := inputsOf(testWAV(8000, 1, 800, 0))
	wrong := `{"version":1,"sources":[{"name":"x.wav","size":12345}],"clips":[{"source":0,"in":0,"out":10}]}`
	if _, err := planDoc([]byte(wrong), good); err == nil || !strings.Contains(err.Error(), "sources[0] is 12345 bytes") {
		t.Errorf("plan over a file of another size than the project's: %v", err)
	}
	sink := &assembler{failAfterChunks: 1, srcs: srcs}
	if _, err := render([]byte(`{"version":1,"clips":[{"source":0,"in":0,"out":800,"gain":-1}]}`), good, sink, nil); err == nil || err.Error() != "sink full" {
		t.Errorf("render into a failing sink: %v", err)
	}
}

func TestPeaks(t *testing.T) {
	ins, _ := inputsOf(testWAV(8000, 2, 8000, 0))
	var last int64
	r, err := peaks(ins[0], 4, 0, -1, func(done, total int64) {
		if done <= last || total != 8000 {
			t.Errorf("progress %d/%d after %d", done, total, last)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.From != 0 || r.To != 8000 || len(r.Min) != 4 || r.Max[0] < 0.5 || r.Min[0] > -0.5 || last != 8000 {
		t.Errorf("peaks = %+v, last progress %d", r, last)
	}
}

func TestThrottle(t *testing.T) {
	var got []int64
	f := throttle(func(done, total int64) { got = append(got, done) })
	for _, d := range []int64{0, 1, 1, 2, 500, 400, 1000, 3000, 400000, 400000} {
		f(d, 400000) // a report every 1000
	}
	want := []int64{0, 1000, 3000, 400000}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("throttled reports %v, want %v", got, want)
	}
	throttle(nil)(1, 2) // must not panic
}

func BenchmarkRenderComputed(b *testing.B) {
	f := testWAV(44100, 2, 20*44100, 0)
	ins, _ := inputsOf(f)
	doc := []byte(`{"version":1,"clips":[{"source":0,"in":0,"out":882000,"gain":-3}]}`)
	b.SetBytes(int64(len(f)))
	for b.Loop() {
		sink := &discard{}
		if _, err := render(doc, ins, sink, func(int64, int64) {}); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Bytes([]byte) error            { return nil }
func (discard) Chunk([]byte) error            { return nil }
func (discard) Range(int, int64, int64) error { return nil }
func (discard) Patchable(int, []byte) error   { return nil }
func (discard) Patch(int, []byte) error       { return nil }

// TestHandlesReused: a file with a key is opened once across calls (its
// headers read once), and the cache is bounded.
func TestHandlesReused(t *testing.T) {
	f := testWAV(44100, 2, 44100, 0)
	src := &countingSource{Source: audio.NewBytesSource(f)}
	in := input{src: src, name: "a.wav", key: "test-handles-1"}
	defer handles.forget(in.key)
	if _, err := probe(in); err != nil {
		t.Fatal(err)
	}
	first := src.read
	for i := 0; i < 3; i++ {
		if _, err := planDoc([]byte(`{"version":1,"clips":[{"source":0,"in":0,"out":1000}]}`), []input{in}); err != nil {
			t.Fatal(err)
		}
	}
	if src.read != first {
		t.Errorf("three plans after a probe read %d more bytes; the opened file should be reused", src.read-first)
	}
	c := newHandleCache(2)
	for _, k := range []string{"a", "b", "a", "c"} {
		c.put(k, nil)
	}
	if _, ok := c.m["b"]; ok || len(c.m) != 2 {
		t.Errorf("cache after a, b, a, c (max 2): %v; want a and c", c.order)
	}
}

func TestFileKey(t *testing.T) {
	a := testWAV(8000, 1, 8000, 0)
	b := append([]byte(nil), a...)
	b[len(b)-1] ^= 1
	ka, kb := fileKey("x", audio.NewBytesSource(a)), fileKey("x", audio.NewBytesSource(b))
	if ka == "" || ka == kb || ka != fileKey("x", audio.NewBytesSource(a)) || ka == fileKey("y", audio.NewBytesSource(a)) {
		t.Errorf("keys: %q %q", ka, kb)
	}
	if fileKey("x", audio.NewBytesSource(nil)) == "" {
		t.Error("an empty file has no key")
	}
}

// TestParseDocReuses: the same bytes give the document parsed last, other
// bytes a new parse, and a document that does not parse is an error every
// time (never the last good one).
func TestParseDocReuses(t *testing.T) {
	a := []byte(`{"version":1,"clips":[{"source":0,"in":0,"out":10}],"output":{"container":"wav"}}`)
	b := []byte(`{"version":1,"clips":[{"source":0,"in":0,"out":20}],"output":{"container":"wav"}}`)
	d1, err := parseDoc(a)
	if err != nil {
		t.Fatal(err)
	}
	if d2, err := parseDoc(append([]byte(nil), a...)); err != nil || d2 != d1 {
		t.Errorf("the same bytes again: %p, %v; want %p", d2, err, d1)
	}
	if d3, err := parseDoc(b); err != nil || d3 == d1 || d3.Clips[0].Out != 20 {
		t.Errorf("other bytes: %+v, %v", d3, err)
	}
	for range 2 {
		if _, err := parseDoc([]byte(`{"version":1,"clips":[`)); err == nil {
			t.Error("a broken document parsed")
		}
	}
	if d, err := parseDoc(a); err != nil || d.Clips[0].Out != 10 {
		t.Errorf("back to the first: %+v, %v", d, err)
	}
}
