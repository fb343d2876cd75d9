//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package lame

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"offcut/audio"
	"offcut/audio/codec/mp3"
	"offcut/audio/codec/mp3edit"
)

// Result describes a written MP3.
type Result struct {
	// Samples is the number of frames (per channel) encoded, which a gapless
	// decoder returns.
	Samples int64
	// Frames is the number of audio frames after the Info frame.
	Frames int
	// Bytes is the length of the file.
	Bytes int64
	// Delay and Padding are the LAME header's encoder delay and padding.
	Delay, Padding int
}

// Write encodes s as a complete MP3 file on w: an Info (CBR) or Xing (VBR)
// frame with a LAME extension (frame and byte counts, seek table, encoder
// delay and padding, CRC), then the audio frames. A gapless decoder (FFmpeg,
// package mp3) returns exactly s.Len() frames.
//
// opt.Rate and opt.Channels may be left 0 to take the stream's; if set they
// must match it. If w is an io.WriteSeeker the frames are streamed and the
// Info frame is written last, in place; otherwise the frames are held in
// memory until the end.
func Write(w io.Writer, s audio.Stream, opt Options) (Result, error) {
	fw := &frameWriter{w: w}
	if ws, ok := w.(io.WriteSeeker); ok {
		if start, err := ws.Seek(0, io.SeekCurrent); err == nil {
			fw.ws, fw.start = ws, start
		}
	}
	info, res, err := encode(fw, s, opt)
	if err != nil {
		return Result{}, err
	}
	if err := fw.finish(info); err != nil {
		return Result{}, err
	}
	res.Bytes += int64(len(info))
	return res, nil
}

// Stream encodes s and writes its audio frames to w as they come, without
// the Info frame, which it returns at the end (InfoSize bytes, to be put
// before the frames: a plan reserves its place and patches it in).
func Stream(w io.Writer, s audio.Stream, opt Options) (info []byte, res Result, err error) {
	fw := &frameWriter{w: w, direct: true}
	info, res, err = encode(fw, s, opt)
	if err == nil && len(info) != InfoSize(opt.Rate, opt.Channels == 1 || opt.Mode == Mono) {
		err = fmt.Errorf("lame: internal error: Info frame is %d bytes, %d expected", len(info), InfoSize(opt.Rate, opt.Channels == 1 || opt.Mode == Mono))
	}
	return info, res, err
}

// InfoSize is the size of the Info frame of an MP3 at rate (mono or
// not): it depends on the MPEG version, the rate and the channel count.
func InfoSize(rate int, mono bool) int {
	var version, idx uint32
	switch rate {
	case 44100, 48000, 32000:
		version, idx = 3, map[int]uint32{44100: 0, 48000: 1, 32000: 2}[rate]
	case 22050, 24000, 16000:
		version, idx = 2, map[int]uint32{22050: 0, 24000: 1, 16000: 2}[rate]
	case 11025, 12000, 8000:
		version, idx = 0, map[int]uint32{11025: 0, 12000: 1, 8000: 2}[rate]
	default:
		return 0
	}
	mode := uint32(1) // joint stereo
	if mono {
		mode = 3
	}
	h := mp3.Header(0x7FF<<21 | version<<19 | 1<<17 | 1<<16 | 9<<12 | idx<<10 | mode<<6)
	b, err := mp3edit.InfoHeader{Header: h}.Frame()
	if err != nil {
		return 0
	}
	return len(b)
}

// encode runs the encoder over s into fw and returns the Info frame.
func encode(fw *frameWriter, s audio.Stream, opt Options) ([]byte, Result, error) {
	if opt.Rate == 0 {
		opt.Rate = s.Rate()
	}
	if opt.Channels == 0 {
		opt.Channels = s.Channels()
	}
	if opt.Rate != s.Rate() || opt.Channels != s.Channels() {
		return nil, Result{}, fmt.Errorf("%w: options say %d Hz %d channels, the stream is %d Hz %d channels", ErrOptions, opt.Rate, opt.Channels, s.Rate(), s.Channels())
	}
	e, err := NewEncoder(opt)
	if err != nil {
		return nil, Result{}, err
	}
	defer e.Close()
	buf := make([]float32, chunk*s.Channels())
	var n int64
	for {
		k, rerr := s.Read(buf)
		if k > 0 {
			n += int64(k)
			b, err := e.Encode(buf[:k*s.Channels()])
			if err != nil {
				return nil, Result{}, err
			}
			if err := fw.write(b); err != nil {
				return nil, Result{}, err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return nil, Result{}, rerr
		}
	}
	b, err := e.Flush()
	if err != nil {
		return nil, Result{}, err
	}
	if err := fw.write(b); err != nil {
		return nil, Result{}, err
	}
	if len(fw.pending) != 0 {
		return nil, Result{}, fmt.Errorf("lame: internal error: %d bytes after the last whole frame", len(fw.pending))
	}
	if len(fw.sizes) == 0 {
		return nil, Result{}, errors.New("lame: internal error: the encoder produced no frames")
	}
	info, err := mp3edit.InfoHeader{
		Header: fw.h0, Sizes: fw.sizes, CBR: fw.cbr, Encoder: "LAME" + Version,
		Delay: e.Delay(), Padding: e.Padding(),
	}.Frame()
	if err != nil {
		return nil, Result{}, err
	}
	return info, Result{Samples: n, Frames: len(fw.sizes), Bytes: fw.total, Delay: e.Delay(), Padding: e.Padding()}, nil
}

// frameWriter splits LAME's output into frames (for the Info header's
// counts and seek table) and writes them.
type frameWriter struct {
	w       io.Writer
	direct  bool           // stream frames to w; the Info frame is the caller's
	ws      io.WriteSeeker // non-nil: stream, then patch the Info frame in
	start   int64
	infoLen int
	held    []byte // frames not yet written (no seeker)
	pending []byte // an incomplete frame
	h0      mp3.Header
	sizes   []int64
	bi      int
	cbr     bool
	total   int64 // audio frame bytes
}

func (f *frameWriter) write(b []byte) error {
	f.pending = append(f.pending, b...)
	i := 0
	for len(f.pending)-i >= 4 {
		h, size, err := frameAt(f.pending[i:])
		if err != nil {
			return fmt.Errorf("%w at byte %d of the output", err, f.total)
		}
		if size == 0 {
			break
		}
		if len(f.sizes) == 0 {
			f.h0, f.bi, f.cbr = h, h.BitrateIndex(), true
			if f.ws != nil && !f.direct {
				// Reserve the Info frame: its size depends only on the
				// stream's version, rate and mode.
				ph, err := mp3edit.InfoHeader{Header: h}.Frame()
				if err != nil {
					return err
				}
				f.infoLen = len(ph)
				if _, err := f.ws.Write(make([]byte, len(ph))); err != nil {
					return err
				}
			}
		}
		f.cbr = f.cbr && h.BitrateIndex() == f.bi
		f.sizes = append(f.sizes, int64(size))
		f.total += int64(size)
		i += size
	}
	whole := f.pending[:i]
	if f.ws != nil || f.direct {
		if _, err := f.w.Write(whole); err != nil {
			return err
		}
	} else {
		f.held = append(f.held, whole...)
	}
	f.pending = append(f.pending[:0], f.pending[i:]...)
	return nil
}

// frameAt reads the header of the frame LAME's output b starts with, and
// the frame's size, or 0 when b does not hold all of it yet.
func frameAt(b []byte) (mp3.Header, int, error) {
	h := mp3.Header(binary.BigEndian.Uint32(b))
	if !h.Valid() || h.Layer() != 3 || h.BitrateIndex() == 0 {
		return h, 0, errors.New("lame: internal error: no frame header")
	}
	if len(b) < h.Size() {
		return h, 0, nil
	}
	return h, h.Size(), nil
}

func (f *frameWriter) finish(info []byte) error {
	if f.ws == nil {
		if _, err := f.w.Write(info); err != nil {
			return err
		}
		_, err := f.w.Write(f.held)
		return err
	}
	if len(info) != f.infoLen {
		return fmt.Errorf("lame: internal error: Info frame is %d bytes, %d reserved", len(info), f.infoLen)
	}
	end, err := f.ws.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	if _, err := f.ws.Seek(f.start, io.SeekStart); err != nil {
		return err
	}
	if _, err := f.ws.Write(info); err != nil {
		return err
	}
	_, err = f.ws.Seek(end, io.SeekStart)
	return err
}
