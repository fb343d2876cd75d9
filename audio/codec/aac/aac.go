//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package aac

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"unsafe"

	"offcut/audio/codec/aac/internal/cfaac"
	"offcut/audio/codec/internal/libc"
)

// errArch is nil where the transpiled faac runs (see unsupported.go).
var errArch error

// lookahead is faac's LOOKAHEAD_DEPTH (frame.h): the frames its
// psychoacoustics sees ahead of the one it codes.
const lookahead = 2

// quantiser guards faac's quantiser constants, which every encoder's
// opening writes (the same values) and every encode reads.
var quantiser sync.RWMutex

// Encoder is one AAC stream being encoded. It is not safe for concurrent
// use; separate Encoders are.
type Encoder struct {
	tls     *libc.TLS
	enc     uintptr // faac_encoder*
	handle  uintptr // where enc is kept (faac_encoder_close takes its address)
	ch      int
	pcm     uintptr // FrameSize*ch floats
	out     uintptr
	outSize int
	written uintptr // uint32_t bytes_written
	asc     []byte
	fill    int // samples per channel waiting in pcm
	err     error
	flushed bool
}

// NewEncoder opens an encoder with opt.
func NewEncoder(opt Options) (*Encoder, error) {
	if err := opt.Check(); err != nil {
		return nil, err
	}
	e := &Encoder{tls: libc.NewTLS(), ch: opt.Channels}
	err := e.call("opening", func(t *libc.TLS) error {
		p := libc.Xcalloc(t, 1, uint64(unsafe.Sizeof(cfaac.Params{})))
		if st := cfaac.Xfaac_params_init(t, p); st != 0 {
			return e.status("faac_params_init", st)
		}
		params := (*cfaac.Params)(cptr(p))
		params.Fsample_rate = uint32(opt.Rate)
		params.Fnum_channels = uint32(opt.Channels)
		params.Fmpeg_version = cfaac.FAAC_MPEG4
		params.Fobject_type = cfaac.FAAC_OBJ_LOW
		params.Fbit_rate = uint32(opt.Bitrate * 1000 / opt.Channels)
		params.Foutput_format = cfaac.FAAC_STREAM_RAW
		params.Finput_format = cfaac.FAAC_INPUT_FLOAT
		e.handle = libc.Xcalloc(t, 1, 8)
		quantiser.Lock()
		st := cfaac.Xfaac_encoder_open(t, p, e.handle)
		quantiser.Unlock()
		if st != 0 {
			return e.status("faac_encoder_open", st)
		}
		e.enc = *(*uintptr)(cptr(e.handle))
		info := libc.Xcalloc(t, 1, uint64(unsafe.Sizeof(cfaac.EncoderInfo{})))
		in := (*cfaac.EncoderInfo)(cptr(info))
		in.Fstruct_size = uint32(unsafe.Sizeof(cfaac.EncoderInfo{}))
		if st := cfaac.Xfaac_encoder_get_info(t, e.enc, info); st != 0 {
			return e.status("faac_encoder_get_info", st)
		}
		if in.Fframe_samples != FrameSize {
			return fmt.Errorf("faac codes frames of %d samples, not %d", in.Fframe_samples, FrameSize)
		}
		e.outSize = int(in.Fmax_output_bytes)
		e.out = libc.Xmalloc(t, uint64(e.outSize))
		e.pcm = libc.Xmalloc(t, uint64(FrameSize*e.ch*4))
		e.written = libc.Xcalloc(t, 1, 8)
		buf, n := libc.Xcalloc(t, 1, 8), libc.Xcalloc(t, 1, 8)
		if st := cfaac.Xfaac_encoder_asc(t, e.enc, buf, n); st != 0 {
			return e.status("faac_encoder_asc", st)
		}
		e.asc = append([]byte(nil), unsafe.Slice((*byte)(cptr(*(*uintptr)(cptr(buf)))), *(*uint32)(cptr(n)))...)
		return nil
	})
	if err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// status is the error of a faac call that returned st.
func (e *Encoder) status(fn string, st int32) error {
	return fmt.Errorf("%s: %s (%d)", fn, libc.GoString(cfaac.Xfaac_strerror(e.tls, st)), st)
}

// call runs f on the encoder's C library state, turning a C abort into an
// error; after one error every call returns it.
func (e *Encoder) call(what string, f func(*libc.TLS) error) (err error) {
	if e.err != nil {
		return e.err
	}
	if e.tls == nil {
		return errors.New("aac: encoder is closed")
	}
	defer func() {
		if r := recover(); r != nil {
			a, ok := r.(*libc.Abort)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("aac: %s: %s", what, a.Msg)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "aac: ") {
				err = fmt.Errorf("aac: %s: %w", what, err)
			}
			e.err = err
		}
	}()
	return f(e.tls)
}

