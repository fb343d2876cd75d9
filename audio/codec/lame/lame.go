//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm

package lame

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"offcut/audio/codec/internal/libc"
	"offcut/audio/codec/lame/internal/clame"
)

// LAME writes process-wide tables while it initialises an encoder (always
// the same values); encoders initialise under the write lock and encode
// under the read lock, so they may run concurrently.
var tables sync.RWMutex

// errArch is nil where the transpiled LAME runs (see unsupported.go).
var errArch error

// chunk is how many frames are handed to LAME per call.
const chunk = 4096

// Encoder is one LAME encoding session. It is not safe for concurrent use.
type Encoder struct {
	tls     *libc.TLS
	gfp     uintptr
	ch      int
	pcm     [2]uintptr // chunk floats per channel
	out     uintptr
	outSize int
	err     error
	flushed bool
	delay   int
	padding int
	drainAt int // EmptyReservoirAt's frame, until it is encoded
	opt     Options
	used    bool           // Encode or Flush called since NewEncoder or Reset
	fresh   *libc.Snapshot // the C heap after NewEncoder, for Reset
}

// NewEncoder starts an encoder with opt.
func NewEncoder(opt Options) (*Encoder, error) {
	if err := opt.check(); err != nil {
		return nil, err
	}
	e := &Encoder{tls: libc.NewTLS(), ch: opt.Channels, opt: opt}
	err := e.call("initialising", func(t *libc.TLS) error {
		// As the lame command, let LAME choose the output rate first: for
		// VBR it then maps -V onto its tunings for the input's rate. If it
		// would resample (high -V numbers, low bitrates), start again with
		// the output rate fixed to the input's: resampling is the caller's
		// choice.
		if err := e.setup(t, opt, 0); err != nil {
			return err
		}
		if out := int(clame.Xlame_get_out_samplerate(t, e.gfp)); out != opt.Rate {
			clame.Xlame_close(t, e.gfp)
			if err := e.setup(t, opt, opt.Rate); err != nil {
				return err
			}
		}
		for c := range e.ch {
			e.pcm[c] = libc.Xmalloc(t, chunk*4)
		}
		e.outSize = chunk*5/4 + 7200
		e.out = libc.Xmalloc(t, uint64(e.outSize))
		e.delay = int(clame.Xlame_get_encoder_delay(t, e.gfp))
		return nil
	})
	if err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Reset makes e start a new stream, exactly as an encoder just made by
// NewEncoder with e's options would: LAME's whole state goes back to what
// it was then, without initialising it again. The first Reset takes that
// state (a copy of LAME's memory, which e then holds) from the encoder as
// it is, so the first Reset must come before e's first Encode. An encoder
// that failed cannot be reset.
func (e *Encoder) Reset() error {
	if e.err != nil {
		return e.err
	}
	if e.tls == nil {
		return errors.New("lame: encoder is closed")
	}
	var err error
	if e.fresh == nil {
		if e.used {
			return errors.New("lame: Reset of an encoder that encoded before its first Reset")
		}
		e.fresh, err = e.tls.Snapshot()
	} else {
		err = e.tls.Restore(e.fresh)
	}
	if err != nil {
		e.err = fmt.Errorf("lame: reset: %w", err)
		return e.err
	}
	e.used, e.flushed, e.padding, e.drainAt = false, false, 0, 0
	return nil
}

// setup creates and initialises the LAME session; outRate 0 lets LAME
// choose.
func (e *Encoder) setup(t *libc.TLS, opt Options, outRate int) error {
	e.gfp = clame.Xlame_init(t)
	if e.gfp == 0 {
		return errors.New("lame_init failed")
	}
	g := e.gfp
	mode := [...]int32{4, 0, 1, 3}[opt.Mode] // NOT_SET, STEREO, JOINT_STEREO, MONO
	set := []int32{
		clame.Xlame_set_in_samplerate(t, g, int32(opt.Rate)),
		clame.Xlame_set_out_samplerate(t, g, int32(outRate)),
		clame.Xlame_set_num_channels(t, g, int32(opt.Channels)),
		clame.Xlame_set_mode(t, g, clame.MPEG_mode(mode)),
		clame.Xlame_set_bWriteVbrTag(t, g, 0),
	}
	if opt.VBR {
		set = append(set,
			clame.Xlame_set_VBR(t, g, 4), // vbr_mtrh, the CLI's -V
			clame.Xlame_set_VBR_quality(t, g, float32(opt.VBRQuality)))
	} else {
		set = append(set,
			clame.Xlame_set_VBR(t, g, 0), // vbr_off
			clame.Xlame_set_brate(t, g, int32(opt.Bitrate)))
	}
	if opt.Quality != 0 {
		set = append(set, clame.Xlame_set_quality(t, g, int32(opt.Quality-1)))
	}
	for i, r := range set {
		if r != 0 {
			return fmt.Errorf("setting %d refused (%d)", i, r)
		}
	}
	tables.Lock()
	r := clame.Xlame_init_params(t, g)
	tables.Unlock()
	if r != 0 {
		return fmt.Errorf("lame_init_params: %d", r)
	}
	return nil
}

// call runs f, turning a C abort (exit, failed assertion) into an error that
// also poisons the encoder.
func (e *Encoder) call(what string, f func(*libc.TLS) error) (err error) {
	if e.err != nil {
		return e.err
	}
	if e.tls == nil {
		return errors.New("lame: encoder is closed")
	}
	defer func() {
		if r := recover(); r != nil {
			a, ok := r.(*libc.Abort)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("lame: %s: %s", what, a.Msg)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "lame: ") {
				err = fmt.Errorf("lame: %s: %w", what, err)
			}
			e.err = err
		}
	}()
	return f(e.tls)
}

