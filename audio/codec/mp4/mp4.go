package mp4

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/alac"
	"offcut/audio/codec/mp3"
)

// ErrNotMP4 means the source does not look like an ISO base media or
// QuickTime file.
var ErrNotMP4 = errors.New("mp4: not an MP4 or QuickTime file")

// auDecoder decodes runs of consecutive access units of one track.
type auDecoder interface {
	// preroll is how many access units must be decoded (and discarded)
	// before the first one whose output is wanted.
	preroll() int
	// batch is how many access units to decode per call.
	batch() int
	// decode decodes aus from a fresh state, returning their interleaved
	// samples and each one's frame count.
	decode(aus [][]byte) ([]float32, []int, error)
}

// File is an opened MP4/M4A/MOV file: the first audio track. It implements
// audio.Decoder.
type File struct {
	src       audio.Source
	info      audio.Info
	tb        *table
	timescale int64 // of the track's media
	rate      int64 // of the decoded samples
	skip      int64 // frames trimmed at the start (priming)
	aac       *AACConfig
	alac      *alac.Config
	mp3       *mp3.Decoder // MPEG audio frames, decoded by package mp3
	isMP3     bool
	pcm       *pcmLayout
}

// Open reads the headers of an MP4 family file and indexes its first audio
// track. It reads the moov box and the sample tables only.
func Open(src audio.Source) (*File, error) {
	var head [12]byte
	if err := audio.ReadAtFull(src, head[:], 0); err != nil || !Sniff(head[:]) {
		return nil, fmt.Errorf("%w: no ftyp, moov or mdat box at the start", ErrNotMP4)
	}
	m, err := walk(src)
	if err != nil {
		return nil, err
	}
	var t *trak
	for _, tr := range m.traks {
		if tr.handler == "soun" {
			t = tr
			break
		}
	}
	if t == nil {
		if m.fragmented {
			return nil, fmt.Errorf("%w: mp4: fragmented MP4 with no audio track in moov", codec.ErrUnsupported)
		}
		return nil, fmt.Errorf("%w: mp4: no audio track among %d tracks", codec.ErrNoAudio, len(m.traks))
	}
	if t.stsd == nil {
		return nil, fmt.Errorf("%w: mp4: the audio track has no stsd box", codec.ErrMalformed)
	}
	e, err := parseStsd(src, *t.stsd)
	if err != nil {
		return nil, err
	}
	f := &File{src: src, timescale: int64(t.timescale)}
	f.info.Container = "mp4"
	if m.brand == "qt" {
		f.info.Container = "mov"
	}
	f.info.Tags, f.info.Pictures, f.info.Warnings = m.tags, m.pictures, m.warnings
	if err := f.setCodec(e); err != nil {
		return nil, err
	}
	if f.timescale == 0 || f.timescale > audio.MaxSampleRate {
		return nil, fmt.Errorf("%w: mp4: the audio track's timescale is %d Hz", codec.ErrMalformed, f.timescale)
	}
	tb, err := readTable(src, t, f.pcm != nil)
	if err != nil {
		return nil, err
	}
	if tb.n == 0 {
		if m.fragmented {
			return nil, fmt.Errorf("%w: mp4: fragmented MP4 (samples in moof boxes)", codec.ErrUnsupported)
		}
		return nil, fmt.Errorf("%w: mp4: the audio track has no samples", codec.ErrNoAudio)
	}
	f.tb = tb
	if f.pcm != nil {
		// One access unit per frame; stsz sizes of QuickTime sound
		// descriptions count samples, not bytes.
		tb.constSize, tb.sizes = uint32(f.info.Format.BytesPerFrame()), nil
		for c, off := range tb.chunkOff {
			next := tb.n
			if c+1 < len(tb.chunkFirst) {
				next = tb.chunkFirst[c+1]
			}
			if n := int64(next - tb.chunkFirst[c]); off < 0 || n > (src.Size()-off)/int64(tb.constSize) {
				return nil, fmt.Errorf("%w: mp4: chunk %d (%d frames at byte %d) is past the end of the %d-byte file",
					codec.ErrMalformed, c, n, off, src.Size())
			}
		}
	}
	if err := f.checkDurations(); err != nil {
		return nil, err
	}
	if f.isMP3 {
		if err := f.openMP3(); err != nil {
			return nil, err
		}
	}
	f.trim(t, m)
	if f.mp3 != nil {
		// The timeline is the frames' decode, however long stts says it is.
		if n := f.mp3.Info().Frames; f.skip+f.info.Frames > n {
			f.info.Frames = max(0, n-f.skip)
		}
	}
	if f.info.Frames <= 0 {
		return nil, fmt.Errorf("%w: mp4: the audio track is empty after its edit list", codec.ErrNoAudio)
	}
	return f, nil
}

