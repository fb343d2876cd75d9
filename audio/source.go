package audio

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
)

// Source is random-access bytes of known size: a file on disk, a browser
// File read by range, or bytes in memory. Nothing in the engine reads a whole
// Source into memory.
type Source interface {
	io.ReaderAt
	// Size is the number of bytes in the source.
	Size() int64
}

// BytesSource is a Source over a byte slice.
type BytesSource struct{ r *bytes.Reader }

// NewBytesSource returns a Source reading from b.
func NewBytesSource(b []byte) *BytesSource { return &BytesSource{bytes.NewReader(b)} }

// ReadAt implements io.ReaderAt.
func (s *BytesSource) ReadAt(p []byte, off int64) (int, error) { return s.r.ReadAt(p, off) }

// Size implements Source.
func (s *BytesSource) Size() int64 { return s.r.Size() }

// FileSource is a Source over an open file.
type FileSource struct {
	f    *os.File
	size int64
}

// ErrNotRegular is returned (in an *os.PathError) by OpenFile and
// CheckRegular for a directory, FIFO, device or socket: they have no size to
// read by range, and opening a FIFO or reading a device such as /dev/zero
// could block or never end.
var ErrNotRegular = errors.New("not a regular file")

// CheckRegular returns an *os.PathError wrapping ErrNotRegular unless st is
// a regular file; the message says what the file is instead.
func CheckRegular(name string, st fs.FileInfo) error {
	m := st.Mode()
	if m.IsRegular() {
		return nil
	}
	what := "a special file"
	switch {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0, m&fs.ModeDevice != 0:
		what = "a device"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	}
	return &os.PathError{Op: "open", Path: name, Err: notRegular(what)}
}

type notRegular string

func (e notRegular) Error() string { return "is " + string(e) + ", not a regular file" }
func (e notRegular) Unwrap() error { return ErrNotRegular }

// OpenFile opens the named file as a Source. Close it when done. Only
// regular files open: the file is checked before it is opened, so a FIFO
// without a writer cannot block.
func OpenFile(name string) (*FileSource, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if err := CheckRegular(name, st); err != nil {
		return nil, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err = f.Stat(); err != nil {
		f.Close()
		return nil, err
	}
	if err := CheckRegular(name, st); err != nil {
		f.Close()
		return nil, err
	}
	return &FileSource{f: f, size: st.Size()}, nil
}

// ReadAt implements io.ReaderAt.
func (s *FileSource) ReadAt(p []byte, off int64) (int, error) { return s.f.ReadAt(p, off) }

// Size implements Source.
func (s *FileSource) Size() int64 { return s.size }

// Name is the file's name as opened.
func (s *FileSource) Name() string { return s.f.Name() }

// Close closes the file.
func (s *FileSource) Close() error { return s.f.Close() }

// ReadAtFull reads exactly len(p) bytes at off, returning io.ErrUnexpectedEOF
// when the source ends first (io.EOF only when nothing at all was read at
// the very end).
func ReadAtFull(r io.ReaderAt, p []byte, off int64) error {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		if n == 0 && err == io.EOF {
			return io.EOF
		}
		return io.ErrUnexpectedEOF
	}
	return err
}
