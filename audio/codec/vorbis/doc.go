// Package vorbis decodes Ogg Vorbis files: the Ogg container through
// package ogg, the packets with github.com/jfreymuth/vorbis, tags and
// pictures through package vorbiscomment.
//
// Specifications:
//   - Vorbis I specification (https://xiph.org/vorbis/doc/Vorbis_I_spec.html)
//   - RFC 5334, Ogg Media Types (https://www.rfc-editor.org/rfc/rfc5334)
//
// Length is exact: the last page's granule position minus the position of
// the first sample (the first audio page's granule position less the
// samples its packets decode to). Streams that start late begin at their
// first sample; samples before granule position 0 are dropped, and the
// last page's granule position trims the end, as the Vorbis I spec (A.2)
// says. (For files cut by `ffmpeg -c copy`, which start with negative
// positions, oggdec and ffmpeg each keep a different number of leading
// samples; this package keeps what the granule positions say.)
//
// The setup header is checked before the packet decoder reads it (bounded
// codebook sizes, no empty codebooks, lengths within 32 bits), and floors
// without partitions (libvorbis writes them for the LFE channel of 5.1)
// are given a dummy class that github.com/jfreymuth/vorbis otherwise
// misreads; codebooks whose lookup-table size that decoder computes
// wrongly in floating point are refused with codec.ErrUnsupported.
// Channels come out in WAV order (FL FR FC LFE BL BR SL SR).
//
// Seeking is sample-exact: a bisection on granule positions finds the last
// page at or before the target; decoding restarts with that page's last
// packet, decoded only to prime the overlap (a Vorbis packet depends on
// no other state than the previous packet's right half), so the samples
// from that page's granule position on are bit-identical to a decode from
// the start; the samples before the target are dropped.
//
// Packets is the codec's packet decoder alone, shared with other
// containers (Matroska).
package vorbis