// setCodec checks the sample entry and fills in the format.
func (f *File) setCodec(e *entry) error {
	fm := audio.Format{Rate: e.rate, Channels: e.channels, Bits: 16}
	switch {
	case e.format == "mp4a" && (e.oti == 0x40 || e.oti == 0x66 || e.oti == 0x67 || e.oti == 0x68):
		if e.asc == nil {
			return fmt.Errorf("%w: mp4: AAC track without an AudioSpecificConfig", codec.ErrMalformed)
		}
		c, err := parseASC(e.asc)
		if err != nil {
			return err
		}
		if c.Channels == 0 {
			c.Channels = e.channels
		}
		f.aac = &c
		f.info.Codec = "aac"
		fm.Rate, fm.Channels = c.Rate, c.Channels
	case e.format == "alac":
		if e.asc == nil {
			return fmt.Errorf("%w: mp4: ALAC track without its configuration (alac box)", codec.ErrMalformed)
		}
		c, err := alac.ParseConfig(e.asc)
		if err != nil {
			return fmt.Errorf("mp4: %w", err)
		}
		f.alac = &c
		f.info.Codec = "alac"
		fm.Rate, fm.Channels, fm.Bits = int(c.SampleRate), int(c.NumChannels), (int(c.BitDepth)+7)/8*8
		if fm.Rate == 0 {
			fm.Rate = e.rate
		}
	case pcmEntry(e):
		return f.setPCM(e)
	case e.format == "mp4a" && (e.oti == 0x6B || e.oti == 0x69), e.format == ".mp3", e.format == "ms\x00\x55":
		f.isMP3 = true
		f.info.Codec = "mp3"
	case e.format == "mp4a":
		return fmt.Errorf("%w: mp4: MPEG-4 audio with object type 0x%02X", codec.ErrUnsupported, e.oti)
	default:
		return fmt.Errorf("%w: mp4: audio codec %q (Offcut reads AAC, ALAC, MP3 and PCM in MP4 and MOV)", codec.ErrUnsupported, printable(e.format))
	}
	if err := fm.Validate(); err != nil {
		return fmt.Errorf("mp4: %w", err)
	}
	f.info.Format = fm
	f.rate = int64(fm.Rate)
	return nil
}

// checkDurations refuses access units lasting longer than their codec's
// frame: the timeline is built from the durations, and a claimed hour
// would otherwise be an hour of silence.
func (f *File) checkDurations() error {
	frame := int64(1152) // MPEG audio
	switch {
	case f.pcm != nil:
		frame = 1
	case f.aac != nil:
		frame = int64(f.aac.FrameLength)
	case f.alac != nil:
		frame = int64(f.alac.FrameLength)
	}
	limit := frame*f.timescale/f.rate + 1
	for _, r := range f.tb.runs {
		if int64(r.delta) > limit {
			return fmt.Errorf("%w: mp4: access units %d.. last %d ticks of %d Hz, longer than a %d-frame %s frame",
				codec.ErrMalformed, r.first, r.delta, f.timescale, frame, f.info.Codec)
		}
	}
	return nil
}

// frames converts media time to decoded frames.
func (f *File) frames(t int64) int64 {
	if f.timescale == f.rate {
		return t
	}
	return mulDiv(t, f.rate, f.timescale)
}

// mulDiv returns a*b/c for a, b >= 0 and c > 0 without overflow in the
// product, saturating at math.MaxInt64.
func mulDiv(a, b, c int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(c) {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, uint64(c))
	return int64(min(q, math.MaxInt64))
}

// trim sets the priming to skip and the exact length: from iTunSMPB when
// present, else from the first edit (media_time, segment_duration), else
// the whole track. The decoded timeline is the sum of stts durations
// (FFmpeg writes the padding away by shortening the last one).
func (f *File) trim(t *trak, m *movie) {
	total := f.frames(f.tb.total)
	f.skip, f.info.Frames = 0, total
	if delay, length, ok := parseSMPB(m.smpb); ok && delay+length <= total {
		f.skip, f.info.Frames = delay, length
		return
	}
	if t.elst == nil {
		return
	}
	edits := 0
	for i := range t.elst.Entries {
		mt := t.elst.GetMediaTime(i)
		if mt < 0 { // an empty edit: a delay before the track
			if i == 0 && t.elst.EntryCount > 1 {
				f.warn("the edit list starts the track with a delay: ignored")
			}
			continue
		}
		edits++
		if edits > 1 {
			f.warn("the edit list has several segments: only the first is applied")
			break
		}
		skip := f.frames(mt)
		if mt >= f.tb.total || skip >= total {
			f.warn(fmt.Sprintf("edit list media time %d is past the track's end: ignored", mt))
			return
		}
		f.skip, f.info.Frames = skip, total-skip
		if dur := t.elst.GetSegmentDuration(i); dur > 0 && m.timescale > 0 {
			// The duration is in the movie's timescale (often 1000), so
			// it is only trusted when it is shorter by more than its
			// rounding.
			n := mulDiv(int64(min(dur, math.MaxInt64)), f.rate, int64(m.timescale))
			tick := (f.rate + int64(m.timescale) - 1) / int64(m.timescale)
			if n < f.info.Frames-tick {
				f.info.Frames = n
			}
		}
	}
}

// parseSMPB reads the iTunes gapless comment: " 00000000 <delay> <padding>
// <length> ...", hexadecimal.
func parseSMPB(s string) (delay, length int64, ok bool) {
	fs := strings.Fields(s)
	if len(fs) < 4 {
		return 0, 0, false
	}
	d, err1 := strconv.ParseInt(fs[1], 16, 64)
	n, err2 := strconv.ParseInt(fs[3], 16, 64)
	if err1 != nil || err2 != nil || d < 0 || n <= 0 {
		return 0, 0, false
	}
	return d, n, true
}

func (f *File) warn(s string) { f.info.Warnings = append(f.info.Warnings, s) }

// Info implements audio.Decoder.
func (f *File) Info() audio.Info { return f.info }

// Priming is how many decoded frames the file trims at its start.
func (f *File) Priming() int64 { return f.skip }

// AACConfig describes the AAC track, nil for other codecs.
func (f *File) AACConfig() *AACConfig { return f.aac }

func (f *File) newDecoder() (auDecoder, error) {
	switch {
	case f.aac != nil:
		fac := currentAACFactory()
		if fac == nil {
			return nil, ErrNoAACDecoder
		}
		d, err := fac(*f.aac)
		if err != nil {
			return nil, fmt.Errorf("mp4: starting the AAC decoder: %w", err)
		}
		return &aacDec{d: d, cfg: *f.aac}, nil
	case f.pcm != nil:
		return &pcmDec{l: *f.pcm, f: f.info.Format}, nil
	case f.alac != nil:
		d, err := alac.NewDecoder(*f.alac)
		if err != nil {
			return nil, fmt.Errorf("mp4: %w", err)
		}
		return &alacDec{d: d, bits: f.info.Format.Bits}, nil
	}
	return nil, fmt.Errorf("%w: mp4: no decoder for %s", codec.ErrUnsupported, f.info.Codec)
}

// Stream implements audio.Decoder. Seeking is exact: decoding starts at
// the access unit holding the first wanted frame, after the pre-roll its
// codec needs (one access unit for AAC, whose output overlaps the one
// before it; none for ALAC, whose frames are independent).
func (f *File) Stream(from, to int64) (audio.Stream, error) {
	if from < 0 || to > f.info.Frames || from > to {
		return nil, fmt.Errorf("mp4: frames %d..%d outside the file's 0..%d", from, to, f.info.Frames)
	}
	if f.mp3 != nil {
		return f.mp3.Stream(f.skip+from, f.skip+to)
	}
	d, err := f.newDecoder()
	if err != nil {
		return nil, err
	}
	s := &stream{f: f, d: d, pos: f.skip + from, end: f.skip + to, n: to - from}
	s.next = f.auAt(s.pos)
	return s, nil
}

