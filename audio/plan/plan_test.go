package plan_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/plan"
)

func TestPlanWritesSegmentsInOrder(t *testing.T) {
	src := audio.NewBytesSource([]byte("0123456789"))
	p := &plan.Plan{}
	p.Bytes([]byte("<"))
	p.Bytes([]byte("<"))
	p.Range(0, 2, 3)
	p.Range(0, 5, 2) // merges with the previous range
	p.Compute(3, func() (io.Reader, error) { return strings.NewReader("abc"), nil })
	p.Range(0, 0, 1)
	p.Bytes(nil) // no-op
	if n := len(p.Segments); n != 4 {
		t.Fatalf("%d segments, want 4 (merged bytes and ranges)", n)
	}
	var out bytes.Buffer
	n, err := p.WriteTo(&out, []audio.Source{src}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "<<23456abc0" || n != p.Size() || p.ComputedBytes() != 3 {
		t.Fatalf("wrote %q (%d bytes), size %d, computed %d", got, n, p.Size(), p.ComputedBytes())
	}
}

func TestPlanErrors(t *testing.T) {
	src := audio.NewBytesSource([]byte("0123"))
	for _, c := range []struct {
		name string
		p    func(*plan.Plan)
		want string
	}{
		{"range past the source", func(p *plan.Plan) { p.Range(0, 2, 10) }, "input 0 bytes 2..12"},
		{"missing source", func(p *plan.Plan) { p.Range(3, 0, 1) }, "reads input 3 of 1"},
		{"short computed", func(p *plan.Plan) {
			p.Compute(5, func() (io.Reader, error) { return strings.NewReader("ab"), nil })
		}, "3 bytes short"},
		{"failing computed", func(p *plan.Plan) {
			p.Compute(5, func() (io.Reader, error) { return nil, errors.New("boom") })
		}, "boom"},
	} {
		p := &plan.Plan{}
		c.p(p)
		_, err := p.WriteTo(io.Discard, []audio.Source{src}, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

func TestPlanProgressAndCancel(t *testing.T) {
	big := make([]byte, 3*plan.CopyBufferSize+5)
	p := &plan.Plan{}
	p.Range(0, 0, int64(len(big)))
	var seen []int64
	_, err := p.WriteTo(io.Discard, []audio.Source{audio.NewBytesSource(big)}, func(done, total int64) bool {
		if total != int64(len(big)) {
			t.Fatalf("total = %d", total)
		}
		seen = append(seen, done)
		return len(seen) < 2
	})
	if !errors.Is(err, plan.ErrCanceled) || len(seen) != 2 || seen[0] >= seen[1] {
		t.Fatalf("cancel: err %v, progress %v", err, seen)
	}
}

// fileLike is an in-memory io.Writer + io.WriterAt.
type fileLike struct{ b []byte }

func (f *fileLike) Write(p []byte) (int, error) { f.b = append(f.b, p...); return len(p), nil }
func (f *fileLike) WriteAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > int64(len(f.b)) {
		return 0, io.ErrShortWrite
	}
	return copy(f.b[off:], p), nil
}

func TestEncodedAndPatchable(t *testing.T) {
	var p plan.Plan
	p.Bytes([]byte("ab"))
	p.Patchable([]byte("HDR?"), func() ([]byte, error) { return []byte("HDR!"), nil })
	p.Encode(3, func() (io.Reader, error) { return strings.NewReader("encoded bytes"), nil })
	p.Bytes([]byte("z"))
	if p.Exact() {
		t.Error("a plan with encoder output says its size is exact")
	}
	if got := len(p.Segments); got != 4 {
		t.Fatalf("%d segments, want 4 (a patchable segment is never merged)", got)
	}
	var f fileLike
	var last [2]int64
	n, err := p.WriteTo(&f, nil, func(done, total int64) bool {
		if done > total || done < last[0] {
			t.Errorf("progress %d of %d after %v", done, total, last)
		}
		last = [2]int64{done, total}
		return true
	})
	if err != nil || string(f.b) != "abHDR!encoded bytesz" || n != int64(len(f.b)) {
		t.Fatalf("WriteTo = %d, %v: %q", n, err, f.b)
	}
	var plain bytes.Buffer
	if _, err := p.WriteTo(&plain, nil, nil); err == nil {
		t.Error("patchable plan written to a plain io.Writer: no error")
	}
}
