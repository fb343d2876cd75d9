package audio

import (
	"bytes"
	"fmt"
	"io"
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

// OpenFile opens the named file as a Source. Close it when done.
func OpenFile(name string) (*FileSource, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s: is a directory", name)
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
