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
// samples its packets decode to, so streams that start late or whose
// first packets are trimmed come out as libvorbis gives them).
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
