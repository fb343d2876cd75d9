package ogg

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/internal/packet"
)

// Packet size limits: header packets may carry pictures; audio packets of
// the codecs read here stay far below MaxAudioPacket.
const (
	MaxHeaderPacket = 32 << 20
	MaxAudioPacket  = 4 << 20
)

// SniffCodec names the codec of the first audio stream whose BOS page is in
// head ("vorbis", "opus"), or "" when head does not start an Ogg file with
// one. It does not check CRCs.
func SniffCodec(head []byte) string {
	off := 0
	for off+HeaderLen <= len(head) && string(head[off:off+4]) == "OggS" && head[off+5]&FlagBOS != 0 {
		nseg := int(head[off+26])
		body := off + HeaderLen + nseg
		if body > len(head) {
			return ""
		}
		size := 0
		for _, l := range head[off+HeaderLen : body] {
			size += int(l)
		}
		first := head[body:min(len(head), body+size)]
		switch {
		case len(first) >= 7 && string(first[:7]) == "\x01vorbis":
			return "vorbis"
		case len(first) >= 8 && string(first[:8]) == "OpusHead":
			return "opus"
		}
		off = body + size
	}
	return ""
}

// Track is one logical stream of an Ogg file decoded to PCM. Open fills in
// the stream and its headers; the codec package sets New, Skip and
// Seekable and calls Scan.
type Track struct {
	// Src is the file; Serial the stream's serial number.
	Src    audio.Source
	Serial uint32
	// Headers are the codec's header packets.
	Headers [][]byte
	// AudioStart is the offset of the first page after the headers.
	AudioStart int64
	// New returns a decoder set up from Headers.
	New func() (packet.Decoder, error)
	// Skip is how many granule units are dropped at the start (Opus
	// pre-skip).
	Skip int64
	// Seekable reports that decoding restarted at a page's last packet
	// gives output bit-identical to a continuous decode from the packet
	// after it on (true for Vorbis). Otherwise every stream decodes from
	// the first audio packet.
	Seekable bool

	// Set by Scan: the granule position of the first decoded sample, of
	// frame 0, and the number of frames.
	Start, Offset, Frames int64

	bos map[uint32]bool

	mu     sync.Mutex
	parked *parked
}

// parked is the state of a stream that reached its end: a decoder in the
// middle of a continuous decode, kept for a later stream that starts at or
// after it (sequential reads of consecutive ranges then cost one decode).
type parked struct {
	dec  packet.Decoder
	pr   *Packets
	pos  int64     // granule position of the next packet's first sample
	tail []float32 // decoded samples not delivered, from granule position at
	at   int64
}

// parkReach is how far before a stream's start (in granule units) a parked
// decoder is still used by a seekable codec, whose bisection is otherwise
// cheaper than decoding forward.
const parkReach = 48000

// Open finds the first logical stream whose first packet match accepts and
// reads its n header packets.
func Open(src audio.Source, match func(first []byte) bool, n int) (*Track, error) {
	r := NewReader(src)
	t := &Track{Src: src, bos: map[uint32]bool{}}
	var off int64
	found := false
	for {
		p, err := r.ReadPage(off)
		if err != nil {
			if err == io.EOF {
				break
			}
			return nil, err
		}
		if !p.BOS() {
			break
		}
		if t.bos[p.Serial] {
			return nil, fmt.Errorf("ogg: page at %d: two streams with serial %08x: %w", off, p.Serial, codec.ErrMalformed)
		}
		t.bos[p.Serial] = true
		if parts, _ := p.Packets(); !found && len(parts) > 0 && match(parts[0]) {
			t.Serial, found = p.Serial, true
			t.AudioStart = off
		}
		off += int64(p.Len)
	}
	if !found {
		return nil, fmt.Errorf("ogg: no stream of this codec among %d: %w", len(t.bos), codec.ErrNoAudio)
	}
	pr := r.Packets(t.Serial, t.AudioStart, MaxHeaderPacket)
	for i := range n {
		pk, err := pr.Next()
		if err == io.EOF {
			return nil, fmt.Errorf("ogg: stream %08x ends after %d of %d header packets: %w", t.Serial, i, n, codec.ErrMalformed)
		}
		if err != nil {
			return nil, fmt.Errorf("ogg: header packet %d: %w", i, err)
		}
		t.Headers = append(t.Headers, append([]byte(nil), pk.Data...))
	}
	if len(pr.queue) > 0 || pr.open {
		return nil, fmt.Errorf("ogg: stream %08x: audio begins on the page of the last header (at %d): %w", t.Serial, pr.page.Offset, codec.ErrMalformed)
	}
	t.AudioStart = pr.next
	return t, nil
}

