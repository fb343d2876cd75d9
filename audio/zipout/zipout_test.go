package zipout_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"offcut/audio/zipout"
)

// rangeDst is a RangeWriter that records what it is given, so that the
// archive can be put together afterwards from the entries' sources.
type rangeDst struct {
	parts []part
}

type part struct {
	lit    []byte
	entry  int
	off, n int64
}

func (d *rangeDst) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	d.parts = append(d.parts, part{lit: bytes.Clone(p)})
	return len(p), nil
}

func (d *rangeDst) WriteRange(entry int, off, n int64) error {
	if k := len(d.parts); k > 0 && d.parts[k-1].lit == nil && d.parts[k-1].entry == entry && d.parts[k-1].off+d.parts[k-1].n == off {
		d.parts[k-1].n += n
		return nil
	}
	d.parts = append(d.parts, part{entry: entry, off: off, n: n})
	return nil
}

func (d *rangeDst) assemble(t *testing.T, data [][]byte) []byte {
	var out []byte
	for _, p := range d.parts {
		if p.lit != nil {
			out = append(out, p.lit...)
		} else {
			out = append(out, data[p.entry][p.off:p.off+p.n]...)
		}
	}
	return out
}

func entries(data [][]byte, names []string, when time.Time) []zipout.Entry {
	var es []zipout.Entry
	for i, d := range data {
		es = append(es, zipout.Entry{Name: names[i], Modified: when, Data: bytes.NewReader(d), Size: int64(len(d))})
	}
	return es
}

