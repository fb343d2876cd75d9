//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package vorbis

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"unsafe"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/internal/libc"
	"offcut/audio/codec/vorbis/internal/cvorbis"
	"offcut/audio/codec/vorbiscomment"
)

// Limits of the encoder's settings.
const (
	MinQuality = -1
	MaxQuality = 10
	MinRate    = 8000
	MaxRate    = 192000
	// MaxChannels is the most channels written: the channel orders of the
	// Vorbis I specification (§4.3.9) are defined up to 7.1.
	MaxChannels = 8
)

// ErrOptions is wrapped by every error about unusable encoder settings.
// It wraps codec.ErrUnsupported.
var ErrOptions = fmt.Errorf("vorbis: unsupported encoder settings: %w", codec.ErrUnsupported)

// EncodeOptions are the encoder's settings.
type EncodeOptions struct {
	// Quality is libvorbis's VBR quality, −1 (smallest) to 10 (best), as
	// oggenc's -q; fractions are allowed.
	Quality float64
	// Tags are written as Vorbis comments (lower-case engine keys: title,
	// artist, album, year → DATE, track → TRACKNUMBER, others upper-cased).
	Tags map[string]string
	// Pictures are written as METADATA_BLOCK_PICTURE comments.
	Pictures []audio.Picture
	// Serial is the Ogg stream's serial number; 0 takes a checksum of the
	// comment header, so that equal input makes equal files.
	Serial uint32
}

// EncodeResult describes an encoded stream.
type EncodeResult struct {
	// Frames is the number of frames encoded, which is the last page's
	// granule position: what decoders output.
	Frames int64
	// Bytes is the size of the file written.
	Bytes int64
	// Vendor is libvorbis's vendor string, as written in the comment header.
	Vendor string
}

// wavToVorbis maps, for 3 to 8 channels, each WAV-order input channel (FL
// FR FC LFE BL BR SL SR) to its index in the Vorbis channel order (Vorbis I
// spec §4.3.9): the inverse of the decoder's mapping.
var wavToVorbis = [MaxChannels + 1][]int{
	3: {0, 2, 1},
	5: {0, 2, 1, 3, 4},
	6: {0, 2, 1, 5, 3, 4},
	7: {0, 2, 1, 6, 5, 3, 4},
	8: {0, 2, 1, 7, 5, 6, 3, 4},
}

// CheckEncode reports whether Encode accepts a stream of rate and
// channels at quality.
func CheckEncode(rate, channels int, quality float64) error {
	switch {
	case math.IsNaN(quality) || quality < MinQuality || quality > MaxQuality:
		return fmt.Errorf("%w: quality %g is outside %d..%d", ErrOptions, quality, MinQuality, MaxQuality)
	case channels < 1 || channels > MaxChannels:
		return fmt.Errorf("%w: %d channels; Vorbis output has 1 to %d", ErrOptions, channels, MaxChannels)
	case rate < MinRate || rate > MaxRate:
		return fmt.Errorf("%w: sample rate %d Hz; the encoder takes %d to %d Hz", ErrOptions, rate, MinRate, MaxRate)
	}
	return nil
}

// chunk is how many frames are handed to libvorbis at a time (as oggenc).
const chunk = 1024

// Encode encodes s as an Ogg Vorbis file on w with libvorbis 1.3.7 in VBR
// mode (what `oggenc -q` does) and returns what it wrote. Channels are
// taken in WAV order and stored in Vorbis order. The pages are laid out as
// oggenc lays them out (identification header alone on the first page,
// the other headers on the next, then audio pages of about 4 kB); the last
// page's granule position is s.Len(), so decoders output exactly the
// stream's frames.
func Encode(w io.Writer, s audio.Stream, opt EncodeOptions) (res EncodeResult, err error) {
	rate, ch := s.Rate(), s.Channels()
	if err := CheckEncode(rate, ch, opt.Quality); err != nil {
		return EncodeResult{}, err
	}
	e := &encoder{w: w, t: libc.NewTLS()}
	defer e.t.Close()
	defer func() {
		if r := recover(); r != nil {
			a, ok := r.(*libc.Abort)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("vorbis: libvorbis stopped: %s", a.Msg)
		}
	}()
	if err := e.init(rate, ch, opt); err != nil {
		return EncodeResult{}, err
	}
	defer e.clear()
	if err := e.headers(opt); err != nil {
		return EncodeResult{}, err
	}
	buf := make([]float32, chunk*ch)
	m := wavToVorbis[ch]
	var n int64
	for !e.eos {
		k, rerr := s.Read(buf)
		if rerr != nil && rerr != io.EOF {
			return EncodeResult{}, rerr
		}
		if k > 0 {
			n += int64(k)
			// float **vorbis_analysis_buffer(vd, k): one buffer per channel.
			planes := unsafe.Slice((*uintptr)(cptr(cvorbis.Xvorbis_analysis_buffer(e.t, e.vd, int32(k)))), ch)
			for c := range ch {
				vc := c
				if m != nil {
					vc = m[c]
				}
				dst := unsafe.Slice((*float32)(cptr(planes[vc])), k)
				for i := range dst {
					dst[i] = buf[i*ch+c]
				}
			}
			if r := cvorbis.Xvorbis_analysis_wrote(e.t, e.vd, int32(k)); r != 0 {
				return EncodeResult{}, fmt.Errorf("vorbis: vorbis_analysis_wrote: %d", r)
			}
		}
		if rerr == io.EOF || k == 0 {
			if n != s.Len() {
				return EncodeResult{}, fmt.Errorf("vorbis: the stream ended after %d of %d frames", n, s.Len())
			}
			cvorbis.Xvorbis_analysis_wrote(e.t, e.vd, 0)
		}
		if err := e.drain(); err != nil {
			return EncodeResult{}, err
		}
		if rerr == io.EOF || k == 0 {
			break
		}
	}
	if !e.eos {
		return EncodeResult{}, errors.New("vorbis: internal error: libvorbis ended without an end-of-stream packet")
	}
	if e.granule != n {
		return EncodeResult{}, fmt.Errorf("vorbis: internal error: last granule position %d, %d frames encoded", e.granule, n)
	}
	return EncodeResult{Frames: n, Bytes: e.bytes, Vendor: e.vendor}, nil
}

