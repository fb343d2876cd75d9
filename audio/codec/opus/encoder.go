package opus

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/thesyncim/gopus"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/internal/packet"
	"offcut/audio/codec/ogg"
	"offcut/audio/codec/vorbiscomment"
	"offcut/audio/resample"
)

// Bitrate limits in kbit/s (libopus's 6–510 kbit/s for a stream).
const (
	MinBitrate     = 6
	MaxBitrate     = 510
	DefaultBitrate = 96
)

// MaxEncodeChannels is the most channels the encoder writes (mapping
// family 1, the Vorbis surround layouts up to 7.1).
const MaxEncodeChannels = 8

// ErrSettings is wrapped by the errors of settings the encoder cannot use.
var ErrSettings = errors.New("opus: setting out of range")

// Application tells the encoder what it encodes, as opusenc's --music
// and --speech do (libopus's OPUS_SET_SIGNAL, with the application
// OPUS_APPLICATION_AUDIO that opusenc always uses).
type Application int

const (
	// Music (OPUS_SIGNAL_MUSIC) favours the MDCT coder (CELT) down to low
	// bitrates.
	Music Application = iota
	// Voice (OPUS_SIGNAL_VOICE) favours the speech coder (SILK) and the
	// hybrid mode at low and middle bitrates.
	Voice
)

// EncoderOptions are the settings of Encode.
type EncoderOptions struct {
	// Bitrate is the target in kbit/s for all channels together,
	// MinBitrate to MaxBitrate; 0 means DefaultBitrate. Opus encodes in
	// (unconstrained) variable bitrate, as opusenc does.
	Bitrate int
	// Application is Music or Voice.
	Application Application
	// Bits is the input's bit depth (8–24; 0 or more than 24 mean 24), which
	// tells the encoder how low its noise floor is.
	Bits int
	// Tags are written as Vorbis comments in OpusTags (keys as in
	// audio.Info.Tags: title, artist, album, year, track, ...).
	Tags map[string]string
	// Pictures are written as METADATA_BLOCK_PICTURE comments.
	Pictures []audio.Picture
	// Serial is the Ogg stream's serial number.
	Serial uint32
	// Vendor is OpusTags' vendor string ("" means "Offcut").
	Vendor string
}

// Stats describes a written file.
type Stats struct {
	// Packets and Pages count what was written; Bytes the file's size.
	Packets, Pages int
	Bytes          int64
	// PreSkip is OpusHead's pre-skip, the encoder's delay in 48 kHz
	// samples; Granule the last page's granule position (PreSkip plus
	// the decoded length at 48 kHz).
	PreSkip int
	Granule int64
}

// nativeRates are the rates Opus encodes without resampling.
var nativeRates = []int{8000, 12000, 16000, 24000, 48000}

// encodeRate is the rate a stream at rate is encoded at: its own for voice
// at 8, 12 and 16 kHz (SILK's own rates, as opusenc does), else 48 kHz.
// This follows measurements of gopus against opusenc (see
// TestQualityAgainstOpusenc): its CELT coding at the 8–24 kHz API rates
// lost up to 6 dB SNR to opusenc's (16 kHz speech-like material at 24
// kbit/s: 21.8 dB against 27.7) while at 48 kHz it matches it (27.6 dB);
// its voice coding at 24 kHz lost 5.7 dB of worst-segment SNR, and 16 kHz
// material given at 48 kHz collapsed to 1.6 kbit/s SILK packets.
func encodeRate(rate int, app Application) int {
	if app == Voice && (rate == 8000 || rate == 12000 || rate == 16000) {
		return rate
	}
	return Rate
}

// EncodedFrames is the length at 48 kHz of a stream of n frames at rate:
// what an Opus decoder outputs for it. At rates that do not divide 48 kHz
// it is n*48000/rate rounded up, so that a decoder resampling back to the
// input's rate (opusdec) gets n frames: it keeps floor(len*rate/48000).
// Above 48 kHz a 48 kHz granule covers several input frames, so opusdec
// gives n rounded up to whole 48 kHz samples (96,001 frames at 96 kHz
// decode to 96,002 there); 48 kHz decoders get exactly this length.
func EncodedFrames(n int64, rate int) int64 {
	if slices.Contains(nativeRates, rate) {
		return n * int64(Rate/rate)
	}
	return (n*Rate + int64(rate) - 1) / int64(rate)
}