// Scan finds where the samples start (decoding up to the first page that
// ends a packet) and the last granule position (searching back from the
// end of the file), and sets Start, Offset and Frames.
func (t *Track) Scan() error {
	dec, err := t.New()
	if err != nil {
		return err
	}
	r := NewReader(t.Src)
	pr := r.Packets(t.Serial, t.AudioStart, MaxAudioPacket)
	pr.allowBOS = false
	var count int64
	var buf []float32
	for {
		pk, err := pr.Next()
		if err == io.EOF {
			return fmt.Errorf("ogg: stream %08x has no audio packets: %w", t.Serial, codec.ErrNoAudio)
		}
		if err != nil {
			return err
		}
		buf, err = decode(dec, buf[:0], pk.Data)
		if err != nil {
			return fmt.Errorf("ogg: stream %08x: first audio packets: %w", t.Serial, err)
		}
		count += int64(len(buf) / dec.Channels())
		if pk.Granule == -1 {
			continue
		}
		t.Start = pk.Granule - count
		if pk.EOS && t.Start < 0 {
			t.Start = 0 // the end is trimmed, not the start
		}
		break
	}
	last, err := t.lastGranule(r)
	if err != nil {
		return err
	}
	t.Offset = max(t.Start, 0) + t.Skip
	t.Frames = last - t.Offset
	if t.Frames <= 0 {
		return fmt.Errorf("ogg: stream %08x ends at granule %d, before its first sample at %d: %w", t.Serial, last, t.Offset, codec.ErrNoAudio)
	}
	return nil
}

// lastGranule searches back from the end of the file for the last page of
// the stream that ends a packet. A page of a stream that did not start at
// the beginning means a chained file.
func (t *Track) lastGranule(r *Reader) (int64, error) {
	const chunk = 64 << 10
	end := t.Src.Size()
	for end > t.AudioStart {
		start := max(t.AudioStart, end-chunk)
		off := start
		last := int64(-1)
		for {
			p, err := r.FindPage(off, end)
			if err != nil {
				if errors.Is(err, ErrSync) {
					break
				}
				return 0, err
			}
			if !t.bos[p.Serial] {
				return 0, fmt.Errorf("ogg: page at %d belongs to stream %08x, which does not start the file: chained Ogg streams: %w", p.Offset, p.Serial, codec.ErrUnsupported)
			}
			if p.Serial == t.Serial && p.Granule != -1 {
				last = p.Granule
			}
			off = p.Offset + int64(p.Len)
		}
		if last >= 0 {
			return last, nil
		}
		end = start
	}
	return 0, fmt.Errorf("ogg: stream %08x: no page with a granule position: %w", t.Serial, codec.ErrNoAudio)
}

// decode runs the packet decoder, turning a panic on hostile input into an
// error.
func decode(dec packet.Decoder, dst []float32, pkt []byte) (out []float32, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = dst, fmt.Errorf("packet of %d bytes: decoder failed (%v): %w", len(pkt), r, codec.ErrMalformed)
		}
	}()
	return dec.Decode(dst, pkt)
}

// seekPage finds by bisection the page of the stream with the largest
// granule position at most target; ok is false when there is none after
// the start of the audio.
func (t *Track) seekPage(r *Reader, target int64) (p Page, ok bool, err error) {
	lo, hi := t.AudioStart, t.Src.Size()
	var best Page
	for hi-lo > 2*MaxPageLen {
		mid := lo + (hi-lo)/2
		q, err := t.granulePage(r, mid)
		if err != nil {
			return Page{}, false, err
		}
		if q.Offset < 0 || q.Granule > target {
			hi = mid
			continue
		}
		best, ok = q, true
		lo = q.Offset + int64(q.Len)
	}
	// Linear over the pages starting in [lo, hi).
	off := lo
	for off < hi {
		q, err := r.FindPage(off, hi)
		if err != nil {
			if errors.Is(err, ErrSync) {
				break
			}
			return Page{}, false, err
		}
		if q.Serial == t.Serial && q.Granule != -1 {
			if q.Granule > target {
				break
			}
			best, ok = q, true
		}
		off = q.Offset + int64(q.Len)
	}
	best.Lacing, best.Body = nil, nil
	return best, ok, nil
}

// granulePage returns the first page of the stream at or after off that
// ends a packet (Offset -1 when there is none).
func (t *Track) granulePage(r *Reader, off int64) (Page, error) {
	for {
		p, err := r.FindPage(off, t.Src.Size())
		if errors.Is(err, ErrSync) {
			return Page{Offset: -1}, nil
		}
		if err != nil {
			return Page{}, err
		}
		if p.Serial == t.Serial && p.Granule != -1 {
			p.Lacing, p.Body = nil, nil
			return p, nil
		}
		off = p.Offset + int64(p.Len)
	}
}