// encoder holds libvorbis's and libogg's state, in C memory of its TLS.
type encoder struct {
	w                       io.Writer
	t                       *libc.TLS
	vi, vc, vd, vb, os      uintptr
	og, op                  uintptr
	dspInit, blockInit, osI bool
	eos                     bool
	audioPages              int // audio pages written
	headersDone             bool
	granule                 int64
	bytes                   int64
	vendor                  string
}

func calloc[T any](t *libc.TLS) uintptr {
	var v T
	return libc.Xcalloc(t, 1, uint64(unsafe.Sizeof(v)))
}

// cptr turns a C address into a pointer: the memory is the TLS's, which
// outlives every use here.
func cptr(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

func (e *encoder) init(rate, ch int, opt EncodeOptions) error {
	t := e.t
	e.vi = calloc[cvorbis.VorbisInfo](t)
	e.vc = calloc[cvorbis.VorbisComment](t)
	e.vd = calloc[cvorbis.VorbisDSPState](t)
	e.vb = calloc[cvorbis.VorbisBlock](t)
	e.os = calloc[cvorbis.OggStreamState](t)
	e.og = calloc[cvorbis.OggPage](t)
	e.op = calloc[cvorbis.OggPacket](t)
	cvorbis.Xvorbis_info_init(t, e.vi)
	// oggenc passes its -q value times 0.1 as a float.
	if r := cvorbis.Xvorbis_encode_init_vbr(t, e.vi, int64(ch), int64(rate), float32(opt.Quality*0.1)); r != 0 {
		cvorbis.Xvorbis_info_clear(t, e.vi)
		return fmt.Errorf("%w: libvorbis has no mode for %d Hz, %d channels at quality %g (error %d)", ErrOptions, rate, ch, opt.Quality, r)
	}
	cvorbis.Xvorbis_comment_init(t, e.vc)
	if r := cvorbis.Xvorbis_analysis_init(t, e.vd, e.vi); r != 0 {
		return fmt.Errorf("vorbis: vorbis_analysis_init: %d", r)
	}
	e.dspInit = true
	if r := cvorbis.Xvorbis_block_init(t, e.vd, e.vb); r != 0 {
		return fmt.Errorf("vorbis: vorbis_block_init: %d", r)
	}
	e.blockInit = true
	return nil
}

func (e *encoder) clear() {
	t := e.t
	if e.osI {
		cvorbis.Xogg_stream_clear(t, e.os)
	}
	if e.blockInit {
		cvorbis.Xvorbis_block_clear(t, e.vb)
	}
	if e.dspInit {
		cvorbis.Xvorbis_dsp_clear(t, e.vd)
	}
	cvorbis.Xvorbis_comment_clear(t, e.vc)
	cvorbis.Xvorbis_info_clear(t, e.vi)
}

func (e *encoder) packet() *cvorbis.OggPacket { return (*cvorbis.OggPacket)(cptr(e.op)) }

func (e *encoder) packetBytes(p *cvorbis.OggPacket) []byte {
	if p.Fbytes <= 0 {
		return nil
	}
	return unsafe.Slice((*byte)(cptr(p.Fpacket)), p.Fbytes)
}

// headers writes the three header packets: libvorbis's identification and
// setup headers, and a comment header with libvorbis's vendor string and
// the tags.
func (e *encoder) headers(opt EncodeOptions) error {
	t := e.t
	hdr := [3]uintptr{calloc[cvorbis.OggPacket](t), calloc[cvorbis.OggPacket](t), calloc[cvorbis.OggPacket](t)}
	if r := cvorbis.Xvorbis_analysis_headerout(t, e.vd, e.vc, hdr[0], hdr[1], hdr[2]); r != 0 {
		return fmt.Errorf("vorbis: vorbis_analysis_headerout: %d", r)
	}
	lib := e.packetBytes((*cvorbis.OggPacket)(cptr(hdr[1])))
	if len(lib) < 8 || string(lib[:7]) != "\x03vorbis" {
		return errors.New("vorbis: internal error: libvorbis's comment header is malformed")
	}
	c, err := vorbiscomment.Parse(lib[7:])
	if err != nil {
		return fmt.Errorf("vorbis: internal error: libvorbis's comment header: %w", err)
	}
	e.vendor = c.Vendor
	comment := CommentHeader(c.Vendor, opt.Tags, opt.Pictures)
	serial := opt.Serial
	if serial == 0 {
		serial = crc32.ChecksumIEEE(comment)
	}
	if r := cvorbis.Xogg_stream_init(t, e.os, int32(serial)); r != 0 {
		return fmt.Errorf("vorbis: ogg_stream_init: %d", r)
	}
	e.osI = true
	// Our comment packet in place of libvorbis's (C memory: libogg keeps
	// the pointer until it has copied the bytes).
	cp := libc.Xmalloc(t, uint64(len(comment)))
	if cp == 0 {
		return fmt.Errorf("vorbis: comment header of %d bytes is too large", len(comment))
	}
	copy(unsafe.Slice((*byte)(cptr(cp)), len(comment)), comment)
	p1 := (*cvorbis.OggPacket)(cptr(hdr[1]))
	p1.Fpacket, p1.Fbytes = cp, int64(len(comment))
	for _, h := range hdr {
		if r := cvorbis.Xogg_stream_packetin(t, e.os, h); r != 0 {
			return fmt.Errorf("vorbis: ogg_stream_packetin: %d", r)
		}
	}
	libc.Xfree(t, cp)
	// As oggenc: flush, so that audio starts on a page of its own.
	for cvorbis.Xogg_stream_flush(t, e.os, e.og) != 0 {
		if err := e.writePage(); err != nil {
			return err
		}
	}
	e.headersDone = true
	return nil
}

// CommentHeader is the Vorbis comment header packet: vendor, the tags
// (sorted by key; year as DATE, track as TRACKNUMBER) and the pictures as
// METADATA_BLOCK_PICTURE, then the framing bit.
func CommentHeader(vendor string, tags map[string]string, pics []audio.Picture) []byte {
	c := vorbiscomment.FromTags(vendor, tags, pics)
	b := append([]byte("\x03vorbis"), c.Encode()...)
	return append(b, 1)
}

// drain takes every block libvorbis has ready, encodes it and writes the
// pages it fills.
func (e *encoder) drain() error {
	t := e.t
	for cvorbis.Xvorbis_analysis_blockout(t, e.vd, e.vb) == 1 {
		if r := cvorbis.Xvorbis_analysis(t, e.vb, 0); r != 0 {
			return fmt.Errorf("vorbis: vorbis_analysis: %d", r)
		}
		if r := cvorbis.Xvorbis_bitrate_addblock(t, e.vb); r != 0 {
			return fmt.Errorf("vorbis: vorbis_bitrate_addblock: %d", r)
		}
		for cvorbis.Xvorbis_bitrate_flushpacket(t, e.vd, e.op) == 1 {
			if e.packet().Fe_o_s != 0 && e.audioPages == 0 {
				// All the audio would go on one page, which would be
				// the first audio page and the last. FFmpeg places a
				// stream's start by the granule position of its first
				// audio page only when that page is not the last, and
				// otherwise counts the first packet's samples, which no
				// decoder outputs, so it would cut the end short. The
				// packets so far go on a page of their own.
				for cvorbis.Xogg_stream_flush(t, e.os, e.og) != 0 {
					if err := e.writePage(); err != nil {
						return err
					}
				}
			}
			if r := cvorbis.Xogg_stream_packetin(t, e.os, e.op); r != 0 {
				return fmt.Errorf("vorbis: ogg_stream_packetin: %d", r)
			}
			for !e.eos && cvorbis.Xogg_stream_pageout(t, e.os, e.og) != 0 {
				if err := e.writePage(); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (e *encoder) writePage() error {
	g := (*cvorbis.OggPage)(cptr(e.og))
	for _, part := range [][]byte{
		unsafe.Slice((*byte)(cptr(g.Fheader)), g.Fheader_len),
		unsafe.Slice((*byte)(cptr(g.Fbody)), g.Fbody_len),
	} {
		if _, err := e.w.Write(part); err != nil {
			return err
		}
		e.bytes += int64(len(part))
	}
	e.granule = int64(cvorbis.Xogg_page_granulepos(e.t, e.og))
	if e.headersDone {
		e.audioPages++
	}
	if cvorbis.Xogg_page_eos(e.t, e.og) != 0 {
		e.eos = true
	}
	return nil
}