func TestCopyAndRangesMakeTheSameArchive(t *testing.T) {
	when := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	data := [][]byte{bytes.Repeat([]byte("RIFF"), 100000), {}, []byte("ID3 tag then frames"), bytes.Repeat([]byte{0xff, 0xfb}, 3<<20)}
	names := []string{"a.wav", "empty.wav", "A.wav", "../../etc/x:y?.mp3"}

	var copied bytes.Buffer
	zc := zipout.NewWriter(&copied)
	var got []string
	for _, e := range entries(data, names, when) {
		n, err := zc.Add(e)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	if err := zc.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{"a.wav", "empty.wav", "A (2).wav", "x_y_.mp3"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("names %q, want %q", got, want)
	}
	if n := zipout.Names(names); fmt.Sprint(n) != fmt.Sprint(want) {
		t.Errorf("Names(%q) = %q, want the archive's %q", names, n, want)
	}

	var rd rangeDst
	zr := zipout.NewWriter(&rd)
	for _, e := range entries(data, names, when) {
		if _, err := zr.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := zr.Close(); err != nil {
		t.Fatal(err)
	}
	ranged := rd.assemble(t, data)
	if !bytes.Equal(ranged, copied.Bytes()) {
		t.Fatalf("the ranged archive (%d bytes) differs from the copied one (%d bytes)", len(ranged), copied.Len())
	}
	var literal int
	for _, p := range rd.parts {
		literal += len(p.lit)
	}
	if literal > 1000 {
		t.Errorf("%d bytes were copied into the ranged archive; only headers should be", literal)
	}

	r, err := zip.NewReader(bytes.NewReader(copied.Bytes()), int64(copied.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range r.File {
		if f.Name != want[i] || f.Method != zip.Store || !f.Modified.Equal(when) {
			t.Errorf("entry %d: %q method %d modified %v", i, f.Name, f.Method, f.Modified)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc) // checks the CRC-32
		if err != nil || !bytes.Equal(b, data[i]) {
			t.Errorf("entry %d: read back %d bytes (%v), want %d", i, len(b), err, len(data[i]))
		}
	}

	// Tools nobody here wrote: Info-ZIP's unzip and Python's zipfile,
	// which also reads the local headers as a streaming reader would.
	if runtime.GOOS == "js" {
		return
	}
	path := filepath.Join(t.TempDir(), "batch.zip")
	if err := os.WriteFile(path, copied.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if py, err := exec.LookPath("python3"); err == nil {
		script := `import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
bad = z.testzip()
assert bad is None, bad
for i in z.infolist():
    with open(sys.argv[1], 'rb') as f:
        f.seek(i.header_offset)
        h = f.read(30)
    assert h[:4] == b'PK\x03\x04'
    assert int.from_bytes(h[14:18], 'little') == i.CRC, i.filename
    assert int.from_bytes(h[22:26], 'little') == i.file_size, i.filename
print(len(z.infolist()))`
		out, err := exec.Command(py, "-c", script, path).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "4" {
			t.Errorf("python zipfile: %v\n%s", err, out)
		}
	}
	if unzip, err := exec.LookPath("unzip"); err == nil {
		if out, err := exec.Command(unzip, "-t", path).CombinedOutput(); err != nil {
			t.Errorf("unzip -t: %v\n%s", err, out)
		}
	}
}

// pattern is a large, cheap ReaderAt: byte i is i*7 mod 251.
type pattern struct{}

var cycle = func() []byte {
	b := make([]byte, 251+1<<20)
	for i := range b {
		b[i] = byte(i * 7 % 251)
	}
	return b
}()

func (pattern) ReadAt(p []byte, off int64) (int, error) {
	for n := 0; n < len(p); {
		s := (off + int64(n)) % 251
		n += copy(p[n:], cycle[s:])
	}
	return len(p), nil
}

// TestZip64 stores an entry over 4 GiB by reference and reads it back
// through archive/zip's own reader.
func TestZip64(t *testing.T) {
	if testing.Short() || runtime.GOOS == "js" {
		t.Skip("reads 4 GiB twice")
	}
	const size = 1<<32 + 12345
	var rd rangeDst
	z := zipout.NewWriter(&rd)
	if _, err := z.Add(zipout.Entry{Name: "long.wav", Data: pattern{}, Size: size}); err != nil {
		t.Fatal(err)
	}
	if _, err := z.Add(zipout.Entry{Name: "after.wav", Data: bytes.NewReader([]byte("tail")), Size: 4}); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	v := &virtual{parts: rd.parts, srcs: []io.ReaderAt{pattern{}, bytes.NewReader([]byte("tail"))}}
	for _, p := range rd.parts {
		if p.lit != nil {
			v.size += int64(len(p.lit))
		} else {
			v.size += p.n
		}
	}
	r, err := zip.NewReader(v, v.size)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.File) != 2 || r.File[0].UncompressedSize64 != size || r.File[1].Name != "after.wav" {
		t.Fatalf("read back %d entries", len(r.File))
	}
	rc, err := r.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	h := crc32.NewIEEE()
	n, err := io.Copy(h, rc)
	if err != nil || n != size {
		t.Fatalf("read %d bytes of the big entry: %v", n, err)
	}
	rc, _ = r.File[1].Open()
	if b, err := io.ReadAll(rc); err != nil || string(b) != "tail" {
		t.Fatalf("entry after the Zip64 one: %q, %v", b, err)
	}
}

// virtual reads an archive recorded by rangeDst.
type virtual struct {
	parts []part
	srcs  []io.ReaderAt
	size  int64
}

func (v *virtual) ReadAt(p []byte, off int64) (int, error) {
	var at int64
	n := 0
	for _, q := range v.parts {
		l := q.n
		if q.lit != nil {
			l = int64(len(q.lit))
		}
		if off+int64(n) < at+l && n < len(p) {
			from := off + int64(n) - at
			k := int(min(l-from, int64(len(p)-n)))
			if q.lit != nil {
				copy(p[n:n+k], q.lit[from:])
			} else {
				v.srcs[q.entry].ReadAt(p[n:n+k], q.off+from)
			}
			n += k
		}
		at += l
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

type failing struct{}

func (failing) ReadAt(p []byte, off int64) (int, error) {
	return 0, fmt.Errorf("the file was removed")
}

func TestUnreadableEntry(t *testing.T) {
	z := zipout.NewWriter(io.Discard)
	_, err := z.Add(zipout.Entry{Name: "gone.wav", Data: failing{}, Size: 100})
	if err == nil || !strings.Contains(err.Error(), "gone.wav") || !strings.Contains(err.Error(), "removed") {
		t.Fatalf("error %v; want one naming the entry and the cause", err)
	}
	if _, err := z.Add(zipout.Entry{Name: "short.wav", Data: bytes.NewReader([]byte("ab")), Size: 100}); err == nil {
		t.Fatal("an entry shorter than its size was stored")
	}
}

func FuzzSafeName(f *testing.F) {
	for _, s := range []string{"a.wav", "../x", "C:\\dir\\b.mp3", "", ".", "..", " . ", "a\x00b", strings.Repeat("é", 200) + ".flac", "\xff\xfe.wav"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		s := zipout.SafeName(name)
		if s == "" || s == "." || s == ".." || len(s) > 255 || !utf8.ValidString(s) || strings.ContainsAny(s, "/\\:*?\"<>|\x00") {
			t.Fatalf("SafeName(%q) = %q", name, s)
		}
		if zipout.SafeName(s) != s {
			t.Fatalf("SafeName is not stable: %q -> %q -> %q", name, s, zipout.SafeName(s))
		}
	})
}