// Stream decodes frames [from, to): frame i is the sample at granule
// position Offset+i.
func (t *Track) Stream(from, to int64) (audio.Stream, error) {
	if from < 0 || to > t.Frames || from > to {
		return nil, fmt.Errorf("ogg: frames [%d, %d) outside [0, %d)", from, to, t.Frames)
	}
	dec, err := t.New()
	if err != nil {
		return nil, err
	}
	r := NewReader(t.Src)
	s := &stream{dec: dec, ch: dec.Channels(), rate: dec.Rate(), next: t.Offset + from, end: t.Offset + to, n: to - from}
	if to == from {
		return s, nil
	}
	s.t = t
	t.mu.Lock()
	if p := t.parked; p != nil && p.at <= s.next && (!t.Seekable || s.next-p.at <= parkReach) {
		t.parked = nil
		s.dec, s.pr, s.pos, s.carry, s.carryAt = p.dec, p.pr, p.pos, p.tail, p.at
	}
	t.mu.Unlock()
	if s.pr == nil && t.Seekable && s.next > t.Start {
		target := s.next
		for range 8 {
			p, ok, err := t.seekPage(r, target)
			if err != nil {
				return nil, err
			}
			if !ok {
				break
			}
			pr := r.packetsFromLast(t.Serial, p.Offset, MaxAudioPacket)
			pk, err := pr.Next()
			if err == errNoStart {
				target = p.Granule - 1
				continue
			}
			if err != nil {
				return nil, err
			}
			// The primer: decoded for its overlap only; what follows
			// starts at its page's granule position.
			if _, err := decode(dec, nil, pk.Data); err != nil {
				return nil, fmt.Errorf("ogg: stream %08x: packet on page at %d: %w", t.Serial, pk.Page, err)
			}
			s.pr, s.pos = pr, p.Granule
			break
		}
	}
	if s.pr == nil {
		dec.Reset()
		s.pr = r.Packets(t.Serial, t.AudioStart, MaxAudioPacket)
		s.pr.allowBOS = false
		s.pos = t.Start
	}
	s.serial = t.Serial
	return s, nil
}

type stream struct {
	t        *Track
	dec      packet.Decoder
	pr       *Packets
	serial   uint32
	ch, rate int
	n        int64
	pos      int64 // granule position of the next decoded sample
	next     int64 // granule position of the next frame to deliver
	end      int64
	dbuf     []float32
	out      []float32
	// carry are decoded samples from granule position carryAt, delivered
	// before further packets; tail the undelivered rest of the last
	// packet, from tailAt.
	carry, tail     []float32
	carryAt, tailAt int64
}

// park hands the decoder of a stream that ended cleanly to its track.
func (s *stream) park() {
	if s.t == nil || s.dec == nil {
		return
	}
	p := &parked{dec: s.dec, pr: s.pr, pos: s.pos, tail: append([]float32(nil), s.tail...), at: s.tailAt}
	if len(p.tail) == 0 {
		p.at = s.pos
	}
	s.dec, s.pr = nil, nil
	s.t.mu.Lock()
	s.t.parked = p
	s.t.mu.Unlock()
}

func (s *stream) Rate() int     { return s.rate }
func (s *stream) Channels() int { return s.ch }
func (s *stream) Len() int64    { return s.n }

func (s *stream) Read(buf []float32) (int, error) {
	want := len(buf) / s.ch
	if want == 0 {
		return 0, audio.ErrShortBuffer
	}
	for len(s.out) == 0 {
		if s.next >= s.end {
			s.park()
			return 0, io.EOF
		}
		smp, start := s.carry, s.carryAt
		if smp != nil {
			s.carry = nil
		} else {
			pk, err := s.pr.Next()
			if err == io.EOF {
				return 0, fmt.Errorf("ogg: stream %08x ends at granule position %d, before %d: %w", s.serial, s.pos, s.end, io.ErrUnexpectedEOF)
			}
			if err != nil {
				return 0, err
			}
			s.dbuf, err = decode(s.dec, s.dbuf[:0], pk.Data)
			if err != nil {
				return 0, fmt.Errorf("ogg: stream %08x: packet on page at %d: %w", s.serial, pk.Page, err)
			}
			smp, start = s.dbuf, s.pos
			s.pos += int64(len(smp) / s.ch)
		}
		n := int64(len(smp) / s.ch)
		if s.next < start {
			return 0, fmt.Errorf("ogg: stream %08x: no samples for granule positions [%d, %d): %w", s.serial, s.next, start, codec.ErrMalformed)
		}
		lo, hi := s.next-start, min(start+n, s.end)-start
		if hi > lo {
			s.out = smp[lo*int64(s.ch) : hi*int64(s.ch)]
			s.next = start + hi
			s.tail, s.tailAt = smp[hi*int64(s.ch):], start+hi
		}
	}
	k := copy(buf[:want*s.ch], s.out) / s.ch
	s.out = s.out[k*s.ch:]
	return k, nil
}