// Delay is the encoder delay in samples: how many samples of silence come
// out before the first input sample (576 for LAME 3.100, plus the decoder's
// 528+1 that players add themselves).
func (e *Encoder) Delay() int { return e.delay }

// Padding is the number of samples after the last input sample in the final
// frame; known after Flush.
func (e *Encoder) Padding() int { return e.padding }

// Encode encodes interleaved samples (full scale ±1; values beyond are
// clipped, NaN is silence) and returns the MP3 bytes ready so far, which
// need not end on a frame boundary.
func (e *Encoder) Encode(pcm []float32) ([]byte, error) {
	if e.flushed {
		return nil, errors.New("lame: Encode after Flush")
	}
	if len(pcm)%e.ch != 0 {
		return nil, fmt.Errorf("lame: %d samples are not whole frames of %d channels", len(pcm), e.ch)
	}
	e.used = true
	var out []byte
	err := e.call("encoding", func(t *libc.TLS) error {
		for len(pcm) > 0 {
			n := min(len(pcm)/e.ch, chunk)
			for c := range e.ch {
				dst := unsafe.Slice((*float32)(cptr(e.pcm[c])), chunk)
				for i := range n {
					v := pcm[i*e.ch+c]
					switch {
					case v > 1:
						v = 1
					case v < -1:
						v = -1
					case v != v:
						v = 0
					}
					dst[i] = v * 32768 // lame_encode_buffer_float's full scale
				}
			}
			if e.drainAt > 0 {
				// One frame at most per call (LAME encodes a frame per
				// 1152 samples once it has its look-ahead), so that the
				// frame before drainAt is the only one without the
				// reservoir.
				n = min(n, drainStep)
				clame.SetReservoir(e.gfp, clame.FrameNumber(e.gfp) < e.drainAt-1)
			}
			pcm = pcm[n*e.ch:]
			r := e.pcm[1]
			if e.ch == 1 {
				r = e.pcm[0]
			}
			tables.RLock()
			k := clame.Xlame_encode_buffer_float(t, e.gfp, e.pcm[0], r, int32(n), e.out, int32(e.outSize))
			tables.RUnlock()
			if k < 0 {
				return fmt.Errorf("lame_encode_buffer_float: error %d", k)
			}
			out = append(out, e.bytes(int(k))...)
			if e.drainAt > 0 && clame.FrameNumber(e.gfp) >= e.drainAt {
				clame.SetReservoir(e.gfp, true)
				e.drainAt = 0
			}
		}
		return nil
	})
	return out, err
}

// drainStep is how many samples per channel Encode hands LAME per call
// while EmptyReservoirAt's frame is ahead: half a frame.
const drainStep = 576

// EmptyReservoirAt makes frame n (counted from 0, n ≥ 1) start on an empty
// bit reservoir: frame n-1 is encoded without the reservoir, which drains
// it, so frame n's main data starts in frame n itself (main_data_begin 0)
// and the frames from n on decode without any byte of those before it.
// A segment of a segmented encode (EncodeSegment) starts this way after
// its pre-roll. Call it before frame n-1 is encoded. If Flush encodes
// frame n-1, it encodes every frame it makes without the reservoir.
func (e *Encoder) EmptyReservoirAt(n int) error {
	if n < 1 {
		return fmt.Errorf("lame: the reservoir can be emptied from frame 1 on, not %d", n)
	}
	return e.call("setting up", func(t *libc.TLS) error {
		if clame.FrameNumber(e.gfp) >= n {
			return fmt.Errorf("frame %d is already encoded", n-1)
		}
		e.drainAt = n
		return nil
	})
}

// Flush encodes what is buffered and returns the last bytes of the stream.
func (e *Encoder) Flush() ([]byte, error) {
	if e.flushed {
		return nil, nil
	}
	e.used = true
	var out []byte
	err := e.call("flushing", func(t *libc.TLS) error {
		if e.drainAt > 0 {
			// Frame drainAt-1 is still to come: the frames flushed,
			// among them, all go without the reservoir (a stream ends
			// within the few frames of LAME's look-ahead).
			clame.SetReservoir(e.gfp, false)
			e.drainAt = 0
		}
		tables.RLock()
		k := clame.Xlame_encode_flush(t, e.gfp, e.out, int32(e.outSize))
		tables.RUnlock()
		if k < 0 {
			return fmt.Errorf("lame_encode_flush: error %d", k)
		}
		out = e.bytes(int(k))
		e.padding = int(clame.Xlame_get_encoder_padding(t, e.gfp))
		e.flushed = true
		return nil
	})
	return out, err
}

func (e *Encoder) bytes(n int) []byte {
	if n == 0 {
		return nil
	}
	return slices.Clone(unsafe.Slice((*byte)(cptr(e.out)), n))
}

// Close releases the encoder's memory. It is safe to call twice.
func (e *Encoder) Close() {
	if e.tls == nil {
		return
	}
	if e.gfp != 0 {
		func() {
			defer func() { _ = recover() }()
			clame.Xlame_close(e.tls, e.gfp)
		}()
	}
	e.tls.Close()
	e.tls, e.gfp = nil, 0
}

// cptr turns a C address (Go memory kept alive by the encoder's TLS) into a
// pointer.
func cptr(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }
