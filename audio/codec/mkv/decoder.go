package mkv

import (
	"encoding/binary"
	"fmt"
	"io"
	"sort"
	"sync"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/internal/packet"
	"offcut/audio/codec/ogg"
	"offcut/audio/codec/opus"
	"offcut/audio/codec/vorbis"
	"offcut/audio/codec/vorbiscomment"
)

// Desc declares Matroska and WebM audio to the registry.
var Desc = codec.Desc{
	Name:       "webm",
	Label:      "WebM / Matroska",
	Extensions: []string{"webm", "mka", "mkv"},
	MIME:       []string{"audio/webm", "video/webm", "audio/x-matroska", "video/x-matroska"},
	Sniff:      Sniff,
	Open:       func(src audio.Source) (audio.Decoder, error) { return Open(src) },
}

// Sniff reports whether head starts an EBML document.
func Sniff(head []byte) bool {
	return len(head) >= 4 && binary.BigEndian.Uint32(head) == idEBML
}

// Decoder is an opened Matroska or WebM file's first audio track.
type Decoder struct {
	src    audio.Source
	d      *demux
	info   audio.Info
	newDec func() (packet.Decoder, error)
	seek   bool  // restart one packet before the target (Vorbis)
	offset int64 // position of frame 0
	frames int64

	mu     sync.Mutex
	parked *stream // a stream that reached its end, its decoder mid-file
}

// Open indexes the file's first audio track.
func Open(src audio.Source) (*Decoder, error) {
	dec := &Decoder{src: src}
	var frames func([]byte) (int, error)
	var rate, ch int
	var comments []byte
	choose := func(t *track) error {
		switch t.codecID {
		case "A_OPUS":
			h, err := opus.ParseHead(t.private)
			if err != nil {
				return err
			}
			if _, err := opus.NewPackets(h); err != nil {
				return err
			}
			dec.newDec = func() (packet.Decoder, error) { return opus.NewPackets(h) }
			dec.offset = int64(h.PreSkip)
			rate, ch = opus.Rate, h.Channels
			frames = func(b []byte) (int, error) { return opus.PacketFrames(b) }
			dec.info.Codec = "opus"
		case "A_VORBIS":
			hs, err := xiphHeaders(t.private)
			if err != nil {
				return err
			}
			p, err := vorbis.NewPackets(hs[0], hs[2])
			if err != nil {
				return err
			}
			if len(hs[1]) >= 7 && string(hs[1][:7]) == "\x03vorbis" {
				comments = hs[1][7:]
			}
			dec.newDec = func() (packet.Decoder, error) { return vorbis.NewPackets(hs[0], hs[2]) }
			dec.seek = true
			rate, ch = p.Rate(), p.Channels()
			prev := 0
			frames = func(b []byte) (int, error) {
				bs, err := p.BlockSize(b)
				if err != nil {
					return 0, err
				}
				n := 0
				if prev > 0 {
					n = prev/4 + bs/4
				}
				prev = bs
				return n, nil
			}
			dec.info.Codec = "vorbis"
		default:
			return fmt.Errorf("mkv: audio codec %q (only A_OPUS and A_VORBIS are decoded): %w", t.codecID, codec.ErrUnsupported)
		}
		return nil
	}
	d, err := walk(newReader(src), choose, frames2(&frames))
	if err != nil {
		return nil, err
	}
	dec.d = d
	total := d.packets[len(d.packets)-1].pos
	end := total
	if dec.info.Codec == "opus" && d.discard > 0 {
		end -= (d.discard*opus.Rate + 500_000_000) / 1_000_000_000
	}
	dec.frames = end - dec.offset
	if dec.frames <= 0 {
		return nil, fmt.Errorf("mkv: track has %d samples after trimming: %w", dec.frames, codec.ErrNoAudio)
	}
	f := audio.Format{Rate: rate, Channels: ch, Bits: 16}
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("mkv: %w: %w", err, codec.ErrUnsupported)
	}
	dec.info.Container = d.docType
	dec.info.Format = f
	dec.info.Frames = dec.frames
	if comments != nil {
		ogg.ApplyComments(&dec.info, comments)
	}
	if len(d.tags) > 0 {
		// Matroska tags come after (and win over) the Vorbis comments.
		if dec.info.Tags == nil {
			dec.info.Tags = map[string]string{}
		}
		for k, v := range (&vorbiscomment.Comments{Fields: d.tags}).Tags() {
			dec.info.Tags[k] = v
		}
	}
	dec.info.Warnings = append(dec.info.Warnings, d.warnings...)
	return dec, nil
}

// frames2 defers to the frames function chosen with the track (walk needs
// it before the track is known).
func frames2(f *func([]byte) (int, error)) func([]byte) (int, error) {
	return func(b []byte) (int, error) { return (*f)(b) }
}

// xiphHeaders splits Vorbis CodecPrivate: a count-1 byte, Xiph-laced
// sizes of all but the last, then the packets.
func xiphHeaders(b []byte) ([3][]byte, error) {
	var h [3][]byte
	bad := fmt.Errorf("mkv: Vorbis CodecPrivate is not three Xiph-laced headers: %w", codec.ErrMalformed)
	if len(b) < 1 || b[0] != 2 {
		return h, bad
	}
	i := 1
	var sizes [2]int
	for k := range sizes {
		for {
			if i >= len(b) {
				return h, bad
			}
			sizes[k] += int(b[i])
			i++
			if b[i-1] != 255 {
				break
			}
		}
	}
	if sizes[0]+sizes[1] > len(b)-i {
		return h, bad
	}
	h[0] = b[i : i+sizes[0]]
	h[1] = b[i+sizes[0] : i+sizes[0]+sizes[1]]
	h[2] = b[i+sizes[0]+sizes[1]:]
	return h, nil
}

// Info describes the track.
func (d *Decoder) Info() audio.Info { return d.info }

// Stream decodes frames [from, to).
func (d *Decoder) Stream(from, to int64) (audio.Stream, error) {
	if from < 0 || to > d.frames || from > to {
		return nil, fmt.Errorf("mkv: frames [%d, %d) outside [0, %d)", from, to, d.frames)
	}
	pd, err := d.newDec()
	if err != nil {
		return nil, err
	}
	s := &stream{d: d, dec: pd, ch: pd.Channels(), next: d.offset + from, end: d.offset + to, n: to - from}
	pk := d.d.packets[:len(d.d.packets)-1]
	d.mu.Lock()
	p := d.parked
	// A parked decoder continues the decode from the start exactly; a
	// Vorbis restart is cheaper unless it is close.
	if p != nil && to > from && p.tailAt <= s.next && (!d.seek || s.next-p.tailAt <= 48000) {
		d.parked = nil
		s.dec, s.k, s.carry, s.carryAt = p.dec, p.k, p.tail, p.tailAt
	}
	d.mu.Unlock()
	if d.seek && to > from && s.dec == pd {
		// The packet whose output holds the target; decoding restarts with
		// the one before it, which only primes the overlap.
		k := sort.Search(len(pk), func(i int) bool { return pk[i].pos > s.next }) - 1
		if k >= 1 {
			if _, err := s.decode(k - 1); err != nil {
				return nil, err
			}
			s.k = k
		}
	}
	return s, nil
}

type stream struct {
	d         *Decoder
	dec       packet.Decoder
	ch        int
	k         int // next packet
	n         int64
	next, end int64
	raw       []byte
	dbuf, out []float32
	// carry: decoded samples from position carryAt, delivered before
	// further packets; tail: the undelivered rest of the last packet.
	carry, tail     []float32
	carryAt, tailAt int64
}

// park hands the decoder of a stream that reached its end to the Decoder.
func (s *stream) park() {
	if s.dec == nil {
		return
	}
	p := &stream{dec: s.dec, k: s.k, tail: append([]float32(nil), s.tail...), tailAt: s.tailAt}
	if len(p.tail) == 0 {
		p.tailAt = s.d.d.packets[s.k].pos
	}
	s.dec = nil
	s.d.mu.Lock()
	s.d.parked = p
	s.d.mu.Unlock()
}

func (s *stream) Rate() int     { return s.dec.Rate() }
func (s *stream) Channels() int { return s.ch }
func (s *stream) Len() int64    { return s.n }

func (s *stream) decode(k int) ([]float32, error) {
	p := s.d.d.packets[k]
	if cap(s.raw) < int(p.size) {
		s.raw = make([]byte, p.size)
	}
	raw := s.raw[:p.size]
	if err := audio.ReadAtFull(s.d.src, raw, p.off); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("mkv: packet at %d: %w", p.off, err)
	}
	var err error
	s.dbuf, err = safeDecode(s.dec, s.dbuf[:0], raw)
	if err != nil {
		return nil, fmt.Errorf("mkv: packet at %d: %w", p.off, err)
	}
	return s.dbuf, nil
}

func safeDecode(dec packet.Decoder, dst []float32, pkt []byte) (out []float32, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = dst, fmt.Errorf("decoder failed (%v): %w", r, codec.ErrMalformed)
		}
	}()
	return dec.Decode(dst, pkt)
}

func (s *stream) Read(buf []float32) (int, error) {
	want := len(buf) / s.ch
	if want == 0 {
		return 0, audio.ErrShortBuffer
	}
	pk := s.d.d.packets
	for len(s.out) == 0 {
		if s.next >= s.end {
			s.park()
			return 0, io.EOF
		}
		out, start := s.carry, s.carryAt
		if out != nil {
			s.carry = nil
		} else {
			if s.k >= len(pk)-1 {
				return 0, fmt.Errorf("mkv: packets end before sample %d: %w", s.end, io.ErrUnexpectedEOF)
			}
			var err error
			out, err = s.decode(s.k)
			if err != nil {
				return 0, err
			}
			start = pk[s.k].pos
			s.k++
			if n, want := int64(len(out)/s.ch), pk[s.k].pos-start; n != want {
				return 0, fmt.Errorf("mkv: packet at %d decoded to %d samples, its header says %d: %w", pk[s.k-1].off, n, want, codec.ErrMalformed)
			}
		}
		n := int64(len(out) / s.ch)
		if s.next < start {
			return 0, fmt.Errorf("mkv: no samples for position %d: %w", s.next, codec.ErrMalformed)
		}
		lo, hi := s.next-start, min(start+n, s.end)-start
		if hi > lo {
			s.out = out[lo*int64(s.ch) : hi*int64(s.ch)]
			s.next = start + hi
			s.tail, s.tailAt = out[hi*int64(s.ch):], start+hi
		}
	}
	k := copy(buf[:want*s.ch], s.out) / s.ch
	s.out = s.out[k*s.ch:]
	return k, nil
}