// Config is the stream's AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1),
// the decoder configuration an MP4 file's esds box carries.
func (e *Encoder) Config() []byte { return e.asc }

// Delay is how many samples per channel a decoder outputs before the
// first sample given to Encode: faac's frames lag its input by one frame.
func (e *Encoder) Delay() int { return FrameSize }

// Encode codes interleaved samples (whole frames of the encoder's
// channels, full scale ±1; beyond it they are clipped, and NaN is
// silence) and returns the
// access units completed, in order.
func (e *Encoder) Encode(pcm []float32) ([][]byte, error) {
	if e.flushed {
		return nil, errors.New("aac: Encode after Flush")
	}
	if len(pcm)%e.ch != 0 {
		return nil, fmt.Errorf("aac: %d samples are not whole frames of %d channels", len(pcm), e.ch)
	}
	var units [][]byte
	err := e.call("encoding", func(t *libc.TLS) error {
		buf := unsafe.Slice((*float32)(cptr(e.pcm)), FrameSize*e.ch)
		for len(pcm) > 0 {
			n := min(len(pcm), (FrameSize-e.fill)*e.ch)
			dst := buf[e.fill*e.ch:]
			for i, v := range pcm[:n] {
				switch {
				case v > 1:
					v = 1
				case v < -1:
					v = -1
				case v != v: // NaN
					v = 0
				}
				dst[i] = 32768 * v
			}
			pcm = pcm[n:]
			e.fill += n / e.ch
			if e.fill < FrameSize {
				break
			}
			u, err := e.code(t, FrameSize*e.ch)
			if err != nil {
				return err
			}
			if u != nil {
				units = append(units, u)
			}
			e.fill = 0
		}
		return nil
	})
	return units, err
}

// code hands faac n samples from pcm (0 to flush) and returns the access
// unit it completed, if any.
func (e *Encoder) code(t *libc.TLS, n int) ([]byte, error) {
	quantiser.RLock()
	st := cfaac.Xfaac_encoder_encode(t, e.enc, e.pcm, uint32(n), e.out, uint32(e.outSize), e.written)
	quantiser.RUnlock()
	if st != 0 {
		return nil, e.status("faac_encoder_encode", st)
	}
	k := int(*(*uint32)(cptr(e.written)))
	if k == 0 {
		return nil, nil
	}
	if k > e.outSize {
		return nil, fmt.Errorf("faac wrote %d bytes into %d", k, e.outSize)
	}
	return append([]byte(nil), unsafe.Slice((*byte)(cptr(e.out)), k)...), nil
}

// Flush codes the samples still buffered (the last frame padded with
// silence) and returns the remaining access units. After Flush the
// encoder only closes.
func (e *Encoder) Flush() ([][]byte, error) {
	if e.flushed {
		return nil, nil
	}
	var units [][]byte
	err := e.call("flushing", func(t *libc.TLS) error {
		if e.fill > 0 {
			u, err := e.code(t, e.fill*e.ch)
			if err != nil {
				return err
			}
			if u != nil {
				units = append(units, u)
			}
			e.fill = 0
		}
		// faac's pipeline holds lookahead frames: lookahead+1 calls
		// without input drain it, each emitting at most one access unit
		// (none while a short stream is still filling the look-ahead:
		// faac's "call until nothing comes" would stop too early there),
		// and later ones emit nothing.
		for range lookahead + 2 {
			u, err := e.code(t, 0)
			if err != nil {
				return err
			}
			if u != nil {
				units = append(units, u)
			}
		}
		e.flushed = true
		return nil
	})
	return units, err
}

// Close releases the encoder's memory. It is safe to call twice.
func (e *Encoder) Close() {
	if e.tls == nil {
		return
	}
	if e.handle != 0 && e.enc != 0 {
		func() {
			defer func() { _ = recover() }()
			cfaac.Xfaac_encoder_close(e.tls, e.handle)
		}()
	}
	e.tls.Close()
	e.tls, e.enc, e.handle = nil, 0, 0
}

// cptr turns a C address (Go memory kept alive by the encoder's TLS) into a
// pointer.
func cptr(p uintptr) unsafe.Pointer { return unsafe.Add(nil, p) }