// familyOne is mapping family 1 (RFC 7845 §5.1.1.2): streams, coupled
// streams and the mapping for 1 to 8 channels in Vorbis order.
var familyOne = [MaxEncodeChannels + 1]struct {
	streams, coupled int
	mapping          []byte
}{
	1: {1, 0, []byte{0}},
	2: {1, 1, []byte{0, 1}},
	3: {2, 1, []byte{0, 2, 1}},
	4: {2, 2, []byte{0, 1, 2, 3}},
	5: {3, 2, []byte{0, 4, 1, 2, 3}},
	6: {4, 2, []byte{0, 4, 1, 2, 3, 5}},
	7: {4, 3, []byte{0, 4, 1, 2, 3, 5, 6}},
	8: {5, 3, []byte{0, 6, 1, 2, 3, 4, 5, 7}},
}

// coder is what Encode needs of gopus's Encoder and MultistreamEncoder.
type coder interface {
	Encode(pcm []float32, data []byte) (int, error)
	SetBitrate(int) error
	SetComplexity(int) error
	SetBitrateMode(gopus.BitrateMode) error
	SetLSBDepth(int) error
	SetSignal(gopus.Signal) error
	Lookahead() int
}

// CheckOptions reports settings Encode would refuse for channels.
func CheckOptions(channels int, opt EncoderOptions) error {
	if opt.Bitrate != 0 && (opt.Bitrate < MinBitrate || opt.Bitrate > MaxBitrate) {
		return fmt.Errorf("opus: bitrate %d kbit/s is outside %d–%d kbit/s: %w", opt.Bitrate, MinBitrate, MaxBitrate, ErrSettings)
	}
	if channels < 1 || channels > MaxEncodeChannels {
		return fmt.Errorf("opus: %d channels; the encoder writes 1 to %d: %w", channels, MaxEncodeChannels, ErrSettings)
	}
	if opt.Application != Music && opt.Application != Voice {
		return fmt.Errorf("opus: application %d is neither music nor voice: %w", opt.Application, ErrSettings)
	}
	return nil
}

// newCoder sets up the encoder at rate for channels.
func newCoder(rate, channels int, opt EncoderOptions) (coder, error) {
	app := gopus.ApplicationAudio
	signal := gopus.SignalMusic
	if opt.Application == Voice {
		signal = gopus.SignalVoice
	}
	var c coder
	var err error
	if channels <= 2 {
		c, err = gopus.NewEncoder(gopus.EncoderConfig{SampleRate: rate, Channels: channels, Application: app})
	} else {
		m := familyOne[channels]
		c, err = gopus.NewMultistreamEncoder(rate, channels, m.streams, m.coupled, m.mapping, app)
	}
	if err != nil {
		return nil, fmt.Errorf("opus: encoder for %d Hz, %d channels: %v: %w", rate, channels, err, ErrSettings)
	}
	kbps := opt.Bitrate
	if kbps == 0 {
		kbps = DefaultBitrate
	}
	bits := opt.Bits
	if bits <= 0 || bits > 24 {
		bits = 24
	}
	bits = max(bits, 8)
	// opusenc's settings: unconstrained VBR, complexity 10, the input's
	// bit depth.
	for _, err := range []error{
		c.SetBitrate(kbps * 1000),
		c.SetComplexity(10),
		c.SetBitrateMode(gopus.BitrateModeVBR),
		c.SetLSBDepth(bits),
		c.SetSignal(signal),
	} {
		if err != nil {
			return nil, fmt.Errorf("opus: %v: %w", err, ErrSettings)
		}
	}
	return c, nil
}

