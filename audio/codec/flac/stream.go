package flac

import (
	"fmt"
	"io"

	"offcut/audio"
)

// Stream decodes frames [from, to) of the file.
func (d *Decoder) Stream(from, to int64) (audio.Stream, error) {
	if from < 0 || to < from || to > d.info.Frames {
		return nil, fmt.Errorf("flac: frames [%d, %d) out of range [0, %d]", from, to, d.info.Frames)
	}
	r := newBitReader(d.src)
	s := &stream{
		d:     d,
		r:     r,
		fd:    d.newFrameDecoder(r),
		pos:   from,
		to:    to,
		n:     to - from,
		scale: 1 / float32(int64(1)<<(d.si.BitsPerSample-1)),
	}
	if from == to {
		return s, nil
	}
	off, sample := d.locate(from)
	r.seek(off)
	s.next = sample
	return s, nil
}

type stream struct {
	d     *Decoder
	r     *bitReader
	fd    *frameDecoder
	pos   int64 // next frame to return
	to    int64
	n     int64
	next  int64 // first sample of the next frame to decode
	start int64 // first sample of the decoded frame
	at    int   // next sample of the decoded frame to return
	len   int   // samples in the decoded frame
	scale float32
	err   error
}

func (s *stream) Rate() int     { return s.d.si.SampleRate }
func (s *stream) Channels() int { return s.d.si.Channels }
func (s *stream) Len() int64    { return s.n }

func (s *stream) Read(buf []float32) (int, error) {
	ch := s.d.si.Channels
	want := len(buf) / ch
	if want == 0 {
		return 0, audio.ErrShortBuffer
	}
	if s.pos == s.to {
		return 0, io.EOF
	}
	if s.err != nil {
		return 0, s.err
	}
	want = int(min(int64(want), s.to-s.pos))
	got := 0
	for got < want {
		if s.at == s.len {
			if err := s.decode(); err != nil {
				s.err = err
				if got > 0 {
					return got, nil
				}
				return 0, err
			}
			continue
		}
		k := min(s.len-s.at, want-got)
		s.convert(buf[got*ch:(got+k)*ch], s.at, k)
		s.at += k
		got += k
		s.pos += int64(k)
	}
	return got, nil
}

// decode decodes the next frame holding samples at or after pos.
func (s *stream) decode() error {
	err := s.fd.decode()
	if err == errEndOfStream {
		return fmt.Errorf("flac: the stream ends at sample %d, before the %d that STREAMINFO gives: %w", s.next, s.d.info.Frames, io.ErrUnexpectedEOF)
	}
	if err != nil {
		return fmt.Errorf("flac: %w", err)
	}
	h := &s.fd.header
	if want := s.d.frameSample(*h); want >= 0 && want != s.next {
		return fmt.Errorf("flac: %w: frame at byte %d starts at sample %d, expected %d", errMalformed, s.fd.start, want, s.next)
	}
	s.d.remember(s.next, s.fd.start)
	s.start = s.next
	s.next += int64(h.blockSize)
	s.len = h.blockSize
	s.at = 0
	if s.next <= s.pos {
		s.at = s.len // before the range: skip
	} else if s.pos > s.start {
		s.at = int(s.pos - s.start)
	}
	return nil
}

// convert writes k frames of the decoded frame, from sample at, into out
// as interleaved float32.
func (s *stream) convert(out []float32, at, k int) {
	sc := s.scale
	chans := s.fd.chans
	switch len(chans) {
	case 1:
		src := chans[0][at : at+k]
		out = out[:len(src)]
		for i, v := range src {
			out[i] = float32(v) * sc
		}
	case 2:
		l := chans[0][at : at+k]
		r := chans[1][at : at+k]
		r = r[:len(l)]
		out = out[:2*len(l)]
		for i, v := range l {
			o := out[2*i : 2*i+2 : 2*i+2]
			o[0] = float32(v) * sc
			o[1] = float32(r[i]) * sc
		}
	default:
		ch := len(chans)
		for c, src := range chans {
			src = src[at : at+k]
			for i, v := range src {
				out[i*ch+c] = float32(v) * sc
			}
		}
	}
}
