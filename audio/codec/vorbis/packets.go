package vorbis

import (
	"encoding/binary"
	"fmt"

	jv "github.com/jfreymuth/vorbis"

	"offcut/audio/codec"
	"offcut/audio/codec/internal/packet"
)

// Packets decodes Vorbis audio packets (package internal/packet's
// Decoder).
type Packets struct {
	d        jv.Decoder
	rate, ch int
	block    [2]int
	modes    []uint8
	buf      []float32
}

// BlockSize returns the block size of an audio packet, read from its mode
// number. Consecutive packets of sizes a and b give a/4 + b/4 samples for
// the second; the first after a reset gives none.
func (p *Packets) BlockSize(pkt []byte) (int, error) {
	if len(pkt) == 0 {
		return 0, nil
	}
	if pkt[0]&1 != 0 {
		return 0, fmt.Errorf("vorbis: header packet among audio packets: %w", codec.ErrMalformed)
	}
	r := bits{b: pkt, pos: 1}
	m := int(r.read(ilog(len(p.modes) - 1)))
	if m >= len(p.modes) {
		return 0, fmt.Errorf("vorbis: packet of mode %d, the setup has %d: %w", m, len(p.modes), codec.ErrMalformed)
	}
	return p.block[p.modes[m]], nil
}

// ID is the identification header.
type ID struct {
	Channels, Rate int
	Bitrate        int // nominal bits per second, 0 when unknown
	Blocksizes     [2]int
}

// ParseID reads the identification header packet ("\x01vorbis"...).
func ParseID(b []byte) (ID, error) {
	if len(b) < 30 || string(b[:7]) != "\x01vorbis" {
		return ID{}, fmt.Errorf("vorbis: no identification header: %w", codec.ErrMalformed)
	}
	le := binary.LittleEndian
	id := ID{Channels: int(b[11]), Rate: int(le.Uint32(b[12:])), Bitrate: int(int32(le.Uint32(b[20:])))}
	if v := le.Uint32(b[7:]); v != 0 {
		return ID{}, fmt.Errorf("vorbis: version %d: %w", v, codec.ErrUnsupported)
	}
	e0, e1 := int(b[28]&15), int(b[28]>>4)
	id.Blocksizes = [2]int{1 << e0, 1 << e1}
	switch {
	case id.Channels == 0:
		return ID{}, fmt.Errorf("vorbis: zero channels: %w", codec.ErrMalformed)
	case id.Rate <= 0 || id.Rate > 1<<20:
		return ID{}, fmt.Errorf("vorbis: sample rate %d: %w", id.Rate, codec.ErrMalformed)
	case e0 < 6 || e1 > 13 || e0 > e1:
		return ID{}, fmt.Errorf("vorbis: block sizes %d and %d: %w", id.Blocksizes[0], id.Blocksizes[1], codec.ErrMalformed)
	case b[29]&1 == 0:
		return ID{}, fmt.Errorf("vorbis: identification header without framing bit: %w", codec.ErrMalformed)
	}
	if id.Bitrate < 0 {
		id.Bitrate = 0
	}
	return id, nil
}

// NewPackets sets up a decoder from the identification and setup header
// packets (the comment header is not needed).
func NewPackets(idHeader, setup []byte) (p *Packets, err error) {
	id, err := ParseID(idHeader)
	if err != nil {
		return nil, err
	}
	if len(setup) < 7 || string(setup[:7]) != "\x05vorbis" {
		return nil, fmt.Errorf("vorbis: third header is not the setup header: %w", codec.ErrMalformed)
	}
	setup, modes, err := fixSetup(setup, id.Channels)
	if err != nil {
		return nil, err
	}
	p = &Packets{rate: id.Rate, ch: id.Channels, block: id.Blocksizes, modes: modes}
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("vorbis: setup header: %v: %w", r, codec.ErrMalformed)
		}
	}()
	if err := p.d.ReadHeader(idHeader); err != nil {
		return nil, fmt.Errorf("%w: %w", err, codec.ErrMalformed)
	}
	if err := p.d.ReadHeader(setup); err != nil {
		return nil, fmt.Errorf("vorbis: setup header: %w: %w", err, codec.ErrMalformed)
	}
	p.buf = make([]float32, p.d.BufferSize())
	return p, nil
}

// Rate is the sample rate.
func (p *Packets) Rate() int { return p.rate }

// Channels is the channel count.
func (p *Packets) Channels() int { return p.ch }

// Decode decodes one audio packet, appending its samples to dst in WAV
// channel order. The first
// packet after Reset gives none. Empty packets give none (and are legal).
func (p *Packets) Decode(dst []float32, pkt []byte) ([]float32, error) {
	if len(pkt) == 0 {
		return dst, nil
	}
	if _, err := p.BlockSize(pkt); err != nil {
		return dst, err
	}
	out, err := p.d.DecodeInto(pkt, p.buf)
	if err != nil {
		return dst, fmt.Errorf("%w: %w", err, codec.ErrMalformed)
	}
	packet.VorbisToWAV(out, p.ch)
	return append(dst, out...), nil
}

// Reset forgets the previous packet's overlap.
func (p *Packets) Reset() { p.d.Clear() }
