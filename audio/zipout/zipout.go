// Package zipout writes finished files into one ZIP archive as it goes:
// entries are stored (audio does not deflate), headers come from
// archive/zip, and the archive is never held whole in memory. The browser
// and the CLI write their batches through it, so both make the same
// archive.
//
// An entry's data can be copied into the archive, or — when the
// destination implements RangeWriter — referred to by range (the browser
// assembles a Blob of slices of the files it already has, copying
// nothing). Either way the archive's bytes are the same.
//
// Entries under 4 GiB carry their CRC-32 and sizes in the local header (so
// that streaming unzippers read them); larger ones use a Zip64 data
// descriptor, as archive/zip does.
package zipout

import (
	"archive/zip"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// RangeWriter is a destination that can take bytes [off, off+n) of
// entry i's source by reference instead of by copy.
type RangeWriter interface {
	io.Writer
	WriteRange(entry int, off, n int64) error
}

// Entry is one file to store.
type Entry struct {
	// Name is the file name in the archive; Writer.Add makes it safe and
	// unique (see SafeName).
	Name string
	// Modified is the time recorded for the file.
	Modified time.Time
	// Data holds Size bytes.
	Data io.ReaderAt
	Size int64
}

// Writer adds entries to an archive written to an io.Writer.
type Writer struct {
	dst     io.Writer
	ranges  RangeWriter
	mw      *modeWriter
	zw      *zip.Writer
	names   map[string]bool
	entries int
	buf     []byte
	// Progress, if set, is called as an entry's data is read for its
	// CRC-32: bytes done and the entry's size.
	Progress func(done, total int64)
}

// NewWriter returns a Writer writing the archive to w.
func NewWriter(w io.Writer) *Writer {
	z := &Writer{dst: w, names: map[string]bool{}, buf: make([]byte, 1<<20)}
	z.ranges, _ = w.(RangeWriter)
	z.mw = &modeWriter{z: z}
	z.zw = zip.NewWriter(z.mw)
	return z
}

// modeWriter passes archive/zip's output to the destination, or, while an
// entry's data goes through as zeros, turns it into ranges of the entry.
type modeWriter struct {
	z       *Writer
	ranging bool
	entry   int
	off     int64
}

func (m *modeWriter) Write(p []byte) (int, error) {
	if !m.ranging {
		return m.z.dst.Write(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if err := m.z.ranges.WriteRange(m.entry, m.off, int64(len(p))); err != nil {
		return 0, err
	}
	m.off += int64(len(p))
	return len(p), nil
}

// SafeName returns name as a plain file name for an archive: the last
// element of any path, without control characters or characters that
// Windows forbids, never empty, "." or "..", at most 255 bytes.
func SafeName(name string) string {
	name = strings.ToValidUTF8(name, "_")
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`<>:"/\|?*`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if name == "" {
		name = "audio"
	}
	if len(name) > 255 {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		cut := 255 - len(ext)
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut] + ext
	}
	return name
}

// unique returns name, or "base (2).ext", "base (3).ext", … when an entry
// of that name (compared case-insensitively, as Windows and macOS do) is
// already in the archive.
func (z *Writer) unique(name string) string { return uniqueIn(z.names, name) }

func uniqueIn(taken map[string]bool, name string) string {
	n := name
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 2; taken[strings.ToLower(n)]; i++ {
		n = fmt.Sprintf("%s (%d)%s", base, i, ext)
	}
	taken[strings.ToLower(n)] = true
	return n
}

// Names returns the names an archive of entries named names would store
// them under (SafeName, then made unique in order): the same names for
// files written into a folder instead.
func Names(names []string) []string {
	taken := map[string]bool{}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = uniqueIn(taken, SafeName(n))
	}
	return out
}

// Add stores e as the next entry (entries count from 0, which is what a
// RangeWriter is told) and returns the name it was stored under. The data
// is read once for its CRC-32 and, unless the destination takes ranges,
// once more as it is copied.
func (z *Writer) Add(e Entry) (string, error) {
	if e.Size < 0 {
		return "", fmt.Errorf("zipout: %q: negative size %d", e.Name, e.Size)
	}
	name := z.unique(SafeName(e.Name))
	sum, err := z.checksum(e)
	if err != nil {
		return "", fmt.Errorf("zipout: %q: %w", e.Name, err)
	}
	fh := &zip.FileHeader{
		Name:               name,
		Method:             zip.Store,
		Modified:           e.Modified,
		CRC32:              sum,
		CompressedSize64:   uint64(e.Size),
		UncompressedSize64: uint64(e.Size),
	}
	if fh.Modified.IsZero() {
		fh.Modified = time.Now()
	}
	// CreateRaw leaves the time to its caller: MS-DOS fields plus the
	// extended timestamp, as archive/zip's CreateHeader writes them.
	fh.ModifiedDate, fh.ModifiedTime = msDosTime(fh.Modified)
	var ext [9]byte
	binary.LittleEndian.PutUint16(ext[0:], 0x5455)
	binary.LittleEndian.PutUint16(ext[2:], 5)
	ext[4] = 1
	binary.LittleEndian.PutUint32(ext[5:], uint32(fh.Modified.Unix()))
	fh.Extra = ext[:]
	if e.Size >= 1<<32-1 {
		// Zip64: the sizes go into a data descriptor, which archive/zip
		// writes in its 64-bit form.
		fh.Flags |= 0x8
	}
	w, err := z.zw.CreateRaw(fh)
	if err != nil {
		return "", fmt.Errorf("zipout: %q: %w", name, err)
	}
	if z.ranges != nil {
		// archive/zip buffers its output: flush the header before the
		// data goes through as ranges, and the data before the next
		// header.
		if err = z.zw.Flush(); err == nil {
			z.mw.ranging, z.mw.entry, z.mw.off = true, z.entries, 0
			if err = writeZeros(w, e.Size, z.buf); err == nil {
				err = z.zw.Flush()
			}
			z.mw.ranging = false
		}
	} else {
		_, err = io.CopyBuffer(w, io.NewSectionReader(e.Data, 0, e.Size), z.buf)
	}
	if err != nil {
		return "", fmt.Errorf("zipout: %q: %w", name, err)
	}
	z.entries++
	return name, nil
}

// msDosTime is t in the MS-DOS date and time fields (2-second steps,
// 1980 to 2107), clamped to that range.
func msDosTime(t time.Time) (date, clock uint16) {
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	} else if t.Year() > 2107 {
		t = time.Date(2107, 12, 31, 23, 59, 58, 0, time.UTC)
	}
	date = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	clock = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, clock
}

// checksum reads e's data for its CRC-32.
func (z *Writer) checksum(e Entry) (uint32, error) {
	h := crc32.NewIEEE()
	var done int64
	for done < e.Size {
		n := int(min(int64(len(z.buf)), e.Size-done))
		k, err := e.Data.ReadAt(z.buf[:n], done)
		h.Write(z.buf[:k])
		done += int64(k)
		if k < n {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, fmt.Errorf("reading byte %d of %d: %w", done, e.Size, err)
		}
		if z.Progress != nil {
			z.Progress(done, e.Size)
		}
	}
	return h.Sum32(), nil
}

// writeZeros writes n zero bytes to w (which a RangeWriter destination
// turns into a reference to the entry's own bytes).
func writeZeros(w io.Writer, n int64, buf []byte) error {
	clear(buf)
	for n > 0 {
		k := int(min(n, int64(len(buf))))
		if _, err := w.Write(buf[:k]); err != nil {
			return err
		}
		n -= int64(k)
	}
	return nil
}

// Close writes the central directory. It does not close the destination.
func (z *Writer) Close() error {
	if err := z.zw.Close(); err != nil {
		return fmt.Errorf("zipout: %w", err)
	}
	return nil
}
