package pcm

import (
	"io"

	"offcut/audio"
)

// Reader encodes a stream as stored samples: reading it yields exactly
// s.Len()*BytesPerFrame bytes.
type Reader struct {
	s       audio.Stream
	enc     *Encoder
	fbuf    []float32
	out     []byte
	pending []byte
	err     error
}

// readerFrames is how many frames a Reader converts at a time.
const readerFrames = 8192

// NewReader returns a Reader encoding s with enc. The stream's channel count
// must match the encoder's format.
func NewReader(s audio.Stream, enc *Encoder) *Reader {
	ch := s.Channels()
	return &Reader{
		s:    s,
		enc:  enc,
		fbuf: make([]float32, readerFrames*ch),
		out:  make([]byte, readerFrames*ch*enc.Format().BytesPerSample()),
	}
}

// Read implements io.Reader.
func (r *Reader) Read(p []byte) (int, error) {
	for len(r.pending) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		n, err := r.s.Read(r.fbuf)
		if n > 0 {
			k := n * r.s.Channels()
			nb := k * r.enc.Format().BytesPerSample()
			r.enc.Encode(r.out[:nb], r.fbuf[:k])
			r.pending = r.out[:nb]
		}
		if err != nil {
			r.err = err
		}
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}

var _ io.Reader = (*Reader)(nil)