// Encode writes s as an Ogg Opus file to w: OpusHead (pre-skip, the
// input's rate), OpusTags (tags and pictures), then 20 ms packets on pages
// of about one second. Voice at 8, 12 or 16 kHz is encoded at its own
// rate; anything else at 48 kHz, resampled first (see encodeRate). A
// stream that ends early is padded with silence. The last page's
// granule position trims the end, so a decoder outputs exactly
// EncodedFrames(s.Len(), s.Rate()) frames at 48 kHz (and s.Len() at the
// input's rate, for decoders that resample back to it).
func Encode(w io.Writer, s audio.Stream, opt EncoderOptions) (Stats, error) {
	ch := s.Channels()
	if err := CheckOptions(ch, opt); err != nil {
		return Stats{}, err
	}
	inRate := s.Rate()
	if inRate <= 0 {
		return Stats{}, fmt.Errorf("opus: sample rate %d: %w", inRate, ErrSettings)
	}
	if s.Len() <= 0 {
		return Stats{}, fmt.Errorf("opus: nothing to encode: %w", codec.ErrNoAudio)
	}
	total := EncodedFrames(s.Len(), inRate) // decoded length at 48 kHz
	if encodeRate(inRate, opt.Application) != inRate {
		r, err := resample.New(s, Rate, resample.Default)
		if err != nil {
			return Stats{}, fmt.Errorf("opus: resampling %d Hz to %d Hz: %w", inRate, Rate, err)
		}
		s = r
	}
	rate := s.Rate()
	enc, err := newCoder(rate, ch, opt)
	if err != nil {
		return Stats{}, err
	}
	scale := int64(Rate / rate)
	preSkip := enc.Lookahead() * int(scale)
	end := int64(preSkip) + total
	frame := rate / 50 // 20 ms

	ow := ogg.NewWriter(w, opt.Serial)
	if err := ow.WritePacket(head(ch, preSkip, inRate), 0); err != nil {
		return Stats{}, err
	}
	if err := ow.Flush(); err != nil {
		return Stats{}, err
	}
	if err := ow.WritePacket(tagsPacket(opt), 0); err != nil {
		return Stats{}, err
	}
	if err := ow.Flush(); err != nil {
		return Stats{}, err
	}

	pcm := make([]float32, frame*ch)
	out := make([]byte, 1275*3*8+7) // the largest packet: 3 × 1275 bytes a stream
	var granule, pageStart int64
	st := Stats{PreSkip: preSkip, Granule: end}
	eof := false
	for granule < end || st.Packets == 0 {
		n := 0
		if !eof {
			if n, err = audio.ReadFrames(s, pcm); err != nil && err != io.EOF {
				return st, fmt.Errorf("opus: reading the audio: %w", err)
			}
			eof = n < frame
		}
		clear(pcm[n*ch:])
		sanitize(pcm[:n*ch])
		packet.WAVToVorbis(pcm[:n*ch], ch)
		k, err := encodePacket(enc, pcm, out)
		if err != nil {
			return st, fmt.Errorf("opus: encoding packet %d: %w", st.Packets, err)
		}
		if k == 0 {
			return st, fmt.Errorf("opus: the encoder gave an empty packet %d", st.Packets)
		}
		granule += int64(frame) * scale
		if granule-pageStart > Rate && ow.Pending() {
			if err := ow.Flush(); err != nil {
				return st, err
			}
			pageStart = granule - int64(frame)*scale
		}
		g := granule
		if g > end {
			g = end // the last packet: the end trim
		}
		if err := ow.WritePacket(out[:k], g); err != nil {
			return st, err
		}
		st.Packets++
	}
	if err := ow.Close(end); err != nil {
		return st, err
	}
	st.Pages, st.Bytes = ow.Pages, ow.Bytes
	return st, nil
}

// MaxSample is the largest sample magnitude given to the encoder: larger
// ones (floating-point sources can hold anything) are clipped to it, and
// NaN becomes 0. gopus indexes tables with values derived from the
// signal's energy, and NaN or infinite samples made it panic.
const MaxSample = 2

func sanitize(s []float32) {
	for i, v := range s {
		switch {
		case v != v:
			s[i] = 0
		case v > MaxSample:
			s[i] = MaxSample
		case v < -MaxSample:
			s[i] = -MaxSample
		}
	}
}

// encodePacket encodes one packet, turning a panic of the encoder into an
// error so that one bad input cannot take the process (or the browser's
// worker) down.
func encodePacket(enc coder, pcm []float32, out []byte) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the encoder failed: %v", r)
		}
	}()
	return enc.Encode(pcm, out)
}

// head is the OpusHead packet (RFC 7845 §5.1).
func head(channels, preSkip, inRate int) []byte {
	b := []byte("OpusHead")
	b = append(b, 1, byte(channels))
	b = binary.LittleEndian.AppendUint16(b, uint16(preSkip))
	b = binary.LittleEndian.AppendUint32(b, uint32(inRate))
	b = binary.LittleEndian.AppendUint16(b, 0) // output gain
	if channels <= 2 {
		return append(b, 0)
	}
	m := familyOne[channels]
	b = append(b, 1, byte(m.streams), byte(m.coupled))
	return append(b, m.mapping...)
}

// tagsPacket is the OpusTags packet (RFC 7845 §5.2): the tags as Vorbis
// comments (sorted by key; track and year as TRACKNUMBER and DATE), then
// the pictures.
func tagsPacket(opt EncoderOptions) []byte {
	c := vorbiscomment.FromTags(opt.Vendor, opt.Tags, opt.Pictures)
	return append([]byte("OpusTags"), c.Encode()...)
}