// auAt returns the access unit whose decoded frames hold frame pos.
func (f *File) auAt(pos int64) int {
	t := pos
	if f.timescale != f.rate {
		t = mulDiv(pos, f.timescale, f.rate)
	}
	i := f.tb.sampleAt(t)
	for i > 0 && f.auStart(i) > pos {
		i--
	}
	for i+1 < f.tb.n && f.auStart(i+1) <= pos {
		i++
	}
	return i
}

// auStart returns the first decoded frame of access unit i and its length.
func (f *File) auStart(i int) int64 {
	t, _ := f.tb.time(i)
	return f.frames(t)
}

func (f *File) auSpan(i int) (int64, int64) {
	t, d := f.tb.time(i)
	a := f.frames(t)
	return a, f.frames(t+int64(d)) - a
}

// maxBatchRead bounds one read of consecutive access units.
const maxBatchRead = 2 << 20

type stream struct {
	f        *File
	d        auDecoder
	pos, end int64
	n        int64
	next     int       // next access unit to decode
	buf      []float32 // decoded frames [bufStart, bufStart+len/ch)
	bufStart int64
	raw      []byte
}

func (s *stream) Rate() int     { return s.f.info.Format.Rate }
func (s *stream) Channels() int { return s.f.info.Format.Channels }
func (s *stream) Len() int64    { return s.n }

func (s *stream) Read(buf []float32) (int, error) {
	ch := s.f.info.Format.Channels
	want := len(buf) / ch
	if want == 0 {
		return 0, audio.ErrShortBuffer
	}
	if s.pos >= s.end {
		return 0, io.EOF
	}
	for s.pos >= s.bufStart+int64(len(s.buf)/ch) {
		if err := s.fill(); err != nil {
			return 0, err
		}
	}
	i := int(s.pos - s.bufStart)
	n := min(want, len(s.buf)/ch-i, int(min(s.end-s.pos, 1<<30)))
	copy(buf[:n*ch], s.buf[i*ch:(i+n)*ch])
	s.pos += int64(n)
	return n, nil
}

// fill decodes the next batch of access units into s.buf.
func (s *stream) fill() error {
	tb := s.f.tb
	if s.next >= tb.n {
		return fmt.Errorf("mp4: the track's samples end before frame %d: %w", s.pos, io.ErrUnexpectedEOF)
	}
	// Batches are aligned to multiples of the batch size, so that every
	// stream decodes any access unit with the same pre-roll: decoders
	// whose output depends on more than the pre-roll (AAC's perceptual
	// noise substitution draws from a random generator) still give
	// identical samples whatever frame a stream starts at.
	first := s.next / s.d.batch() * s.d.batch()
	pre := min(s.d.preroll(), first)
	last := min(tb.n, first+s.d.batch())
	aus, err := s.read(first-pre, last)
	if err != nil {
		return err
	}
	out, counts, err := s.d.decode(aus)
	if err != nil {
		return fmt.Errorf("mp4: decoding access units %d..%d: %w", first-pre, last-1, err)
	}
	ch := s.f.info.Format.Channels
	skip := 0
	for _, c := range counts[:pre] {
		skip += c
	}
	start, _ := s.f.auSpan(first)
	s.buf, s.bufStart = s.buf[:0], start
	at := skip * ch
	for j := first; j < last; j++ {
		c := counts[j-(first-pre)]
		_, dur := s.f.auSpan(j)
		k := int(min(int64(c), dur))
		s.buf = append(s.buf, out[at:at+k*ch]...)
		for range dur - int64(k) { // shorter than its duration: silence
			for range ch {
				s.buf = append(s.buf, 0)
			}
		}
		at += c * ch
	}
	s.next = last
	return nil
}

