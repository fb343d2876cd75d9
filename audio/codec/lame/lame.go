package lame

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"offcut/audio/codec"
	"offcut/audio/codec/lame/internal/clame"
	"offcut/audio/codec/lame/internal/libc"
)

// Mode is the channel mode of the MP3 stream.
type Mode int

const (
	// ModeAuto is lame's default: joint stereo for two channels, mono for
	// one.
	ModeAuto Mode = iota
	// Stereo codes the two channels separately.
	Stereo
	// JointStereo lets each frame code mid/side instead of left/right.
	JointStereo
	// Mono codes one channel; a stereo input is mixed down.
	Mono
)

func (m Mode) String() string {
	switch m {
	case ModeAuto:
		return "auto"
	case Stereo:
		return "stereo"
	case JointStereo:
		return "joint stereo"
	case Mono:
		return "mono"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Quality is lame's algorithm quality (-q): Q(0) is the best and slowest,
// Q(9) the fastest. The zero value is lame's default (the CLI's: q 3 for
// CBR, and what -V chooses for VBR).
type Quality int8

// Q returns quality n (0..9) as lame's -q n.
func Q(n int) Quality { return Quality(n + 1) }

// Options configure an encoder.
type Options struct {
	// Rate is the sample rate of the input and of the MP3 (one of Rates:
	// lame does not resample here; resample first).
	Rate int
	// Channels is 1 or 2.
	Channels int
	// Mode is the channel mode; ModeAuto as the CLI.
	Mode Mode
	// Bitrate, if not 0, selects constant bitrate in kbit/s (as -b): 32 to
	// 320 for 32, 44.1 and 48 kHz, 8 to 160 for lower rates (see Bitrates).
	Bitrate int
	// VBR selects variable bitrate at VBRQuality 0 (best) to 9 (smallest),
	// as -V. Exactly one of Bitrate and VBR must be set.
	VBR        bool
	VBRQuality int
	// Quality is the algorithm quality (-q); zero is lame's default.
	Quality Quality
}

// Rates are the sample rates an MP3 can have.
var Rates = []int{8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000}

// Bitrates returns the constant bitrates (kbit/s) allowed at a sample rate.
func Bitrates(rate int) []int {
	if rate >= 32000 {
		return []int{32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}
	}
	return []int{8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}
}

// ErrOptions is wrapped by every error about unusable options. It wraps
// codec.ErrUnsupported.
var ErrOptions = fmt.Errorf("lame: unsupported encoder settings: %w", codec.ErrUnsupported)

func (o Options) check() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrOptions}, a...)...)
	}
	if !slices.Contains(Rates, o.Rate) {
		return bad("sample rate %d Hz; MP3 has %s Hz (resample first)", o.Rate, list(Rates))
	}
	if o.Channels != 1 && o.Channels != 2 {
		return bad("%d channels; MP3 has 1 or 2 (mix down first)", o.Channels)
	}
	if o.Mode < ModeAuto || o.Mode > Mono {
		return bad("channel mode %d", int(o.Mode))
	}
	if o.Channels == 1 && (o.Mode == Stereo || o.Mode == JointStereo) {
		return bad("%s mode for a mono input", o.Mode)
	}
	switch {
	case o.VBR && o.Bitrate != 0:
		return bad("both a constant bitrate (%d kbit/s) and VBR", o.Bitrate)
	case o.VBR:
		if o.VBRQuality < 0 || o.VBRQuality > 9 {
			return bad("VBR quality %d; it is 0 (best) to 9", o.VBRQuality)
		}
	default:
		if br := Bitrates(o.Rate); !slices.Contains(br, o.Bitrate) {
			return bad("bitrate %d kbit/s at %d Hz; allowed: %s kbit/s", o.Bitrate, o.Rate, list(br))
		}
	}
	if o.Quality < 0 || o.Quality > Q(9) {
		return bad("quality %d; it is 0 (best) to 9", int(o.Quality)-1)
	}
	return nil
}

func list(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// LAME writes process-wide tables while it initialises an encoder (always
// the same values); encoders initialise under the write lock and encode
// under the read lock, so they may run concurrently.
var tables sync.RWMutex

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
}

// Version is the version of the LAME library inside.
const Version = "3.100"

// NewEncoder starts an encoder with opt.
func NewEncoder(opt Options) (*Encoder, error) {
	if err := opt.check(); err != nil {
		return nil, err
	}
	e := &Encoder{tls: libc.NewTLS(), ch: opt.Channels}
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
		}
		return nil
	})
	return out, err
}

// Flush encodes what is buffered and returns the last bytes of the stream.
func (e *Encoder) Flush() ([]byte, error) {
	if e.flushed {
		return nil, nil
	}
	var out []byte
	err := e.call("flushing", func(t *libc.TLS) error {
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