// read reads access units [a, b), in one read when they are contiguous.
func (s *stream) read(a, b int) ([][]byte, error) {
	tb := s.f.tb
	size := s.f.src.Size()
	aus := make([][]byte, 0, b-a)
	offs := make([]int64, b-a)
	var total int64
	contiguous := true
	for i := a; i < b; i++ {
		sz := int64(tb.size(i))
		if sz > maxSampleBytes {
			return nil, fmt.Errorf("%w: mp4: access unit %d claims %d bytes", codec.ErrMalformed, i, sz)
		}
		if i == a {
			offs[0] = tb.offset(i)
		} else if c := tb.chunkOf(i); tb.chunkFirst[c] == i {
			offs[i-a] = tb.chunkOff[c]
		} else {
			offs[i-a] = offs[i-a-1] + int64(tb.size(i-1))
		}
		if offs[i-a] < 0 || offs[i-a]+sz > size {
			return nil, fmt.Errorf("%w: mp4: access unit %d (%d bytes at byte %d) is past the end of the %d-byte file",
				codec.ErrMalformed, i, sz, offs[i-a], size)
		}
		if i > a && offs[i-a] != offs[i-a-1]+int64(tb.size(i-1)) {
			contiguous = false
		}
		total += sz
	}
	if contiguous && total <= maxBatchRead {
		if int64(cap(s.raw)) < total {
			s.raw = make([]byte, total)
		}
		raw := s.raw[:total]
		if err := audio.ReadAtFull(s.f.src, raw, offs[0]); err != nil {
			return nil, fmt.Errorf("mp4: reading access units %d..%d at byte %d: %w", a, b-1, offs[0], err)
		}
		for i := a; i < b; i++ {
			n := int(tb.size(i))
			aus = append(aus, raw[:n:n])
			raw = raw[n:]
		}
		return aus, nil
	}
	for i := a; i < b; i++ {
		au := make([]byte, tb.size(i))
		if err := audio.ReadAtFull(s.f.src, au, offs[i-a]); err != nil {
			return nil, fmt.Errorf("mp4: reading access unit %d at byte %d: %w", i, offs[i-a], err)
		}
		aus = append(aus, au)
	}
	return aus, nil
}

// aacDec runs an external AAC decoder.
type aacDec struct {
	d   AACDecoder
	cfg AACConfig
}

func (a *aacDec) preroll() int { return 1 }
func (a *aacDec) batch() int   { return aacBatch }

// aacBatch is how many AAC access units are decoded per call of the
// external decoder (about 6 s at 44.1 kHz): each call starts a fresh
// decoder (a WebCodecs AudioDecoder in the browser), and a seek decodes at
// most this many access units it does not need.
var aacBatch = 256

func (a *aacDec) decode(aus [][]byte) ([]float32, []int, error) {
	out, err := a.d.Decode(aus)
	if err != nil {
		return nil, nil, err
	}
	if want := len(aus) * a.cfg.FrameLength * a.cfg.Channels; len(out) != want {
		return nil, nil, fmt.Errorf("the AAC decoder returned %d samples for %d access units, want %d (%d frames of %d channels each)",
			len(out), len(aus), want, a.cfg.FrameLength, a.cfg.Channels)
	}
	counts := make([]int, len(aus))
	for i := range counts {
		counts[i] = a.cfg.FrameLength
	}
	return out, counts, nil
}

// alacDec runs the ALAC decoder.
type alacDec struct {
	d      *alac.Decoder
	bits   int
	pcm    []int32
	out    []float32
	counts []int
}

func (a *alacDec) preroll() int { return 0 }
func (a *alacDec) batch() int   { return 4 }
func (a *alacDec) decode(aus [][]byte) ([]float32, []int, error) {
	out := a.out[:0]
	counts := a.counts[:0]
	scale := 1 / float32(int64(1)<<(a.d.Config().BitDepth-1))
	for _, au := range aus {
		n, err := a.d.Decode(au, &a.pcm)
		if err != nil {
			return nil, nil, err
		}
		counts = append(counts, n)
		at := len(out)
		out = append(out, make([]float32, len(a.pcm))...)
		for i, v := range a.pcm {
			out[at+i] = float32(v) * scale
		}
	}
	a.out, a.counts = out, counts
	return out, counts, nil
}

func printable(s string) string {
	out := []byte(s)
	for i, c := range out {
		if c < 0x20 || c > 0x7E {
			out[i] = '?'
		}
	}
	return string(out)
}
